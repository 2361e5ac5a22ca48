//! The evaluation benchmark (`make bench`, section `stats`): the real worker binary on
//! loopback over SQLite and PostgreSQL, loaded with `gugus-worker generate` (by default
//! the issue's 1,000,000 cases and 1,000,000 activities over 24 months; set
//! `GUGUS_BENCH_STATS_CASES` and `GUGUS_BENCH_STATS_ACTIVITIES` to measure a smaller
//! regency), then `GET /api/v1/stats` for a month, a quarter, a year and the whole span,
//! for the regency and one kecamatan, as a supervisor (exact) and a viewer (suppressed);
//! and `GET /api/v1/stats/referrals` (issue #19: the data has two agencies' liaisons, so
//! a third of the services are referred and answered) for the same periods, with the
//! year's per-agency table.
//! Each request is timed from sending to the whole answer read; the report (stdout) gives
//! p50 and p95 per request and the targets (p95 ≤ 200 ms on PostgreSQL, ≤ 500 ms on
//! SQLite).
//!
//! Run it with `GUGUS_WORKER_BIN=target/release/gugus-worker` (scripts/bench.sh does).
//! With `GUGUS_BENCH_STATS_DIR=DIR` the loaded stores are kept (a SQLite file in DIR and
//! a PostgreSQL database named after the plan) and the next run with the same plan
//! measures them again without loading.
#![forbid(unsafe_code)]

use anyhow::{ensure, Result};
use gugus_e2e::postgres::FreshDatabase;
use gugus_e2e::sync::Api;
use gugus_e2e::Worker;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");
const VIEWER: (&str, &str) = ("bupati1", "sandi-bupati-satu");
/// The liaisons the generated referrals go to and are answered by (issue #19).
const LIAISONS: [(&str, &str, &str); 2] = [
    ("penghubung1", "uptd_ppa", "jendela-rumah-aman"),
    ("penghubung2", "police", "pos-ronda-malam"),
];
/// The data's last day: a fixed day, so every run counts the same records.
const UNTIL: &str = "2026-06-30";
const MONTHS: &str = "24";
/// Timed requests per kind (after one untimed warm-up).
const RUNS: usize = 20;

