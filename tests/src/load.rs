//! Many phones at once (issue #20, item 5): officers' devices push activities and case
//! edits in small batches (now and then a 100-mutation push) and pull with their cursor,
//! supervisors' devices pull and open the evaluation, viewers open the evaluation, all at
//! the same time against the real worker binary, for a bounded time. Then every device
//! pushes what it still holds and pulls to the end, and the run checks convergence:
//!
//! - every device's records equal exactly a fresh full pull by its account from a new
//!   device (so the union of its incremental pulls is the server's state: no cursor
//!   skipped anything), and the server's last mutation id for it is the last it sent;
//! - every mutation answered `applied` (or `duplicate`, after a push whose answer was
//!   lost) is in the store once, at the version answered (the last one of its record),
//!   with the fields the device sent, and nothing else is;
//! - each officer's full pull is exactly its scope: every activity and the records of the
//!   cases its devices created.
//!
//! [`run`] answers a [`Report`]: latencies per endpoint, errors with their breakdown,
//! mutations per second, each worker's peak memory, convergence. The benchmark
//! (`src/bin/load-bench.rs`) prints it against the targets; the end-to-end test
//! (`tests/e2e/load.rs`) asserts no errors, nothing lost and convergence only.

use crate::app::days_before_today;
use crate::sync::{activity_fields, push_body, statuses, Api, Device, DESA, KECAMATAN};
use crate::Worker;
use anyhow::{ensure, Context, Result};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use uuid::Uuid;

/// The shape of a run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Devices in all.
    pub devices: usize,
    /// Officer accounts; their devices are the ones left after supervisors' and viewers'.
    pub officers: usize,
    /// Supervisor accounts.
    pub supervisors: usize,
    /// Viewer accounts.
    pub viewers: usize,
    /// Supervisors' devices, spread over their accounts.
    pub supervisor_devices: usize,
    /// Viewers' devices, spread over their accounts.
    pub viewer_devices: usize,
    /// How long the load runs (then the devices finish and converge).
    pub duration: Duration,
    /// Worker processes on the one store; devices are spread over them.
    pub workers: usize,
    /// The mean pause between a device's rounds (each pause is 0.5 to 1.5 times it).
    pub interval: Duration,
    /// An officer's round pushes 100 mutations once in this many rounds (else 1 to 20).
    pub big_push_one_in: u64,
    /// The percentage of officers' mutations that create activities (every officer pulls
    /// every activity); the others create and update the officer's own cases, and add
    /// victims and notes to them.
    pub activity_percent: u64,
    /// A request without an answer after this long fails (a transport error).
    pub request_timeout: Duration,
    /// Logins checked at the same moment (per account they are always sequential).
    pub concurrent_logins: usize,
}

impl Config {
    /// 200 devices of 40 officers, 4 supervisors and 2 viewers for `duration`, on
    /// `workers` worker processes.
    pub fn phones_200(duration: Duration, workers: usize) -> Config {
        Config {
            devices: 200,
            officers: 40,
            supervisors: 4,
            viewers: 2,
            supervisor_devices: 8,
            viewer_devices: 4,
            duration,
            workers,
            interval: Duration::from_secs(3),
            big_push_one_in: 20,
            activity_percent: 20,
            request_timeout: Duration::from_secs(60),
            concurrent_logins: 6,
        }
    }

    fn officer_devices(&self) -> usize {
        self.devices - self.supervisor_devices - self.viewer_devices
    }
}

/// The endpoints measured, as the report names them.
pub const LOGIN: &str = "login";
/// A push of 1 to 20 mutations.
pub const PUSH_SMALL: &str = "push (1-20)";
/// A push of 100 mutations.
pub const PUSH_100: &str = "push (100)";
/// One pull page.
pub const PULL: &str = "pull (one page)";
/// `GET /api/v1/stats`.
pub const STATS: &str = "stats";

/// The targets (issue #20).
pub const TARGET_PUSH_100_P99_MS: f64 = 500.0;
/// See [`TARGET_PUSH_100_P99_MS`].
pub const TARGET_STATS_P99_MS: f64 = 1000.0;
/// See [`TARGET_PUSH_100_P99_MS`]: a worker's peak resident memory, MiB.
pub const TARGET_PEAK_MIB: f64 = 40.0;

/// A worker process's memory, from `/proc/<pid>/status`, in kB.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    /// `VmHWM` once every device had logged in, before the load.
    pub peak_after_logins_kb: u64,
    /// `VmHWM` at the end: the peak resident memory of the whole run.
    pub peak_kb: u64,
    /// `VmRSS` at the end.
    pub rss_kb: u64,
}

/// What the convergence checks found.
#[derive(Debug, Clone, Default)]
pub struct Convergence {
    /// Devices whose records were compared with their account's fresh full pull.
    pub devices_checked: usize,
    /// Records in the store (a supervisor's fresh full pull).
    pub records: usize,
    /// Mutations answered `applied`.
    pub applied: u64,
    /// Mutations answered `duplicate` (their push's first answer was lost).
    pub duplicates: u64,
    /// Mutations answered `applied` or `duplicate` that the store does not hold as sent.
    pub lost: u64,
    /// Every other disagreement (a device's records against its account's, extra records,
    /// scope, last mutation ids, mutations never answered).
    pub mismatches: u64,
    /// The first disagreements, in words.
    pub problems: Vec<String>,
}

