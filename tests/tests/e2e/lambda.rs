//! Issue #20: the worker's API as an AWS Lambda function, run locally behind cargo-lambda's
//! emulator (`gugus_e2e::lambda`), on a fresh PostgreSQL database that the real
//! `gugus-worker migrate` readied. The function refuses a store no one migrated; through
//! function URLs it logs in (the client's address reaching the login limits and the
//! audit trail), takes a sync story and answers the figures the worker binary answers.
//! Two instances share the database; one is killed with SIGKILL while devices push to it,
//! the devices retry what had no answer at the other, and nothing is lost or doubled.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::crash::{log_in_devices, Story};
use gugus_e2e::lambda::Function;
use gugus_e2e::postgres::FreshDatabase;
use gugus_e2e::sync::{activity_fields, create_activity, push_body, statuses, Api};
use gugus_e2e::Worker;
use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use uuid::Uuid;

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");
const ADMIN: (&str, &str) = ("admin1", "kunci-admin-pertama");
/// The connections each instance keeps (`GUGUS_DB_MAX_CONNECTIONS`), as deployed.
const POOL: u32 = 2;

/// The emulator and a fresh database, or `None` when the test skips (outside CI).
async fn set_up(prefix: &str) -> Result<Option<(PathBuf, FreshDatabase)>> {
    let Some(emulator) = Function::emulator()? else {
        return Ok(None);
    };
    let Some(database) = FreshDatabase::create(prefix).await? else {
        return Ok(None);
    };
    Ok(Some((emulator, database)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_function_serves_login_sync_and_stats_through_function_urls() -> Result<()> {
    let Some((emulator, database)) = set_up("gugus_e2e_lambda").await? else {
        return Ok(());
    };
    let outcome = story(&emulator, &database.url).await;
    database.drop_database().await?;
    outcome
}

async fn story(emulator: &PathBuf, url: &str) -> Result<()> {
    // A cold start never migrates: on a database no one migrated, the init fails and says
    // what is missing and what to run.
    let (status, stderr) = Function::refused(url)?;
    ensure!(
        !status.success(),
        "the function started on an unmigrated store"
    );
    ensure!(
        stderr.contains("migration 1 is not applied") && stderr.contains("gugus-worker migrate"),
        "the refusal says what is missing and what to run: {stderr}"
    );

    // `Worker::start_api` runs the real `gugus-worker migrate` first, then serves: the
    // binary's answers are the reference the function's are compared with.
    let worker = Worker::start_api(url)?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    worker.add_user(ADMIN.0, "Admin Gugus", "admin", ADMIN.1)?;
    let function = Function::start(emulator, url, POOL).await?;
    println!(
        "gugus-lambda cold start: init {} ms (store opened and checked), {} ms from the \
         process's start to its first answer through the emulator",
        function.init.as_millis(),
        function.cold_start.as_millis()
    );
    let api = Api::new(&function.api_url(), Duration::from_secs(30))?;

    // A login, from two devices of the officer.
    let phone = api.login(OFFICER.0, OFFICER.1).await?;
    let tablet = api.login(OFFICER.0, OFFICER.1).await?;

    // The phone pushes three activities, then the same push again (a retry): the first
    // applies them, the second answers `duplicate`.
    let records: Vec<(Uuid, Value)> = (1..=3)
        .map(|seed| (Uuid::now_v7(), activity_fields(seed)))
        .collect();
    let mutations: Vec<Value> = records
        .iter()
        .enumerate()
        .map(|(i, (id, fields))| create_activity(i as u64 + 1, *id, fields))
        .collect();
    let body = push_body(phone.device_id, &mutations);
    let first = api.push(&phone, body.clone()).await?;
    ensure!(first.status == 200, "push: {} {}", first.status, first.body);
    let applied = statuses(&first.body)?;
    ensure!(
        applied
            .iter()
            .all(|(_, status, v)| status == "applied" && v.is_some()),
        "{applied:?}"
    );
    let again = api.push(&phone, body).await?;
    let again = statuses(&again.body)?;
    ensure!(
        again.iter().all(|(_, status, _)| status == "duplicate"),
        "a retried push is answered duplicate: {again:?}"
    );

    // The phone pulls them back; the tablet, which sent nothing, sees them too.
    for device in [&phone, &tablet] {
        let pulled = api.pull_all(device, 2).await?;
        ensure!(pulled.len() == records.len(), "pulled {pulled:?}");
        for (id, fields) in &records {
            let record = pulled
                .iter()
                .find(|r| r["id"] == id.to_string())
                .with_context(|| format!("record {id} not pulled"))?;
            for (field, value) in fields.as_object().context("fields")? {
                ensure!(record["fields"][field] == *value, "{id}.{field}: {record}");
            }
        }
    }

    // The supervisor's figures: the three activities, and the very answer the worker
    // binary gives over the same store.
    let supervisor = api.login(SUPERVISOR.0, SUPERVISOR.1).await?;
    // The month the activities were held in, as the shared fields date them.
    let month = records[0].1["date"]
        .as_str()
        .and_then(|date| date.get(..7))
        .context("the activities' date")?;
    let query = format!("/stats?period={month}&area=33.03");
    let query = query.as_str();
    let (status, text) = api.get_text(query, &supervisor.token).await?;
    ensure!(status == 200, "stats: {status} {text}");
    let figures: Value = serde_json::from_str(&text)?;
    ensure!(
        figures["activities"]["total"] == 3,
        "three activities: {}",
        figures["activities"]
    );
    let binary = Api::new(&worker.api_url(), Duration::from_secs(30))?;
    let (_, reference) = binary.get_text(query, &supervisor.token).await?;
    ensure!(
        figures == serde_json::from_str::<Value>(&reference)?,
        "the function's figures are the binary's"
    );
    let (status, _) = api.get_text(query, &phone.token).await?;
    ensure!(status == 403, "an officer gets no figures: {status}");

    // The client's address reached the login (its limits and its audit entry) from the
    // function URL's request context.
    let admin = api.login(ADMIN.0, ADMIN.1).await?;
    let (status, text) = api
        .get_text(&format!("/audit?user={}", OFFICER.0), &admin.token)
        .await?;
    ensure!(status == 200, "audit: {status} {text}");
    let audit: Value = serde_json::from_str(&text)?;
    let logins: Vec<&Value> = audit["entries"]
        .as_array()
        .context("entries")?
        .iter()
        .filter(|e| e["action"] == "login")
        .collect();
    ensure!(logins.len() == 2, "two logins of the officer: {audit}");
    for entry in logins {
        ensure!(
            entry["detail"]["address"] == "127.0.0.1",
            "the login's address is the client's: {entry}"
        );
    }
    Ok(())
}

// The crash story (`gugus_e2e::crash`), as `crash.rs` tells it of the worker binary, with
// two instances and no restart: the devices push to the first; it is killed mid-push;
// what had no answer goes to the second.

/// 8 devices, each sending 15 pushes of 4 mutations.
const STORY: Story = Story {
    clients: 8,
    pushes: 15,
    per_push: 4,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_instance_killed_mid_push_loses_nothing_and_doubles_nothing() -> Result<()> {
    let Some((emulator, database)) = set_up("gugus_e2e_lambda_crash").await? else {
        return Ok(());
    };
    let outcome = crash_run(&emulator, &database.url).await;
    database.drop_database().await?;
    outcome
}

async fn crash_run(emulator: &PathBuf, url: &str) -> Result<()> {
    let started = Instant::now();
    let worker = Worker::start_api(url)?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    // The binary only migrated the store and made the accounts: the functions serve.
    drop(worker);
    let mut first = Function::start(emulator, url, POOL).await?;
    let second = Function::start(emulator, url, POOL).await?;
    let (to_first, to_second) = (
        Api::new(&first.api_url(), Duration::from_secs(30))?,
        Api::new(&second.api_url(), Duration::from_secs(30))?,
    );
    let supervisor = to_second.login(SUPERVISOR.0, SUPERVISOR.1).await?;
    // The devices log in one at a time.
    let devices = log_in_devices(&to_first, OFFICER, STORY.clients, 1).await?;

    // The first instance is killed; the supervisor looks at the store through the second,
    // where the devices retry.
    let counts = STORY
        .run((&to_first, &to_second), &supervisor, &devices, &mut first)
        .await
        .with_context(|| format!("the second instance's log:\n{}", second.log()))?;
    println!(
        "gugus-lambda, the first instance killed and the retries at the second: {counts}; \
         {:.1} s",
        started.elapsed().as_secs_f64()
    );
    drop(first);
    Ok(())
}
