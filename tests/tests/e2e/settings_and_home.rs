//! The settings page and the home page, end to end. The same officer is logged in on two
//! browsers; on the phone the settings page lists both sessions and ends the other one,
//! whose next sync then asks for the password (401). The language chosen there survives a
//! reload; the storage section answers whether the data is kept and how much space it
//! uses. Then, with no signal, a case whose victim waits 20 days for a service shows on
//! the home page as overdue, with a link that opens the case, beside the changes that wait.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::{app, poll, Browser, Worker};
use serde_json::{json, Value};

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const OFFICER_NAME: &str = "Petugas Satu";

/// Mrebet and its village Sangkanayu.
const KECAMATAN: &str = "33.03.08";
const DESA: &str = "33.03.08.2001";

const SESSIONS: &str = "#session-list li.session-item";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_ends_another_session_keeps_a_language_and_sees_an_overdue_service() -> Result<()>
{
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let mut worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, OFFICER_NAME, "officer", OFFICER.1)?;

    let phone = Browser::start().await?;
    let laptop = Browser::start().await?;
    let outcome = journey(&phone, &laptop, &mut worker).await;
    if outcome.is_err() {
        for (who, browser) in [("phone", &phone), ("laptop", &laptop)] {
            if let Ok(log) = browser.console_log().await {
                eprintln!("the {who}'s browser console:\n{log}");
            }
        }
    }
    phone.close().await?;
    laptop.close().await?;
    outcome
}

async fn journey(phone: &Browser, laptop: &Browser, worker: &mut Worker) -> Result<()> {
    // Both log in and land on the home page.
    laptop.goto(&worker.base_url()).await?;
    app::log_in(laptop, OFFICER.0, OFFICER.1).await?;
    laptop.wait_for("#home-title").await?;
    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, OFFICER.0, OFFICER.1).await?;
    phone
        .wait_for("#home-title")
        .await
        .context("an officer lands on the home page")?;
    phone.wait_for_service_worker_control().await?;

    end_the_other_session(phone).await?;
    laptop.click("#sync-now").await?;
    laptop
        .wait_for("#sync-relogin")
        .await
        .context("the laptop's next sync asks for the password")?;

    check_storage(phone).await?;
    check_language(phone).await?;

    // No signal from here on.
    worker.stop()?;
    phone.set_offline(true).await?;
    let (case, service) = record_case_with_late_service(phone).await?;
    check_home(phone, &case, &service).await?;

    // Offline, the settings still open: the sessions say why they are not listed, and the
    // storage counts what waits.
    phone.click("#nav-settings").await?;
    phone.wait_for("#sessions-problem").await?;
    phone
        .wait_for("#storage-pending[data-pending=\"3\"]")
        .await?;
    phone.wait_for("#storage-records[data-count=\"3\"]").await?;
    Ok(())
}

/// The settings page lists this device's session and the laptop's; ending the laptop's
/// leaves this one.
async fn end_the_other_session(phone: &Browser) -> Result<()> {
    phone.click("#nav-settings").await?;
    let title = phone.text("#settings-title").await?;
    ensure!(title == "Pengaturan", "the title says {title:?}");
    ensure!(phone.text("#account-name").await? == OFFICER_NAME);
    ensure!(phone.text("#account-username").await? == OFFICER.0);
    ensure!(phone.text("#account-role").await? == "Petugas");
    phone.wait_for_count(SESSIONS, 2).await?;
    let current = format!("{SESSIONS}[data-current=\"true\"]");
    ensure!(phone.count(&current).await? == 1, "one is this device");
    ensure!(
        phone.count(&format!("{current} .session-end")).await? == 0,
        "this device's session is not ended here"
    );
    let created = phone.text(&format!("{current} .session-created")).await?;
    ensure!(
        created.starts_with("Masuk: ") && created.ends_with(" WIB"),
        "the login time reads {created:?}"
    );
    phone
        .click(&format!("{SESSIONS}[data-current=\"false\"] .session-end"))
        .await?;
    phone.wait_for("#sessions-notice").await?;
    phone.wait_for_count(SESSIONS, 1).await?;
    ensure!(phone.count(&current).await? == 1, "this device's remains");
    // The worker agrees: a fresh list has only this device.
    phone.click("#sessions-reload").await?;
    phone.wait_for_count(SESSIONS, 1).await?;
    Ok(())
}

/// The storage section answers whether the data is kept and how much space is used, and
/// the button asks for persistence with the answer in words.
async fn check_storage(phone: &Browser) -> Result<()> {
    let persisted = poll("the persisted answer", || async {
        let value = phone.attr("#storage-persisted", "data-persisted").await?;
        Ok(value.filter(|v| !v.is_empty()))
    })
    .await?;
    ensure!(
        persisted == "true" || persisted == "false",
        "persisted() answered {persisted:?}"
    );
    phone.click("#storage-persist").await?;
    let result = phone.text("#storage-persist-result").await?;
    ensure!(!result.is_empty(), "the request's answer is said");
    let usage = poll("a usage figure", || async {
        let text = phone.text("#storage-usage").await?;
        Ok(text.contains(" dari ").then_some(text))
    })
    .await?;
    ensure!(
        usage.ends_with("B") && usage.chars().next().is_some_and(|c| c.is_ascii_digit()),
        "usage reads {usage:?}"
    );
    Ok(())
}

