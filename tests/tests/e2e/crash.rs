//! The worker dies mid-sync (SIGKILL, the real binary) while 50 devices push at once; it
//! restarts on the same database and every device retries what had no answer. Nothing
//! answered `applied` is lost, and nothing is applied twice (`docs/sync-protocol.md`, push
//! rules 1 and 2). Runs on SQLite and on a fresh PostgreSQL database.
#![forbid(unsafe_code)]

use anyhow::{bail, ensure, Context, Result};
use gugus_e2e::postgres::FreshDatabase;
use gugus_e2e::sync::{activity_fields, create_activity, push_body, statuses, Api, Device};
use gugus_e2e::Worker;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};
use uuid::Uuid;

const CLIENTS: u64 = 50;
const PUSHES: u64 = 30;
const PER_PUSH: u64 = 4;
const TOTAL: u64 = CLIENTS * PUSHES * PER_PUSH;
/// The kill comes once this many mutations have been answered `applied`.
const KILL_AFTER: u64 = TOTAL * 2 / 5;
const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_worker_killed_mid_push_loses_nothing_and_doubles_nothing() -> Result<()> {
    let dir = tempfile::Builder::new().prefix("gugus-crash-").tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("gugus.db").display());
    crash_run("SQLite", &url).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_worker_killed_mid_push_loses_nothing_and_doubles_nothing() -> Result<()> {
    let Some(database) = FreshDatabase::create("gugus_crash").await? else {
        return Ok(());
    };
    let outcome = crash_run("PostgreSQL", &database.url).await;
    database.drop_database().await?;
    outcome
}

/// One mutation: who sent it, its record and fields.
struct Sent {
    client: u64,
    id: u64,
    record_id: Uuid,
    fields: Value,
}

/// A mutation's answer: its status and version, and whether the killed worker gave it.
struct Answered {
    status: String,
    version: Option<u64>,
    before_kill: bool,
}

/// The answers, by (device, mutation id).
type Answers = HashMap<(u64, u64), Vec<Answered>>;

/// What one device saw.
#[derive(Default)]
struct Seen {
    /// (mutation id, status, version, answered before the kill).
    answers: Vec<(u64, String, Option<u64>, bool)>,
    /// Mutations of pushes that got no answer: (mutation ids, refused at connect).
    unanswered: Vec<(Vec<u64>, bool)>,
}

/// State shared by the devices and the one who kills the worker.
struct Shared {
    applied: AtomicU64,
    threshold: Notify,
    killed: AtomicBool,
    /// 0 before the kill, 1 once the worker listens again.
    generation: watch::Receiver<u64>,
}

async fn crash_run(backend: &str, database_url: &str) -> Result<()> {
    let started = Instant::now();
    let mut worker = Worker::start_api(database_url)?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    let api = Api::new(&worker.api_url(), Duration::from_secs(30))?;
    let supervisor = api.login(SUPERVISOR.0, SUPERVISOR.1).await?;
    let devices = log_in_devices(&api).await?;
    let sent = plan(CLIENTS);

    let (restarted, generation) = watch::channel(0u64);
    let shared = Arc::new(Shared {
        applied: AtomicU64::new(0),
        threshold: Notify::new(),
        killed: AtomicBool::new(false),
        generation,
    });
    let mut clients = Vec::new();
    for (client, device) in devices.iter().enumerate() {
        let mine: Vec<&Sent> = sent.iter().filter(|s| s.client == client as u64).collect();
        let batches: Vec<(Vec<u64>, Vec<u8>)> = mine
            .chunks(PER_PUSH as usize)
            .map(|chunk| {
                let mutations: Vec<Value> = chunk
                    .iter()
                    .map(|s| create_activity(s.id, s.record_id, &s.fields))
                    .collect();
                let ids = chunk.iter().map(|s| s.id).collect();
                (ids, push_body(device.device_id, &mutations))
            })
            .collect();
        let (api, device, shared) = (api.clone(), device.clone(), shared.clone());
        clients.push(tokio::spawn(push_all(api, device, batches, shared)));
    }

    // The kill, then a look at the store before any device retries.
    shared.threshold.notified().await;
    let worker_task = tokio::task::spawn_blocking(move || -> Result<Worker> {
        worker.kill()?;
        Ok(worker)
    });
    let mut worker = worker_task.await??;
    shared.killed.store(true, Ordering::SeqCst);
    let mut worker = tokio::task::spawn_blocking(move || -> Result<Worker> {
        worker.restart()?;
        Ok(worker)
    })
    .await??;
    let at_restart = api.pull_all(&supervisor, 1000).await?;
    restarted.send(1)?;

    let mut seen = Vec::new();
    for client in clients {
        seen.push(client.await??);
    }
    let report = check(&api, &supervisor, &devices, &sent, &seen, &at_restart).await?;
    println!(
        "{backend}: {TOTAL} mutations from {CLIENTS} devices, killed after {KILL_AFTER} \
         applied; {report}; {:.1} s",
        started.elapsed().as_secs_f64()
    );
    tokio::task::spawn_blocking(move || worker.kill()).await??;
    Ok(())
}

