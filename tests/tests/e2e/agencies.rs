//! Issue #19, the agencies as each deployment's data, at 360x640: an admin adds an agency
//! on the admin page, makes a liaison account for it (an account form without the agency
//! is refused in words first), then deactivates it; the list, the server and the account
//! say so, and without signal the agency form says so and keeps what was typed.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::sync::Api;
use gugus_e2e::{app, timeout, Browser, Worker};
use serde_json::{json, Value};

const ADMIN: (&str, &str) = ("admin1", "sandi-admin-satu");
const LIAISON: (&str, &str) = ("penghubung1", "jendela-rumah-aman");
const ITEM: &str = "#agency-list li.agency-item[data-code=lsm_jaring]";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_an_agency_gives_it_a_liaison_and_deactivates_it() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(ADMIN.0, "Admin Gugus", "admin", ADMIN.1)?;
    let api = Api::new(&worker.api_url(), timeout())?;
    Browser::start_phone()
        .await?
        .run("agencies", async |phone| {
            phone.goto(&worker.base_url()).await?;
            app::log_in(phone, ADMIN.0, ADMIN.1).await?;
            journey(phone, &api).await
        })
        .await
}

/// The agency `code` as the server lists it.
async fn listed(api: &Api, token: &str, code: &str) -> Result<Option<Value>> {
    let (status, body) = api.get_text("/agencies", token).await?;
    ensure!(status.is_success(), "{body}");
    let list: Value = serde_json::from_str(&body)?;
    Ok(list["agencies"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["code"] == code)
        .cloned())
}

async fn journey(phone: &Browser, api: &Api) -> Result<()> {
    let admin = api.login(ADMIN.0, ADMIN.1).await?;
    phone.click("#nav-admin").await?;
    phone
        .wait_for("#agency-list li.agency-item[data-code=uptd_ppa]")
        .await
        .context("the seeded list")?;

    // Without signal the agency form says so and keeps what was typed.
    phone.fill("#agency-code", "lsm_jaring").await?;
    phone
        .fill("#agency-name-id", "LSM Jaring Perempuan")
        .await?;
    phone
        .fill("#agency-name-en", "Jaring Perempuan NGO")
        .await?;
    phone.select("#agency-kind", "ngo").await?;
    phone.set_offline(true).await?;
    phone.click("#agency-submit").await?;
    let said = phone.text("#agency-error").await?;
    ensure!(
        said.contains("sinyal") || said.contains("internet"),
        "{said:?}"
    );
    let kept = phone
        .execute(
            "return document.getElementById('agency-code').value;",
            vec![],
        )
        .await?;
    ensure!(kept == json!("lsm_jaring"), "{kept}");
    phone.set_offline(false).await?;
    phone.click("#agency-submit").await?;
    phone.wait_for(ITEM).await?;
    ensure!(phone.text(&format!("{ITEM} .agency-name")).await? == "LSM Jaring Perempuan");
    let stored = listed(api, &admin.token, "lsm_jaring").await?;
    ensure!(
        stored
            == Some(
                json!({"code": "lsm_jaring", "name_id": "LSM Jaring Perempuan",
                           "name_en": "Jaring Perempuan NGO", "kind": "ngo", "active": true})
            ),
        "{stored:?}"
    );

    // It fits the phone, with large buttons.
    let layout = phone
        .execute(
            "const button = document.querySelector(arguments[0] + ' .agency-toggle').getBoundingClientRect();
             return [document.documentElement.scrollWidth, button.height];",
            vec![json!(ITEM)],
        )
        .await?;
    ensure!(layout[0].as_f64().unwrap_or(f64::MAX) <= 360.0, "{layout}");
    ensure!(layout[1].as_f64().unwrap_or(0.0) >= 44.0, "{layout}");
    phone.save_screenshot("agency-added").await?;

    // A liaison's account names its agency: without one the form says so.
    phone
        .fill("#account-form input[name=username]", LIAISON.0)
        .await?;
    phone
        .fill("#account-form input[name=name]", "Rina Jaring")
        .await?;
    phone
        .select("#account-form select[name=role]", "liaison")
        .await?;
    phone
        .fill("#account-form input[name=password]", LIAISON.1)
        .await?;
    phone.click("#account-create").await?;
    let said = phone.text("#account-form-error").await?;
    ensure!(
        said == "Penghubung instansi harus terikat pada satu instansi.",
        "{said:?}"
    );
    phone
        .select("#account-form select[name=agency]", "lsm_jaring")
        .await?;
    phone.click("#account-create").await?;
    phone.wait_for("#account-form-done").await?;
    let liaison = api.login(LIAISON.0, LIAISON.1).await?;
    let (_, me) = api.get_text("/me", &liaison.token).await?;
    let me: Value = serde_json::from_str(&me)?;
    ensure!(
        (me["role"].clone(), me["agency"].clone()) == (json!("liaison"), json!("lsm_jaring")),
        "{me}"
    );

    // Deactivated, never deleted: the list marks it, the server keeps it inactive.
    phone.click(&format!("{ITEM} .agency-toggle")).await?;
    phone
        .wait_for(&format!("{ITEM} .badge.agency-inactive"))
        .await?;
    let stored = listed(api, &admin.token, "lsm_jaring").await?;
    ensure!(
        stored.as_ref().map(|a| a["active"].clone()) == Some(json!(false)),
        "{stored:?}"
    );
    phone.save_screenshot("agency-inactive").await?;
    Ok(())
}
