//! The first-visit benchmark (`make bench`, section `first-visit`): the release app, as
//! built by `scripts/build-app.sh` (split into a first download and the pages' chunks),
//! served by the release worker, opened in headless Chromium at 360x640 on a fresh profile
//! over an emulated 3G phone: 4× CPU throttling, 1.6 Mbit/s down, 750 kbit/s up, 150 ms
//! latency. Each figure is the median of `GUGUS_BENCH_RUNS` (default 5) fresh browsers:
//!
//! - (a) bytes transferred until the login form is usable: as the same files' gzip and
//!   brotli twins add up, and as measured on the wire (Resource Timing's `transferSize`,
//!   headers included; Chromium takes brotli from a loopback origin, as over HTTPS);
//! - (b) the first visit until the login form is usable (the app's `gugus:ready` mark);
//! - (c) the first paint (`first-contentful-paint`: index.html's "Memuat…");
//! - (d) the second visit, from the service worker, until the login form is usable;
//! - (e) the bytes the service worker precaches (as stored, and as gzip twins);
//! - (f) the first opening of each on-demand page with no signal, its chunk from the
//!   cache: a supervisor's menu, tap to the page's heading;
//! - (g) the bytes of an officer's first sync of 10,000 generated cases (every pull page
//!   at the app's page size), as sent plainly, gzipped and in brotli.
#![forbid(unsafe_code)]

use anyhow::{bail, Context, Result};
use gugus_e2e::figures::median;
use gugus_e2e::sync::Api;
use gugus_e2e::{app, dist_dir, poll, precached_paths, Browser, Worker};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");
const CPU_THROTTLE: f64 = 4.0;
/// 1.6 Mbit/s, 750 kbit/s and 150 ms, in CDP's bytes per second and milliseconds.
const DOWN_BYTES_PER_SEC: f64 = 1_600_000.0 / 8.0;
const UP_BYTES_PER_SEC: f64 = 750_000.0 / 8.0;
const LATENCY_MS: f64 = 150.0;
const SYNC_CASES: &str = "10000";

const TARGET_FIRST_LOAD_GZIP_BYTES: f64 = 300.0 * 1024.0;
const TARGET_USABLE_MS: f64 = 2500.0;
const TARGET_FIRST_PAINT_MS: f64 = 1000.0;
const TARGET_SECOND_VISIT_MS: f64 = 1000.0;
const TARGET_PAGE_OFFLINE_MS: f64 = 300.0;

/// A supervisor's menu: every on-demand page but the accounts (admins only).
const MENU: [&str; 8] = [
    "#nav-home",
    "#nav-activities",
    "#nav-new-activity",
    "#nav-cases",
    "#nav-stats",
    "#nav-assign",
    "#nav-audit",
    "#nav-settings",
];

#[derive(Default)]
struct Figures {
    wire_bytes: Vec<f64>,
    gzip_bytes: Vec<f64>,
    brotli_bytes: Vec<f64>,
    usable_ms: Vec<f64>,
    first_paint_ms: Vec<f64>,
    second_visit_ms: Vec<f64>,
    precached: Option<(u64, u64, usize)>,
    page_ms: Vec<(String, Vec<f64>)>,
    first_load_files: Vec<String>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let runs: usize = match std::env::var("GUGUS_BENCH_RUNS") {
        Ok(n) => n.parse().context("GUGUS_BENCH_RUNS")?,
        Err(_) => 5,
    };
    let dist = dist_dir()?;
    let data = tempfile::Builder::new()
        .prefix("gugus-first-visit-bench-")
        .tempdir()?;
    let mut worker = Worker::start(data.path())?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;

    let mut figures = Figures {
        page_ms: MENU.iter().map(|m| (m.to_string(), Vec::new())).collect(),
        ..Figures::default()
    };
    for run in 0..runs {
        worker.restart()?;
        let browser = Browser::start().await?;
        let outcome = one_visit(&browser, &mut worker, &dist, &mut figures).await;
        if outcome.is_err() {
            if let Ok(log) = browser.console_log().await {
                eprintln!("[first-visit-bench] browser console:\n{log}");
            }
        }
        browser.close().await?;
        outcome.with_context(|| format!("run {}", run + 1))?;
    }

