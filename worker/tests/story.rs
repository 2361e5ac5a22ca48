//! The shared store story: every step runs against SQLite and PostgreSQL, each over a
//! fresh database, through the real router over HTTP.

mod common;

use common::records::{activity, delete, upsert};
use common::{assert_error, TestServer, PASSWORD};
use gugus_model::api::Role;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    login_and_tokens,
    malformed_requests_get_the_json_error_shape,
    a_pushed_record_comes_back_in_a_pull,
    duplicates_and_gaps,
    one_invalid_mutation_does_not_block_the_others,
    too_large_pushes,
    same_field_conflict_keeps_the_server_value,
    soft_delete,
    paging_never_skips,
    viewers_may_not_sync,
    stats_figures,
);

async fn login_and_tokens(server: &TestServer) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let (status, me) = server.get("/me", Some(&officer.token)).await?;
    assert_eq!(
        (status, &me["username"], &me["role"]),
        (StatusCode::OK, &json!("petugas"), &json!("officer"))
    );
    let device = Uuid::now_v7();
    let login = |username: &str, password: &str| json!({"username": username, "password": password, "device_id": device});
    let (status, answer) = server
        .post("/login", None, &login("Petugas", PASSWORD))
        .await?;
    assert_eq!(status, StatusCode::OK, "usernames ignore case: {answer}");
    assert_eq!(answer["token"].as_str().map(str::len), Some(64));
    assert!(answer["expires_at"]
        .as_str()
        .is_some_and(|at| at.ends_with('Z')));
    let wrong = server
        .post("/login", None, &login("petugas", "salah-sandi"))
        .await?;
    assert_error(&wrong, StatusCode::UNAUTHORIZED, "unauthorized");
    let unknown = server
        .post("/login", None, &login("siapa", PASSWORD))
        .await?;
    assert_error(&unknown, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(wrong.1["error"]["message"], "Wrong username or password.");
    assert_eq!(unknown.1["error"]["message"], wrong.1["error"]["message"]);
    assert_error(
        &server.get("/me", None).await?,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let bad = "ab".repeat(32);
    assert_error(
        &server.get("/me", Some(&bad)).await?,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(
        &server.get("/me", Some("x")).await?,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let (status, _) = server
        .post("/logout", Some(&officer.token), &Value::Null)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let after = server.get("/me", Some(&officer.token)).await?;
    assert_error(&after, StatusCode::UNAUTHORIZED, "unauthorized");
    Ok(())
}

async fn malformed_requests_get_the_json_error_shape(server: &TestServer) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let token = Some(officer.token.as_str());
    for path in ["/sync/push", "/sync/pull", "/login"] {
        let not_json = server.post_raw(path, token, b"{not json".to_vec()).await?;
        assert_error(&not_json, StatusCode::BAD_REQUEST, "bad_request");
    }
    let wrong_types = json!({"protocol": "one", "device_id": officer.device_id, "mutations": []});
    let answer = server.post("/sync/push", token, &wrong_types).await?;
    assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    let missing = json!({"protocol": 1, "mutations": []});
    assert_error(
        &server.post("/sync/push", token, &missing).await?,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    let unknown_protocol = json!({"protocol": 2, "device_id": officer.device_id, "mutations": []});
    let answer = server.post("/sync/push", token, &unknown_protocol).await?;
    assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    let bad_uuid = json!({"protocol": 1, "device_id": "not-a-uuid", "cursor": null});
    assert_error(
        &server.post("/sync/pull", token, &bad_uuid).await?,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_error(
        &server.get("/nowhere", None).await?,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    Ok(())
}

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

async fn viewers_may_not_sync(server: &TestServer) -> anyhow::Result<()> {
    let viewer = server.user("bupati", Role::Viewer).await?;
    let push = server
        .push(
            &viewer,
            vec![upsert(
                1,
                Uuid::now_v7(),
                0,
                activity("33.03.11", "2025-01-01", (1, 1, 0, 0)),
            )],
        )
        .await?;
    assert_error(&push, StatusCode::FORBIDDEN, "forbidden");
    assert_error(
        &server.pull(&viewer, None, None).await?,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    Ok(())
}

async fn stats_figures(server: &TestServer) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let ketua = server.user("ketua", Role::Supervisor).await?;
    let viewer = server.user("bupati", Role::Viewer).await?;
    let data = [
        ("33.03.08", "2025-02-01", (20, 10, 3, 2)),
        ("33.03.08", "2025-02-15", (6, 4, 0, 0)),
        ("33.03.01", "2025-03-01", (2, 1, 1, 0)),
        ("33.03.08", "2024-12-31", (50, 50, 0, 0)),
    ];
    let mutations = data
        .iter()
        .enumerate()
        .map(|(i, (kec, date, counts))| {
            upsert(
                i as u64 + 1,
                Uuid::now_v7(),
                0,
                activity(kec, date, *counts),
            )
        })
        .collect();
    server.push(&officer, mutations).await?;
    let path = "/stats/activities?from=2025-01-01&to=2025-03-31";
    let (status, stats) = server.get(path, Some(&ketua.token)).await?;
    assert_eq!(status, StatusCode::OK, "{stats}");
    assert_eq!(
        (&stats["from"], &stats["to"], &stats["suppressed"]),
        (&json!("2025-01-01"), &json!("2025-03-31"), &json!(false))
    );
    let rows = stats["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 18);
    let row = |code: &str| {
        rows.iter()
            .find(|r| r["kecamatan"] == code)
            .cloned()
            .expect("row")
    };
    let mrebet = json!({"kecamatan": "33.03.08", "name": "Mrebet", "activities": 2, "participants": 45, "female": 29, "male": 16, "children": 5});
    assert_eq!(row("33.03.08"), mrebet);
    assert_eq!(
        (
            &row("33.03.01")["activities"],
            &row("33.03.01")["participants"]
        ),
        (&json!(1), &json!(4))
    );
    assert_eq!(row("33.03.02")["activities"], 0, "zero rows are there");
    assert_eq!(
        (
            &stats["total"]["kecamatan"],
            &stats["total"]["activities"],
            &stats["total"]["participants"]
        ),
        (&json!("33.03"), &json!(3), &json!(49))
    );
    assert_error(
        &server.get(path, Some(&officer.token)).await?,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let (status, hidden) = server.get(path, Some(&viewer.token)).await?;
    assert_eq!(
        (status, &hidden["suppressed"]),
        (StatusCode::OK, &json!(true))
    );
    let hidden_rows = hidden["rows"].as_array().expect("rows");
    let hidden_row = |code: &str| {
        hidden_rows
            .iter()
            .find(|r| r["kecamatan"] == code)
            .cloned()
            .expect("row")
    };
    assert_eq!(hidden_row("33.03.08")["participants"], 45);
    assert_eq!(
        hidden_row("33.03.08")["activities"],
        Value::Null,
        "2 activities is a small cell"
    );
    assert_eq!(hidden_row("33.03.01")["participants"], Value::Null);
    assert_eq!(hidden_row("33.03.02")["activities"], 0);
    assert_eq!(hidden["total"]["activities"], Value::Null);
    for bad in [
        "?from=2025-02-30&to=2025-03-01",
        "?from=2025-03-01&to=2025-02-01",
        "?to=2025-03-01",
        "?from=yesterday&to=2025-03-01",
    ] {
        let answer = server
            .get(&format!("/stats/activities{bad}"), Some(&ketua.token))
            .await?;
        assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    }
    Ok(())
}
