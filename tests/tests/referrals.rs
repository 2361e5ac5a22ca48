//! Issue #19, a referral between agencies end to end: an officer refers a victim's service
//! to the UPTD PPA with no signal; the UPTD PPA's liaison, on a second browser, finds it
//! on the home page, accepts it, then marks the service delivered; the officer's case page
//! shows the timeline; the supervisor's per-agency table counts it; the police's liaison
//! sees nothing of it.
#![forbid(unsafe_code)]

use anyhow::{ensure, Result};
use gugus_e2e::sync::{push_body, Api, Device};
use gugus_e2e::{app, poll, timeout, Browser, Worker};
use serde_json::{json, Value};
use uuid::Uuid;

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");
const SHELTER: (&str, &str) = ("penghubung1", "jendela-rumah-aman");
const POLICE: (&str, &str) = ("penghubung2", "pos-ronda-malam");
const REASON: &str = "Korban perlu rumah aman, keluarga belum siap menerima";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_refers_offline_and_the_agency_answers_on_its_own_phone() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    worker.add_user_of(
        SHELTER.0,
        "Penghubung UPTD",
        ("liaison", "uptd_ppa"),
        SHELTER.1,
    )?;
    worker.add_user_of(
        POLICE.0,
        "Penghubung Polres",
        ("liaison", "police"),
        POLICE.1,
    )?;
    let browsers = [Browser::start_phone().await?, Browser::start_phone().await?];
    let outcome = journey(&browsers, &worker).await;
    for browser in browsers {
        if outcome.is_err() {
            if let Ok(log) = browser.console_log().await {
                eprintln!("browser console:\n{log}");
            }
        }
        browser.close().await?;
    }
    outcome
}

/// Syncs `browser` now and waits until nothing waits in its outbox.
async fn sync(browser: &Browser) -> Result<()> {
    browser.click("#sync-now").await?;
    app::wait_for_pending(browser, 0).await?;
    browser.wait_for("#sync-status[data-state=idle]").await?;
    Ok(())
}

/// The officer's case and victim, sent from another of its devices: their ids.
async fn case_and_victim(api: &Api, officer: &Device) -> Result<(Uuid, Uuid)> {
    let (case, victim) = (Uuid::now_v7(), Uuid::now_v7());
    let created = [
        json!({"id": 1, "kind": "case", "record_id": case, "op": "upsert", "base_version": 0,
               "at": "2026-12-04T02:00:00Z",
               "fields": {"date_reported": "2026-11-20", "source": "hotline", "status": "reported",
                          "kecamatan": "33.03.08", "desa": "33.03.08.2001", "modus": "fake_job_offer",
                          "summary": "Dijanjikan kerja di pabrik"}}),
        json!({"id": 2, "kind": "victim", "record_id": victim, "op": "upsert", "base_version": 0,
               "at": "2026-12-04T02:00:00Z",
               "fields": {"case_id": case, "pseudonym": "R. A.", "sex": "female", "age": 16,
                          "kecamatan": "33.03.08", "desa": "33.03.08.2001",
                          "consent": true, "consent_date": "2026-11-21"}}),
    ];
    let answer = api
        .push(officer, push_body(officer.device_id, &created))
        .await?;
    ensure!(
        answer.body["results"][1]["status"] == "applied",
        "{}",
        answer.body
    );
    Ok((case, victim))
}

/// The actions of a referral's steps in `records`, in the order the server took them.
fn actions(records: &[Value], referral: &str) -> Vec<String> {
    records
        .iter()
        .filter(|r| r["kind"] == "referral_step" && r["fields"]["referral_id"] == referral)
        .filter_map(|r| r["fields"]["action"].as_str().map(str::to_owned))
        .collect()
}

