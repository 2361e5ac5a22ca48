//! Issue #18, the accounts' key pairs: the app makes an officer's key pair at the first
//! login and sends it (the public key, the private key locked under the password at
//! 600,000 PBKDF2 iterations); a viewer, who reads no identities, gets none; after an
//! admin resets the officer's password, the next login replaces the stale pair.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::app;
use gugus_e2e::sync::Api;
use gugus_e2e::{poll, Browser, Worker};
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const NEW_PASSWORD: &str = "gembok-baru-kantor";
const VIEWER: (&str, &str) = ("bupati", "sandi-bupati-satu");
const ADMIN: (&str, &str) = ("admin1", "sandi-admin-satu");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officers_key_pair_is_made_at_login_and_replaced_after_a_reset() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(VIEWER.0, "Bupati", "viewer", VIEWER.1)?;
    worker.add_user(ADMIN.0, "Admin", "admin", ADMIN.1)?;
    Browser::start()
        .await?
        .run("account-keys", async |phone| journey(phone, &worker).await)
        .await
}

/// The caller's key pair as the server holds it (`None` before the first).
async fn own_keys(api: &Api, token: &str) -> Result<Option<Value>> {
    let (status, body) = api.get_text("/keys/me", token).await?;
    match status {
        StatusCode::NOT_FOUND => Ok(None),
        StatusCode::OK => Ok(Some(serde_json::from_str(&body)?)),
        other => anyhow::bail!("GET /keys/me: {other} {body}"),
    }
}

async fn journey(phone: &Browser, worker: &Worker) -> Result<()> {
    let api = Api::new(&worker.api_url(), Duration::from_secs(30))?;
    phone.goto(&worker.base_url()).await?;

    // A viewer logs in first and out again: no key pair for a role that reads no identity.
    app::log_in(phone, VIEWER.0, VIEWER.1).await?;
    phone.click("#logout").await?;
    phone.click("#logout-discard").await?;
    phone.wait_for("#login-form").await?;

    app::log_in(phone, OFFICER.0, OFFICER.1).await?;
    let officer = api.login(OFFICER.0, OFFICER.1).await?;
    let first = poll("the officer's key pair on the server", || async {
        own_keys(&api, &officer.token).await
    })
    .await?;
    ensure!(first["stale"] == json!(false), "{first}");
    let keys = &first["keys"];
    let public = keys["public"].as_str().context("public key")?;
    ensure!(
        public.len() == 130 && public.starts_with("04"),
        "an uncompressed P-256 key: {public}"
    );
    ensure!(keys["private"]["iterations"] == json!(600_000), "{keys}");
    let text = keys.to_string();
    ensure!(
        !text.contains(OFFICER.1),
        "the password is not in what the server keeps"
    );
    let viewer = api.login(VIEWER.0, VIEWER.1).await?;
    ensure!(
        own_keys(&api, &viewer.token).await?.is_none(),
        "a viewer gets no key pair"
    );

    // The officer logs in again: the live pair is kept, not replaced.
    phone.click("#logout").await?;
    phone.click("#logout-discard").await?;
    phone.wait_for("#login-form").await?;
    app::log_in(phone, OFFICER.0, OFFICER.1).await?;
    app::wait_for_pending(phone, 0).await?;

    // An admin resets the password: the pair is stale until the next login replaces it.
    let admin = api.login(ADMIN.0, ADMIN.1).await?;
    let me = api.get_text("/me", &officer.token).await?;
    let id: Value = serde_json::from_str(&me.1)?;
    let id = id["id"].as_str().context("officer id")?;
    let reset = api
        .post(
            &format!("/users/{id}/password"),
            Some(&admin.token),
            serde_json::to_vec(&json!({"password": NEW_PASSWORD}))?,
        )
        .await?;
    ensure!(reset.status == StatusCode::NO_CONTENT, "{}", reset.body);
    let again = api.login(OFFICER.0, NEW_PASSWORD).await?;
    let stale = own_keys(&api, &again.token).await?.context("keys")?;
    ensure!(stale["stale"] == json!(true), "{stale}");
    ensure!(
        stale["keys"] == first["keys"],
        "the same pair until replaced"
    );

    // The phone's session ended with the reset: the officer unlocks the phone's data
    // with the old password, logs out and in with the new one.
    phone.reload().await?;
    app::unlock(phone, OFFICER.1).await?;
    phone.click("#logout").await?;
    phone.click("#logout-discard").await?;
    phone.wait_for("#login-form").await?;
    app::log_in(phone, OFFICER.0, NEW_PASSWORD).await?;
    let replaced = poll("a new key pair after the reset", || async {
        let keys = own_keys(&api, &again.token).await?;
        Ok(keys.filter(|k| k["stale"] == json!(false)))
    })
    .await?;
    ensure!(
        replaced["keys"]["public"] != first["keys"]["public"],
        "a new pair: {replaced}"
    );
    Ok(())
}
