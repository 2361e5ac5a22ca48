//! The first-sync benchmark (`make bench`, section `first_sync`; issue #15): an officer's
//! phone pulling 10,000 activities into IndexedDB on its first sync. The release app, as
//! built by `scripts/build-app.sh`, served by the release worker on a fresh SQLite store,
//! in headless Chromium at 360x640 on a fresh profile (no throttling). The activities are
//! pushed beforehand from another device over the HTTP API (batches of 1,000).
//!
//! Each of `GUGUS_BENCH_RUNS` (default 5) fresh browsers opens the app, waits for its
//! service worker, logs the officer in and lets the app sync; then the figures are read
//! from the app's own User Timing entries (`app/src/timing.rs`):
//! - `gugus:sync` (measure): the first pull request of the sync that brought records to
//!   the last of its records stored in IndexedDB; its `detail` says how many records, in
//!   how many pages, and the wasm linear memory's size at the end;
//! - `gugus:sync-page`, `gugus:sync-fetch` and `gugus:sync-store` (measures, one per
//!   page): a page's request to its records stored; its request to its body parsed; its
//!   records handed to IndexedDB to the transaction's commit.
//!
//! Beside them: the JS heap (V8's used heap of the page, sampled while the sync runs, the
//! highest sample), the records counted in the app's IndexedDB, and a baseline measured in
//! the same page right after: the same records written with the raw IndexedDB API into a
//! fresh database, one readwrite transaction with a `put` each, open to `complete`.
//!
//! Also, once: the bytes of the same first sync on the wire, every pull page at the app's
//! page size (`gugus_model::sync::MAX_PULL_LIMIT`) as the worker sends it plainly, in
//! gzip and in brotli.
//!
//! Run it with `GUGUS_WORKER_BIN=target/release/gugus-worker` after `make build`
//! (scripts/bench.sh does). `GUGUS_BENCH_ACTIVITIES` changes the number of activities
//! (default 10,000). A missed target is reported (MISS), not an error: the benchmark fails
//! only when something goes wrong (a timeout, a wrong number of records).
#![forbid(unsafe_code)]

use anyhow::{bail, ensure, Context, Result};
use gugus_e2e::app::{self, SyncMeasure};
use gugus_e2e::figures::median;
use gugus_e2e::sync::{activity_fields, create_activity, push_body, statuses, Api, Device};
use gugus_e2e::{Browser, Worker};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use uuid::Uuid;

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const DEFAULT_ACTIVITIES: u64 = 10_000;
const DEFAULT_RUNS: usize = 5;
/// Mutations per push (the protocol's most).
const BATCH: usize = 1000;
/// How long the app may take to sync everything before the run fails.
const SYNC_TIMEOUT: Duration = Duration::from_secs(600);
/// How often the page is asked whether the sync is done (and its heap sampled).
const POLL_EVERY: Duration = Duration::from_millis(250);
/// A script's longest run (the baseline writes every record in one go).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(300);

const TARGET_SYNC_SECS: f64 = 2.0;
const TARGET_RATIO: f64 = 1.5;
const TARGET_WASM_MB: f64 = 79.0;
const TARGET_HEAP_MB: f64 = 10.0;
/// A megabyte in the report: 2^20 bytes.
const MB: f64 = 1024.0 * 1024.0;

/// One fresh browser's first sync.
struct Run {
    /// `gugus:sync`'s duration.
    sync_ms: f64,
    /// Its detail: records stored, pages, wasm memory at the end.
    records: u64,
    pages: Option<u64>,
    wasm_bytes: Option<u64>,
    /// Sum (ms) and count of the page measures inside the sync.
    page: (f64, u64),
    fetch: (f64, u64),
    store: (f64, u64),
    /// Sums (ms) and counts of the steps inside a page: [`STEPS`].
    steps: Vec<(f64, u64)>,
    /// The highest JS heap sample, and where it was read.
    heap: Option<(f64, &'static str)>,
    /// The raw IndexedDB write of the same records.
    raw_ms: f64,
}

impl Run {
    fn sync_secs(&self) -> f64 {
        self.sync_ms / 1000.0
    }