/// Logs the officer in from [`CLIENTS`] devices, concurrently.
async fn log_in_devices(api: &Api) -> Result<Vec<Device>> {
    // A user's logins in flight count against its limit of 10 failures until they succeed
    // (so a burst of wrong passwords gets no more checks than the limit): the devices of
    // the one officer log in five at a time.
    let mut devices = Vec::new();
    for wave in (0..CLIENTS).collect::<Vec<_>>().chunks(5) {
        let tasks: Vec<_> = wave
            .iter()
            .map(|_| {
                let api = api.clone();
                tokio::spawn(async move { api.login(OFFICER.0, OFFICER.1).await })
            })
            .collect();
        for task in tasks {
            devices.push(task.await??);
        }
    }
    Ok(devices)
}

/// Every device's mutations: ids 1.., each creating its own activity.
fn plan(clients: u64) -> Vec<Sent> {
    let mut sent = Vec::new();
    for client in 0..clients {
        for id in 1..=PUSHES * PER_PUSH {
            sent.push(Sent {
                client,
                id,
                record_id: Uuid::now_v7(),
                fields: activity_fields(client * 1_000_000 + id),
            });
        }
    }
    sent
}

/// One device: pushes its batches in order; a push without an answer is retried, from
/// its first mutation, once the worker is back.
async fn push_all(
    api: Api,
    device: Device,
    batches: Vec<(Vec<u64>, Vec<u8>)>,
    shared: Arc<Shared>,
) -> Result<Seen> {
    let mut seen = Seen::default();
    let mut generation = shared.generation.clone();
    let mut next = 0;
    while let Some((ids, body)) = batches.get(next) {
        if shared.killed.load(Ordering::SeqCst) {
            generation.wait_for(|g| *g > 0).await?;
        }
        // Sent before the kill: answered (if at all) by the worker that is killed, as
        // devices send nothing between the kill and the restart.
        let sent_in = *generation.borrow();
        let before_kill = sent_in == 0;
        match api.push(&device, body.clone()).await {
            Ok(answer) => {
                ensure!(
                    answer.status == 200,
                    "push: {} {}",
                    answer.status,
                    answer.body
                );
                let mut applied = 0;
                for (id, status, version) in statuses(&answer.body)? {
                    applied += u64::from(status == "applied");
                    seen.answers.push((id, status, version, before_kill));
                }
                let total = shared.applied.fetch_add(applied, Ordering::SeqCst) + applied;
                if total >= KILL_AFTER && total - applied < KILL_AFTER {
                    shared.threshold.notify_one();
                }
                next += 1;
            }
            Err(error) if sent_in == 0 => {
                seen.unanswered.push((ids.clone(), error.is_connect()));
                generation.wait_for(|g| *g > 0).await?;
            }
            Err(error) => bail!("push after the restart failed: {error}"),
        }
    }
    Ok(seen)
}

