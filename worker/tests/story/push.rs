//! Pushing: applied, duplicate, gap, rejected, too large.

use crate::common::records::{activity, upsert};
use crate::common::{assert_error, TestServer};
use gugus_model::api::Role;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

crate::on_both_backends!(
    a_pushed_record_comes_back_in_a_pull,
    duplicates_and_gaps,
    one_invalid_mutation_does_not_block_the_others,
    too_large_pushes,
);

async fn a_pushed_record_comes_back_in_a_pull(server: &TestServer) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let other = server.user("petugas2", Role::Officer).await?;
    let id = Uuid::now_v7();
    let fields = activity("33.03.08", "2025-03-10", (10, 5, 2, 1));
    let (status, answer) = server
        .push(&officer, vec![upsert(1, id, 0, fields.clone())])
        .await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["last_mutation_id"], 1);
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
    let version = answer["results"][0]["version"].as_u64().expect("version");
    let record = server
        .record(&other, id)
        .await?
        .expect("another officer sees it");
    assert_eq!(record["version"], version);
    assert_eq!(record["kind"], "activity");
    assert_eq!(
        (&record["deleted"], &record["conflict"]),
        (&json!(false), &json!(false))
    );
    assert_eq!(record["fields"], fields);
    let (_, page) = server.pull(&officer, None, None).await?;
    assert_eq!(page["last_mutation_id"], 1, "the device's own last id");
    assert_eq!(page["cursor"], format!("v{version}"));
    assert_eq!(page["more"], false);
    Ok(())
}

async fn duplicates_and_gaps(server: &TestServer) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    let first = upsert(1, a, 0, activity("33.03.01", "2025-04-01", (3, 3, 0, 0)));
    let (status, answer) = server.push(&officer, vec![first.clone()]).await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let second = upsert(2, b, 0, activity("33.03.02", "2025-04-02", (4, 0, 0, 0)));
    let (_, answer) = server.push(&officer, vec![first, second]).await?;
    assert_eq!(
        answer["results"][0],
        json!({"id": 1, "status": "duplicate"})
    );
    assert_eq!(answer["results"][1]["status"], "applied");
    assert_eq!(answer["last_mutation_id"], 2);
    let gap = vec![
        upsert(
            3,
            Uuid::now_v7(),
            0,
            activity("33.03.03", "2025-04-03", (1, 1, 0, 0)),
        ),
        upsert(
            5,
            Uuid::now_v7(),
            0,
            activity("33.03.04", "2025-04-04", (1, 1, 0, 0)),
        ),
    ];
    let answer = server.push(&officer, gap.clone()).await?;
    assert_error(&answer, StatusCode::CONFLICT, "mutation_gap");
    assert_eq!(answer.1["error"]["expected"], 3);
    let answer = server.push(&officer, gap[1..].to_vec()).await?;
    assert_eq!(answer.1["error"]["expected"], 3);
    let records = server.pull_all(&officer).await?;
    assert_eq!(
        records.len(),
        2,
        "nothing of the refused pushes was applied"
    );
    let (_, page) = server.pull(&officer, None, None).await?;
    assert_eq!(page["last_mutation_id"], 2);
    Ok(())
}

async fn one_invalid_mutation_does_not_block_the_others(server: &TestServer) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let mut bad = activity("33.03.05", "2025-05-05", (2, 2, 0, 0));
    bad["participants_female_adult"] = json!(-3);
    let mutations = vec![
        upsert(
            1,
            Uuid::now_v7(),
            0,
            activity("33.03.05", "2025-05-05", (2, 2, 0, 0)),
        ),
        upsert(2, Uuid::now_v7(), 0, bad),
        upsert(
            3,
            Uuid::now_v7(),
            0,
            activity("33.03.06", "2099-01-01", (2, 2, 0, 0)),
        ),
        json!({"id": 4, "kind": "spaceship", "record_id": Uuid::now_v7(), "op": "upsert",
               "base_version": 0, "fields": {}, "at": "2026-11-29T03:20:00Z"}),
        upsert(
            5,
            Uuid::now_v7(),
            0,
            activity("33.03.06", "2025-05-06", (0, 2, 0, 1)),
        ),
    ];
    let (status, answer) = server.push(&officer, mutations).await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let results = &answer["results"];
    let statuses: Vec<&Value> = (0..5).map(|i| &results[i]["status"]).collect();
    assert_eq!(
        statuses,
        [
            &json!("applied"),
            &json!("rejected"),
            &json!("rejected"),
            &json!("rejected"),
            &json!("applied")
        ]
    );
    assert_eq!(results[1]["error"]["code"], "invalid_field");
    assert_eq!(results[1]["error"]["field"], "participants_female_adult");
    assert_eq!(results[2]["error"]["field"], "date", "a date after today");
    assert_eq!(results[3]["error"]["code"], "unknown_kind");
    assert_eq!(
        answer["last_mutation_id"], 5,
        "rejections advance the last id"
    );
    assert_eq!(server.pull_all(&officer).await?.len(), 2);
    Ok(())
}

async fn too_large_pushes(server: &TestServer) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let fields = activity("33.03.07", "2025-06-01", (1, 0, 0, 0));
    let many: Vec<Value> = (1..=1001)
        .map(|i| upsert(i, Uuid::now_v7(), 0, fields.clone()))
        .collect();
    assert_error(
        &server.push(&officer, many).await?,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
    );
    let mut huge = fields.clone();
    huge["notes"] = json!("x".repeat(1024 * 1024));
    let answer = server
        .push(&officer, vec![upsert(1, Uuid::now_v7(), 0, huge)])
        .await?;
    assert_error(&answer, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let (_, page) = server.pull(&officer, None, None).await?;
    assert_eq!(
        (
            &page["last_mutation_id"],
            page["records"].as_array().map(Vec::len)
        ),
        (&json!(0), Some(0))
    );
    let thousand: Vec<Value> = (1..=1000)
        .map(|i| upsert(i, Uuid::now_v7(), 0, fields.clone()))
        .collect();
    let (status, answer) = server.push(&officer, thousand).await?;
    assert_eq!(
        (status, &answer["last_mutation_id"]),
        (StatusCode::OK, &json!(1000))
    );
    Ok(())
}