    fn ratio(&self) -> f64 {
        self.sync_ms / self.raw_ms
    }

    /// Sync minus fetch and store: what is left (negative when they overlap a lot).
    fn rest_ms(&self) -> f64 {
        self.sync_ms - self.fetch.0 - self.store.0
    }

    /// The report's figures, in the order of [`DECIMALS`]: sync s, records/s, raw
    /// IndexedDB s, sync/raw, JS heap MB, wasm MB, pages, page Σ s, fetch Σ s, store Σ s,
    /// rest s.
    fn columns(&self) -> [Option<f64>; COLUMNS] {
        let secs = |ms: f64| Some(ms / 1000.0);
        [
            Some(self.sync_secs()),
            Some(self.records as f64 / self.sync_secs()),
            secs(self.raw_ms),
            Some(self.ratio()),
            self.heap.map(|(bytes, _)| mb(bytes)),
            self.wasm_bytes.map(|bytes| mb(bytes as f64)),
            Some(self.pages.unwrap_or(self.page.1) as f64),
            secs(self.page.0),
            secs(self.fetch.0),
            secs(self.store.0),
            secs(self.rest_ms()),
        ]
    }
}

/// The steps of a page the app measures (`app/src/timing.rs`): the JSON parsed (part of
/// the fetch); the waiting changes and the records on the phone read, each record's new
/// state worked out and serialised, the writes to the commit (parts of the store).
const STEPS: [&str; 4] = [
    "gugus:sync-parse",
    "gugus:sync-read",
    "gugus:sync-merge",
    "gugus:sync-write",
];

/// The figures of a row of the report's table.
const COLUMNS: usize = 11;
/// The decimals each column is shown with.
const DECIMALS: [usize; COLUMNS] = [2, 0, 2, 2, 1, 1, 0, 2, 2, 2, 2];

/// One row of the report's table.
fn row(label: &str, columns: &[Option<f64>; COLUMNS]) {
    let cells: Vec<String> = columns
        .iter()
        .zip(DECIMALS)
        .map(|(value, decimals)| or_na(*value, decimals))
        .collect();
    println!("| {label} | {} |", cells.join(" | "));
}

/// The bytes of a first sync on the wire, at the app's page size.
struct Wire {
    records: u64,
    pages: u64,
    plain: u64,
    gzip: u64,
    brotli: u64,
    /// `Content-Encoding` of the answers asked for in gzip and in brotli (first page).
    encodings: [Option<String>; 2],
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let runs: usize = match std::env::var("GUGUS_BENCH_RUNS") {
        Ok(n) => n.parse().context("GUGUS_BENCH_RUNS")?,
        Err(_) => DEFAULT_RUNS,
    };
    let activities: u64 = match std::env::var("GUGUS_BENCH_ACTIVITIES") {
        Ok(n) => n.parse().context("GUGUS_BENCH_ACTIVITIES")?,
        Err(_) => DEFAULT_ACTIVITIES,
    };
    ensure!(runs > 0 && activities > 0, "nothing to measure");
    let bin = std::env::var("GUGUS_WORKER_BIN").unwrap_or_else(|_| "debug build".into());
    let data = tempfile::Builder::new()
        .prefix("gugus-first-sync-bench-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;

    let api = Api::new(&worker.api_url(), Duration::from_secs(600))?;
    let pusher = api.login(OFFICER.0, OFFICER.1).await?;
    push_activities(&api, &pusher, activities).await?;
    eprintln!("[first-sync-bench] pushed {activities} activities");
    let wire = wire_bytes(&worker, &api, activities).await?;

    let mut done = Vec::new();
    for run in 1..=runs {
        let phone = Browser::start().await?;
        let outcome = first_sync(&phone, &worker, activities, run).await;
        if outcome.is_err() {
            if let Ok(log) = phone.console_log().await {
                eprintln!("[first-sync-bench] browser console:\n{log}");
            }
        }
        phone.close().await?;
        let measured = outcome.with_context(|| format!("run {run}"))?;
        eprintln!(
            "[first-sync-bench] run {run}: {} records in {:.2} s (raw IndexedDB {:.2} s)",
            measured.records,
            measured.sync_secs(),
            measured.raw_ms / 1000.0
        );
        done.push(measured);
    }

    report(&bin, activities, &done, &wire);
    Ok(())
}

/// Pushes `n` activity creations from `device`, in batches of [`BATCH`]; every one must
/// be applied.
async fn push_activities(api: &Api, device: &Device, n: u64) -> Result<()> {
    let ids: Vec<u64> = (1..=n).collect();
    for chunk in ids.chunks(BATCH) {
        let mutations: Vec<Value> = chunk
            .iter()
            .map(|&id| create_activity(id, Uuid::now_v7(), &activity_fields(id)))
            .collect();
        let last = *chunk.last().expect("chunks are not empty");
        let answer = api
            .push(device, push_body(device.device_id, &mutations))
            .await?;
        ensure!(
            answer.status == 200,
            "push: {} {}",
            answer.status,
            answer.body
        );
        ensure!(
            answer.body["last_mutation_id"] == last,
            "push up to {last}: {}",
            answer.body
        );
        let refused: Vec<_> = statuses(&answer.body)?
            .into_iter()
            .filter(|(_, status, _)| status != "applied")
            .collect();
        ensure!(refused.is_empty(), "mutations not applied: {refused:?}");
    }
    Ok(())
}

/// A fresh device's first sync over plain HTTP: every pull page at the app's page size,
/// asked for with `Accept-Encoding: identity`, `gzip` and `br`; the body bytes as sent
/// (reqwest is built without decompression here, so they are counted as compressed).
async fn wire_bytes(worker: &Worker, api: &Api, expected: u64) -> Result<Wire> {
    let device = api.login(OFFICER.0, OFFICER.1).await?;
    let client = reqwest_native::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()?;
    let limit = gugus_model::sync::MAX_PULL_LIMIT;
    let mut sizes = [0u64; 3];
    let mut encodings: [Option<String>; 2] = [None, None];
    let (mut records, mut pages) = (0u64, 0u64);
    let mut cursor = Value::Null;
    loop {
        let body = json!({"protocol": 1, "device_id": device.device_id,
                          "cursor": cursor, "limit": limit});
        let mut page = Value::Null;
        for (i, encoding) in ["identity", "gzip", "br"].into_iter().enumerate() {
            let answer = client
                .post(format!("{}/sync/pull", worker.api_url()))
                .bearer_auth(&device.token)
                .header("content-type", "application/json")
                .header("accept-encoding", encoding)
                .body(serde_json::to_vec(&body)?)
                .send()
                .await?;
            if !answer.status().is_success() {
                bail!("pull ({encoding}): {}", answer.status());
            }
            if i > 0 && pages == 0 {
                encodings[i - 1] = answer
                    .headers()
                    .get("content-encoding")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
            }
            let bytes = answer.bytes().await?;
            sizes[i] += bytes.len() as u64;
            if i == 0 {
                page = serde_json::from_slice(&bytes).context("a plain pull page")?;
            }
        }
        pages += 1;
        records += page["records"].as_array().map_or(0, Vec::len) as u64;
        if page["more"] != true {
            break;
        }
        cursor = page["cursor"].take();
    }
    ensure!(
        records == expected,
        "a fresh device pulled {records} records, not {expected}"
    );
    Ok(Wire {
        records,
        pages,
        plain: sizes[0],
        gzip: sizes[1],
        brotli: sizes[2],
        encodings,
    })
}

/// One fresh browser: open the app, log in, wait for the sync of `expected` records, read
/// its figures, then time the raw IndexedDB write of the same records.
async fn first_sync(phone: &Browser, worker: &Worker, expected: u64, run: usize) -> Result<Run> {
    let mut timeouts = phone.client().get_timeouts().await?;
    timeouts.set_script(Some(SCRIPT_TIMEOUT));
    phone.client().update_timeouts(timeouts).await?;

    // As on a phone: the first visit installs the service worker while the officer types.
    phone.goto(&worker.base_url()).await?;
    phone.wait_for_service_worker_control().await?;
    app::log_in(phone, OFFICER.0, OFFICER.1).await?;

    let (entry, mut heap) = wait_for_sync(phone, expected).await?;
    if let Some(now) = app::js_heap(phone).await {
        heap = higher(heap, now);
    }
    let window = (entry.start, entry.start + entry.duration);
    let page = measures_within(phone, "gugus:sync-page", window).await?;
    let fetch = measures_within(phone, "gugus:sync-fetch", window).await?;
    let store = measures_within(phone, "gugus:sync-store", window).await?;
    let mut steps = Vec::with_capacity(STEPS.len());
    for step in STEPS {
        steps.push(measures_within(phone, step, window).await?);
    }
    if let Some(pages) = entry.pages {
        if pages != page.1 || pages != fetch.1 || pages != store.1 {
            eprintln!(
                "[first-sync-bench] run {run}: gugus:sync says {pages} pages; measures inside it: \
                 {} sync-page, {} sync-fetch, {} sync-store",
                page.1, fetch.1, store.1
            );
        }
    }
    let stored = app::record_count(phone).await?;
    ensure!(
        stored == expected,
        "the app's IndexedDB holds {stored} records, not {expected}"
    );
    let raw_ms = raw_write(phone, run, expected).await?;
    Ok(Run {
        sync_ms: entry.duration,
        records: entry.records.unwrap_or(0),
        pages: entry.pages,
        wasm_bytes: entry.wasm_bytes,
        page,
        fetch,
        store,
        steps,
        heap,
        raw_ms,
    })
}

fn higher(
    peak: Option<(f64, &'static str)>,
    sample: (f64, &'static str),
) -> Option<(f64, &'static str)> {
    match peak {
        Some(p) if p.0 >= sample.0 => Some(p),
        _ => Some(sample),
    }
}

/// Polls until a `gugus:sync` measure of `expected` records is there, for at most
/// [`SYNC_TIMEOUT`], sampling the JS heap each time; answers the measure and the highest
/// heap sample.
async fn wait_for_sync(
    phone: &Browser,
    expected: u64,
) -> Result<(SyncMeasure, Option<(f64, &'static str)>)> {
    let deadline = Instant::now() + SYNC_TIMEOUT;
    let mut heap = None;
    let mut last = String::from("no gugus:sync measure");
    loop {
        // The app locks after 10 minutes without a touch, and a locked app does not sync:
        // only a very slow run gets here, and the officer would unlock it.
        if phone.count("#unlock-password").await.unwrap_or(0) > 0 {
            app::unlock(phone, OFFICER.1).await?;
        }
        if let Some(sample) = app::js_heap(phone).await {
            heap = higher(heap, sample);
        }
        match app::sync_measures(phone).await {
            Ok(entries) => {
                if let Some(entry) = entries.iter().find(|e| e.records == Some(expected)) {
                    return Ok((*entry, heap));
                }
                if !entries.is_empty() {
                    last = format!("{entries:?}");
                }
            }
            Err(error) => last = format!("{error:#}"),
        }
        ensure!(
            Instant::now() < deadline,
            "timed out after {SYNC_TIMEOUT:?} waiting for a gugus:sync measure of {expected} \
             records (last seen: {last})"
        );
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// The sum (ms) and count of the measures named `name` that start inside `window` (a
/// `gugus:sync` measure's start and end, ms; 5 ms of slack at each end).
async fn measures_within(browser: &Browser, name: &str, window: (f64, f64)) -> Result<(f64, u64)> {
    let script = "const [name, from, to] = arguments;
        const inside = performance.getEntriesByName(name, 'measure')
          .filter((e) => e.startTime >= from - 5 && e.startTime <= to + 5);
        return [inside.reduce((sum, e) => sum + e.duration, 0), inside.length];";
    let answer = browser
        .execute(script, vec![json!(name), json!(window.0), json!(window.1)])
        .await?;
    Ok((
        answer[0]
            .as_f64()
            .with_context(|| format!("{name}: {answer}"))?,
        answer[1]
            .as_u64()
            .with_context(|| format!("{name}: {answer}"))?,
    ))
}

/// The baseline: reads every record of the app's IndexedDB (not timed), then times
/// opening a fresh database `gugus-baseline-RUN`, writing them all in one readwrite
/// transaction (a `put` each, none awaited) and its `complete`; deletes that database.
/// Answers the ms.
async fn raw_write(browser: &Browser, run: usize, expected: u64) -> Result<f64> {
    let script = "const [name, done] = arguments;
        const fail = (what, error) => done({ error: what + ': ' + (error && error.message || error) });
        const app = indexedDB.open('gugus');
        app.onerror = () => fail('opening gugus', app.error);
        app.onsuccess = () => {
          const db = app.result;
          const names = [...db.objectStoreNames].filter(n => n.startsWith('records.'));
          const read = db.transaction(names);
          const records = [];
          for (const name of names) {
            const all = read.objectStore(name).getAll();
            all.onsuccess = () => { records.push(...all.result); };
          }
          read.onerror = () => { db.close(); fail('reading the records', read.error); };
          read.oncomplete = () => {
            db.close();
            const started = performance.now();
            const open = indexedDB.open(name, 1);
            open.onupgradeneeded = () => {
              open.result.createObjectStore('records', { keyPath: 'id' });
            };
            open.onerror = () => fail('opening ' + name, open.error);
            open.onsuccess = () => {
              const base = open.result;
              const tx = base.transaction('records', 'readwrite');
              const store = tx.objectStore('records');
              for (const record of records) store.put(record);
              tx.onabort = () => { base.close(); fail('writing ' + name, tx.error); };
              tx.oncomplete = () => {
                const ms = performance.now() - started;
                base.close();
                const gone = indexedDB.deleteDatabase(name);
                const finish = () => done({ ms, records: records.length });
                gone.onsuccess = finish;
                gone.onerror = finish;
              };
            };
          };
        };";
    let name = format!("gugus-baseline-{run}");
    let answer = browser
        .client()
        .execute_async(script, vec![json!(name)])
        .await?;
    if let Some(error) = answer["error"].as_str() {
        bail!("the raw IndexedDB baseline: {error}");
    }
    let written = answer["records"].as_u64().context("records written")?;
    ensure!(
        written == expected,
        "the raw IndexedDB baseline wrote {written} records, not {expected}"
    );
    answer["ms"].as_f64().context("the baseline's ms")
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "MISS"
    }
}

fn mb(bytes: f64) -> f64 {
    bytes / MB
}

/// A figure, or `n/a`.
fn or_na(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => "n/a".into(),
    }
}

/// The median of the values that are there; `None` when none is.
fn median_of(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let there: Vec<f64> = values.flatten().collect();
    (!there.is_empty()).then(|| median(&there))
}

fn report(bin: &str, activities: u64, runs: &[Run], wire: &Wire) {
    println!(
        "# First sync on a phone: {activities} activities into IndexedDB (release build, 360x640; median of {} fresh browsers)",
        runs.len()
    );
    println!();
    println!(
        "worker: {bin}; {} CPUs; no CPU or network throttling; the app's page size {} records.",
        cpus(),
        gugus_model::sync::MAX_PULL_LIMIT
    );
    println!("data: {activities} activities pushed by the officer from another device (batches of {BATCH}); the phone logs in on a fresh profile and pulls them all.");
    println!();
    println!("| run | sync s | records/s | raw IndexedDB s | sync/raw | JS heap MB | wasm MB | pages | page Σ s | fetch Σ s | store Σ s | rest s |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    let table: Vec<[Option<f64>; COLUMNS]> = runs.iter().map(Run::columns).collect();
    for (i, columns) in table.iter().enumerate() {
        row(&(i + 1).to_string(), columns);
    }
    let medians: [Option<f64>; COLUMNS] =
        std::array::from_fn(|c| median_of(table.iter().map(|columns| columns[c])));
    row("median", &medians);
    println!();
    println!(
        "Where a page's time goes (the steps the app measures, ms per page, median of the runs):"
    );
    println!();
    println!("| step | ms per page | Σ s per sync |");
    println!("|---|---|---|");
    for (i, step) in STEPS.iter().enumerate() {
        let per_page = median_of(runs.iter().map(|r| {
            let (sum, n) = r.steps.get(i).copied().unwrap_or((0.0, 0));
            (n > 0).then(|| sum / n as f64)
        }));
        let total = median_of(
            runs.iter()
                .map(|r| r.steps.get(i).map(|(sum, _)| sum / 1000.0)),
        );
        println!("| {step} | {} | {} |", or_na(per_page, 1), or_na(total, 2));
    }
    let [sync_secs, _, _, ratio, heap, wasm, ..] = medians;
    let (sync_secs, ratio) = (sync_secs.unwrap_or(f64::NAN), ratio.unwrap_or(f64::NAN));
    println!();

    println!("| target | median | result |");
    println!("|---|---|---|");
    println!(
        "| {activities} activities in ≤ {TARGET_SYNC_SECS} s (gugus:sync) | {sync_secs:.2} s | {} |",
        verdict(sync_secs <= TARGET_SYNC_SECS)
    );
    println!(
        "| ≤ {TARGET_RATIO}× the raw IndexedDB write of the same records, measured in the same run | {ratio:.2}× | {} |",
        verdict(ratio <= TARGET_RATIO)
    );
    // The issue's limit is the app's memory as it was: 79 MB of wasm memory plus 10 MB of
    // heap, 89 MB together; today's split between the two does not matter, their sum does.
    let memory = match (wasm, heap) {
        (Some(w), Some(h)) => verdict(w + h <= TARGET_WASM_MB + TARGET_HEAP_MB),
        _ => "n/a",
    };
    println!(
        "| app memory during the sync (wasm + JS heap) ≤ {TARGET_WASM_MB:.0} + {TARGET_HEAP_MB:.0} MB, as before the change | {} MB wasm + {} MB heap | {memory} |",
        or_na(wasm, 1),
        or_na(heap, 1)
    );
    println!();

    let per = |bytes: u64| bytes as f64 / wire.records.max(1) as f64;
    let encoding = |e: &Option<String>| e.clone().unwrap_or_else(|| "none".into());
    println!(
        "Bytes on the wire, a fresh device's first sync over HTTP ({} records in {} pages of up to {}; response bodies as sent):",
        wire.records,
        wire.pages,
        gugus_model::sync::MAX_PULL_LIMIT
    );
    println!();
    println!("| Accept-Encoding | Content-Encoding | total KiB | bytes per record |");
    println!("|---|---|---|---|");
    println!(
        "| identity | none | {:.1} | {:.0} |",
        wire.plain as f64 / 1024.0,
        per(wire.plain)
    );
    println!(
        "| gzip | {} | {:.1} | {:.0} |",
        encoding(&wire.encodings[0]),
        wire.gzip as f64 / 1024.0,
        per(wire.gzip)
    );
    println!(
        "| br | {} | {:.1} | {:.0} |",
        encoding(&wire.encodings[1]),
        wire.brotli as f64 / 1024.0,
        per(wire.brotli)
    );
    println!();

    let sources: Vec<&str> = {
        let mut s: Vec<&str> = runs.iter().filter_map(|r| r.heap.map(|h| h.1)).collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    println!("sync: the app's gugus:sync measure, the first pull request of the sync that brought the records to the last of them stored in IndexedDB (WebDriver login and page load not included); records/s = records stored / that time.");
    println!("raw IndexedDB: in the same page right after, the same records (read back with getAll, not timed) written into a fresh database: open, one readwrite transaction with a put each (keyPath id, no index), to its complete event.");
    println!("breakdown: the sums of the per-page measures inside the sync: page (request to records stored), fetch (request sent to body parsed), store (records handed to IndexedDB to the commit); rest = sync − fetch − store. The next page's fetch may overlap the current page's store, so the parts can add up to more than the whole (rest < 0).");
    println!(
        "memory: wasm = the wasm linear memory at the end of the sync (gugus:sync's detail; it never shrinks, so also its peak); JS heap = the page's V8 heap in use, the highest of the samples taken every {} ms during the sync and right after ({}). MB = 2^20 bytes.",
        POLL_EVERY.as_millis(),
        if sources.is_empty() {
            "not available".to_string()
        } else {
            sources.join(", ")
        }
    );
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(0, |n| n.get())
}
