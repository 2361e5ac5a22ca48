//! Conflicts, soft deletes and paging.

use crate::common::records::{activity, delete, upsert};
use crate::common::{assert_error, TestServer};
use gugus_model::api::Role;
use reqwest_native::StatusCode;
use serde_json::json;
use uuid::Uuid;

crate::on_both_backends!(
    same_field_conflict_keeps_the_server_value,
    soft_delete,
    paging_never_skips,
);

async fn same_field_conflict_keeps_the_server_value(server: &TestServer) -> anyhow::Result<()> {
    let a = server.user("petugas", Role::Officer).await?;
    let b = server.user("ketua", Role::Supervisor).await?;
    let id = Uuid::now_v7();
    let (_, answer) = server
        .push(
            &a,
            vec![upsert(
                1,
                id,
                0,
                activity("33.03.08", "2025-07-01", (5, 5, 0, 0)),
            )],
        )
        .await?;
    let v1 = answer["results"][0]["version"].as_u64().expect("version");
    let (_, answer) = server
        .push(
            &a,
            vec![upsert(2, id, v1, json!({"venue": "Aula kecamatan"}))],
        )
        .await?;
    assert_eq!(answer["results"][0]["status"], "applied");
    let edit = json!({"venue": "Masjid desa", "notes": "dipindah"});
    let (_, answer) = server.push(&b, vec![upsert(1, id, v1, edit)]).await?;
    let result = &answer["results"][0];
    assert_eq!(result["status"], "conflict", "{answer}");
    assert_eq!(
        result["conflicts"],
        json!([{"field": "venue", "server": "Aula kecamatan", "device": "Masjid desa"}])
    );
    let record = server.record(&a, id).await?.expect("record");
    assert_eq!(
        record["fields"]["venue"], "Aula kecamatan",
        "the server keeps its value"
    );
    assert_eq!(
        record["fields"]["notes"], "dipindah",
        "the untouched field takes the device's"
    );
    assert_eq!(record["conflict"], true);
    assert_eq!(record["version"], result["version"]);
    let log = server.store.conflict_log(id).await?;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].field.as_str(), &log[0].server, &log[0].device),
        ("venue", &json!("Aula kecamatan"), &json!("Masjid desa"))
    );
    assert_eq!(
        (log[0].device_id, log[0].mutation_id, log[0].user_id),
        (b.device_id, 1, b.user.id)
    );
    assert_eq!(log[0].at, "2026-11-29T03:20:00Z");
    Ok(())
}

async fn soft_delete(server: &TestServer) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let other = server.device(&officer.user).await?;
    let id = Uuid::now_v7();
    let (_, answer) = server
        .push(
            &officer,
            vec![upsert(
                1,
                id,
                0,
                activity("33.03.09", "2025-08-01", (2, 1, 0, 0)),
            )],
        )
        .await?;
    let v1 = answer["results"][0]["version"].as_u64().expect("version");
    let (_, answer) = server.push(&officer, vec![delete(2, id, v1)]).await?;
    assert_eq!(answer["results"][0]["status"], "applied");
    let v2 = answer["results"][0]["version"].as_u64().expect("version");
    assert!(v2 > v1, "the version moves on");
    let (_, page) = server.pull(&other, Some(&format!("v{v1}")), None).await?;
    let record = &page["records"][0];
    assert_eq!(
        (&record["id"], &record["deleted"], &record["version"]),
        (&json!(id), &json!(true), &json!(v2))
    );
    let (_, answer) = server
        .push(
            &other,
            vec![upsert(1, id, v1, json!({"venue": "Balai RW"}))],
        )
        .await?;
    assert_eq!(
        answer["results"][0]["status"], "conflict",
        "an edit of a deleted record is kept as a conflict"
    );
    assert_eq!(server.store.conflict_log(id).await?.len(), 1);
    let ketua = server.user("ketua", Role::Supervisor).await?;
    let (_, stats) = server
        .get(
            "/stats/activities?from=2025-01-01&to=2025-12-31",
            Some(&ketua.token),
        )
        .await?;
    assert_eq!(
        stats["total"]["activities"], 0,
        "a deleted activity is not counted"
    );
    Ok(())
}

async fn paging_never_skips(server: &TestServer) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let ids: Vec<Uuid> = (0..7).map(|_| Uuid::now_v7()).collect();
    let mutations = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            upsert(
                i as u64 + 1,
                *id,
                0,
                activity("33.03.10", "2025-09-01", (1, i as u64, 0, 0)),
            )
        })
        .collect();
    server.push(&officer, mutations).await?;
    let mut cursor: Option<String> = None;
    let (mut seen, mut mores, mut last_version) = (Vec::new(), Vec::new(), 0);
    loop {
        let (status, page) = server.pull(&officer, cursor.as_deref(), Some(3)).await?;
        assert_eq!(status, StatusCode::OK, "{page}");
        for record in page["records"].as_array().expect("records") {
            let version = record["version"].as_u64().expect("version");
            assert!(version > last_version, "version order");
            last_version = version;
            seen.push(record["id"].clone());
        }
        mores.push(page["more"] == true);
        cursor = page["cursor"].as_str().map(str::to_owned);
        if page["more"] != true {
            break;
        }
    }
    assert_eq!(mores, [true, true, false]);
    assert_eq!(seen, ids.iter().map(|id| json!(id)).collect::<Vec<_>>());
    let (_, answer) = server
        .push(
            &officer,
            vec![upsert(8, ids[0], 1, json!({"venue": "Pendopo"}))],
        )
        .await?;
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
    let (_, page) = server.pull(&officer, cursor.as_deref(), Some(3)).await?;
    assert_eq!(
        page["records"].as_array().map(Vec::len),
        Some(1),
        "a later change is above the cursor"
    );
    assert_eq!(page["records"][0]["fields"]["venue"], "Pendopo");
    for bad in ["x1", "v", "v99999", "v-1"] {
        let answer = server.pull(&officer, Some(bad), None).await?;
        assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    }
    Ok(())
}
