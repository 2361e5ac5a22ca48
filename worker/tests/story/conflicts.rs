//! Conflicts shown to every device and settled by a resolving mutation (`docs/api.md`,
//! "Conflicts").

use crate::common::records::{activity, upsert};
use crate::common::{Device, TestServer};
use gugus_model::api::Role;
use serde_json::{json, Value};
use uuid::Uuid;

crate::on_both_backends!(
    a_resolution_settles_the_conflict_for_every_device,
    a_resolution_racing_a_newer_change_stays_open,
);

/// A mutation that settles the open conflicts of `fields` with their values.
fn resolving(id: u64, record: Uuid, base: u64, fields: Value) -> Value {
    let mut mutation = upsert(id, record, base, fields.clone());
    let names: Vec<&String> = fields
        .as_object()
        .map(|f| f.keys().collect())
        .unwrap_or_default();
    mutation["resolves"] = json!(names);
    mutation
}

/// An activity whose `venue` two devices changed: `a` set "Aula kecamatan", `b`'s "Masjid
/// desa" was logged. Answers the record id and its version after the conflict.
async fn conflicting(server: &TestServer, a: &Device, b: &Device) -> anyhow::Result<(Uuid, u64)> {
    let id = Uuid::now_v7();
    let created = activity("33.03.08", "2025-07-01", (5, 5, 0, 0));
    let (_, answer) = server.push(a, vec![upsert(1, id, 0, created)]).await?;
    let v1 = answer["results"][0]["version"].as_u64().expect("version");
    let venue = json!({"venue": "Aula kecamatan"});
    server.push(a, vec![upsert(2, id, v1, venue)]).await?;
    let (_, answer) = server
        .push(b, vec![upsert(1, id, v1, json!({"venue": "Masjid desa"}))])
        .await?;
    assert_eq!(answer["results"][0]["status"], "conflict", "{answer}");
    Ok((
        id,
        answer["results"][0]["version"].as_u64().expect("version"),
    ))
}

async fn a_resolution_settles_the_conflict_for_every_device(
    server: &TestServer,
) -> anyhow::Result<()> {
    let a = server.user("petugas", Role::Officer).await?;
    let b = server.user("ketua", Role::Supervisor).await?;
    let (id, version) = conflicting(server, &a, &b).await?;
    // Both devices see both values.
    for device in [&a, &b] {
        let record = server.record(device, id).await?.expect("record");
        assert_eq!(record["conflict"], true);
        assert_eq!(
            record["conflicts"],
            json!([{"field": "venue", "server": "Aula kecamatan", "device": "Masjid desa"}])
        );
    }
    // The supervisor keeps the officer's device value.
    let chosen = json!({"venue": "Masjid desa"});
    let (_, answer) = server
        .push(&b, vec![resolving(2, id, version, chosen)])
        .await?;
    let result = &answer["results"][0];
    assert_eq!(result["status"], "applied", "{answer}");
    let resolved_at = result["version"].as_u64().expect("version");
    assert!(resolved_at > version);
    let record = server.record(&a, id).await?.expect("record");
    assert_eq!(record["fields"]["venue"], "Masjid desa");
    assert_eq!(record["conflict"], false);
    assert!(
        record.get("conflicts").is_none(),
        "omitted when none: {record}"
    );
    assert_eq!(record["version"], resolved_at);
    let log = server.store.conflict_log(id).await?;
    assert_eq!(
        (log[0].resolved_version, log[0].resolved_by),
        (Some(resolved_at), Some(b.user.id))
    );
    Ok(())
}

async fn a_resolution_racing_a_newer_change_stays_open(server: &TestServer) -> anyhow::Result<()> {
    let a = server.user("petugas", Role::Officer).await?;
    let b = server.user("ketua", Role::Supervisor).await?;
    let (id, version) = conflicting(server, &a, &b).await?;
    // The officer changes the venue again after the conflict...
    let (_, answer) = server
        .push(
            &a,
            vec![upsert(3, id, version, json!({"venue": "Pendopo"}))],
        )
        .await?;
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
    // ...and the supervisor, who saw only the conflict, keeps the server's old value.
    let chosen = json!({"venue": "Aula kecamatan"});
    let (_, answer) = server
        .push(&b, vec![resolving(2, id, version, chosen)])
        .await?;
    assert_eq!(answer["results"][0]["status"], "conflict", "{answer}");
    let record = server.record(&b, id).await?.expect("record");
    assert_eq!(record["fields"]["venue"], "Pendopo");
    assert_eq!(record["conflict"], true);
    let log = server.store.conflict_log(id).await?;
    assert!(log.iter().all(|entry| entry.resolved_version.is_none()));
    let open: Vec<&Value> = record["conflicts"]
        .as_array()
        .map(|c| c.iter().map(|c| &c["device"]).collect())
        .unwrap_or_default();
    assert_eq!(open, [&json!("Masjid desa"), &json!("Aula kecamatan")]);
    // Settled on the version that includes the newer change, it clears.
    let seen = record["version"].as_u64().expect("version");
    let chosen = json!({"venue": "Pendopo"});
    let (_, answer) = server
        .push(&b, vec![resolving(3, id, seen, chosen)])
        .await?;
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
    let record = server.record(&a, id).await?.expect("record");
    assert_eq!(
        (&record["conflict"], &record["fields"]["venue"]),
        (&json!(false), &json!("Pendopo"))
    );
    Ok(())
}
