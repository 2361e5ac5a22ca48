//! The worker dies mid-sync (SIGKILL, the real binary) while 50 devices push at once; it
//! restarts on the same database and every device retries what had no answer. Nothing
//! answered `applied` is lost, and nothing is applied twice (`docs/sync-protocol.md`, push
//! rules 1 and 2). Runs on SQLite and on a fresh PostgreSQL database; the story and its
//! checks are `gugus_e2e::crash`.
#![forbid(unsafe_code)]

use anyhow::Result;
use gugus_e2e::crash::{log_in_devices, Story};
use gugus_e2e::postgres::FreshDatabase;
use gugus_e2e::sync::Api;
use gugus_e2e::Worker;
use std::time::{Duration, Instant};

/// 50 devices, each sending 30 pushes of 4 mutations.
const STORY: Story = Story {
    clients: 50,
    pushes: 30,
    per_push: 4,
};
const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_worker_killed_mid_push_loses_nothing_and_doubles_nothing() -> Result<()> {
    let dir = tempfile::Builder::new().prefix("gugus-crash-").tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("gugus.db").display());
    crash_run("SQLite", &url).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_worker_killed_mid_push_loses_nothing_and_doubles_nothing() -> Result<()> {
    let Some(database) = FreshDatabase::create("gugus_crash").await? else {
        return Ok(());
    };
    let outcome = crash_run("PostgreSQL", &database.url).await;
    database.drop_database().await?;
    outcome
}

async fn crash_run(backend: &str, database_url: &str) -> Result<()> {
    let started = Instant::now();
    let mut worker = Worker::start_api(database_url)?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    let api = Api::new(&worker.api_url(), Duration::from_secs(30))?;
    let supervisor = api.login(SUPERVISOR.0, SUPERVISOR.1).await?;
    let devices = log_in_devices(&api, OFFICER, STORY.clients, 5).await?;

    // The worker is killed, then restarted at its address: the devices retry where they
    // pushed before.
    let counts = STORY
        .run((&api, &api), &supervisor, &devices, &mut worker)
        .await?;
    println!(
        "{backend}: {counts}; {:.1} s",
        started.elapsed().as_secs_f64()
    );
    tokio::task::spawn_blocking(move || worker.kill()).await??;
    Ok(())
}
