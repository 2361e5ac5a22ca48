//! Issue #19, a referral between agencies end to end: an officer records the victim's
//! identity, then refers the victim's service to the UPTD PPA with no signal, sharing the
//! identity; the UPTD PPA's liaison, on a second browser, finds it on the home page, reads
//! the victim's name (opened with its own key pair: the server holds only envelopes),
//! accepts it, then marks the service delivered, after which its phone no longer holds the
//! identity; the officer's case page shows the timeline; the supervisor's per-agency table
//! counts it; the police's liaison sees nothing of it.
#![forbid(unsafe_code)]

use anyhow::{ensure, Result};
use gugus_e2e::sync::{now_rfc3339, push_body, push_case_and_victim, Api, Device, Victim};
use gugus_e2e::{app, poll, timeout, Browser, Worker};
use serde_json::{json, Value};
use uuid::Uuid;

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");
const SHELTER: (&str, &str) = ("penghubung1", "jendela-rumah-aman");
const POLICE: (&str, &str) = ("penghubung2", "pos-ronda-malam");
const REASON: &str = "Korban perlu rumah aman, keluarga belum siap menerima";
const FULL_NAME: &str = "Rina Apriliani";
const NIK: &str = "3303085504100002";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_refers_offline_and_the_agency_answers_on_its_own_phone() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = task_force(data.path())?;
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

