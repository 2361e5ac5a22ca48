//! Issue #18, the task force's recovery key: an admin makes it once on the accounts page;
//! its code is shown once, printed, and leaves the screen when the public half is saved;
//! the server keeps the public half only, and the page then says the key exists.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::app;
use gugus_e2e::sync::Api;
use gugus_e2e::{Browser, Worker};
use gugus_model::e2e::parse_recovery_code;
use reqwest_native::StatusCode;
use serde_json::Value;
use std::time::Duration;

const ADMIN: (&str, &str) = ("admin1", "sandi-admin-satu");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_makes_the_recovery_key_once_and_its_code_is_shown_once() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(ADMIN.0, "Admin Gugus", "admin", ADMIN.1)?;
    Browser::start()
        .await?
        .run("recovery-key", async |phone| journey(phone, &worker).await)
        .await
}

async fn journey(phone: &Browser, worker: &Worker) -> Result<()> {
    let api = Api::new(&worker.api_url(), Duration::from_secs(30))?;
    let admin = api.login(ADMIN.0, ADMIN.1).await?;
    let (status, _) = api.get_text("/keys/recovery", &admin.token).await?;
    ensure!(status == StatusCode::NOT_FOUND, "no recovery key yet");

    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, ADMIN.0, ADMIN.1).await?;
    phone.click("#nav-admin").await?;
    phone.click("#recovery-make").await?;
    phone.wait_for("#recovery-code").await?;
    let code = phone.text("#recovery-code").await?;
    let secret = parse_recovery_code(&code).context("the code on screen reads back")?;
    ensure!(secret.iter().any(|b| *b != 0), "a random secret");
    let disabled = phone
        .execute(
            "return document.getElementById('recovery-save').disabled;",
            vec![],
        )
        .await?;
    ensure!(
        disabled == Value::Bool(true),
        "saving waits until the admin says the code is printed"
    );
    let (status, _) = api.get_text("/keys/recovery", &admin.token).await?;
    ensure!(status == StatusCode::NOT_FOUND, "nothing is saved before");

    phone.click("#recovery-confirm").await?;
    phone.click("#recovery-save").await?;
    phone.wait_for("#recovery-made").await?;
    ensure!(
        phone.count("#recovery-code").await? == 0,
        "the code leaves the screen once saved"
    );
    let (status, body) = api.get_text("/keys/recovery", &admin.token).await?;
    ensure!(status == StatusCode::OK, "{status} {body}");
    let saved: Value = serde_json::from_str(&body)?;
    let public = saved["public"].as_str().context("public")?;
    ensure!(public.len() == 130 && public.starts_with("04"), "{public}");
    let squeezed: String = code.chars().filter(|c| *c != '-').collect();
    ensure!(
        !body.to_uppercase().contains(&squeezed),
        "the server never holds the code"
    );

    // Opened again, the page says the key exists and offers no second one.
    app::reopen(phone, ADMIN.1).await?;
    phone.click("#nav-admin").await?;
    phone.wait_for("#recovery-made").await?;
    ensure!(phone.count("#recovery-make").await? == 0);
    Ok(())
}
