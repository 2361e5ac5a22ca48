//! Issue #6 end to end: an admin manages an officer's account on a phone (create,
//! deactivate, new password, activate) and assigns the officer to a case, the worker
//! enforces each step at once, and a supervisor on another device reads the account
//! changes in the audit trail and filters it by user.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::sync::{push_body, Api};
use gugus_e2e::{app, poll, Browser, Worker};
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use uuid::Uuid;

const ADMIN: (&str, &str) = ("admin1", "sandi-admin-satu");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");
/// The officer the admin makes, its first password and the one the admin sets later.
const OFFICER: &str = "petugas2";
const FIRST_PASSWORD: &str = "sandi-awal-2";
const NEW_PASSWORD: &str = "sandi-baru-22";

fn account_row(username: &str) -> String {
    format!("#account-list li.account-item[data-username=\"{username}\"]")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_manages_an_officer_and_the_supervisor_reads_the_audit_trail() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(ADMIN.0, "Admin Gugus", "admin", ADMIN.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    let api = Api::new(&worker.api_url(), Duration::from_secs(30))?;

    // A case the supervisor recorded on its own device, already on the server.
    let case_id = push_case(&api).await?;

    let admin = Browser::start()
        .await?
        .run("admin-and-audit-admin", async |phone| {
            admin_journey(phone, &worker, &api, case_id).await
        })
        .await;
    admin?;

    Browser::start()
        .await?
        .run("admin-and-audit-supervisor", async |desk| {
            supervisor_journey(desk, &worker.base_url()).await
        })
        .await
}

/// The supervisor pushes one case over HTTP; answers its id.
async fn push_case(api: &Api) -> Result<Uuid> {
    let device = api.login(SUPERVISOR.0, SUPERVISOR.1).await?;
    let case_id = Uuid::now_v7();
    let mutation = json!({
        "id": 1, "kind": "case", "record_id": case_id, "op": "upsert", "base_version": 0,
        "at": "2025-08-04T03:20:00Z",
        "fields": {
            "date_reported": "2025-08-04", "source": "hotline", "status": "reported",
            "kecamatan": "33.03.01", "modus": "fake_job_offer",
        },
    });
    let answer = api
        .push(&device, push_body(device.device_id, &[mutation]))
        .await?;
    ensure!(
        answer.status == StatusCode::OK && answer.body["results"][0]["status"] == "applied",
        "the supervisor's case push: {} {}",
        answer.status,
        answer.body
    );
    Ok(case_id)
}

/// `GET /api/v1/me` with `token`: its status.
async fn me_status(worker: &Worker, token: &str) -> Result<StatusCode> {
    let answer = reqwest_native::Client::new()
        .get(format!("{}/me", worker.api_url()))
        .bearer_auth(token)
        .send()
        .await?;
    Ok(answer.status())
}

/// A login's status, without keeping the token.
async fn login_status(api: &Api, username: &str, password: &str) -> Result<StatusCode> {
    let body = json!({"username": username, "password": password, "device_id": Uuid::now_v7()});
    Ok(api
        .post("/login", None, serde_json::to_vec(&body)?)
        .await?
        .status)
}

async fn admin_journey(phone: &Browser, worker: &Worker, api: &Api, case_id: Uuid) -> Result<()> {
    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, ADMIN.0, ADMIN.1).await?;
    phone.click("#nav-admin").await?;
    phone.wait_for(&account_row(ADMIN.0)).await?;
    let own_deactivate = format!("{} button.account-deactivate", account_row(ADMIN.0));
    ensure!(
        phone.count(&own_deactivate).await? == 0,
        "an admin is not offered to deactivate their own account"
    );

    // Without signal the form says so and keeps what was typed.
    phone
        .fill("#account-form input[name=username]", OFFICER)
        .await?;
    phone
        .fill("#account-form input[name=name]", "Sari Petugas")
        .await?;
    phone
        .select("#account-form select[name=role]", "officer")
        .await?;
    phone
        .select("#account-form select[name=agency]", "dinsos")
        .await?;
    phone
        .fill("#account-form input[name=password]", FIRST_PASSWORD)
        .await?;
    phone.set_offline(true).await?;
    phone.click("#account-create").await?;
    let offline = phone.text("#account-form-error").await?;
    ensure!(
        offline == "Butuh koneksi internet untuk mengelola akun.",
        "offline, the form should say it needs the internet; says {offline:?}"
    );
    let kept = phone
        .execute(
            "return document.querySelector('#account-form input[name=username]').value;",
            vec![],
        )
        .await?;
    ensure!(
        kept == json!(OFFICER),
        "the typed username should stay; the field holds {kept}"
    );
    phone.set_offline(false).await?;

    // Online: the account is made and listed, active, as an officer.
    phone.click("#account-create").await?;
    phone.wait_for("#account-form-done").await?;
    let row = account_row(OFFICER);
    phone
        .wait_for(&format!("{row}[data-active=\"true\"]"))
        .await
        .context("the new officer in the list")?;
    ensure!(phone.text(&format!("{row} .account-role")).await? == "Petugas");
    ensure!(phone.text(&format!("{row} .account-name")).await? == "Sari Petugas");
    let officer_id = phone
        .attr(&row, "data-id")
        .await?
        .context("the row's data-id")?;

    // The officer logs in on its phone (over HTTP here); deactivating ends that session.
    let officer = api.login(OFFICER, FIRST_PASSWORD).await?;
    ensure!(me_status(worker, &officer.token).await? == StatusCode::OK);
    phone
        .click(&format!("{row} button.account-deactivate"))
        .await?;
    let question = phone.text(&format!("{row} .confirm p")).await?;
    ensure!(
        question == "Nonaktifkan akun ini? Semua sesi login-nya akan langsung berakhir.",
        "the confirm step asks {question:?}"
    );
    phone
        .click(&format!("{row} button.account-deactivate-confirm"))
        .await?;
    phone
        .wait_for(&format!("{row}[data-active=\"false\"]"))
        .await
        .context("the officer shown inactive")?;
    ensure!(phone.text(&format!("{row} .account-state")).await? == "Nonaktif");
    let after = me_status(worker, &officer.token).await?;
    ensure!(
        after == StatusCode::UNAUTHORIZED,
        "the deactivated officer's token answers {after}"
    );

    // A new password, then the account active again: only the new password works.
    phone.click(&format!("{row} button.account-reset")).await?;
    phone
        .fill(&format!("{row} input[name=new_password]"), NEW_PASSWORD)
        .await?;
    phone
        .click(&format!("{row} button.account-password-save"))
        .await?;
    phone.wait_for(&format!("{row} .account-done")).await?;
    phone
        .click(&format!("{row} button.account-activate"))
        .await?;
    phone
        .wait_for(&format!("{row}[data-active=\"true\"]"))
        .await
        .context("the officer shown active again")?;
    ensure!(login_status(api, OFFICER, FIRST_PASSWORD).await? == StatusCode::UNAUTHORIZED);
    let officer = api.login(OFFICER, NEW_PASSWORD).await?;
    ensure!(me_status(worker, &officer.token).await? == StatusCode::OK);

    assign_case(phone, api, case_id, &officer_id).await
}

