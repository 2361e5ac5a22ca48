//! The sync benchmark (`make bench`, section `sync`): the real worker binary on loopback,
//! one device pushing 10,000 activity creations in batches of 100 and of 1,000, then a
//! supervisor pulling them all at limit 1,000; on SQLite and on PostgreSQL. Each run uses
//! a fresh database; the report (stdout) gives the median of the runs.
//!
//! Run it with `GUGUS_WORKER_BIN=target/release/gugus-worker` (scripts/bench.sh does);
//! without it, the debug build is measured. PostgreSQL: see [`gugus_e2e::postgres`].
#![forbid(unsafe_code)]

use anyhow::{ensure, Result};
use gugus_e2e::figures::{median, percentile};
use gugus_e2e::postgres::FreshDatabase;
use gugus_e2e::sync::{activity_fields, create_activity, push_body, Api, Device};
use gugus_e2e::Worker;
use serde_json::Value;
use std::time::{Duration, Instant};
use uuid::Uuid;

const MUTATIONS: u64 = 10_000;
const BATCHES: [u64; 2] = [100, 1000];
const PULL_LIMIT: u32 = 1000;
const RUNS: usize = 3;
const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");

/// One run's figures.
struct Run {
    push_secs: f64,
    batch_ms: Vec<f64>,
    pull_secs: f64,
    /// The worker's peak resident memory (`VmHWM`) over the run, logins included, MiB.
    peak_mib: f64,
}

/// The worker's peak memory over a run, MiB (issue #20: pouchdb-server peaks at
/// 162-206 MiB on the same work).
const TARGET_PEAK_MIB: f64 = 40.0;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let bin = std::env::var("GUGUS_WORKER_BIN").unwrap_or_else(|_| "debug build".into());
    println!("# Sync: pushes and pulls over HTTP on 127.0.0.1");
    println!();
    println!("worker: {bin}; {} CPUs", cpus());
    println!(
        "{MUTATIONS} activity creations from one device, sequential pushes; then one paged \
         pull of all {MUTATIONS} records at limit {PULL_LIMIT}."
    );
    println!("Median of {RUNS} runs, each on a fresh database.");
    println!(
        "Client: this benchmark's debug build; request bodies are made before the clock starts."
    );
    println!();
    println!(
        "{:<11} {:>6} {:>12} {:>10} {:>10} {:>9} {:>10} {:>8}",
        "store", "batch", "mutations/s", "p50 ms", "p99 ms", "pull s", "records/s", "peak MiB"
    );
    for batch in BATCHES {
        let mut runs = Vec::new();
        for _ in 0..RUNS {
            let dir = tempfile::Builder::new().prefix("gugus-bench-").tempdir()?;
            let url = format!("sqlite://{}", dir.path().join("gugus.db").display());
            runs.push(run(&url, batch).await?);
        }
        print_row("SQLite", batch, &runs);
    }
    for batch in BATCHES {
        let mut runs = Vec::new();
        for _ in 0..RUNS {
            let Some(database) = FreshDatabase::create("gugus_bench").await? else {
                println!("PostgreSQL: SKIPPED (not reachable)");
                return Ok(());
            };
            let outcome = run(&database.url, batch).await;
            database.drop_database().await?;
            runs.push(outcome?);
        }
        print_row("PostgreSQL", batch, &runs);
    }
    println!();
    println!("p50/p99: time from sending one push to reading its whole answer.");
    println!(
        "peak MiB: the worker process's peak resident memory (VmHWM) over the run, two \
         logins included; target <= {TARGET_PEAK_MIB} MiB (pouchdb-server: 162-206 MiB)."
    );
    Ok(())
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(0, |n| n.get())
}

/// Starts a worker over `database_url`, pushes the mutations in batches of `batch`, and
/// pulls them back.
async fn run(database_url: &str, batch: u64) -> Result<Run> {
    let mut worker = Worker::start_api(database_url)?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    let api = Api::new(&worker.api_url(), Duration::from_secs(120))?;
    let officer = api.login(OFFICER.0, OFFICER.1).await?;
    let supervisor = api.login(SUPERVISOR.0, SUPERVISOR.1).await?;
    let bodies = bodies(&officer, batch);

    let mut batch_ms = Vec::new();
    let started = Instant::now();
    for (last_id, body) in bodies {
        let sent = Instant::now();
        let answer = api.push(&officer, body).await?;
        batch_ms.push(sent.elapsed().as_secs_f64() * 1000.0);
        ensure!(
            answer.status == 200,
            "push: {} {}",
            answer.status,
            answer.body
        );
        ensure!(
            answer.body["last_mutation_id"] == last_id,
            "{}",
            answer.body
        );
    }
    let push_secs = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let records = api.pull_all(&supervisor, PULL_LIMIT).await?;
    let pull_secs = started.elapsed().as_secs_f64();
    ensure!(
        records.len() as u64 == MUTATIONS,
        "pulled {}",
        records.len()
    );
    let (peak_kb, _) = worker.resident_kb()?;
    tokio::task::spawn_blocking(move || worker.kill()).await??;
    Ok(Run {
        push_secs,
        batch_ms,
        pull_secs,
        peak_mib: peak_kb as f64 / 1024.0,
    })
}

/// The push bodies, prepared before the clock starts: (last mutation id, body).
fn bodies(device: &Device, batch: u64) -> Vec<(u64, Vec<u8>)> {
    let ids: Vec<u64> = (1..=MUTATIONS).collect();
    ids.chunks(batch as usize)
        .map(|chunk| {
            let mutations: Vec<Value> = chunk
                .iter()
                .map(|&id| create_activity(id, Uuid::now_v7(), &activity_fields(id)))
                .collect();
            let last = *chunk.last().expect("chunks are not empty");
            (last, push_body(device.device_id, &mutations))
        })
        .collect()
}

fn print_row(store: &str, batch: u64, runs: &[Run]) {
    let of = |f: &dyn Fn(&Run) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
    let rate = of(&|r| MUTATIONS as f64 / r.push_secs);
    let p50 = of(&|r| percentile(&r.batch_ms, 50.0));
    let p99 = of(&|r| percentile(&r.batch_ms, 99.0));
    let pull = of(&|r| r.pull_secs);
    let peak = of(&|r| r.peak_mib);
    let verdict = if peak <= TARGET_PEAK_MIB {
        "pass"
    } else {
        "MISS"
    };
    println!(
        "{store:<11} {batch:>6} {rate:>12.0} {p50:>10.1} {p99:>10.1} {pull:>9.2} {:>10.0} {peak:>8.1} {verdict}",
        MUTATIONS as f64 / pull
    );
}
