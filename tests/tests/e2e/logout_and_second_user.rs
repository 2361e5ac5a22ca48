//! Issue #4 item 3, end to end on one phone: the app locks on demand and opens only with
//! the officer's password; logging out with a change not sent warns, and cancelling keeps
//! everything; confirming wipes the phone's database; the next officer to log in on the
//! same phone sees nothing of the first one's (neither on screen nor in IndexedDB).
#![forbid(unsafe_code)]

use anyhow::{ensure, Result};
use gugus_e2e::app::{self, ActivityForm};
use gugus_e2e::{Browser, Worker};

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const NEXT_OFFICER: (&str, &str) = ("petugas2", "kunci-sepeda-kedua");
const SUMMARY: &str = "Ditawari kerja di pabrik Malaysia lewat media sosial.";

/// The change that is never sent.
const UNSENT: ActivityForm = ActivityForm {
    kind: "outreach",
    date: "2026-11-20",
    kecamatan: "33.03.01",
    desa: "33.03.01.2001",
    venue: "Balai Desa Kedungbenda",
    audience: &["prospective_migrants"],
    participants: [10, 4, 0, 0],
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_warns_then_wipes_and_the_next_officer_sees_nothing() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(NEXT_OFFICER.0, "Petugas Dua", "officer", NEXT_OFFICER.1)?;

    Browser::start()
        .await?
        .run("logout-and-second-user", async |phone| {
            journey(phone, &worker).await
        })
        .await
}

async fn journey(phone: &Browser, worker: &Worker) -> Result<()> {
    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, OFFICER.0, OFFICER.1).await?;

    // Locked on demand: a wrong password is refused, the right one opens.
    phone.click("#lock-now").await?;
    phone.wait_for("#unlock-form").await?;
    ensure!(
        phone.count("nav.nav").await? == 0,
        "no navigation while locked"
    );
    phone.fill("#unlock-password", "bukan-sandinya").await?;
    phone.click("#unlock-submit").await?;
    phone.wait_for("#unlock-error").await?;
    app::unlock(phone, OFFICER.1).await?;

    // A case that reaches the server.
    phone.click("#nav-cases").await?;
    phone.click("#case-new").await?;
    phone.wait_for("#case-form").await?;
    phone.select("select[name=source]", "police").await?;
    phone.select("select[name=kecamatan]", "33.03.08").await?;
    phone.select("select[name=modus]", "fake_job_offer").await?;
    phone
        .check("input[name=exploitation][value=forced_labour]")
        .await?;
    phone.fill("textarea[name=summary]", SUMMARY).await?;
    phone.click("#case-form-save").await?;
    phone.wait_for("#case-detail").await?;
    phone.click("#sync-now").await?;
    app::wait_for_pending(phone, 0).await?;

    // An activity that does not: no signal.
    phone.set_offline(true).await?;
    app::record_activity(phone, &UNSENT).await?;
    app::wait_for_pending(phone, 1).await?;

    // Logging out warns, and cancelling keeps everything.
    phone.click("#logout").await?;
    let warning = phone.text("#logout-warning").await?;
    ensure!(
        warning.contains("1 perubahan") && warning.contains("HILANG"),
        "the warning says what is lost: {warning:?}"
    );
    phone.click("#logout-cancel").await?;
    phone.wait_for_count("#logout-confirm", 0).await?;
    ensure!(
        app::pending(phone).await? == Some(1),
        "the change still waits"
    );
    phone.click("#nav-activities").await?;
    phone
        .wait_for_count("#activity-list li.activity-item", 1)
        .await?;

    // Confirming wipes the phone.
    phone.click("#logout").await?;
    phone.click("#logout-discard").await?;
    phone.wait_for("#login-form").await?;
    let dump = app::dump_indexed_db(phone).await?;
    for trace in [UNSENT.venue, SUMMARY, "Petugas Satu", OFFICER.0] {
        ensure!(!dump.contains(trace), "{trace:?} is still on the phone");
    }

    // The next officer on the same phone sees none of it.
    phone.set_offline(false).await?;
    app::log_in(phone, NEXT_OFFICER.0, NEXT_OFFICER.1).await?;
    phone.click("#sync-now").await?;
    app::wait_for_pending(phone, 0).await?;
    phone.click("#nav-cases").await?;
    phone.wait_for("#case-list-empty").await?;
    phone.click("#nav-activities").await?;
    phone
        .wait_for_count("#activity-list li.activity-item", 0)
        .await?;
    let dump = app::dump_indexed_db(phone).await?;
    for trace in [UNSENT.venue, SUMMARY, "Petugas Satu"] {
        ensure!(!dump.contains(trace), "{trace:?} reached the next officer");
    }
    Ok(())
}
