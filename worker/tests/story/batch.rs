//! A push reads its records once and writes their final states at the end: one push that
//! touches the same records many times ends exactly as the same mutations pushed one by one.

use crate::common::records::{activity, delete, upsert};
use crate::common::{Device, TestServer};
use gugus_model::api::Role;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

crate::on_both_backends!(one_push_ends_as_the_same_mutations_one_by_one);

/// Create A; edit A (base 0: a conflict with A's creation); create B; delete B; edit the
/// deleted B (a conflict); create C; edit C with the base it was created at.
fn steps(a: Uuid, b: Uuid, c: Uuid, c_version: u64) -> Vec<Value> {
    vec![
        upsert(1, a, 0, activity("33.03.01", "2025-05-01", (4, 3, 0, 0))),
        upsert(2, a, 0, json!({"venue": "Aula kecamatan"})),
        upsert(3, b, 0, activity("33.03.02", "2025-05-02", (1, 1, 1, 1))),
        delete(4, b, 0),
        upsert(5, b, 0, json!({"venue": "Balai RW"})),
        upsert(6, c, 0, activity("33.03.02", "2025-05-03", (7, 0, 0, 0))),
        upsert(7, c, c_version, json!({"participants_male_adult": 9})),
    ]
}

/// What a result and a record look like once ids and versions are left out.
fn shape(result: &Value) -> Value {
    json!([result["status"], result["conflicts"]])
}

async fn final_state(
    server: &TestServer,
    device: &Device,
    ids: [Uuid; 3],
) -> anyhow::Result<Vec<Value>> {
    let mut states = Vec::new();
    for id in ids {
        let record = server.record(device, id).await?.expect("record");
        let log = server.store.conflict_log(id).await?;
        let log: Vec<Value> = log
            .iter()
            .map(|c| json!([c.field, c.server, c.device, c.mutation_id]))
            .collect();
        states.push(json!([
            record["deleted"],
            record["conflict"],
            record["fields"],
            log
        ]));
    }
    Ok(states)
}

async fn one_push_ends_as_the_same_mutations_one_by_one(server: &TestServer) -> anyhow::Result<()> {
    let one = server.user("petugas", Role::Officer).await?;
    let many = server.device(&one.user).await?;
    let singles = [Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7()];
    let batched = [Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7()];

    let mut single_results = Vec::new();
    let mut c_version = 0;
    for index in 0..7 {
        let [a, b, c] = singles;
        let step = steps(a, b, c, c_version).swap_remove(index);
        let (status, answer) = server.push(&one, vec![step]).await?;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let result = answer["results"][0].clone();
        if index == 5 {
            c_version = result["version"].as_u64().expect("a version");
        }
        single_results.push(result);
    }
    // In one push, C's creation gets its version after as many changes as one by one.
    let first = single_results[0]["version"].as_u64().expect("a version");
    let changes = c_version + 1 - first;
    let [a, b, c] = batched;
    let (_, page) = server.pull(&many, None, None).await?;
    assert_eq!(page["more"], false, "the cursor is the latest version");
    let latest = page["cursor"].as_str().expect("a cursor");
    let latest: u64 = latest.trim_start_matches('v').parse()?;
    let (status, answer) = server.push(&many, steps(a, b, c, latest + changes)).await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let batch_results = answer["results"].as_array().expect("results").clone();

    let shapes = |results: &[Value]| results.iter().map(shape).collect::<Vec<_>>();
    assert_eq!(shapes(&batch_results), shapes(&single_results));
    assert_eq!(batch_results[5]["version"], latest + changes, "{answer}");
    assert_eq!(batch_results[6]["status"], "applied", "{answer}");
    assert_eq!(
        final_state(server, &many, batched).await?,
        final_state(server, &one, singles).await?
    );
    for (id, last) in [(a, 1), (b, 4), (c, 6)] {
        let record = server.record(&many, id).await?.expect("record");
        assert_eq!(record["version"], batch_results[last]["version"], "{id}");
    }
    let ketua = server.user("ketua", Role::Supervisor).await?;
    let (_, stats) = server
        .get(
            "/stats/activities?from=2025-01-01&to=2025-12-31",
            Some(&ketua.token),
        )
        .await?;
    assert_eq!(stats["total"]["activities"], 4, "A and C, twice: {stats}");
    Ok(())
}