/// The admin ticks the officer on the case offline; once synced, the officer's pull
/// brings it.
async fn assign_case(phone: &Browser, api: &Api, case_id: Uuid, officer_id: &str) -> Result<()> {
    let officer = api.login(OFFICER, NEW_PASSWORD).await?;
    let before = api.pull_all(&officer, 100).await?;
    ensure!(
        !before.iter().any(|r| r["id"] == json!(case_id)),
        "the officer should not see the case before it is assigned"
    );
    phone.click("#nav-assign").await?;
    let item = format!("#case-assign-list li.case-item[data-id=\"{case_id}\"]");
    phone
        .wait_for(&item)
        .await
        .context("the case on #/penugasan")?;
    let place = phone.text(&format!("{item} .item-place")).await?;
    ensure!(place == "Kemangkon", "the case's kecamatan shows {place:?}");
    // Ticked without signal: saved on the phone, shown as not sent yet.
    phone.set_offline(true).await?;
    phone
        .check(&format!(
            "{item} input[name=officer][value=\"{officer_id}\"]"
        ))
        .await?;
    app::wait_for_pending(phone, 1).await?;
    phone.wait_for(&format!("{item} .badge.pending")).await?;
    // The signal returns and the change is sent like any other.
    phone.set_offline(false).await?;
    phone.click("#sync-now").await?;
    app::wait_for_pending(phone, 0).await?;
    let assigned = poll("the officer's pull to bring the case", || async {
        let records: Vec<Value> = api.pull_all(&officer, 100).await?;
        Ok(records.into_iter().find(|r| r["id"] == json!(case_id)))
    })
    .await?;
    ensure!(
        assigned["fields"]["assigned_officers"] == json!([officer_id]),
        "the pulled case: {assigned}"
    );
    Ok(())
}

