//! Issue #16 item 1, at 360x640: "Keluar" always asks first, in words that say the
//! phone's data will be removed; without signal it says that logging in again needs one
//! and offers to lock instead, which keeps everything and opens again offline with the
//! password; the dialog has an accessible name, the safe choice has the focus, and both
//! buttons meet WCAG AA contrast.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::app::{self, ActivityForm};
use gugus_e2e::{Browser, Worker};

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");

/// The activity recorded without signal, on `date`.
fn offline_work(date: &str) -> ActivityForm<'_> {
    ActivityForm {
        kind: "outreach",
        date,
        kecamatan: "33.03.01",
        desa: "33.03.01.2001",
        venue: "Balai Desa Kedungbenda",
        audience: &["prospective_migrants"],
        participants: [10, 4, 0, 0],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_asks_first_and_offline_offers_the_lock_instead() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    Browser::start_phone()
        .await?
        .run("logout", async |phone| journey(phone, &worker).await)
        .await
}

async fn journey(phone: &Browser, worker: &Worker) -> Result<()> {
    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, OFFICER.0, OFFICER.1).await?;

    // Online, nothing unsent: it still asks, and says what logging out removes.
    phone.click("#logout").await?;
    phone.wait_for("#logout-confirm").await?;
    check_dialog(phone).await?;
    let what = phone.text("#logout-what").await?;
    ensure!(
        what.contains("data Gugus di HP ini akan dihapus"),
        "it says the phone's data will be removed: {what:?}"
    );
    ensure!(
        phone.count("#logout-offline").await? == 0 && phone.count("#logout-lock").await? == 0,
        "online, no word about signal and no lock offered"
    );
    phone.click("#logout-cancel").await?;
    phone.wait_for_count("#logout-confirm", 0).await?;
    ensure!(phone.count("#current-user").await? == 1, "still logged in");

    // No signal, a change waiting: the dialog warns of both and offers the lock.
    phone.set_offline(true).await?;
    let two_days_ago = app::days_ago(phone, 2).await?;
    let offline_work = offline_work(&two_days_ago);
    app::record_activity(phone, &offline_work).await?;
    app::wait_for_pending(phone, 1).await?;
    phone.click("#logout").await?;
    phone.wait_for("#logout-offline").await?;
    check_dialog(phone).await?;
    let offline = phone.text("#logout-offline").await?;
    ensure!(
        offline.contains("perlu sinyal") && offline.contains("Kunci"),
        "it says logging in again needs signal and offers the lock: {offline:?}"
    );
    ensure!(
        phone.text("#logout-warning").await?.contains("1 perubahan"),
        "the unsent change is named"
    );
    phone.save_screenshot("logout-offline").await?;

    // Locking instead keeps everything, and the password opens it again without signal.
    phone.click("#logout-lock").await?;
    phone.wait_for("#unlock-form").await?;
    ensure!(
        phone.count("#logout-confirm").await? == 0,
        "the dialog closed"
    );
    app::unlock(phone, OFFICER.1).await?;
    ensure!(
        app::pending(phone).await? == Some(1),
        "the unsent change is still there"
    );
    phone.click("#nav-activities").await?;
    phone
        .wait_for_count("#activity-list li.activity-item", 1)
        .await?;

    // Back in signal, it syncs; logging out then removes the phone's data.
    phone.set_offline(false).await?;
    phone.click("#sync-now").await?;
    app::wait_for_pending(phone, 0).await?;
    phone.click("#logout").await?;
    phone.wait_for("#logout-confirm").await?;
    ensure!(
        phone.text("#logout-discard").await? == "Hapus data dan keluar",
        "the confirming button says what it does"
    );
    phone.click("#logout-discard").await?;
    phone.wait_for("#login-form").await?;
    let dump = app::dump_indexed_db(phone).await?;
    ensure!(
        !dump.contains(offline_work.venue),
        "the activity is gone from the phone"
    );
    Ok(())
}

/// The dialog is named by its heading, the safe choice has the focus, and every button
/// in it meets WCAG AA contrast (4.5:1) against what is behind it.
async fn check_dialog(phone: &Browser) -> Result<()> {
    let script = r#"
        const dialog = document.querySelector('#logout-confirm');
        const named = document.getElementById(dialog.getAttribute('aria-labelledby') || '');
        const rgb = text => text.match(/[\d.]+/g).slice(0, 4).map(Number);
        const lum = ([r, g, b]) => {
            const c = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
            return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
        };
        const background = element => {
            for (let e = element; e; e = e.parentElement) {
                const c = rgb(getComputedStyle(e).backgroundColor);
                if (c.length < 4 || c[3] > 0) return c;
            }
            return [255, 255, 255];
        };
        const buttons = [...dialog.querySelectorAll('button')].map(b => {
            const [f, k] = [lum(rgb(getComputedStyle(b).color)), lum(background(b))];
            const ratio = (Math.max(f, k) + 0.05) / (Math.min(f, k) + 0.05);
            const box = b.getBoundingClientRect();
            return { id: b.id, ratio, height: box.height, bottom: box.bottom };
        });
        return {
            role: dialog.getAttribute('role'),
            name: named ? named.textContent.trim() : '',
            focused: document.activeElement && document.activeElement.id,
            buttons,
            viewport: window.innerHeight,
        };
    "#;
    let found = phone.execute(script, Vec::new()).await?;
    ensure!(found["role"] == "alertdialog", "an alert dialog: {found}");
    ensure!(
        found["name"] == "Keluar dari Gugus?",
        "named by its heading: {found}"
    );
    ensure!(
        found["focused"] == "logout-cancel",
        "the safe choice has the focus: {found}"
    );
    let viewport = found["viewport"].as_f64().context("viewport")?;
    for button in found["buttons"].as_array().context("buttons")? {
        let ratio = button["ratio"].as_f64().context("ratio")?;
        ensure!(ratio >= 4.5, "contrast of {}: {ratio:.2}:1", button["id"]);
        ensure!(
            button["height"].as_f64().unwrap_or(0.0) >= 44.0,
            "a large touch target: {button}"
        );
        ensure!(
            button["bottom"].as_f64().unwrap_or(f64::MAX) <= viewport,
            "on the screen without scrolling ({viewport} px high): {button}"
        );
    }
    Ok(())
}