async fn journey([officer_phone, liaison_phone]: &[Browser; 2], worker: &Worker) -> Result<()> {
    let api = Api::new(&worker.api_url(), timeout())?;
    let officer = api.login(OFFICER.0, OFFICER.1).await?;
    let (case, victim) = case_and_victim(&api, &officer).await?;

    // The officer opens the case, loses the signal, and refers the victim's shelter to the
    // UPTD PPA, sharing the victim's sex and age group only.
    officer_phone.goto(&worker.base_url()).await?;
    app::log_in(officer_phone, OFFICER.0, OFFICER.1).await?;
    sync(officer_phone).await?;
    let case_page = format!("{}#/kasus/{case}", worker.base_url());
    officer_phone.goto(&case_page).await?;
    let refer = format!("button.referral-new[data-victim='{victim}']");
    officer_phone.wait_for(&refer).await?;
    officer_phone.set_offline(true).await?;
    officer_phone.click(&refer).await?;
    officer_phone.wait_for("#referral-form").await?;
    officer_phone
        .select("#referral-form select[name=agency]", "uptd_ppa")
        .await?;
    officer_phone
        .select("#referral-form select[name=service]", "shelter")
        .await?;
    officer_phone
        .fill("#referral-form textarea[name=reason]", REASON)
        .await?;
    officer_phone
        .select("#referral-form select[name=urgency]", "urgent")
        .await?;
    officer_phone
        .check("#referral-form input[name=share][value=sex]")
        .await?;
    officer_phone
        .check("#referral-form input[name=share][value=age_group]")
        .await?;
    officer_phone.click("#referral-submit").await?;
    officer_phone
        .wait_for("#case-referrals li.referral-item")
        .await?;
    let status = officer_phone
        .attr("#case-referrals .referral-status", "data-status")
        .await?;
    ensure!(status.as_deref() == Some("open"), "{status:?}");
    ensure!(
        app::pending(officer_phone).await? == Some(1),
        "the referral waits in the outbox"
    );
    officer_phone.save_screenshot("referral-offline").await?;
    let referral = officer_phone
        .attr("#case-referrals li.referral-item", "data-id")
        .await?
        .unwrap_or_default();
    officer_phone.set_offline(false).await?;
    sync(officer_phone).await?;

    // The server holds what the officer chose to share, and nothing else of the victim.
    let held = api.pull_all(&officer, 500).await?;
    let record = held
        .iter()
        .find(|r| r["id"] == referral.as_str())
        .cloned()
        .unwrap_or_default();
    ensure!(record["fields"]["agency"] == "uptd_ppa", "{record}");
    ensure!(record["fields"]["reason"] == REASON, "{record}");
    ensure!(
        record["fields"]["sex"] == "female" && record["fields"]["age_group"] == "child",
        "{record}"
    );
    ensure!(record["fields"].get("kecamatan").is_none(), "{record}");

    // The police's liaison pulls nothing of it.
    let police = api.login(POLICE.0, POLICE.1).await?;
    let seen = api.pull_all(&police, 500).await?;
    ensure!(seen.is_empty(), "the police see nothing: {seen:?}");

    // The UPTD PPA's liaison finds it on the home page, accepts, then delivers.
    liaison_phone.goto(&worker.base_url()).await?;
    app::log_in(liaison_phone, SHELTER.0, SHELTER.1).await?;
    sync(liaison_phone).await?;
    let item = format!("#liaison-new li.referral-item[data-id='{referral}']");
    liaison_phone.wait_for(&item).await?;
    ensure!(
        liaison_phone.count("#nav-cases").await? == 0,
        "no case list"
    );
    liaison_phone
        .save_screenshot("referral-liaison-home")
        .await?;
    liaison_phone.click(&format!("{item} a")).await?;
    liaison_phone.wait_for("#referral-detail").await?;
    let facts = liaison_phone.text("#referral-facts").await?;
    ensure!(facts.contains("Perempuan"), "{facts:?}");
    ensure!(liaison_phone
        .text("#referral-detail")
        .await?
        .contains(REASON));
    liaison_phone.click("#referral-accept").await?;
    liaison_phone
        .wait_for("ol.referral-timeline li.referral-step[data-action=accept]")
        .await?;
    sync(liaison_phone).await?;
    liaison_phone.click("#referral-deliver").await?;
    liaison_phone.wait_for("#referral-deliver-form").await?;
    liaison_phone
        .fill(
            "#referral-deliver-form textarea[name=note]",
            "Korban sudah di rumah aman",
        )
        .await?;
    liaison_phone.click("#referral-deliver-submit").await?;
    liaison_phone
        .wait_for("ol.referral-timeline li.referral-step[data-action=deliver]")
        .await?;
    sync(liaison_phone).await?;
    liaison_phone
        .save_screenshot("referral-liaison-delivered")
        .await?;
    let shelter = api.login(SHELTER.0, SHELTER.1).await?;
    let answered = api.pull_all(&shelter, 500).await?;
    ensure!(
        actions(&answered, &referral) == ["accept", "deliver"],
        "{answered:?}"
    );
    ensure!(
        answered
            .iter()
            .all(|r| r["kind"] == "referral" || r["kind"] == "referral_step"),
        "a liaison pulls referrals only: {answered:?}"
    );

    // The officer's case page shows the timeline.
    officer_phone.goto(&case_page).await?;
    poll("the answers on the officer's phone", || async {
        sync(officer_phone).await?;
        let steps = officer_phone
            .count("#case-referrals li.referral-step[data-action]")
            .await?;
        Ok((steps == 2).then_some(()))
    })
    .await?;
    let status = officer_phone
        .attr("#case-referrals .referral-status", "data-status")
        .await?;
    ensure!(status.as_deref() == Some("delivered"), "{status:?}");
    officer_phone.save_screenshot("referral-timeline").await?;

    // The supervisor's per-agency table counts it.
    let supervisor = api.login(SUPERVISOR.0, SUPERVISOR.1).await?;
    let today = app::days_before_today(0);
    let from = app::days_before_today(40);
    let (status, table) = api
        .get_text(
            &format!("/stats/referrals?from={from}&to={today}"),
            &supervisor.token,
        )
        .await?;
    ensure!(status.is_success(), "{table}");
    let table: Value = serde_json::from_str(&table)?;
    let row = &table["rows"][0];
    ensure!(row["agency"] == "uptd_ppa", "{table}");
    ensure!(
        (
            row["received"].clone(),
            row["accepted"].clone(),
            row["delivered"].clone()
        ) == (json!(1), json!(1), json!(1)),
        "{table}"
    );
    Ok(())
}