/// One run's figures.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Milliseconds per request, by endpoint (during the load only).
    pub latencies: BTreeMap<&'static str, Vec<f64>>,
    /// Failed requests by what failed: non-2xx answers and transport errors, during the
    /// load and the convergence after it, and push results other than `applied`.
    pub errors: BTreeMap<String, u64>,
    /// Mutations answered `applied` during the load.
    pub applied_during_load: u64,
    /// How long the load ran, seconds.
    pub load_secs: f64,
    /// How long making the accounts and logging every device in took, seconds.
    pub setup_secs: f64,
    /// How long the end took (pushing what was left, pulling to the end, the checks).
    pub converge_secs: f64,
    /// Each worker's memory.
    pub memory: Vec<Memory>,
    /// The checks after the load.
    pub convergence: Convergence,
    /// Devices by role: officers', supervisors', viewers'.
    pub devices: (usize, usize, usize),
    /// Milliseconds of pushes (either size), pulls and stats requests by the 10 s of the
    /// load they were sent in.
    pub by_window: BTreeMap<(&'static str, u64), Vec<f64>>,
}

impl Report {
    /// Every error counted.
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// Applied mutations per second of load.
    pub fn mutations_per_sec(&self) -> f64 {
        self.applied_during_load as f64 / self.load_secs
    }

    fn p(&self, endpoint: &str, p: f64) -> f64 {
        self.latencies
            .get(endpoint)
            .map_or(f64::NAN, |ms| crate::figures::percentile(ms, p))
    }

    /// The markdown section of one setup: figures beside the targets.
    pub fn markdown(&self, setup: &str) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let verdict = |ok: bool| if ok { "PASS" } else { "MISS" };
        let (o, s, v) = self.devices;
        let _ = writeln!(out, "## {setup}\n");
        let _ = writeln!(
            out,
            "{} devices ({o} officers', {s} supervisors', {v} viewers'), {:.1} s of load; \
             {} mutations applied, {:.0} mutations/s.\n",
            o + s + v,
            self.load_secs,
            self.applied_during_load,
            self.mutations_per_sec()
        );
        let _ = writeln!(out, "| endpoint | requests | p50 ms | p99 ms | target | |");
        let _ = writeln!(out, "|---|---:|---:|---:|---|---|");
        for endpoint in [LOGIN, PUSH_SMALL, PUSH_100, PULL, STATS] {
            let n = self.latencies.get(endpoint).map_or(0, Vec::len);
            let (p50, p99) = (self.p(endpoint, 50.0), self.p(endpoint, 99.0));
            let (target, result) = match endpoint {
                PUSH_100 => (
                    format!("p99 ≤ {TARGET_PUSH_100_P99_MS} ms"),
                    verdict(p99 <= TARGET_PUSH_100_P99_MS),
                ),
                STATS => (
                    format!("p99 ≤ {TARGET_STATS_P99_MS} ms"),
                    verdict(p99 <= TARGET_STATS_P99_MS),
                ),
                _ => (String::new(), ""),
            };
            let _ = writeln!(
                out,
                "| {endpoint} | {n} | {p50:.1} | {p99:.1} | {target} | {result} |"
            );
        }
        for kind in ["push", "pull", "stats"] {
            let windows: Vec<String> = self
                .by_window
                .iter()
                .filter(|((k, _), _)| *k == kind)
                .map(|((_, from), ms)| {
                    let p99 = crate::figures::percentile(ms, 99.0);
                    format!("{from}-{} s: {p99:.0}", from + 10)
                })
                .collect();
            let _ = writeln!(
                out,
                "\n{kind} p99 (ms) by the 10 s of the load the requests were sent in: {}.",
                windows.join(", ")
            );
        }
        let errors = self.error_count();
        let c = &self.convergence;
        let _ = writeln!(out);
        let _ = writeln!(out, "| check | value | target | |");
        let _ = writeln!(out, "|---|---:|---|---|");
        let _ = writeln!(out, "| errors | {errors} | 0 | {} |", verdict(errors == 0));
        let _ = writeln!(out, "| lost | {} | 0 | {} |", c.lost, verdict(c.lost == 0));
        let _ = writeln!(
            out,
            "| convergence mismatches | {} | 0 | {} |",
            c.mismatches,
            verdict(c.mismatches == 0)
        );
        for (n, memory) in self.memory.iter().enumerate() {
            let peak = memory.peak_kb as f64 / 1024.0;
            let _ = writeln!(
                out,
                "| worker {} peak memory (VmHWM) | {peak:.1} MiB | ≤ {TARGET_PEAK_MIB} MiB | {} |",
                n + 1,
                verdict(peak <= TARGET_PEAK_MIB)
            );
        }
        let _ = writeln!(out);
        for (n, memory) in self.memory.iter().enumerate() {
            let _ = writeln!(
                out,
                "Worker {}: peak {:.1} MiB once every device had logged in (before the load), \
                 {:.1} MiB at the end; resident at the end {:.1} MiB.",
                n + 1,
                memory.peak_after_logins_kb as f64 / 1024.0,
                memory.peak_kb as f64 / 1024.0,
                memory.rss_kb as f64 / 1024.0
            );
        }
        let _ = writeln!(
            out,
            "Convergence: {} devices compared with a fresh full pull of their account \
             ({} disagreements); {} records in the store; {} mutations answered applied and \
             {} duplicate, {} of them not found at their version with their fields.",
            c.devices_checked, c.mismatches, c.records, c.applied, c.duplicates, c.lost
        );
        let _ = writeln!(
            out,
            "Phases: accounts and logins {:.1} s, load {:.1} s, convergence {:.1} s.",
            self.setup_secs, self.load_secs, self.converge_secs
        );
        if !self.errors.is_empty() {
            let _ = writeln!(out, "\nErrors:\n");
            for (what, n) in &self.errors {
                let _ = writeln!(out, "- {what}: {n}");
            }
        }
        if !c.problems.is_empty() {
            let _ = writeln!(out, "\nFirst disagreements:\n");
            for problem in &c.problems {
                let _ = writeln!(out, "- {problem}");
            }
        }
        out
    }
}