    worker.restart()?;
    let sync = first_sync_bytes(&worker).await?;
    report(runs, &figures, sync);
    Ok(())
}

/// One fresh browser: the first visit, the second, then the pages offline.
async fn one_visit(
    browser: &Browser,
    worker: &mut Worker,
    dist: &Path,
    figures: &mut Figures,
) -> Result<()> {
    // Emulation applies to the page's target: open a blank page first.
    browser.goto("about:blank").await?;
    phone_conditions(browser, true).await?;
    browser.goto(&worker.base_url()).await?;
    let usable = mark_time(browser, "gugus:ready").await?;
    figures.usable_ms.push(usable);
    let paint = browser
        .execute(
            "const p = performance.getEntriesByName('first-contentful-paint');
             return p.length ? p[0].startTime : null;",
            vec![],
        )
        .await?
        .as_f64()
        .context("no first-contentful-paint entry")?;
    figures.first_paint_ms.push(paint);
    // What came over the network until the login form was usable.
    let script = "const until = arguments[0];
        const nav = performance.getEntriesByType('navigation')[0];
        const loads = performance.getEntriesByType('resource')
          .filter((e) => e.responseEnd <= until);
        return [nav, ...loads].map((e) => [new URL(e.name).pathname, e.transferSize]);";
    let loads = browser.execute(script, vec![json!(usable)]).await?;
    let loads = loads.as_array().context("resource entries")?;
    let (mut wire, mut gzip, mut brotli) = (0.0, 0.0, 0.0);
    let mut files = Vec::new();
    for entry in loads {
        let path = entry[0].as_str().unwrap_or("/");
        wire += entry[1].as_f64().unwrap_or(0.0);
        let file = if path == "/" { "/index.html" } else { path };
        let on_disk = dist.join(file.trim_start_matches('/'));
        gzip += twin_size(&on_disk, "gz")? as f64;
        brotli += twin_size(&on_disk, "br")? as f64;
        files.push(file.to_owned());
    }
    figures.wire_bytes.push(wire);
    figures.gzip_bytes.push(gzip);
    figures.brotli_bytes.push(brotli);
    figures.first_load_files = files;

    // The second visit: the service worker in control and its precache complete.
    phone_conditions(browser, false).await?;
    browser.wait_for_service_worker_control().await?;
    let precached = precache(browser).await?;
    figures.precached = Some(precached);
    phone_conditions(browser, true).await?;
    browser.goto(&worker.base_url()).await?;
    figures
        .second_visit_ms
        .push(mark_time(browser, "gugus:ready").await?);

    // Logged in, then no signal: each page of the menu opened for the first time.
    phone_conditions(browser, false).await?;
    app::log_in(browser, SUPERVISOR.0, SUPERVISOR.1).await?;
    browser.wait_for("nav.nav").await?;
    worker.stop()?;
    browser.reload().await?;
    app::unlock(browser, SUPERVISOR.1).await?;
    phone_conditions(browser, true).await?;
    let opened = "const [link, done] = arguments;
        const started = performance.now();
        document.querySelector(link).click();
        const check = () => {
          const main = document.getElementById('main');
          const h1 = main && main.querySelector('h1');
          if (h1 && !main.querySelector(':scope > .loading')) {
            done(performance.now() - started);
          } else {
            requestAnimationFrame(check);
          }
        };
        requestAnimationFrame(check);";
    for (link, times) in figures.page_ms.iter_mut() {
        // The home page is where the unlock lands: its first opening is the unlock's.
        if link == "#nav-home" {
            continue;
        }
        let ms = browser
            .client()
            .execute_async(opened, vec![json!(link)])
            .await?
            .as_f64()
            .with_context(|| format!("opening {link}"))?;
        times.push(ms);
    }
    phone_conditions(browser, false).await?;
    Ok(())
}