/// The worker, on a store in `data`, with the officer, the supervisor and the UPTD PPA's
/// liaison.
fn task_force(data: &std::path::Path) -> Result<Worker> {
    let worker = Worker::start(data)?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    worker.add_user_of(
        SHELTER.0,
        "Penghubung UPTD",
        ("liaison", "uptd_ppa"),
        SHELTER.1,
    )?;
    Ok(worker)
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
    let victim = Victim {
        pseudonym: "R. A.",
        age: 16,
    };
    push_case_and_victim(api, officer, 1, victim).await
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

    // The UPTD PPA's liaison has logged in once on its phone: its key pair is on the server.
    liaison_phone.goto(&worker.base_url()).await?;
    app::log_in(liaison_phone, SHELTER.0, SHELTER.1).await?;
    let shelter = api.login(SHELTER.0, SHELTER.1).await?;
    poll("the liaison's key pair", || async {
        let (status, _) = api.get_text("/keys/me", &shelter.token).await?;
        Ok(status.is_success().then_some(()))
    })
    .await?;

    // The officer records the victim's identity on the phone.
    officer_phone.goto(&worker.base_url()).await?;
    app::log_in(officer_phone, OFFICER.0, OFFICER.1).await?;
    sync(officer_phone).await?;
    officer_phone
        .goto(&format!(
            "{}#/kasus/{case}/korban/{victim}/identitas",
            worker.base_url()
        ))
        .await?;
    officer_phone.wait_for("#identity-form").await?;
    officer_phone
        .fill("input[name=full_name]", FULL_NAME)
        .await?;
    officer_phone.fill("input[name=nik]", NIK).await?;
    officer_phone.click("#identity-form-save").await?;
    officer_phone
        .wait_for("li.victim-item .identity-show")
        .await?;
    sync(officer_phone).await?;

    // The officer opens the case, loses the signal, and refers the victim's shelter to the
    // UPTD PPA, sharing the victim's sex and age group, and the identity.
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
    officer_phone.check("#referral-share-identity").await?;
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
    ensure!(record["fields"]["share_identity"] == true, "{record}");
    // The officer's phone wrapped the case's key for the liaison at that sync.
    let reader = shelter.user_id.to_string();
    ensure!(
        held.iter()
            .any(|r| r["kind"] == "case_key" && r["fields"]["reader"] == reader.as_str()),
        "a key wrapped for the liaison"
    );

    // The police's liaison pulls nothing of it.
    let police = api.login(POLICE.0, POLICE.1).await?;
    let seen = api.pull_all(&police, 500).await?;
    ensure!(seen.is_empty(), "the police see nothing: {seen:?}");

    // What the UPTD PPA's liaison pulls of the victim: the identity as envelopes, and the
    // key wrapped for it; never the case or the victim.
    let shared = api.pull_all(&shelter, 500).await?;
    let kinds: std::collections::BTreeSet<&str> =
        shared.iter().filter_map(|r| r["kind"].as_str()).collect();
    ensure!(
        kinds == ["case_key", "referral", "victim_identity"].into(),
        "{kinds:?}"
    );
    let identity = shared
        .iter()
        .find(|r| r["kind"] == "victim_identity")
        .cloned()
        .unwrap_or_default();
    let name = identity["fields"]["full_name"].to_string();
    ensure!(
        name.contains("gugus-e2e:v1:") && !name.contains(FULL_NAME),
        "{name}"
    );

    // The UPTD PPA's liaison finds it on the home page, reads the victim's name, accepts,
    // then delivers.
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
    poll("the shared identity to open", || async {
        let shown = liaison_phone.text("#referral-identity").await?;
        Ok((shown.contains(FULL_NAME) && shown.contains(NIK)).then_some(()))
    })
    .await?;
    liaison_phone
        .save_screenshot("referral-liaison-identity")
        .await?;
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
    let answered = api.pull_all(&shelter, 500).await?;
    ensure!(
        actions(&answered, &referral) == ["accept", "deliver"],
        "{answered:?}"
    );
    ensure!(
        answered
            .iter()
            .all(|r| r["kind"] == "referral" || r["kind"] == "referral_step"),
        "once delivered, the identity is no longer the liaison's: {answered:?}"
    );
    // Its phone forgot the identity at that sync: the page shows no name any more.
    app::reload_and_unlock(liaison_phone, SHELTER.1).await?;
    liaison_phone.wait_for("#referral-detail").await?;
    let page = liaison_phone.text("#referral-detail").await?;
    ensure!(!page.contains(FULL_NAME) && !page.contains(NIK), "{page}");

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

/// A referral's fields, made `referred` days ago and needed `needed` days ago (negative:
/// still ahead).
fn referral_fields(victim: Uuid, referred: i64, needed: i64) -> Value {
    json!({"victim_id": victim, "agency": "uptd_ppa", "service": "shelter",
           "reason": REASON, "urgency": "routine",
           "referred_on": app::days_before_today(referred),
           "needed_by": app::days_before_today(needed)})
}

/// The ids of the `li.referral-item`s of a home page's list.
async fn listed(browser: &Browser, list: &str) -> Result<Vec<String>> {
    let ids = browser
        .execute(
            "return Array.from(document.querySelectorAll(arguments[0] + ' li.referral-item'))
                 .map(item => item.dataset.id);",
            vec![json!(list)],
        )
        .await?;
    Ok(serde_json::from_value(ids)?)
}

/// Logs out (with nothing left to send, once asked).
async fn log_out(phone: &Browser) -> Result<()> {
    phone.click("#logout").await?;
    poll("the login form", || async {
        if phone.count("#logout-discard").await? > 0 {
            phone.click("#logout-discard").await?;
        }
        Ok((phone.count("#login-form").await? > 0).then_some(()))
    })
    .await
}

/// Waits until the home page's `list` holds exactly `ids`.
async fn wait_for_list(browser: &Browser, list: &str, ids: &[Uuid]) -> Result<()> {
    let mut wanted: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    wanted.sort();
    poll(list, || async {
        let mut seen = listed(browser, list).await?;
        seen.sort();
        Ok((seen == wanted).then_some(()))
    })
    .await
}

/// Issue #19, what waits on the home pages: the officer's lists referrals declined and not
/// referred elsewhere, and those unanswered for 2 days or more; the liaison's, the new, the
/// overdue and the accepted ones; and the supervisor's per-agency table fits the phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_pages_list_what_waits_for_each_side() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = task_force(data.path())?;
    Browser::start_phone()
        .await?
        .run("referrals", async |browser| {
            home_lists(browser, &worker).await
        })
        .await
}