fn count(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let bin = std::env::var("GUGUS_WORKER_BIN").unwrap_or_else(|_| "debug build".into());
    let cases = count("GUGUS_BENCH_STATS_CASES", 1_000_000);
    let activities = count("GUGUS_BENCH_STATS_ACTIVITIES", 1_000_000);
    println!("# Evaluation: GET /api/v1/stats over HTTP on 127.0.0.1");
    println!();
    println!(
        "worker: {bin}; {} CPUs",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "data: `gugus-worker generate --seed 9 --cases {cases} --activities {activities} \
         --months {MONTHS} --until {UNTIL}` (cases with their victims, identities, services, \
         legal steps and notes)"
    );
    println!("{RUNS} timed requests per row after one warm-up; p50/p95 nearest rank.");
    println!();
    // GUGUS_BENCH_STATS_DIR keeps the loaded stores for the next run (a million cases
    // take an hour to load through the push path): a SQLite file there, a PostgreSQL
    // database named after the plan, and a marker once each is fully loaded.
    let kept = std::env::var_os("GUGUS_BENCH_STATS_DIR").map(PathBuf::from);
    let temporary = tempfile::Builder::new().prefix("gugus-bench-").tempdir()?;
    let dir = kept
        .clone()
        .unwrap_or_else(|| temporary.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let name = format!("gugus_bench_{cases}_{activities}");
    let sqlite = Store {
        label: "SQLite",
        url: format!("sqlite://{}", dir.join(format!("{name}.db")).display()),
        marker: dir.join(format!("{name}.sqlite.loaded")),
        target_ms: 500.0,
    };
    // GUGUS_BENCH_STATS_STORES=sqlite or =postgres measures one store only.
    let stores = std::env::var("GUGUS_BENCH_STATS_STORES").unwrap_or_default();
    let wanted = |store: &str| stores.is_empty() || stores.split(',').any(|s| s.trim() == store);
    if wanted("sqlite") {
        if !sqlite.reused() {
            let _ = std::fs::remove_file(dir.join(format!("{name}.db")));
        }
        run(&sqlite, cases, activities).await?;
    }
    if !wanted("postgres") {
        return Ok(());
    }
    let marker = dir.join(format!("{name}.postgres.loaded"));
    let reuse = kept.is_some() && marker.exists();
    let database = match kept {
        Some(_) => FreshDatabase::kept(&name, reuse).await?,
        None => FreshDatabase::create("gugus_bench").await?,
    };
    match database {
        Some(database) => {
            let postgres = Store {
                label: "PostgreSQL",
                url: database.url.clone(),
                marker,
                target_ms: 200.0,
            };
            let outcome = run(&postgres, cases, activities).await;
            if std::env::var_os("GUGUS_BENCH_STATS_DIR").is_none() {
                database.drop_database().await?;
            }
            outcome?;
        }
        None => println!("PostgreSQL: SKIPPED (not reachable)"),
    }
    Ok(())
}

/// A store to measure.
struct Store {
    label: &'static str,
    url: String,
    /// Written once the store holds the whole plan; its text is the generator's report.
    marker: PathBuf,
    target_ms: f64,
}

impl Store {
    fn reused(&self) -> bool {
        self.marker.exists()
    }
}

async fn run(store: &Store, cases: u64, activities: u64) -> Result<()> {
    let label = store.label;
    let target_ms = store.target_ms;
    let started = Instant::now();
    let generated = if store.reused() {
        // A kept store's first start with a newer worker may fill what a migration adds.
        let worker = Worker::start_api_within(&store.url, Duration::from_secs(3600))?;
        let report = std::fs::read_to_string(&store.marker)?;
        (
            worker,
            format!(
                "kept from an earlier run: {} (the worker's start: {:.0} s)",
                report.trim(),
                started.elapsed().as_secs_f64()
            ),
        )
    } else {
        let worker = Worker::start_api(&store.url)?;
        worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
        worker.add_user(VIEWER.0, "Bupati", "viewer", VIEWER.1)?;
        for (username, agency, password) in LIAISONS {
            worker.add_user_of(username, "Penghubung", ("liaison", agency), password)?;
        }
        let report = worker.generate(&[
            "--seed",
            "9",
            "--cases",
            &cases.to_string(),
            "--activities",
            &activities.to_string(),
            "--months",
            MONTHS,
            "--until",
            UNTIL,
            "--as",
            SUPERVISOR.0,
        ])?;
        std::fs::write(&store.marker, &report)?;
        let took = started.elapsed().as_secs_f64();
        (
            worker,
            format!("{report} (wall clock with the worker's start: {took:.0} s)"),
        )
    };
    let (mut worker, generated) = generated;
    println!("## {label}\n\n{generated}\n");
    let api = Api::new(&worker.api_url(), Duration::from_secs(600))?;
    let supervisor = api.login(SUPERVISOR.0, SUPERVISOR.1).await?;
    let viewer = api.login(VIEWER.0, VIEWER.1).await?;
    println!(
        "{:<10} {:<28} {:<9} {:>9} {:>9} {:>9}  target",
        "who", "period", "area", "p50 ms", "p95 ms", "max ms"
    );
    let periods = [
        ("a month (2026-06)", "period=2026-06"),
        ("a quarter (2026-Q2)", "period=2026-Q2"),
        ("a year (2025)", "period=2025"),
        ("24 months (range)", "from=2024-07-01&to=2026-06-30"),
    ];
    let mut worst: f64 = 0.0;
    for (who, token, suppressed) in [
        ("supervisor", &supervisor.token, false),
        ("viewer", &viewer.token, true),
    ] {
        for (label, period) in periods {
            if suppressed && period.starts_with("from=") {
                continue;
            }
            for area in ["33.03", "33.03.08"] {
                let path = format!("/stats?{period}&area={area}");
                let [p50, p95, max] = timed(&api, &path, token).await?;
                worst = worst.max(p95);
                let verdict = if p95 <= target_ms { "pass" } else { "FAIL" };
                println!(
                    "{who:<10} {label:<28} {area:<9} {p50:>9.1} {p95:>9.1} {max:>9.1}  p95 ≤ {target_ms:.0}: {verdict}",
                );
            }
        }
    }
    // Groups of kecamatan: a viewer's year is suppressed with every list ever set and
    // the atoms they cut the regency into; two lists, the second answered.
    for list in [
        r#"{"groups":[{"name":"Utara","kecamatan":["33.03.01","33.03.02","33.03.03","33.03.04","33.03.05","33.03.06"]},
                      {"name":"Selatan","kecamatan":["33.03.07","33.03.08","33.03.09","33.03.10","33.03.11","33.03.12","33.03.13","33.03.14"]}]}"#,
        r#"{"groups":[{"name":"Barat","kecamatan":["33.03.01","33.03.02","33.03.03","33.03.04"]},
                      {"name":"Tengah","kecamatan":["33.03.05","33.03.06","33.03.07","33.03.08","33.03.09"]},
                      {"name":"Timur","kecamatan":["33.03.10","33.03.11","33.03.12","33.03.13","33.03.14","33.03.15"]}]}"#,
    ] {
        let answer = api
            .put(
                "/area-groups",
                Some(&supervisor.token),
                list.as_bytes().to_vec(),
            )
            .await?;
        ensure!(
            answer.status == 200,
            "groups: {} {}",
            answer.status,
            answer.body
        );
    }
    for (label, period) in &periods[..3] {
        for area in ["33.03", "kelompok:tengah"] {
            let path = format!("/stats?{period}&area={area}");
            let [p50, p95, max] = timed(&api, &path, &viewer.token).await?;
            worst = worst.max(p95);
            let verdict = if p95 <= target_ms { "pass" } else { "FAIL" };
            println!(
                "{:<10} {label:<28} {area:<9} {p50:>9.1} {p95:>9.1} {max:>9.1}  p95 ≤ {target_ms:.0}: {verdict}",
                "viewer+2 lists",
            );
        }
    }
    // The per-agency table of referrals, for the same periods.
    for (who, token, suppressed) in [
        ("supervisor", &supervisor.token, false),
        ("viewer", &viewer.token, true),
    ] {
        for (label, period) in periods {
            if suppressed && period.starts_with("from=") {
                continue;
            }
            let path = format!("/stats/referrals?{period}");
            let [p50, p95, max] = timed(&api, &path, token).await?;
            worst = worst.max(p95);
            let verdict = if p95 <= target_ms { "pass" } else { "FAIL" };
            println!(
                "{:<10} {label:<28} {:<9} {p50:>9.1} {p95:>9.1} {max:>9.1}  p95 ≤ {target_ms:.0}: {verdict}",
                who, "rujukan",
            );
        }
    }
    let (status, year) = api
        .get_text("/stats/referrals?period=2025", &supervisor.token)
        .await?;
    ensure!(status == 200, "{year}");
    let year: serde_json::Value = serde_json::from_str(&year)?;
    println!("\nreferrals of 2025, per agency (exact):\n");
    println!(
        "{:<10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>12} {:>12}",
        "agency",
        "received",
        "accepted",
        "declined",
        "delivered",
        "overdue",
        "answer days",
        "deliver days"
    );
    let rows = year["rows"].as_array().cloned().unwrap_or_default();
    for row in rows.iter().chain([&year["total"]]) {
        let n = |name: &str| row[name].as_u64().unwrap_or(0);
        let days = |name: &str| {
            row[name]
                .as_f64()
                .map_or("–".to_owned(), |d| format!("{d:.1}"))
        };
        println!(
            "{:<10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>12} {:>12}",
            row["agency"].as_str().unwrap_or_default(),
            n("received"),
            n("accepted"),
            n("declined"),
            n("delivered"),
            n("overdue"),
            days("median_days_to_answer"),
            days("median_days_to_deliver"),
        );
    }
    println!("\n{label}: worst p95 {worst:.1} ms (target {target_ms:.0} ms)\n");
    tokio::task::spawn_blocking(move || worker.kill()).await??;
    Ok(())
}

/// The median, 95th percentile and longest of `RUNS` answers to `path` after one warm-up,
/// in milliseconds; an answer is 200, or a group's year withheld (a viewer's 400).
async fn timed(api: &Api, path: &str, token: &str) -> Result<[f64; 3]> {
    let mut ms = Vec::with_capacity(RUNS);
    for i in 0..=RUNS {
        let sent = Instant::now();
        let (status, body) = api.get_text(path, token).await?;
        let took = sent.elapsed().as_secs_f64() * 1000.0;
        ensure!(
            status == 200 || body.contains("groups_withheld"),
            "{path}: {status} {body}"
        );
        if i > 0 {
            ms.push(took);
        }
    }
    ms.sort_by(f64::total_cmp);
    let max = ms.last().copied().unwrap_or(0.0);
    Ok([nearest(&ms, 0.50), nearest(&ms, 0.95), max])
}

/// The nearest-rank percentile of sorted values.
fn nearest(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}
