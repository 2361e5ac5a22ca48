//! Opening a victim's identity on the case page (`make bench`, section `identity_open`):
//! the release app in headless Chromium at phone size (360x640), served by the real worker
//! binary, with the officer's scope of `GUGUS_BENCH_CASES` generated cases (default
//! 10,000) synced into IndexedDB.
//!
//! The officer records `GUGUS_BENCH_RUNS` identities (default 7) through the identity form,
//! each for a new victim of one of its cases, and syncs. The app is then reloaded and
//! unlocked, so no key is held in memory, and each case page is opened: the time from the
//! press of "Tampilkan identitas" to the name painted, measured in the page
//! (`performance.now()` around the click and two animation frames), is the figure. Three
//! settings: the first open after the unlock (cold: today the case key is unwrapped with
//! the account's private key, ECDH, then the envelopes opened), the same identity hidden
//! and shown again (warm), and the cold open with 4× CPU throttling.
//!
//! The page's DOM is the same in builds before issue #18 (the identity sealed under the
//! password's vault on the phone), so `GUGUS_BENCH_DIST` (a `dist/` of another build) and
//! `GUGUS_WORKER_BIN` (its worker) measure that build with this same program: how the
//! closing note compares before and after.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::figures::median;
use gugus_e2e::sync::{push_body, Api};
use gugus_e2e::{app, poll, Browser, Worker};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use uuid::Uuid;

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");
const DEFAULT_CASES: u64 = 10_000;
const DEFAULT_RUNS: usize = 7;
const THROTTLE: f64 = 4.0;

