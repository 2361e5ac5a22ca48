//! The cursor never skips: several devices push at once while another pulls in a loop with a
//! small page; every record ends, on the puller, at the version a fresh full pull shows.

mod common;

use common::records::{activity, upsert};
use common::{Device, TestServer};
use gugus_model::api::Role;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use uuid::Uuid;

const PUSHERS: usize = 4;
const ROUNDS: u64 = 12;
const OWN_RECORDS: usize = 3;

on_both_backends!(concurrent_pushes_never_skip_a_puller);

/// One device editing its own records, and a record every device shares.
async fn pusher(
    server: Arc<TestServer>,
    device: Device,
    shared: Uuid,
    n: usize,
) -> anyhow::Result<()> {
    let own: Vec<Uuid> = (0..OWN_RECORDS).map(|_| Uuid::now_v7()).collect();
    let mut versions: HashMap<Uuid, u64> = HashMap::new();
    let mut next_id = 1;
    for round in 0..ROUNDS {
        let mut mutations = Vec::new();
        for (i, id) in own
            .iter()
            .enumerate()
            .take(1 + (round as usize + n) % OWN_RECORDS)
        {
            let fields = match versions.get(id) {
                None => activity("33.03.12", "2025-10-01", (1 + i as u64, round, 0, 0)),
                Some(_) => json!({"venue": format!("device {n} round {round}")}),
            };
            mutations.push(upsert(
                next_id,
                *id,
                versions.get(id).copied().unwrap_or(0),
                fields,
            ));
            next_id += 1;
        }
        let note = json!({"notes": format!("device {n} round {round}")});
        mutations.push(upsert(next_id, shared, 1, note));
        next_id += 1;
        let (status, answer) = server.push(&device, mutations.clone()).await?;
        anyhow::ensure!(status == StatusCode::OK, "push: {status} {answer}");
        for (mutation, result) in mutations
            .iter()
            .zip(answer["results"].as_array().into_iter().flatten())
        {
            anyhow::ensure!(result["status"] != "rejected", "{result}");
            let id: Uuid = serde_json::from_value(mutation["record_id"].clone())?;
            versions.insert(id, result["version"].as_u64().unwrap_or_default());
        }
    }
    Ok(())
}

/// Pulls from its cursor, page by page, until the pushers are done and nothing is left.
async fn puller(
    server: Arc<TestServer>,
    device: Device,
    done: Arc<AtomicBool>,
) -> anyhow::Result<HashMap<String, Value>> {
    let mut cursor: Option<String> = None;
    let mut seen: HashMap<String, Value> = HashMap::new();
    let mut last_version = 0;
    loop {
        let finished = done.load(Ordering::SeqCst);
        let (status, page) = server.pull(&device, cursor.as_deref(), Some(5)).await?;
        anyhow::ensure!(status == StatusCode::OK, "pull: {status} {page}");
        for record in page["records"].as_array().into_iter().flatten() {
            let version = record["version"].as_u64().unwrap_or_default();
            anyhow::ensure!(version > last_version, "versions out of order");
            last_version = version;
            seen.insert(record["id"].to_string(), record.clone());
        }
        cursor = page["cursor"].as_str().map(str::to_owned);
        if finished && page["more"] == false {
            return Ok(seen);
        }
    }
}

async fn concurrent_pushes_never_skip_a_puller(server: &TestServer) -> anyhow::Result<()> {
    let ketua = server.user("ketua", Role::Supervisor).await?;
    let shared = Uuid::now_v7();
    let (_, answer) = server
        .push(
            &ketua,
            vec![upsert(
                1,
                shared,
                0,
                activity("33.03.13", "2025-10-02", (3, 3, 0, 0)),
            )],
        )
        .await?;
    assert_eq!(answer["results"][0]["version"], 1);
    let reader = server.user("pembaca", Role::Officer).await?;
    let mut devices = Vec::new();
    for n in 0..PUSHERS {
        devices.push(server.user(&format!("petugas{n}"), Role::Officer).await?);
    }
    let handle = Arc::new(server.attach());
    let done = Arc::new(AtomicBool::new(false));
    let pull = tokio::spawn(puller(handle.clone(), reader.clone(), done.clone()));
    let pushes: Vec<_> = devices
        .into_iter()
        .enumerate()
        .map(|(n, device)| tokio::spawn(pusher(handle.clone(), device, shared, n)))
        .collect();
    for push in pushes {
        push.await??;
    }
    done.store(true, Ordering::SeqCst);
    let seen = pull.await??;
    let truth = server.pull_all(&reader).await?;
    assert_eq!(truth.len(), 1 + PUSHERS * OWN_RECORDS);
    for record in &truth {
        let key = record["id"].to_string();
        assert_eq!(
            seen.get(&key),
            Some(record),
            "the puller ends at the final state"
        );
    }
    let shared_record = truth
        .iter()
        .find(|r| r["id"] == json!(shared))
        .expect("shared");
    assert_eq!(
        shared_record["conflict"], true,
        "devices editing one field conflict"
    );
    Ok(())
}
