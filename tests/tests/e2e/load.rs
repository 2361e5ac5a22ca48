//! 200 phones at once (issue #20, item 5), briefly: 40 officers', 4 supervisors' and 2
//! viewers' devices push, pull and open the evaluation together for a few seconds, on two
//! worker processes over one PostgreSQL database and on one worker over SQLite; then no
//! request failed, nothing answered `applied` is lost, and every device converges to its
//! account's state (`gugus_e2e::load`). The timings and the memory are the benchmark's
//! (`make bench`, section `load`), never asserted here.
#![forbid(unsafe_code)]

use anyhow::{ensure, Result};
use gugus_e2e::load::{run, Config, Report};
use gugus_e2e::postgres::FreshDatabase;
use std::time::{Duration, Instant};

/// How long the load runs. Each device starts its first round at a moment within the
/// first [`INTERVAL`]: two devices in three have a round within the load, a dozen or so
/// of them a 100-mutation push.
const LOAD: Duration = Duration::from_secs(8);
/// The mean pause between a device's rounds. The debug worker, on a machine that runs
/// the other tests too, takes far fewer requests a second than the release one: at the
/// benchmark's pace its queue of pushes (one at a time, on the store's write lock) grows
/// past the 10 s its PostgreSQL pool waits for a connection, and requests fail `500`.
/// This pace keeps the smoke run a test of correctness, not of the machine.
const INTERVAL: Duration = Duration::from_secs(12);

fn config(workers: usize) -> Config {
    Config {
        interval: INTERVAL,
        big_push_one_in: 15,
        // Fewer activities than the benchmark's: every officer's device pulls each one,
        // which is what makes the debug worker's end long.
        activity_percent: 10,
        ..Config::phones_200(LOAD, workers)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_200_phones_at_once_lose_nothing_and_converge() -> Result<()> {
    let dir = tempfile::Builder::new().prefix("gugus-load-").tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("gugus.db").display());
    let started = Instant::now();
    let report = run(&config(1), &url).await?;
    check("SQLite, one worker", &report, started)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_200_phones_on_two_workers_lose_nothing_and_converge() -> Result<()> {
    let Some(database) = FreshDatabase::create("gugus_load").await? else {
        return Ok(());
    };
    let started = Instant::now();
    let outcome = run(&config(2), &database.url).await;
    database.drop_database().await?;
    check("PostgreSQL, two workers", &outcome?, started)
}

fn check(setup: &str, report: &Report, started: Instant) -> Result<()> {
    println!("{}", report.markdown(setup));
    println!("{setup}: {:.1} s in all", started.elapsed().as_secs_f64());
    let c = &report.convergence;
    ensure!(
        report.error_count() == 0,
        "{setup}: errors {:?}",
        report.errors
    );
    ensure!(c.lost == 0, "{setup}: {} lost: {:?}", c.lost, c.problems);
    ensure!(
        c.mismatches == 0,
        "{setup}: {} disagreements: {:?}",
        c.mismatches,
        c.problems
    );
    // The load did happen: every kind of request, and both sizes of push.
    for endpoint in [
        gugus_e2e::load::PUSH_SMALL,
        gugus_e2e::load::PUSH_100,
        gugus_e2e::load::PULL,
        gugus_e2e::load::STATS,
    ] {
        ensure!(
            report
                .latencies
                .get(endpoint)
                .is_some_and(|ms| !ms.is_empty()),
            "{setup}: no {endpoint} request during the load"
        );
    }
    ensure!(
        c.devices_checked == 196 && c.applied > 0 && c.records > 0,
        "{setup}: {c:?}"
    );
    Ok(())
}