/// Clicks the victim's "show identity" and answers the milliseconds until its name is
/// painted (the frame after the one that drew it).
const OPEN_JS: &str = "const victim = arguments[0];
const done = arguments[arguments.length - 1];
const item = `li.victim-item[data-id=\"${victim}\"]`;
const button = document.querySelector(`${item} .identity-show`);
const started = performance.now();
button.click();
const tick = () => {
  if (document.querySelector(`${item} .identity-fields [data-field=full_name]`)) {
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - started), 0));
  } else if (performance.now() - started > 60000) {
    done(-1);
  } else {
    requestAnimationFrame(tick);
  }
};
tick();";

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> Result<T> {
    match std::env::var(name) {
        Ok(text) => text.parse().ok().with_context(|| format!("{name}={text}")),
        Err(_) => Ok(default),
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let cases: u64 = env_number("GUGUS_BENCH_CASES", DEFAULT_CASES)?;
    let runs: usize = env_number("GUGUS_BENCH_RUNS", DEFAULT_RUNS)?;
    let bin = std::env::var("GUGUS_WORKER_BIN").unwrap_or_else(|_| "debug build".into());
    let dist = match std::env::var_os("GUGUS_BENCH_DIST") {
        Some(dir) => PathBuf::from(dir),
        None => gugus_e2e::dist_dir()?,
    };
    let data = tempfile::Builder::new()
        .prefix("gugus-identity-bench-")
        .tempdir()?;
    let worker = Worker::start_serving(data.path(), &dist)?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    let cases_arg = cases.to_string();
    let generated = worker.generate(&[
        "--as",
        SUPERVISOR.0,
        "--assign",
        OFFICER.0,
        "--seed",
        "7",
        "--cases",
        &cases_arg,
        "--activities",
        "0",
        "--months",
        "24",
        "--until",
        "2026-06-30",
    ])?;
    eprintln!("[identity-bench] {generated}");
    let phone = Browser::start_phone().await?;
    let outcome = measure(&phone, &worker, runs).await;
    if outcome.is_err() {
        if let Ok(log) = phone.console_log().await {
            eprintln!("[identity-bench] browser console:\n{log}");
        }
    }
    phone.close().await?;
    let figures = outcome?;
    println!("## Opening a victim's identity on the case page");
    println!();
    println!(
        "app: {}; worker: {bin}; {cases} generated cases in the officer's scope; {runs} identities recorded through the form; {} CPUs",
        dist.display(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    println!();
    println!("| setting | median ms | min ms | max ms |");
    println!("|---|---:|---:|---:|");
    for (what, values) in [
        ("first open after the unlock (cold)", &figures.cold),
        ("shown again (warm)", &figures.warm),
        ("first open, 4× CPU throttling", &figures.cold_throttled),
    ] {
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(0.0, f64::max);
        println!("| {what} | {:.1} | {min:.1} | {max:.1} |", median(values));
    }
    println!();
    println!("Press of \"Tampilkan identitas\" to the name painted, measured in the page; each case page opened after a reload and an unlock, so no key is held in memory at the first open.");
    Ok(())
}

#[derive(Default)]
struct Figures {
    cold: Vec<f64>,
    warm: Vec<f64>,
    cold_throttled: Vec<f64>,
}

async fn measure(phone: &Browser, worker: &Worker, runs: usize) -> Result<Figures> {
    let api = Api::new(&worker.api_url(), Duration::from_secs(600))?;
    let officer = api.login(OFFICER.0, OFFICER.1).await?;
    // New victims, one on each of `runs` of the officer's cases, without identities.
    let scope = api.pull_all(&officer, 1000).await?;
    let cases: Vec<Uuid> = scope
        .iter()
        .filter(|r| r["kind"] == "case" && r["deleted"] == false)
        .filter_map(|r| r["id"].as_str()?.parse().ok())
        .take(runs)
        .collect();
    ensure!(cases.len() == runs, "{} cases in scope", cases.len());
    let victims: Vec<(Uuid, Uuid)> = cases.iter().map(|c| (*c, Uuid::now_v7())).collect();
    let mutations: Vec<Value> = victims
        .iter()
        .enumerate()
        .map(|(n, (case, victim))| {
            json!({"id": n + 1, "kind": "victim", "record_id": victim, "op": "upsert",
                   "base_version": 0, "at": "2026-06-20T02:00:00Z",
                   "fields": {"case_id": case, "pseudonym": format!("B-{n}"), "sex": "female",
                              "age": 24, "kecamatan": "33.03.08", "desa": "33.03.08.2001"}})
        })
        .collect();
    let answer = api
        .push(&officer, push_body(officer.device_id, &mutations))
        .await?;
    let applied = answer.body["results"]
        .as_array()
        .is_some_and(|r| r.iter().all(|r| r["status"] == "applied"));
    ensure!(applied, "{}", answer.body);
    let expected = api.pull_all(&officer, 1000).await?.len() as u64;

    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, OFFICER.0, OFFICER.1).await?;
    wait_synced(phone, expected).await?;
    for (n, (case, victim)) in victims.iter().enumerate() {
        phone
            .goto(&format!(
                "{}#/kasus/{case}/korban/{victim}/identitas",
                worker.base_url()
            ))
            .await?;
        phone.wait_for("#identity-form").await?;
        phone
            .fill("input[name=full_name]", &format!("Dewi Lestari {n}"))
            .await?;
        phone
            .fill("input[name=nik]", &format!("33030841079800{n:02}"))
            .await?;
        phone.fill("input[name=phone]", "081227001234").await?;
        phone
            .fill(
                "textarea[name=address], input[name=address]",
                "RT 02 RW 03, Karangreja",
            )
            .await?;
        phone.click("#identity-form-save").await?;
        phone
            .wait_for(&format!(
                "li.victim-item[data-id='{victim}'] .identity-show"
            ))
            .await?;
    }
    phone.click("#sync-now").await?;
    app::wait_for_pending(phone, 0).await?;

    let mut figures = Figures::default();
    app::reload_and_unlock(phone, OFFICER.1).await?;
    for (case, victim) in &victims {
        figures
            .cold
            .push(open(phone, worker, *case, *victim).await?);
        // Hidden, then shown again: the key is held now.
        let hide = format!("li.victim-item[data-id='{victim}'] .identity-show");
        phone.click(&hide).await?;
        figures.warm.push(show(phone, *victim).await?);
    }
    phone
        .cdp("Emulation.setCPUThrottlingRate", json!({"rate": THROTTLE}))
        .await?;
    app::reload_and_unlock(phone, OFFICER.1).await?;
    for (case, victim) in &victims {
        figures
            .cold_throttled
            .push(open(phone, worker, *case, *victim).await?);
    }
    phone
        .cdp("Emulation.setCPUThrottlingRate", json!({"rate": 1.0}))
        .await?;
    Ok(figures)
}

/// Opens the case page and the victim's identity on it: the milliseconds of [`show`].
async fn open(phone: &Browser, worker: &Worker, case: Uuid, victim: Uuid) -> Result<f64> {
    phone
        .goto(&format!("{}#/kasus/{case}", worker.base_url()))
        .await?;
    phone
        .wait_for(&format!(
            "li.victim-item[data-id='{victim}'] .identity-show"
        ))
        .await?;
    show(phone, victim).await
}

/// Presses "show identity" and answers the milliseconds until the name is painted.
async fn show(phone: &Browser, victim: Uuid) -> Result<f64> {
    let ms = phone
        .client()
        .execute_async(OPEN_JS, vec![json!(victim)])
        .await?
        .as_f64()
        .context("a duration")?;
    ensure!(ms >= 0.0, "the identity of {victim} did not open");
    Ok(ms)
}

/// Waits until the officer's whole scope is in IndexedDB (unlocking when the app locks).
async fn wait_synced(phone: &Browser, expected: u64) -> Result<()> {
    poll("the whole scope in IndexedDB", || async {
        if phone.count("#unlock-password").await? > 0 {
            app::unlock(phone, OFFICER.1).await?;
        }
        Ok((app::record_count(phone).await? >= expected).then_some(()))
    })
    .await
}
