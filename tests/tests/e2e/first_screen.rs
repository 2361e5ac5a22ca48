//! Issue #16 items 5 and 6, at 360x640, with an officer's generated caseload: the frame
//! (top bar, sync line and the bottom bar of pages) takes at most 30 % of the screen
//! online and offline, so the case list shows cases on its first screen; the home page
//! puts the officer's conflicts and refused changes first, and the late services by case,
//! one line each with a count, opening to the services.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::app;
use gugus_e2e::{Browser, Worker};
use serde_json::Value;

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");
/// The most of a 640 px screen the frame may take.
const FRAME_MAX_PX: f64 = 0.3 * 640.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_frame_leaves_the_screen_to_the_page_and_home_puts_own_work_first() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    // Thirty cases over the four months that ended a month ago, each assigned to the
    // officer: their services still waiting are overdue whatever the date.
    let until = app::days_before_today(30);
    worker.generate(&[
        "--as",
        SUPERVISOR.0,
        "--assign",
        OFFICER.0,
        "--seed",
        "7",
        "--cases",
        "30",
        "--activities",
        "5",
        "--months",
        "4",
        "--until",
        &until,
    ])?;
    Browser::start_phone()
        .await?
        .run("first-screen", async |phone| journey(phone, &worker).await)
        .await
}

async fn journey(phone: &Browser, worker: &Worker) -> Result<()> {
    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, OFFICER.0, OFFICER.1).await?;
    phone.click("#sync-now").await?;
    phone.wait_for("#sync-status[data-state=idle]").await?;

    // Online: the case list's first case is on the first screen.
    phone.click("#nav-cases").await?;
    phone.wait_for("#case-list li.case-item").await?;
    check_frame(phone, "online").await?;
    phone.save_screenshot("first-screen-online").await?;

    // Offline, with a change waiting: still.
    phone.set_offline(true).await?;
    phone.wait_for("#sync-status[data-state=offline]").await?;
    app::record_activity(
        phone,
        &app::ActivityForm {
            kind: "outreach",
            date: "2026-11-20",
            kecamatan: "33.03.01",
            desa: "33.03.01.2001",
            venue: "Balai Desa Kedungbenda",
            audience: &["prospective_migrants"],
            participants: [10, 4, 0, 0],
        },
    )
    .await?;
    phone.click("#nav-cases").await?;
    phone.wait_for("#case-list li.case-item").await?;
    check_frame(phone, "offline").await?;
    phone.save_screenshot("first-screen-offline").await?;

    // Home: the officer's own work first, then what waits, then the late services by case.
    phone.click("#nav-home").await?;
    phone.wait_for("#home-overdue li.overdue-case").await?;
    let order = phone
        .execute(
            "return [...document.querySelectorAll('.home > section')].map(s => s.id);",
            vec![],
        )
        .await?;
    ensure!(
        order
            == serde_json::json!([
                "home-conflicts",
                "home-rejected",
                "home-sync",
                "home-overdue",
                "home-referrals-declined",
                "home-referrals-unanswered"
            ]),
        "conflicts and refusals first: {order}"
    );
    let safe = phone.text("#home-offline-safe").await?;
    ensure!(
        safe.contains("aman"),
        "offline, the waiting change is said to be safe: {safe:?}"
    );
    let cases = phone
        .execute(
            "return [...document.querySelectorAll('#home-overdue li.overdue-case')].map(c => ({
                count: Number(c.dataset.count),
                services: c.querySelectorAll('li.overdue-item').length,
                open: c.querySelector('details').open,
                line: c.querySelector('summary').textContent,
                top: c.getBoundingClientRect().top,
            }));",
            vec![],
        )
        .await?;
    let cases = cases.as_array().context("the late cases")?;
    ensure!(
        cases.len() > 1,
        "several cases have late services: {cases:?}"
    );
    let services: u64 = cases.iter().filter_map(|c| c["services"].as_u64()).sum();
    ensure!(
        services > cases.len() as u64,
        "some case has more than one late service: {cases:?}"
    );
    for case in cases {
        ensure!(
            case["count"] == case["services"],
            "the count is the services under it: {case}"
        );
        ensure!(case["open"] == false, "closed until tapped: {case}");
        let line = case["line"].as_str().unwrap_or_default();
        ensure!(
            line.contains(&format!("{} layanan terlambat", case["count"])),
            "the line says how many: {line:?}"
        );
    }
    let first = phone
        .attr("#home-overdue li.overdue-case", "data-case")
        .await?;
    let first = first.context("a case id")?;
    phone
        .click(&format!("li.overdue-case[data-case=\"{first}\"] summary"))
        .await?;
    phone
        .wait_for(&format!(
            "li.overdue-case[data-case=\"{first}\"] li.overdue-item .late-note"
        ))
        .await?;
    phone.save_screenshot("home-late-by-case").await?;
    Ok(())
}

/// The top of the frame (header with the sync line) and the bottom bar take at most
/// [`FRAME_MAX_PX`], and the first case of the list is on the screen between them.
async fn check_frame(phone: &Browser, state: &str) -> Result<()> {
    let found: Value = phone
        .execute(
            "const header = document.querySelector('header.app-header').getBoundingClientRect();
             const nav = document.querySelector('nav.nav').getBoundingClientRect();
             const item = document.querySelector('#case-list li.case-item').getBoundingClientRect();
             return { top: header.bottom, bottom: window.innerHeight - nav.top,
                      item_top: item.top, item_bottom: item.bottom, height: window.innerHeight,
                      width: document.documentElement.scrollWidth };",
            vec![],
        )
        .await?;
    let figure = |name: &str| found[name].as_f64().unwrap_or(f64::NAN);
    let frame = figure("top") + figure("bottom");
    eprintln!(
        "[first-screen] {state}: the frame takes {frame} px of 640 (top {}, bottom {})",
        figure("top"),
        figure("bottom")
    );
    ensure!(
        figure("height") == 640.0,
        "{state}: a 640 px screen: {found}"
    );
    ensure!(
        frame <= FRAME_MAX_PX,
        "{state}: the frame takes {frame} px of 640: {found}"
    );
    ensure!(
        figure("item_bottom") <= figure("height") - figure("bottom"),
        "{state}: the first case is on the first screen: {found}"
    );
    ensure!(
        figure("width") <= 360.0,
        "{state}: nothing scrolls sideways: {found}"
    );
    Ok(())
}
