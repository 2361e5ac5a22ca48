//! The load benchmark (`make bench`, section `load`; issue #20, item 5): 200 phones at
//! once (40 officers', 4 supervisors' and 2 viewers' devices) against the real worker
//! binary, on two worker processes over one fresh PostgreSQL database and on one worker
//! over a fresh SQLite store, for `GUGUS_BENCH_LOAD_SECS` (default 60) seconds each
//! (`gugus_e2e::load`). The report (stdout, markdown) gives p50 and p99 per endpoint,
//! errors, mutations per second, each worker's peak memory and the convergence checks,
//! beside the targets.
//!
//! `GUGUS_BENCH_LOAD_ONLY=postgres` (or `sqlite`) runs one setup only.
//!
//! Run it with `GUGUS_WORKER_BIN=target/release/gugus-worker`, itself built with
//! `--release` (scripts/bench.sh does both: a debug client parsing 200 devices' pulls takes
//! the CPU from the workers); without it, the debug build of the worker is measured.
//! PostgreSQL: see [`gugus_e2e::postgres`].
#![forbid(unsafe_code)]

use anyhow::Result;
use gugus_e2e::load::{run, Config, Report};
use gugus_e2e::postgres::FreshDatabase;
use std::time::Duration;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let secs: u64 = match std::env::var("GUGUS_BENCH_LOAD_SECS") {
        Ok(text) => text.parse()?,
        Err(_) => 60,
    };
    let duration = Duration::from_secs(secs);
    let bin = std::env::var("GUGUS_WORKER_BIN").unwrap_or_else(|_| "debug build".into());
    let example = Config::phones_200(duration, 1);
    println!("# Load: 200 phones at once over HTTP on 127.0.0.1");
    println!();
    println!("worker: {bin}; {} CPUs", cpus());
    println!(
        "{} devices: {} officers ({} devices), {} supervisors ({} devices), {} viewers ({} \
         devices), for {secs} s per setup on a fresh store. Each device pauses {:.1} s on \
         average (0.5 to 1.5 times) between rounds. An officer's round pushes 1 to 20 \
         mutations ({}% new activities, which every officer pulls; the others new cases, \
         updates of them, and victims and notes under them), or 100 once in {} rounds, \
         then pulls to the end with its cursor; a supervisor's pulls and opens the \
         evaluation (`GET /stats`, this month, quarter or year); a viewer's opens the \
         evaluation. Logins: {} accounts at once, each \
         account's devices one after the other.",
        example.devices,
        example.officers,
        example.devices - example.supervisor_devices - example.viewer_devices,
        example.supervisors,
        example.supervisor_devices,
        example.viewers,
        example.viewer_devices,
        example.interval.as_secs_f64(),
        example.activity_percent,
        example.big_push_one_in,
        example.concurrent_logins,
    );
    println!(
        "Client: this benchmark ({}) on the same machine. p50/p99: time from \
         sending a request to reading its whole answer, during the load. Errors: non-2xx \
         answers, transport errors, and push results other than `applied`, during the load \
         and the convergence after it. Peak memory: `VmHWM` of /proc/<pid>/status.",
        if cfg!(debug_assertions) {
            "debug build"
        } else {
            "release build"
        }
    );
    println!();

    let only = std::env::var("GUGUS_BENCH_LOAD_ONLY").ok();
    let wanted = |setup: &str| only.as_deref().is_none_or(|only| only == setup);
    if let Some(only) = only
        .as_deref()
        .filter(|o| !["postgres", "sqlite"].contains(o))
    {
        anyhow::bail!("GUGUS_BENCH_LOAD_ONLY={only}: say postgres or sqlite");
    }
    if wanted("postgres") {
        match FreshDatabase::create("gugus_load_bench").await? {
            Some(database) => {
                let outcome = run(&Config::phones_200(duration, 2), &database.url).await;
                database.drop_database().await?;
                print(&outcome?, "PostgreSQL, two workers on one database");
            }
            None => {
                println!("## PostgreSQL, two workers on one database\n\nSKIPPED (not reachable)\n")
            }
        }
    }
    if !wanted("sqlite") {
        return Ok(());
    }
    let dir = tempfile::Builder::new().prefix("gugus-bench-").tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("gugus.db").display());
    let report = run(&Config::phones_200(duration, 1), &url).await?;
    print(&report, "SQLite, one worker");
    Ok(())
}

fn print(report: &Report, setup: &str) {
    println!("{}", report.markdown(setup));
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(0, |n| n.get())
}
