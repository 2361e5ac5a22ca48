//! Issue #6: a session that ends while the officer works (ended from another device, as an
//! expired or revoked one would) costs nothing. The app keeps working, keeps every change,
//! asks for the password only to sync, and sends everything once the officer logs in
//! again. A venue with a script payload is shown back as plain text.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::app::{self, ActivityForm};
use gugus_e2e::sync::Api;
use gugus_e2e::{poll, Browser, Worker};
use serde_json::Value;
use std::time::Duration;

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");
const PAYLOAD: &str = "<img src=x onerror=alert(1)> Balai '; DROP TABLE records; --";

const FIRST: ActivityForm = ActivityForm {
    kind: "outreach",
    date: "2026-09-04",
    kecamatan: "33.03.01",
    desa: "33.03.01.2001",
    venue: PAYLOAD,
    audience: &["prospective_migrants"],
    participants: [12, 8, 0, 0],
};

const SECOND: ActivityForm = ActivityForm {
    kind: "training",
    date: "2026-09-06",
    kecamatan: "33.03.02",
    desa: "33.03.02.2002",
    venue: "SMP Negeri 1 Bukateja",
    audience: &["students"],
    participants: [20, 15, 0, 0],
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_session_loses_nothing_and_asks_for_the_password_only_to_sync() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    Browser::start()
        .await?
        .run("expired-session-officer", async |phone| {
            journey(phone, &worker).await
        })
        .await
}

async fn journey(phone: &Browser, worker: &Worker) -> Result<()> {
    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, OFFICER.0, OFFICER.1).await?;
    // Online, the save syncs at once: wait for the line and for its badge to go.
    app::fill_activity(phone, &FIRST).await?;
    phone.click("#activity-save").await?;
    phone
        .wait_for_count("#activity-list li.activity-item", 1)
        .await?;
    poll("the first activity to sync", || async {
        let waiting = phone.count("#activity-list .badge.pending").await?;
        Ok((waiting == 0 && app::pending(phone).await? == Some(0)).then_some(()))
    })
    .await?;

    // The same officer, on another device, ends the phone's session.
    let api = Api::new(&worker.api_url(), Duration::from_secs(30))?;
    let laptop = api.login(OFFICER.0, OFFICER.1).await?;
    end_other_sessions(&worker.api_url(), &laptop.token).await?;

    // The phone works on: the change is kept, the sync says why it cannot send it.
    app::record_activity(phone, &SECOND).await?;
    phone.click("#sync-now").await?;
    phone
        .wait_for("#sync-relogin")
        .await
        .context("the sync indicator asks to log in again")?;
    ensure!(app::pending(phone).await? == Some(1), "the change waits");

    // A reload keeps the app open on the phone's own session copy, with both records.
    app::reload_and_unlock(phone, OFFICER.1).await?;
    phone.wait_for("#current-user").await?;
    phone.click("#nav-activities").await?;
    phone
        .wait_for_count("#activity-list li.activity-item", 2)
        .await?;
    ensure!(
        app::pending(phone).await? == Some(1),
        "still waiting after a reload"
    );

    // The payload is plain text in the list: shown as typed, no element made of it.
    // Newest first: the first activity is the last line.
    let venue = phone
        .text("#activity-list li.activity-item:last-child .item-venue")
        .await?;
    ensure!(
        venue.contains("<img src=x onerror=alert(1)>"),
        "shown as typed: {venue:?}"
    );
    ensure!(
        phone.count("#activity-list img").await? == 0,
        "no element from the payload"
    );

    // Logging in again sends what waited.
    phone.click("#sync-now").await?;
    phone.wait_for("#sync-relogin").await?;
    phone.click("#sync-relogin").await?;
    app::log_in(phone, OFFICER.0, OFFICER.1).await?;
    app::wait_for_pending(phone, 0)
        .await
        .context("the waiting change syncs after logging in again")?;

    let desk = api.login(SUPERVISOR.0, SUPERVISOR.1).await?;
    let records = api.pull_all(&desk, 100).await?;
    let venues: Vec<&str> = records
        .iter()
        .filter_map(|r| r["fields"]["venue"].as_str())
        .collect();
    ensure!(
        venues.len() == 2,
        "both activities on the server: {venues:?}"
    );
    ensure!(
        venues.contains(&PAYLOAD),
        "stored exactly as typed: {venues:?}"
    );
    Ok(())
}

/// Ends every session of the caller except the one making the request.
async fn end_other_sessions(api_url: &str, token: &str) -> Result<()> {
    let client = reqwest_native::Client::new();
    let list: Value = client
        .get(format!("{api_url}/sessions"))
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    let sessions = list["sessions"].as_array().context("sessions")?;
    ensure!(sessions.len() == 2, "the phone's and the laptop's: {list}");
    for session in sessions.iter().filter(|s| s["current"] == false) {
        let id = session["id"].as_str().context("a session id")?;
        let answer = client
            .post(format!("{api_url}/sessions/{id}/end"))
            .bearer_auth(token)
            .send()
            .await?;
        ensure!(
            answer.status().as_u16() == 204,
            "ending {id}: {}",
            answer.status()
        );
    }
    Ok(())
}