/// Every `.audit-change` text in the list.
async fn audit_changes(desk: &Browser) -> Result<Vec<String>> {
    let script = "return [...document.querySelectorAll('#audit-list li.audit-entry .audit-change')]
        .map(e => e.textContent.trim());";
    Ok(serde_json::from_value(desk.execute(script, vec![]).await?)?)
}

/// Every `.audit-user` text in the list.
async fn audit_users(desk: &Browser) -> Result<Vec<String>> {
    let script = "return [...document.querySelectorAll('#audit-list li.audit-entry .audit-user')]
        .map(e => e.textContent.trim());";
    let users = desk.execute(script, vec![]).await?;
    Ok(serde_json::from_value(users)?)
}

async fn supervisor_journey(desk: &Browser, base_url: &str) -> Result<()> {
    desk.goto(base_url).await?;
    app::log_in(desk, SUPERVISOR.0, SUPERVISOR.1).await?;
    ensure!(
        desk.count("#nav-admin").await? == 0,
        "a supervisor's nav has no accounts page"
    );
    desk.click("#nav-audit").await?;
    // Made, deactivated, new password, activated: the admin's four account changes, each
    // naming the account (the command line's `user add` writes one for each account it
    // makes, too).
    let expected = [
        "Akun dibuat: petugas2",
        "Akun dinonaktifkan: petugas2",
        "Kata sandi diatur ulang oleh admin: petugas2",
        "Akun diaktifkan: petugas2",
    ];
    let shown = poll("the admin's account changes in #audit-list", || async {
        let changes = audit_changes(desk).await?;
        Ok(expected
            .iter()
            .all(|e| changes.iter().any(|c| c == e))
            .then_some(changes))
    })
    .await;
    if let Err(error) = shown {
        let shown = audit_changes(desk).await?;
        return Err(error.context(format!("the trail shows {shown:?}")));
    }
    let action = desk
        .text("#audit-list li.audit-entry[data-action=account] .audit-action")
        .await?;
    ensure!(
        action == "Mengubah akun",
        "an account change reads {action:?}"
    );

    // Filtered by user: only that user's entries.
    for (user, action) in [(ADMIN.0, "account"), (SUPERVISOR.0, "mutation")] {
        desk.fill("input[name=user]", user).await?;
        desk.click("#audit-load").await?;
        let users = poll(&format!("the trail filtered to {user}"), || async {
            let users = audit_users(desk).await?;
            Ok((!users.is_empty() && users.iter().all(|u| u == user)).then_some(users))
        })
        .await?;
        let selector = format!("#audit-list li.audit-entry[data-action={action}]");
        ensure!(
            desk.count(&selector).await? > 0,
            "{user}'s entries ({users:?}) should include a {action}"
        );
    }
    let changes = audit_changes(desk).await?;
    ensure!(
        !changes.iter().any(|c| c == "Akun dinonaktifkan"),
        "the supervisor's own entries should not hold the admin's changes: {changes:?}"
    );
    Ok(())
}