/// The emulated phone (4× CPU, 3G), or a plain desktop.
async fn phone_conditions(browser: &Browser, phone: bool) -> Result<()> {
    let rate = if phone { CPU_THROTTLE } else { 1.0 };
    browser
        .cdp("Emulation.setCPUThrottlingRate", json!({ "rate": rate }))
        .await?;
    browser.cdp("Network.enable", json!({})).await?;
    let conditions = if phone {
        json!({
            "offline": false,
            "latency": LATENCY_MS,
            "downloadThroughput": DOWN_BYTES_PER_SEC,
            "uploadThroughput": UP_BYTES_PER_SEC,
        })
    } else {
        json!({ "offline": false, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 })
    };
    browser
        .cdp("Network.emulateNetworkConditions", conditions)
        .await?;
    Ok(())
}

/// The start time (ms from navigation start) of this page load's first `name` mark.
async fn mark_time(browser: &Browser, name: &str) -> Result<f64> {
    let script = "const marks = performance.getEntriesByName(arguments[0]);
        return marks.length ? marks[0].startTime : null;";
    poll(&format!("the {name} mark"), || async {
        Ok(browser.execute(script, vec![json!(name)]).await?.as_f64())
    })
    .await
}

/// The size of `file`'s `.gz` or `.br` twin, or of the file itself when it has none.
fn twin_size(file: &Path, ext: &str) -> Result<u64> {
    let mut twin = file.as_os_str().to_owned();
    twin.push(format!(".{ext}"));
    let twin = Path::new(&twin);
    let chosen = if twin.is_file() { twin } else { file };
    Ok(std::fs::metadata(chosen)
        .with_context(|| format!("{}", chosen.display()))?
        .len())
}

/// Waits for the precache to hold every file of `sw.js`'s list; answers its bytes as
/// stored, the same files' gzip twins, and how many files.
async fn precache(browser: &Browser) -> Result<(u64, u64, usize)> {
    let dist = dist_dir()?;
    let shell = precached_paths()?;
    let script = "const [wanted, done] = arguments;
        caches.keys()
          .then((names) => Promise.all(names.map((n) => caches.open(n))))
          .then((all) => Promise.all(all.map((c) => c.keys().then((keys) =>
            Promise.all(keys.map((k) => c.match(k).then((r) => r.clone().arrayBuffer())
              .then((b) => [new URL(k.url).pathname, b.byteLength])))))))
          .then((lists) => {
            const have = lists.flat();
            const paths = new Set(have.map(([p]) => p));
            done(wanted.every((w) => paths.has(w)) ? have : null);
          })
          .catch(() => done(null));";
    let stored = poll("the precache to complete", || async {
        let answer = browser
            .client()
            .execute_async(script, vec![json!(shell)])
            .await?;
        Ok(answer.as_array().cloned())
    })
    .await?;
    let bytes: u64 = stored.iter().filter_map(|e| e[1].as_u64()).sum();
    let mut gzip = 0;
    for path in &shell {
        let file = if path == "/" {
            "index.html"
        } else {
            path.trim_start_matches('/')
        };
        gzip += twin_size(&dist.join(file), "gz")?;
    }
    Ok((bytes, gzip, shell.len()))
}

/// An officer's first sync of 10,000 generated cases: the bytes of every pull page at the
/// app's page size, as sent plainly, in gzip and in brotli. Answers (records, plain,
/// gzip, brotli).
async fn first_sync_bytes(worker: &Worker) -> Result<(usize, u64, u64, u64)> {
    let generated = worker.generate(&[
        "--as",
        SUPERVISOR.0,
        "--assign",
        OFFICER.0,
        "--seed",
        "7",
        "--cases",
        SYNC_CASES,
        "--activities",
        "300",
        "--months",
        "24",
        "--until",
        "2026-06-30",
    ])?;
    eprintln!("[first-visit-bench] {generated}");
    let api = Api::new(&worker.api_url(), Duration::from_secs(600))?;
    let officer = api.login(OFFICER.0, OFFICER.1).await?;
    let client = reqwest_native::Client::new();
    let limit = gugus_model::sync::DEFAULT_PULL_LIMIT;
    let (mut records, mut sizes) = (0, [0u64; 3]);
    let mut cursor = Value::Null;
    loop {
        let body = json!({"protocol": 1, "device_id": officer.device_id,
                          "cursor": cursor, "limit": limit});
        let mut page = Value::Null;
        for (i, encoding) in ["identity", "gzip", "br"].into_iter().enumerate() {
            let answer = client
                .post(format!("{}/sync/pull", worker.api_url()))
                .bearer_auth(&officer.token)
                .header("content-type", "application/json")
                .header("accept-encoding", encoding)
                .body(serde_json::to_vec(&body)?)
                .send()
                .await?;
            if !answer.status().is_success() {
                bail!("pull: {}", answer.status());
            }
            let bytes = answer.bytes().await?;
            sizes[i] += bytes.len() as u64;
            if i == 0 {
                page = serde_json::from_slice(&bytes)?;
            }
        }
        records += page["records"].as_array().map_or(0, Vec::len);
        if page["more"] != true {
            return Ok((records, sizes[0], sizes[1], sizes[2]));
        }
        cursor = page["cursor"].take();
    }
}