/// Checks the outcome against the store; answers the counts for the report.
async fn check(
    api: &Api,
    supervisor: &Device,
    devices: &[Device],
    sent: &[Sent],
    seen: &[Seen],
    at_restart: &[Value],
) -> Result<String> {
    let by_record: HashMap<String, &Sent> =
        sent.iter().map(|s| (s.record_id.to_string(), s)).collect();
    let key = |client: usize, id: u64| (client as u64, id);
    let mut answers = Answers::new();
    let (mut in_flight, mut refused) = (HashSet::new(), 0);
    for (client, seen) in seen.iter().enumerate() {
        for (id, status, version, before) in &seen.answers {
            let entry = answers.entry(key(client, *id)).or_default();
            entry.push(Answered {
                status: status.clone(),
                version: *version,
                before_kill: *before,
            });
        }
        for (ids, at_connect) in &seen.unanswered {
            match at_connect {
                true => refused += ids.len(),
                false => in_flight.extend(ids.iter().map(|&id| key(client, id))),
            }
        }
    }
    // Before any retry: every mutation answered `applied` is there; what is there but
    // unanswered must come back as `duplicate`.
    let latest_at_restart = at_restart
        .iter()
        .filter_map(|r| r["version"].as_u64())
        .max();
    let latest_at_restart = latest_at_restart.unwrap_or(0);
    let mut committed_unanswered = HashSet::new();
    let mut present = HashSet::new();
    for record in at_restart {
        let id = record["id"].as_str().context("an id")?;
        let s = by_record
            .get(id)
            .with_context(|| format!("unknown record {id}"))?;
        present.insert((s.client, s.id));
        if !answers[&(s.client, s.id)].iter().any(|a| a.before_kill) {
            committed_unanswered.insert((s.client, s.id));
        }
    }
    let mut applied_before = 0;
    let (mut duplicates, mut applied_after) = (0, 0);
    for s in sent {
        let k = (s.client, s.id);
        let got = answers
            .get(&k)
            .with_context(|| format!("no answer for {k:?}"))?;
        ensure!(
            got.len() == 1,
            "mutation {k:?} answered {} times",
            got.len()
        );
        let Answered {
            status,
            version,
            before_kill,
        } = &got[0];
        match (status.as_str(), before_kill) {
            ("applied", true) => {
                applied_before += 1;
                ensure!(present.contains(&k), "applied {k:?} lost in the kill");
            }
            ("applied", false) => {
                applied_after += 1;
                ensure!(!present.contains(&k), "{k:?} applied twice");
                ensure!(
                    version.unwrap_or(0) > latest_at_restart,
                    "{k:?}: old version"
                );
            }
            ("duplicate", _) => {
                duplicates += 1;
                ensure!(
                    committed_unanswered.contains(&k),
                    "{k:?} duplicate, not stored"
                );
                ensure!(
                    in_flight.contains(&k),
                    "{k:?} duplicate but never in flight"
                );
            }
            _ => bail!("mutation {k:?} answered {status}"),
        }
    }
    ensure!(
        duplicates == committed_unanswered.len(),
        "every unanswered commit found"
    );
    ensure!(
        applied_before > 0 && applied_before < TOTAL,
        "the kill came mid-way"
    );
    ensure!(
        !in_flight.is_empty(),
        "some pushes were cut off by the kill"
    );
    ensure!(
        applied_after > 0,
        "some mutations were applied after the restart"
    );
    check_store(api, supervisor, devices, &by_record, &answers).await?;
    Ok(format!(
        "applied before the kill {applied_before}, in flight at the kill {}, refused while \
         down {refused}, committed but unanswered (duplicate on retry) {duplicates}, \
         applied after the restart {applied_after}",
        in_flight.len()
    ))
}

/// The final store: each mutation's record exactly once, with its fields and the version
/// its answer named; each device's last mutation id is the number it sent.
async fn check_store(
    api: &Api,
    supervisor: &Device,
    devices: &[Device],
    by_record: &HashMap<String, &Sent>,
    answers: &Answers,
) -> Result<()> {
    let records = api.pull_all(supervisor, 1000).await?;
    ensure!(records.len() as u64 == TOTAL, "{} records", records.len());
    let mut ids = HashSet::new();
    let mut versions = HashSet::new();
    for record in &records {
        let id = record["id"].as_str().context("an id")?;
        let s = by_record.get(id).with_context(|| format!("unknown {id}"))?;
        ensure!(ids.insert(id), "record {id} pulled twice");
        ensure!(
            versions.insert(record["version"].as_u64()),
            "a version reused"
        );
        ensure!(record["deleted"] == false && record["conflict"] == false);
        for (field, value) in s.fields.as_object().context("fields")? {
            ensure!(record["fields"][field] == *value, "{id}.{field}: {record}");
        }
        let answer = &answers[&(s.client, s.id)][0];
        if let ("applied", Some(version)) = (answer.status.as_str(), answer.version) {
            ensure!(
                record["version"] == version,
                "{id}: version {version} answered"
            );
        }
    }
    for device in devices {
        let page = api.pull(device, &Value::Null, 1).await?;
        let expected = PUSHES * PER_PUSH;
        ensure!(
            page["last_mutation_id"] == expected,
            "last mutation id: {page}"
        );
    }
    Ok(())
}