/// English chosen on the settings page shows English labels and survives a reload.
async fn check_language(phone: &Browser) -> Result<()> {
    phone.click("#settings-lang-en").await?;
    poll("the English title", || async {
        Ok((phone.text("#settings-title").await? == "Settings").then_some(()))
    })
    .await?;
    ensure!(phone.text("#nav-home").await? == "Home");
    ensure!(
        phone.attr("#settings-lang-en", "aria-pressed").await? == Some("true".into()),
        "English shows as chosen"
    );
    app::reload_and_unlock(phone, OFFICER.1).await?;
    phone.wait_for("#current-user").await?;
    let title = phone.text("#settings-title").await?;
    ensure!(
        title == "Settings",
        "after a reload the title says {title:?}"
    );
    ensure!(phone.text("#account-role").await? == "Officer");
    poll("the usage in English", || async {
        Ok(phone
            .text("#storage-usage")
            .await?
            .contains(" of ")
            .then_some(()))
    })
    .await?;
    // Back to Bahasa Indonesia for the rest.
    phone.click("#settings-lang-id").await?;
    poll("the Indonesian title", || async {
        Ok((phone.text("#settings-title").await? == "Pengaturan").then_some(()))
    })
    .await?;
    Ok(())
}

/// Records a case, its victim and a shelter requested 20 days ago and not delivered;
/// answers the case's and the service's ids.
async fn record_case_with_late_service(phone: &Browser) -> Result<(String, String)> {
    phone.click("#nav-cases").await?;
    phone.click("#case-new").await?;
    phone.wait_for("#case-form").await?;
    phone
        .set_value(
            "input[name=date_reported]",
            &app::days_ago(phone, 22).await?,
        )
        .await?;
    phone.select("select[name=source]", "police").await?;
    phone.select("select[name=kecamatan]", KECAMATAN).await?;
    phone.select("select[name=desa]", DESA).await?;
    phone.select("select[name=modus]", "ship_crew").await?;
    phone
        .check("input[name=exploitation][value=forced_labour]")
        .await?;
    phone
        .fill("textarea[name=summary]", "Dijanjikan kerja di kapal ikan.")
        .await?;
    phone.click("#case-form-save").await?;
    let case = phone
        .attr("#case-detail", "data-id")
        .await?
        .context("#case-detail has a data-id")?;

    phone.click("#victim-add").await?;
    phone.wait_for("#victim-form").await?;
    phone.fill("input[name=pseudonym]", "S.A.").await?;
    phone.select("select[name=sex]", "female").await?;
    phone.fill("input[name=age]", "19").await?;
    phone.select("select[name=kecamatan]", KECAMATAN).await?;
    phone.select("select[name=desa]", DESA).await?;
    phone.click("#victim-form-save").await?;
    phone
        .wait_for_count("#victim-list li.victim-item", 1)
        .await?;

    phone.click("li.victim-item .service-add").await?;
    phone.wait_for("#service-form").await?;
    phone.select("select[name=type]", "shelter").await?;
    phone.select("select[name=provider]", "uptd_ppa").await?;
    phone
        .set_value("input[name=requested_on]", &app::days_ago(phone, 20).await?)
        .await?;
    phone.select("select[name=status]", "requested").await?;
    phone.click("#service-form-save").await?;
    phone.wait_for_count("li.service-item", 1).await?;
    let service = phone
        .attr("li.service-item", "data-id")
        .await?
        .context("the service has a data-id")?;
    app::wait_for_pending(phone, 3).await?;
    Ok((case, service))
}

/// The home page lists the late service with a link to its case, has nothing else to
/// attend to, and counts the three changes that wait.
async fn check_home(phone: &Browser, case: &str, service: &str) -> Result<()> {
    phone.click("#nav-home").await?;
    let item = format!("#home-overdue li.overdue-item[data-id=\"{service}\"]");
    phone.wait_for(&item).await?;
    ensure!(phone.count("#home-overdue li.overdue-item").await? == 1);
    ensure!(
        phone.attr(&item, "data-days").await? == Some("20".into()),
        "the service has waited 20 days"
    );
    let late = phone.text(&format!("{item} .late-note")).await?;
    ensure!(late.contains("20 hari"), "the item says {late:?}");
    phone.wait_for("#home-conflicts .empty").await?;
    phone.wait_for("#home-rejected .empty").await?;
    phone.wait_for("#home-pending[data-pending=\"3\"]").await?;
    let pending = phone.text("#home-pending").await?;
    ensure!(
        pending.starts_with('3'),
        "the pending line says {pending:?}"
    );

    // A reload offline opens the home page again, from the device alone.
    app::reload_and_unlock(phone, OFFICER.1).await?;
    phone.wait_for(&item).await?;
    phone.click(&format!("{item} a")).await?;
    phone
        .wait_for(&format!("#case-detail[data-id=\"{case}\"]"))
        .await
        .context("the link opens the case")?;
    let href: Value = phone.execute("return location.hash;", vec![]).await?;
    ensure!(
        href == json!(format!("#/kasus/{case}")),
        "the address is {href}"
    );
    Ok(())
}