fn verdict(value: f64, target: f64) -> &'static str {
    if value <= target {
        "pass"
    } else {
        "MISS"
    }
}

fn report(runs: usize, f: &Figures, sync: (usize, u64, u64, u64)) {
    let kb = |b: f64| b / 1024.0;
    println!("# First visit on a 3G phone (release build, split; median of {runs} fresh browsers)");
    println!();
    println!(
        "Conditions: 360x640, 4x CPU throttling, 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency."
    );
    println!();
    println!("| measure | median | runs | target | verdict |");
    println!("|---|---|---|---|---|");
    let gz = median(&f.gzip_bytes);
    println!(
        "| (a) bytes until the login form is usable, gzip twins | {:.1} KiB | {} | ≤ 300 KiB | {} |",
        kb(gz),
        f.gzip_bytes.len(),
        verdict(gz, TARGET_FIRST_LOAD_GZIP_BYTES)
    );
    println!(
        "| (a) the same, brotli twins | {:.1} KiB | {} | | |",
        kb(median(&f.brotli_bytes)),
        f.brotli_bytes.len()
    );
    println!(
        "| (a) the same, on the wire (transferSize, headers included) | {:.1} KiB | {} | | |",
        kb(median(&f.wire_bytes)),
        f.wire_bytes.len()
    );
    let rows = [
        (
            "(b) first visit until the login form is usable",
            &f.usable_ms,
            TARGET_USABLE_MS,
        ),
        ("(c) first paint", &f.first_paint_ms, TARGET_FIRST_PAINT_MS),
        (
            "(d) second visit, from the service worker",
            &f.second_visit_ms,
            TARGET_SECOND_VISIT_MS,
        ),
    ];
    for (what, values, target) in rows {
        let m = median(values);
        println!(
            "| {what} | {m:.0} ms | {} | ≤ {target:.0} ms | {} |",
            values.len(),
            verdict(m, target)
        );
    }
    if let Some((stored, gzip, files)) = f.precached {
        println!(
            "| (e) precached by the service worker ({files} files) | {:.1} KiB stored, {:.1} KiB as gzip | | | |",
            kb(stored as f64),
            kb(gzip as f64)
        );
    }
    for (link, values) in &f.page_ms {
        if values.is_empty() {
            continue;
        }
        let m = median(values);
        println!(
            "| (f) first opening offline, {link} | {m:.0} ms | {} | ≤ 300 ms | {} |",
            values.len(),
            verdict(m, TARGET_PAGE_OFFLINE_MS)
        );
    }
    let (records, plain, gzip, brotli) = sync;
    println!(
        "| (g) an officer's first sync ({records} records, {SYNC_CASES} cases): plain / gzip / brotli | {:.0} / {:.0} / {:.0} KiB ({:.1}× / {:.1}× smaller) | 1 | | |",
        kb(plain as f64),
        kb(gzip as f64),
        kb(brotli as f64),
        plain as f64 / gzip.max(1) as f64,
        plain as f64 / brotli.max(1) as f64
    );
    println!();
    println!(
        "First download (until the login form is usable): {}",
        f.first_load_files.join(", ")
    );
}
