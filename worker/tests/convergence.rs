//! Convergence simulation: the real router and SQLite store in-process, five simulated
//! devices driven by `model::device` exactly as the app drives it, talking HTTP over a
//! network that drops, duplicates, delays and loses, and a worker that restarts.
//!
//! Each seed is one random schedule. After a final quiet sync of every device: every
//! device shows what the server holds; the server's state is the replay of exactly the
//! mutations it reported taking (nothing acknowledged is lost), every device id was taken
//! exactly once (nothing applied twice), and every same-field conflict is in the log.
//!
//! `GUGUS_SIM_SEED=n` replays one seed; `GUGUS_SIM_SEEDS=n` runs n seeds (default
//! [`DEFAULT_SEEDS`]) from `GUGUS_SIM_START` (default: a new start every run, printed);
//! `GUGUS_SIM_TRACE=1` prints every step of every seed.

#[path = "convergence/check.rs"]
mod check;
#[path = "convergence/edits.rs"]
mod edits;
#[path = "convergence/net.rs"]
mod net;
#[path = "convergence/resolutions.rs"]
mod resolutions;
#[path = "convergence/sync.rs"]
mod sync;
#[path = "convergence/world.rs"]
mod world;

use std::time::Instant;
use world::{Stats, World};

/// Seeds per `cargo test`: several hundred, about half a minute on two cores.
const DEFAULT_SEEDS: u64 = 300;
/// Seeds simulated at once (each has its own worker and database).
const PARALLEL: usize = 4;

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    Some(
        text.parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {text:?}")),
    )
}

fn seeds() -> Vec<u64> {
    if let Some(seed) = env_u64("GUGUS_SIM_SEED") {
        return vec![seed];
    }
    let count = env_u64("GUGUS_SIM_SEEDS").unwrap_or(DEFAULT_SEEDS);
    let start = env_u64("GUGUS_SIM_START").unwrap_or_else(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        now.map_or(0, |d| d.as_secs() % 1_000_000) * 1000
    });
    println!("convergence: seeds {start}..{}", start + count);
    (start..start + count).collect()
}

#[test]
fn devices_converge_on_the_servers_state_under_a_hostile_network() {
    let seeds = seeds();
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let (failures, stats) = runtime.block_on(async move {
        let mut failures = Vec::new();
        let mut stats = Stats::default();
        let mut running = tokio::task::JoinSet::new();
        let mut queue = seeds.into_iter();
        loop {
            while running.len() < PARALLEL {
                let Some(seed) = queue.next() else { break };
                running.spawn(async move { (seed, World::run(seed).await) });
            }
            let Some(done) = running.join_next().await else {
                break;
            };
            match done {
                Ok((_, Ok(seen))) => stats += seen,
                Ok((seed, Err(error))) => failures.push((seed, format!("{error:#}"))),
                Err(panic) => failures.push((u64::MAX, format!("a seed panicked: {panic}"))),
            }
        }
        failures.sort_by_key(|(seed, _)| *seed);
        (failures, stats)
    });
    println!(
        "convergence: finished in {:.1?}: {stats:?}",
        started.elapsed()
    );
    if let Some((seed, error)) = failures.first() {
        let seeds: Vec<_> = failures.iter().map(|(seed, _)| seed).collect();
        panic!(
            "{} seed(s) failed: {seeds:?}\nfirst, seed {seed}: {error}\n\
             replay it with GUGUS_SIM_SEED={seed} cargo test -p gugus-worker --test convergence -- --nocapture",
            failures.len()
        );
    }
}