async fn home_lists(phone: &Browser, worker: &Worker) -> Result<()> {
    let api = Api::new(&worker.api_url(), timeout())?;
    let officer = api.login(OFFICER.0, OFFICER.1).await?;
    let shelter = api.login(SHELTER.0, SHELTER.1).await?;
    let (_, victim) = case_and_victim(&api, &officer).await?;
    let at = now_rfc3339()?;
    // Fresh (made today), unanswered for 3 days, declined, overdue, accepted.
    let ids: [Uuid; 5] = std::array::from_fn(|_| Uuid::now_v7());
    let [fresh, waiting, declined, overdue, accepted] = ids;
    let made = [
        (fresh, 0, -7),
        (waiting, 3, -4),
        (declined, 5, -2),
        (overdue, 10, 3),
        (accepted, 4, -3),
    ];
    let referrals: Vec<Value> = made
        .iter()
        .zip(3u64..)
        .map(|(&(id, referred, needed), n)| {
            json!({"id": n, "kind": "referral", "record_id": id, "op": "upsert", "base_version": 0,
                   "at": at,
                   "fields": referral_fields(victim, referred, needed)})
        })
        .collect();
    let answer = api
        .push(&officer, push_body(officer.device_id, &referrals))
        .await?;
    ensure!(
        answer.body["results"]
            .as_array()
            .is_some_and(|r| r.iter().all(|r| r["status"] == "applied")),
        "{}",
        answer.body
    );
    let step = |n: u64, referral: Uuid, action: &str| {
        let mut fields = json!({"referral_id": referral, "action": action,
                                "date": app::days_before_today(1)});
        if action == "decline" {
            fields["decline_reason"] = json!("no_capacity");
        }
        json!({"id": n, "kind": "referral_step", "record_id": Uuid::now_v7(), "op": "upsert",
               "base_version": 0, "at": at, "fields": fields})
    };
    let steps = [step(1, declined, "decline"), step(2, accepted, "accept")];
    let answer = api
        .push(&shelter, push_body(shelter.device_id, &steps))
        .await?;
    ensure!(
        answer.body["results"][1]["status"] == "applied",
        "{}",
        answer.body
    );

    // The officer's home page: declined, and waiting 2 days or more for an answer.
    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, OFFICER.0, OFFICER.1).await?;
    sync(phone).await?;
    phone.click("#nav-home").await?;
    wait_for_list(phone, "#home-referrals-declined", &[declined]).await?;
    wait_for_list(phone, "#home-referrals-unanswered", &[waiting, overdue]).await?;
    phone.save_screenshot("referral-officer-home").await?;
    let width = phone
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await?;
    ensure!(width.as_f64().unwrap_or(f64::MAX) <= 360.0, "{width}");
    log_out(phone).await?;

    // The liaison's: new, overdue, accepted; the declined one nowhere.
    app::log_in(phone, SHELTER.0, SHELTER.1).await?;
    sync(phone).await?;
    phone.click("#nav-home").await?;
    wait_for_list(phone, "#liaison-new", &[fresh, waiting]).await?;
    wait_for_list(phone, "#liaison-overdue", &[overdue]).await?;
    wait_for_list(phone, "#liaison-accepted", &[accepted]).await?;
    phone.save_screenshot("referral-liaison-lists").await?;
    log_out(phone).await?;

    // The supervisor's table on the phone: the five, one declined, one accepted, overdue.
    app::log_in(phone, SUPERVISOR.0, SUPERVISOR.1).await?;
    let (from, to) = (app::days_before_today(30), app::days_before_today(0));
    app::load_stats(phone, &from, &to).await?;
    // The page opened on the remembered period's table: wait for the one asked for.
    phone
        .wait_for(&format!(
            "#referral-table[data-from=\"{from}\"][data-to=\"{to}\"]"
        ))
        .await?;
    let cell = |col: &str| {
        format!("#referral-table tr.referral-row[data-agency=uptd_ppa] td[data-col={col}]")
    };
    for (col, expected) in [
        ("received", "5"),
        ("accepted", "1"),
        ("declined", "1"),
        ("overdue", "1"),
    ] {
        let text = phone.text(&cell(col)).await?;
        ensure!(text.trim() == expected, "{col}: {text:?}");
    }
    let width = phone
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await?;
    ensure!(width.as_f64().unwrap_or(f64::MAX) <= 360.0, "{width}");
    phone.save_screenshot("referral-table-phone").await?;
    Ok(())
}
