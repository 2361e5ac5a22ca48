//! An officer's phone lists a conflict that two devices made on an activity on its home
//! page, opens the activity from there with both values, and settles it with one tap
//! (`docs/api.md`, "Conflicts"); after the sync the server has the chosen value and no
//! open conflict, and the notice is gone.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::sync::{activity_fields, create_activity, push_body, statuses, Api, Device};
use gugus_e2e::{app, poll, timeout, Browser, Worker};
use serde_json::{json, Value};
use uuid::Uuid;

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");

fn venue(id: u64, record_id: Uuid, base_version: u64, venue: &str) -> Value {
    json!({
        "id": id, "kind": "activity", "record_id": record_id, "op": "upsert",
        "base_version": base_version, "fields": {"venue": venue}, "at": "2026-11-29T03:20:00Z",
    })
}

async fn push(api: &Api, device: &Device, mutation: Value) -> Result<(String, Option<u64>)> {
    let answer = api
        .push(device, push_body(device.device_id, &[mutation]))
        .await?;
    let (_, status, version) = statuses(&answer.body)?
        .into_iter()
        .next()
        .context("a result")?;
    Ok((status, version))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officer_keeps_their_value_with_one_tap() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    let api = Api::new(&worker.api_url(), timeout())?;
    let laptop = api.login(OFFICER.0, OFFICER.1).await?;
    let desk = api.login(SUPERVISOR.0, SUPERVISOR.1).await?;
    let id = Uuid::now_v7();
    let (_, created) = push(&api, &laptop, create_activity(1, id, &activity_fields(7))).await?;
    let v1 = created.context("a version")?;
    let (status, _) = push(&api, &desk, venue(1, id, v1, "Aula kecamatan")).await?;
    ensure!(status == "applied", "the supervisor's change: {status}");
    let (status, _) = push(&api, &laptop, venue(2, id, v1, "Masjid desa")).await?;
    ensure!(status == "conflict", "the officer's change: {status}");

    let journey = Browser::start()
        .await?
        .run("conflict-resolution-officer", async |phone| {
            settle_on_the_phone(phone, &worker.base_url(), id).await
        })
        .await;
    journey?;

    let record = api
        .pull_all(&desk, 100)
        .await?
        .into_iter()
        .find(|r| r["id"] == json!(id))
        .context("the record")?;
    assert_eq!(record["fields"]["venue"], "Masjid desa");
    assert_eq!(record["conflict"], false);
    assert!(record.get("conflicts").is_none(), "{record}");
    Ok(())
}

async fn settle_on_the_phone(phone: &Browser, base_url: &str, id: Uuid) -> Result<()> {
    phone.goto(base_url).await?;
    app::log_in(phone, OFFICER.0, OFFICER.1).await?;
    phone.click("#sync-now").await?;
    // The officer lands on the home page, which lists the conflict with a link to the
    // activity's form.
    let item = format!("#home-conflicts li.conflict-item[data-id=\"{id}\"]");
    phone.wait_for(&item).await?;
    phone.click(&format!("{item} a")).await?;
    let mine = "#conflict-notice button.resolve-mine[data-field=venue]";
    phone.wait_for(mine).await?;
    ensure!(
        phone
            .count("#conflict-notice button.resolve-server[data-field=venue]")
            .await?
            == 1,
        "both choices are offered"
    );
    phone.click(mine).await?;
    phone.wait_for_count("#conflict-notice", 0).await?;
    // The resolving change reaches the server and comes back settled.
    poll("the record to sync without a conflict", || async {
        phone.click("#sync-now").await?;
        app::wait_for_pending(phone, 0).await?;
        app::reload_and_unlock(phone, OFFICER.1).await?;
        phone.wait_for("input[name=venue]").await?;
        let script = "return document.querySelector('input[name=venue]').value;";
        let venue = phone.execute(script, Vec::new()).await?;
        let notices = phone.count("#conflict-notice").await?;
        Ok((venue == "Masjid desa" && notices == 0).then_some(()))
    })
    .await
}
