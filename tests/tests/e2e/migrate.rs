//! Issue #20, a stateless worker: on PostgreSQL, which may have several worker instances
//! at once, migrating is a step of its own. The real binary's `serve` on a database no one
//! migrated refuses to start and says what to run; after `gugus-worker migrate`, two
//! instances start on it side by side, neither migrating, and both serve.
#![forbid(unsafe_code)]

use anyhow::{ensure, Result};
use gugus_e2e::postgres::FreshDatabase;
use gugus_e2e::Worker;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_instance_starts_only_on_a_migrated_store() -> Result<()> {
    let Some(database) = FreshDatabase::create("gugus_e2e_migrate").await? else {
        return Ok(());
    };
    let outcome = instances(&database.url).await;
    database.drop_database().await?;
    outcome
}

async fn instances(url: &str) -> Result<()> {
    let (status, stderr) = Worker::refused_serving(url)?;
    ensure!(!status.success(), "serve exited {status}: {stderr}");
    ensure!(
        stderr.contains("migration 1 is not applied") && stderr.contains("gugus-worker migrate"),
        "the refusal says what is missing and what to run: {stderr}"
    );

    // Worker::start_on runs `gugus-worker migrate` first on PostgreSQL (for the second
    // instance, a no-op), then serves: both open the store checking only.
    let first = Worker::start_on(url)?;
    let second = Worker::start_on(url)?;
    let client = reqwest_native::Client::new();
    for worker in [&first, &second] {
        let answer = client
            .get(format!("{}/health", worker.api_url()))
            .send()
            .await?;
        ensure!(answer.status().is_success(), "{}", answer.status());
    }
    Ok(())
}