/// A small deterministic random source (splitmix64): each device has its own.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// `base` times 0.5 to 1.5.
    fn around(&mut self, base: Duration) -> Duration {
        base.mul_f64(0.5 + self.below(1001) as f64 / 1000.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Officer,
    Supervisor,
    Viewer,
}

/// An account of the run.
struct Account {
    username: String,
    password: String,
    role: Role,
}

/// One mutation a device sent, and what the server answered for it.
struct Sent {
    id: u64,
    kind: &'static str,
    record_id: Uuid,
    fields: Value,
    /// `applied` or `duplicate` (else counted as an error), and the version.
    outcome: Option<(String, Option<u64>)>,
}

/// The measurements a device takes.
#[derive(Default)]
struct Measured {
    latencies: BTreeMap<&'static str, Vec<f64>>,
    /// Requests during the load: what, when each was sent, and its milliseconds.
    sent: Vec<(&'static str, Instant, f64)>,
    errors: BTreeMap<String, u64>,
    applied: u64,
}

impl Measured {
    fn error(&mut self, what: String) {
        *self.errors.entry(what).or_default() += 1;
    }

    fn took(&mut self, endpoint: &'static str, since: Instant) {
        let ms = since.elapsed().as_secs_f64() * 1000.0;
        self.latencies.entry(endpoint).or_default().push(ms);
        let kind = match endpoint {
            PUSH_SMALL | PUSH_100 => "push",
            PULL => "pull",
            STATS => "stats",
            _ => return,
        };
        self.sent.push((kind, since, ms));
    }

    fn transport(&mut self, endpoint: &str, error: &reqwest_native::Error) {
        let what = if error.is_timeout() {
            "timed out"
        } else if error.is_connect() {
            "connection failed"
        } else {
            "transport error"
        };
        self.error(format!("{endpoint}: {what}"));
    }

    fn status(&mut self, endpoint: &str, status: reqwest_native::StatusCode, body: &Value) {
        let code = body["error"]["code"].as_str().unwrap_or("-");
        self.error(format!("{endpoint}: {} {code}", status.as_u16()));
    }
}

/// A device of the run, and its view of the store.
struct Phone {
    api: Api,
    device: Device,
    account: usize,
    role: Role,
    rng: Rng,
    /// The last mutation id used.
    last_id: u64,
    sent: Vec<Sent>,
    /// A push without its answer yet: the indices into `sent`, and the body.
    pending: Option<(Vec<usize>, Vec<u8>)>,
    /// The cases this device created, with the version it last had answered.
    cases: Vec<(Uuid, u64)>,
    cursor: Value,
    /// Every record pulled, by id: the last state pulled, as its version and fingerprint.
    records: HashMap<String, Held>,
    /// The server's last mutation id for this device, from the last pull page.
    server_last_id: Option<u64>,
    /// The stats periods this device opens in turn.
    periods: Arc<Vec<String>>,
    measured: Measured,
}

/// Runs the load on `config.workers` workers over `database_url` (a fresh store):
/// accounts, logins, the load, the convergence checks. Worker processes are killed at
/// the end.
pub async fn run(config: &Config, database_url: &str) -> Result<Report> {
    ensure!(
        config.officers > 0 && config.officer_devices() >= config.officers,
        "every officer needs a device"
    );
    ensure!(config.workers > 0, "at least one worker");
    let url = database_url.to_string();
    let workers_wanted = config.workers;
    let workers = tokio::task::spawn_blocking(move || -> Result<Vec<Worker>> {
        (0..workers_wanted)
            .map(|_| Worker::start_api(&url))
            .collect()
    })
    .await??;
    let outcome = run_on(config, &workers).await;
    tokio::task::spawn_blocking(move || -> Result<()> {
        for mut worker in workers {
            worker.kill()?;
        }
        Ok(())
    })
    .await??;
    outcome
}

async fn run_on(config: &Config, workers: &[Worker]) -> Result<Report> {
    let setup_started = Instant::now();
    let accounts = accounts(config);
    make_accounts(&workers[0], &accounts).await?;
    let apis: Vec<Api> = workers
        .iter()
        .map(|w| Api::new(&w.api_url(), config.request_timeout))
        .collect::<Result<_>>()?;
    let periods = Arc::new(periods());

    // Devices by account: officers' first, then supervisors', then viewers'.
    let mut owners = Vec::new();
    let role_accounts = |role: Role| -> Vec<usize> {
        (0..accounts.len())
            .filter(|&a| accounts[a].role == role)
            .collect()
    };
    for (role, count) in [
        (Role::Officer, config.officer_devices()),
        (Role::Supervisor, config.supervisor_devices),
        (Role::Viewer, config.viewer_devices),
    ] {
        let of_role = role_accounts(role);
        ensure!(
            count == 0 || !of_role.is_empty(),
            "devices without accounts"
        );
        owners.extend((0..count).map(|n| of_role[n % of_role.len()]));
    }
    let mut report = Report {
        devices: (
            config.officer_devices(),
            config.supervisor_devices,
            config.viewer_devices,
        ),
        ..Report::default()
    };
    let mut setup = Measured::default();
    let logged_in = log_in_all(config, &apis, &accounts, &owners, &mut setup).await?;
    let mut phones: Vec<Phone> = logged_in
        .into_iter()
        .enumerate()
        .map(|(n, (account, worker, device))| Phone {
            api: apis[worker].clone(),
            device,
            account,
            role: accounts[account].role,
            rng: Rng(0x5EED_0000 + n as u64),
            last_id: 0,
            sent: Vec::new(),
            pending: None,
            cases: Vec::new(),
            cursor: Value::Null,
            records: HashMap::new(),
            server_last_id: None,
            periods: periods.clone(),
            measured: Measured::default(),
        })
        .collect();
    let peaks_after_logins: Vec<u64> = workers
        .iter()
        .map(|w| memory_of(w).map(|m| m.peak_kb))
        .collect::<Result<_>>()?;

    report.setup_secs = setup_started.elapsed().as_secs_f64();

    // The load.
    let started = Instant::now();
    let deadline = started + config.duration;
    let mut tasks = Vec::new();
    for mut phone in phones.drain(..) {
        let config = config.clone();
        tasks.push(tokio::spawn(async move {
            phone.load(&config, deadline).await;
            phone
        }));
    }
    for task in tasks {
        phones.push(task.await?);
    }
    report.load_secs = started.elapsed().as_secs_f64();
    for phone in &mut phones {
        report.applied_during_load += phone.measured.applied;
        let measured = std::mem::take(&mut phone.measured);
        for (kind, sent, ms) in measured.sent {
            let window = sent.saturating_duration_since(started).as_secs() / 10 * 10;
            report.by_window.entry((kind, window)).or_default().push(ms);
        }
        for (endpoint, mut ms) in measured.latencies {
            report
                .latencies
                .entry(endpoint)
                .or_default()
                .append(&mut ms);
        }
        merge_errors(&mut report.errors, measured.errors);
    }
    report
        .latencies
        .entry(LOGIN)
        .or_default()
        .append(setup.latencies.entry(LOGIN).or_default());
    merge_errors(&mut report.errors, std::mem::take(&mut setup.errors));

    // The end: every device sends what it holds and pulls to the end.
    let end_started = Instant::now();
    let mut tasks = Vec::new();
    for mut phone in phones.drain(..) {
        tasks.push(tokio::spawn(async move {
            phone.finish().await;
            phone
        }));
    }
    for task in tasks {
        phones.push(task.await?);
    }
    for phone in &mut phones {
        merge_errors(
            &mut report.errors,
            std::mem::take(&mut phone.measured.errors),
        );
    }
    report.convergence = converge(config, &apis, &accounts, &phones).await?;
    merge_errors(&mut report.errors, setup.errors);
    report.converge_secs = end_started.elapsed().as_secs_f64();
    for (worker, peak_after_logins) in workers.iter().zip(peaks_after_logins) {
        report.memory.push(Memory {
            peak_after_logins_kb: peak_after_logins,
            ..memory_of(worker)?
        });
    }
    Ok(report)
}

fn merge_errors(into: &mut BTreeMap<String, u64>, from: BTreeMap<String, u64>) {
    for (what, n) in from {
        *into.entry(what).or_default() += n;
    }
}

/// The accounts: officers, supervisors, viewers.
fn accounts(config: &Config) -> Vec<Account> {
    let mut accounts = Vec::new();
    for (role, prefix, count) in [
        (Role::Officer, "petugas", config.officers),
        (Role::Supervisor, "ketua", config.supervisors),
        (Role::Viewer, "pengamat", config.viewers),
    ] {
        for n in 1..=count {
            accounts.push(Account {
                username: format!("{prefix}{n}"),
                password: format!("kunci-sepeda-{}-rk{n}", (n * 7919) % 1000),
                role,
            });
        }
    }
    accounts
}

/// Makes the accounts with the binary's `user add`, a few at a time.
async fn make_accounts(worker: &Worker, accounts: &[Account]) -> Result<()> {
    let jobs: Vec<(String, String, &'static str)> = accounts
        .iter()
        .map(|a| {
            let role = match a.role {
                Role::Officer => "officer",
                Role::Supervisor => "supervisor",
                Role::Viewer => "viewer",
            };
            (a.username.clone(), a.password.clone(), role)
        })
        .collect();
    std::thread::scope(|scope| -> Result<()> {
        let handles: Vec<_> = jobs
            .chunks(jobs.len().div_ceil(4))
            .map(|chunk| {
                scope.spawn(move || -> Result<()> {
                    for (username, password, role) in chunk {
                        let name = format!("Akun {username}");
                        worker.add_user(username, &name, role, password)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for handle in handles {
            handle
                .join()
                .map_err(|_| anyhow::anyhow!("user add panicked"))??;
        }
        Ok(())
    })
}

/// Logs every device in through the API: one account's devices one after the other,
/// `concurrent_logins` accounts at once; device `n` uses worker `n % workers`. Answers
/// (account, worker, device) in `owners`' order.
async fn log_in_all(
    config: &Config,
    apis: &[Api],
    accounts: &[Account],
    owners: &[usize],
    measured: &mut Measured,
) -> Result<Vec<(usize, usize, Device)>> {
    let gate = Arc::new(Semaphore::new(config.concurrent_logins.max(1)));
    let mut tasks = Vec::new();
    for (account, details) in accounts.iter().enumerate() {
        let mine: Vec<(usize, Api)> = owners
            .iter()
            .enumerate()
            .filter(|(_, &owner)| owner == account)
            .map(|(n, _)| (n, apis[n % apis.len()].clone()))
            .collect();
        let (username, password) = (details.username.clone(), details.password.clone());
        let gate = gate.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await?;
            let mut done = Vec::new();
            for (n, api) in mine {
                let sent = Instant::now();
                let device = api.login(&username, &password).await?;
                done.push((n, sent.elapsed().as_secs_f64() * 1000.0, device));
            }
            anyhow::Ok(done)
        }));
    }
    let mut devices: Vec<Option<(usize, usize, Device)>> = vec![None; owners.len()];
    for task in tasks {
        for (n, ms, device) in task.await?? {
            measured.latencies.entry(LOGIN).or_default().push(ms);
            devices[n] = Some((owners[n], n % apis.len(), device));
        }
    }
    devices
        .into_iter()
        .map(|d| d.context("a device not logged in"))
        .collect()
}

/// The periods the evaluation is opened for: this year, quarter and month (the one clock).
fn periods() -> Vec<String> {
    let today = days_before_today(0);
    let (year, month) = (&today[..4], &today[5..7]);
    let quarter = (month.parse::<u32>().unwrap_or(1) - 1) / 3 + 1;
    vec![
        format!("{year}-{month}"),
        format!("{year}-Q{quarter}"),
        year.to_string(),
    ]
}

/// The worker's memory now.
fn memory_of(worker: &Worker) -> Result<Memory> {
    let (peak_kb, rss_kb) = worker.resident_kb()?;
    Ok(Memory {
        peak_after_logins_kb: 0,
        peak_kb,
        rss_kb,
    })
}

impl Phone {
    /// Rounds until `deadline`, after a first pause that spreads the devices' starts.
    async fn load(&mut self, config: &Config, deadline: Instant) {
        let first = config
            .interval
            .mul_f64(self.rng.below(1000) as f64 / 1000.0);
        let left = deadline.saturating_duration_since(Instant::now());
        tokio::time::sleep(first.min(left)).await;
        // No request starts after the deadline: the load ends there, give or take the
        // requests then in flight.
        let open = || Instant::now() < deadline;
        while open() {
            match self.role {
                Role::Officer => {
                    if self.pending.is_none() {
                        self.prepare(config);
                    }
                    self.push(true).await;
                    self.pull_to_end(Some(deadline)).await;
                }
                Role::Supervisor => {
                    self.pull_to_end(Some(deadline)).await;
                    if open() {
                        self.stats().await;
                    }
                }
                Role::Viewer => self.stats().await,
            }
            let pause = self.rng.around(config.interval);
            let left = deadline.saturating_duration_since(Instant::now());
            tokio::time::sleep(pause.min(left)).await;
        }
    }

    /// After the load: sends what is still unanswered (a few tries), pulls to the end.
    async fn finish(&mut self) {
        if self.role == Role::Viewer {
            return;
        }
        for _ in 0..3 {
            if self.pending.is_none() {
                break;
            }
            self.push(false).await;
        }
        self.pull_to_end(None).await;
    }

    /// Prepares the next push: 1 to 20 mutations, or now and then 100.
    fn prepare(&mut self, config: &Config) {
        let size = if self.rng.below(config.big_push_one_in) == 0 {
            100
        } else {
            1 + self.rng.below(20)
        };
        // The one clock formats every date it holds (years 1 to 9999).
        let at = crate::sync::now_rfc3339().unwrap_or_default();
        let mut updated = HashSet::new();
        let mut indices = Vec::new();
        let mut mutations = Vec::new();
        for _ in 0..size {
            self.last_id += 1;
            let id = self.last_id;
            let seed = self.rng.next();
            let roll = match self.rng.below(100) < config.activity_percent {
                true => 100,
                false => self.rng.below(100),
            };
            let confirmed = self.cases.len() as u64;
            let case = (confirmed > 0).then(|| self.cases[self.rng.below(confirmed) as usize]);
            let (kind, record_id, fields, base) = match (roll, case) {
                (0..=39, Some((case, version))) if updated.insert(case) => {
                    let status = ["reported", "assessed", "in_service"][(seed % 3) as usize];
                    let fields = json!({"status": status,
                                        "summary": format!("Pembaruan {seed}")});
                    ("case", case, fields, version)
                }
                (40..=54, Some((case, _))) => {
                    let sex = if seed.is_multiple_of(2) {
                        "female"
                    } else {
                        "male"
                    };
                    let fields = json!({"case_id": case, "pseudonym": format!("K{}", seed % 100),
                                        "sex": sex, "age": 12 + seed % 40,
                                        "kecamatan": KECAMATAN, "desa": DESA});
                    ("victim", Uuid::now_v7(), fields, 0)
                }
                (55..=64, Some((case, _))) => {
                    let fields = json!({"case_id": case, "text": format!("Catatan beban {seed}")});
                    ("note", Uuid::now_v7(), fields, 0)
                }
                (0..=99, _) => {
                    let sources = ["hotline", "police", "bp3mi"];
                    let fields = json!({
                        "date_reported": days_before_today(2 + (seed % 58) as i64),
                        "source": sources[(seed % 3) as usize],
                        "status": "reported",
                        "kecamatan": KECAMATAN, "desa": DESA,
                        "modus": "fake_job_offer",
                        "summary": format!("Kasus beban {seed}"),
                    });
                    ("case", Uuid::now_v7(), fields, 0)
                }
                _ => {
                    let mut fields = activity_fields(seed % 1_000_000);
                    fields["date"] = json!(days_before_today(2 + (seed % 58) as i64));
                    ("activity", Uuid::now_v7(), fields, 0)
                }
            };
            mutations.push(json!({
                "id": id, "kind": kind, "record_id": record_id, "op": "upsert",
                "base_version": base, "fields": fields, "at": at,
            }));
            indices.push(self.sent.len());
            self.sent.push(Sent {
                id,
                kind,
                record_id,
                fields,
                outcome: None,
            });
        }
        self.pending = Some((indices, push_body(self.device.device_id, &mutations)));
    }

    /// Sends the pending push; on an answer, takes its results.
    async fn push(&mut self, timed: bool) {
        let Some((indices, body)) = self.pending.clone() else {
            return;
        };
        let endpoint = if indices.len() >= 100 {
            PUSH_100
        } else {
            PUSH_SMALL
        };
        let sent = Instant::now();
        let answer = self.api.push(&self.device, body).await;
        if timed {
            self.measured.took(endpoint, sent);
        }
        let answer = match answer {
            Ok(answer) => answer,
            Err(error) => return self.measured.transport(endpoint, &error),
        };
        if !answer.status.is_success() {
            return self.measured.status(endpoint, answer.status, &answer.body);
        }
        let results = match statuses(&answer.body) {
            Ok(results) => results,
            Err(_) => {
                return self
                    .measured
                    .error(format!("{endpoint}: an answer without results"))
            }
        };
        let by_id: HashMap<u64, (String, Option<u64>)> = results
            .into_iter()
            .map(|(id, status, version)| (id, (status, version)))
            .collect();
        for &index in &indices {
            let sent = &mut self.sent[index];
            let Some((status, version)) = by_id.get(&sent.id).cloned() else {
                self.measured
                    .error(format!("push: no result for a mutation ({endpoint})"));
                continue;
            };
            match status.as_str() {
                "applied" => {
                    if timed {
                        self.measured.applied += 1;
                    }
                    let version = version.unwrap_or(0);
                    if sent.kind == "case" {
                        match self.cases.iter_mut().find(|(id, _)| *id == sent.record_id) {
                            Some(case) => case.1 = version,
                            None => self.cases.push((sent.record_id, version)),
                        }
                    }
                }
                "duplicate" => {
                    // Its first answer was lost: the version is not known, so the case
                    // is not edited again (its base would be stale).
                    self.cases.retain(|(id, _)| *id != sent.record_id);
                }
                other => {
                    let code = answer.body["results"]
                        .as_array()
                        .and_then(|results| results.iter().find(|r| r["id"] == sent.id))
                        .and_then(|r| r["error"]["code"].as_str())
                        .unwrap_or("-");
                    self.measured
                        .error(format!("push result {other} ({} {code})", sent.kind));
                }
            }
            sent.outcome = Some((status, version));
        }
        self.pending = None;
    }

    /// Pulls every page above the cursor; stops at the first failure, and during the
    /// load (`deadline` given, the pages timed) at the deadline.
    async fn pull_to_end(&mut self, deadline: Option<Instant>) {
        let timed = deadline.is_some();
        loop {
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                return;
            }
            // A phone pulls 500 a page; the end pulls at the most the worker gives.
            let limit = if timed { 500 } else { 1000 };
            let body = json!({"protocol": 1, "device_id": self.device.device_id,
                              "cursor": self.cursor, "limit": limit});
            let body = serde_json::to_vec(&body).expect("JSON values serialise");
            let sent = Instant::now();
            let answer = self
                .api
                .post("/sync/pull", Some(&self.device.token), body)
                .await;
            if timed {
                self.measured.took(PULL, sent);
            }
            let mut answer = match answer {
                Ok(answer) => answer,
                Err(error) => return self.measured.transport(PULL, &error),
            };
            if !answer.status.is_success() {
                return self.measured.status(PULL, answer.status, &answer.body);
            }
            let page = &mut answer.body;
            let Value::Array(records) = page["records"].take() else {
                return self
                    .measured
                    .error(format!("{PULL}: a page without records"));
            };
            for record in records {
                if let Some(id) = record["id"].as_str() {
                    self.records.insert(id.to_owned(), held(&record));
                }
            }
            self.server_last_id = page["last_mutation_id"].as_u64();
            self.cursor = page["cursor"].take();
            if page["more"] != true {
                return;
            }
        }
    }

    /// Opens the evaluation for the next period in turn.
    async fn stats(&mut self) {
        let period = self.periods[self.rng.below(self.periods.len() as u64) as usize].clone();
        let sent = Instant::now();
        let answer = self
            .api
            .get_text(&format!("/stats?period={period}"), &self.device.token)
            .await;
        self.measured.took(STATS, sent);
        match answer {
            Ok((status, _)) if status.is_success() => {}
            Ok((status, text)) => {
                let body = serde_json::from_str(&text).unwrap_or(Value::Null);
                self.measured.status(STATS, status, &body);
            }
            Err(error) => match error.downcast_ref::<reqwest_native::Error>() {
                Some(error) => self.measured.transport(STATS, error),
                None => self.measured.error(format!("{STATS}: {error}")),
            },
        }
    }
}

/// A record as a device holds it for the checks: its version, and a fingerprint of the
/// whole record as pulled (two pulls of a record are equal when both are).
type Held = (u64, u64);

fn held(record: &Value) -> Held {
    use std::hash::Hasher;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    feed(record, &mut hasher);
    (record["version"].as_u64().unwrap_or(0), hasher.finish())
}

/// Hashes a JSON value, structure and all.
fn feed(value: &Value, hasher: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    match value {
        Value::Null => 0u8.hash(hasher),
        Value::Bool(b) => (1u8, b).hash(hasher),
        Value::Number(n) => {
            let float = n.as_f64().map(f64::to_bits);
            (2u8, n.as_u64(), n.as_i64(), float).hash(hasher);
        }
        Value::String(text) => (3u8, text).hash(hasher),
        Value::Array(items) => {
            (4u8, items.len()).hash(hasher);
            items.iter().for_each(|item| feed(item, hasher));
        }
        Value::Object(map) => {
            (5u8, map.len()).hash(hasher);
            for (key, item) in map {
                key.hash(hasher);
                feed(item, hasher);
            }
        }
    }
}

/// What the store should hold of a record: the fields its stored mutations leave, the
/// version answered to the last of them (`None`: it answered `duplicate`), and the
/// highest version answered to any.
type Expected = (serde_json::Map<String, Value>, Option<u64>, u64);

/// Counts a disagreement (`lost`: an answered mutation not in the store as sent), and
/// keeps the first few in words.
fn problem(c: &mut Convergence, lost: bool, text: String) {
    if lost {
        c.lost += 1;
    } else {
        c.mismatches += 1;
    }
    if c.problems.len() < 20 {
        c.problems.push(text);
    }
}

/// The checks after the load (see the module's comment).
async fn converge(
    config: &Config,
    apis: &[Api],
    accounts: &[Account],
    phones: &[Phone],
) -> Result<Convergence> {
    let mut c = Convergence::default();

    // A fresh full pull by each account that pulls, from a new device.
    let gate = Arc::new(Semaphore::new(config.concurrent_logins.max(1)));
    let mut tasks = Vec::new();
    let mut kept = false;
    for (account, details) in accounts.iter().enumerate() {
        if details.role == Role::Viewer {
            continue;
        }
        let api = apis[account % apis.len()].clone();
        let (username, password) = (details.username.clone(), details.password.clone());
        let gate = gate.clone();
        // The whole records are kept for the first supervisor's (the whole store) only.
        let keep = details.role == Role::Supervisor && !kept;
        kept |= keep;
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await?;
            let device = api.login(&username, &password).await?;
            let records = api.pull_all(&device, 1000).await?;
            let (mut by_id, mut twice, mut whole) = (HashMap::new(), Vec::new(), HashMap::new());
            for record in records {
                let id = record["id"].as_str().context("a record id")?.to_owned();
                if by_id.insert(id.clone(), held(&record)).is_some() {
                    twice.push(id.clone());
                }
                if keep {
                    whole.insert(id, record);
                }
            }
            anyhow::Ok((account, by_id, twice, keep.then_some(whole)))
        }));
    }
    let mut full: HashMap<usize, HashMap<String, Held>> = HashMap::new();
    let mut store = None;
    for task in tasks {
        let (account, by_id, twice, whole) = task.await??;
        for id in twice {
            let name = &accounts[account].username;
            problem(
                &mut c,
                false,
                format!("{name}: {id} twice in one full pull"),
            );
        }
        full.insert(account, by_id);
        if whole.is_some() {
            store = whole;
        }
    }
    let store = store.context("a supervisor to read the whole store")?;
    let store = &store;

    // Each device against its account's full pull.
    for phone in phones.iter().filter(|p| p.role != Role::Viewer) {
        c.devices_checked += 1;
        let name = &accounts[phone.account].username;
        let server = &full[&phone.account];
        for (id, record) in server {
            match phone.records.get(id) {
                None => problem(&mut c, false, format!("{name}'s device lacks {id}")),
                Some(mine) if mine != record => problem(
                    &mut c,
                    false,
                    format!(
                        "{name}'s device holds {id} at version {} (fingerprint {:x}), \
                         the server at {} ({:x})",
                        mine.0, mine.1, record.0, record.1
                    ),
                ),
                Some(_) => {}
            }
        }
        for id in phone.records.keys().filter(|id| !server.contains_key(*id)) {
            problem(
                &mut c,
                false,
                format!("{name}'s device holds {id} beyond the server"),
            );
        }
        if phone.server_last_id.unwrap_or(0) != phone.last_id {
            problem(
                &mut c,
                false,
                format!(
                    "{name}'s device sent up to {}, the server took {:?}",
                    phone.last_id, phone.server_last_id
                ),
            );
        }
    }

    // Every answered mutation in the store as sent, and nothing else there.
    c.records = store.len();
    // Per record: the fields its stored mutations leave, and the last one's answer.
    let mut expected: HashMap<String, Expected> = HashMap::new();
    let mut cases_of_account: HashMap<usize, HashSet<String>> = HashMap::new();
    let mut parent: HashMap<String, String> = HashMap::new();
    for phone in phones {
        for sent in &phone.sent {
            let record_id = sent.record_id.to_string();
            let Some((status, version)) = &sent.outcome else {
                problem(
                    &mut c,
                    false,
                    format!("mutation {} of {} never answered", sent.id, record_id),
                );
                continue;
            };
            let version = match status.as_str() {
                "applied" => {
                    c.applied += 1;
                    *version
                }
                "duplicate" => {
                    c.duplicates += 1;
                    None
                }
                _ => continue,
            };
            let entry = expected.entry(record_id.clone()).or_default();
            for (field, value) in sent.fields.as_object().into_iter().flatten() {
                entry.0.insert(field.clone(), value.clone());
            }
            if let Some(v) = version {
                if v < entry.2 {
                    problem(
                        &mut c,
                        false,
                        format!("{record_id}: versions answered out of order"),
                    );
                }
                entry.2 = v;
            }
            entry.1 = version;
            if sent.kind == "case" && sent.fields.get("date_reported").is_some() {
                cases_of_account
                    .entry(phone.account)
                    .or_default()
                    .insert(record_id.clone());
            }
            if let Some(case) = sent.fields["case_id"].as_str() {
                parent.insert(record_id, case.to_owned());
            }
        }
    }
    let mut versions = HashSet::new();
    for (id, record) in store {
        if !versions.insert(record["version"].as_u64()) {
            problem(&mut c, false, format!("version of {id} used twice"));
        }
        if !expected.contains_key(id) {
            problem(
                &mut c,
                false,
                format!("{id} in the store, sent by no device"),
            );
        }
    }
    for (id, (fields, last_version, highest)) in &expected {
        let Some(record) = store.get(id) else {
            problem(&mut c, true, format!("{id} answered but not in the store"));
            continue;
        };
        let stored = record["version"].as_u64().unwrap_or(0);
        let version_ok = match last_version {
            Some(v) => stored == *v,
            None => stored >= *highest,
        };
        let fields_ok = fields
            .iter()
            .all(|(field, value)| record["fields"][field] == *value);
        if !version_ok || !fields_ok || record["deleted"] != false || record["conflict"] != false {
            problem(
                &mut c,
                true,
                format!(
                    "{id}: stored {record}, answered version {last_version:?}, sent {fields:?}"
                ),
            );
        }
    }

    // Each officer's full pull is its scope: every activity, its own cases' records.
    for (account, details) in accounts.iter().enumerate() {
        if details.role != Role::Officer {
            continue;
        }
        let own = cases_of_account.get(&account).cloned().unwrap_or_default();
        let in_scope = |id: &String, record: &Value| {
            record["kind"] == "activity"
                || own.contains(id)
                || parent.get(id).is_some_and(|case| own.contains(case))
        };
        let wanted: HashSet<&String> = store
            .iter()
            .filter(|(id, record)| in_scope(id, record))
            .map(|(id, _)| id)
            .collect();
        let got: HashSet<&String> = full[&account].keys().collect();
        if wanted != got {
            problem(
                &mut c,
                false,
                format!(
                    "{}'s scope: {} records expected, {} pulled, {} in common",
                    details.username,
                    wanted.len(),
                    got.len(),
                    wanted.intersection(&got).count()
                ),
            );
        }
    }
    Ok(c)
}
