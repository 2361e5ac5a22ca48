//! The audit trail: applied mutations (fields named, values never), identity reads,
//! account changes; filters; who may read it; and that the database refuses to change it.

use crate::common::records::{case, identity, identity_key, sealed, upsert_of, victim};
use crate::common::TestServer;
use gugus_model::api::Role;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

crate::on_both_backends!(
    mutations_and_identity_reads_leave_a_trace_without_values,
    account_changes_are_traced_and_only_supervisors_and_admins_read_the_trail,
    the_trail_is_append_only,
    bad_filters_get_400,
    the_sqlite_file_is_readable_by_its_owner_only,
    a_conflict_that_answers_identity_values_is_an_identity_read,
    a_deleted_identity_keeps_and_sends_no_value,
    logins_and_logouts_leave_a_trace_without_the_password,
);

async fn trail(server: &TestServer, token: &str, query: &str) -> anyhow::Result<Vec<Value>> {
    let (status, page) = server.get(&format!("/audit{query}"), Some(token)).await?;
    anyhow::ensure!(status == StatusCode::OK, "audit: {status} {page}");
    Ok(page["entries"].as_array().cloned().unwrap_or_default())
}

/// The trail without its login entries (every test user logs in).
fn without_logins(entries: Vec<Value>) -> Vec<Value> {
    entries
        .into_iter()
        .filter(|e| e["action"] != "login")
        .collect()
}

fn actions(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn mutations_and_identity_reads_leave_a_trace_without_values(
    server: &TestServer,
) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let (case_id, victim_id, identity_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let mutations = vec![
        upsert_of("case", 1, case_id, 0, case("33.03.08")),
        upsert_of("victim", 2, victim_id, 0, victim(case_id, "33.03.08")),
        upsert_of("case_key", 3, Uuid::now_v7(), 0, identity_key(case_id)),
        upsert_of("victim_identity", 4, identity_id, 0, identity(victim_id)),
        upsert_of("victim", 5, Uuid::now_v7(), 0, json!({"case_id": case_id})),
    ];
    let (_, answer) = server.push(&officer, mutations).await?;
    assert_eq!(answer["results"][4]["status"], "rejected", "{answer}");
    server.pull_all(&supervisor).await?;

    let all = without_logins(trail(server, &supervisor.token, "").await?);
    let text = serde_json::to_string(&all)?;
    let envelopes = [sealed("Siti Aminah"), sealed("3303084501070001")];
    let envelopes = envelopes.iter().filter_map(Value::as_str);
    for secret in ["perkebunan"].into_iter().chain(envelopes) {
        assert!(!text.contains(secret), "no value in the trail: {secret}");
    }
    // Newest first: the supervisor's reads of the identity and of its case key, then
    // the four applied mutations (the rejected one is not applied, so not traced).
    assert_eq!(
        actions(&all),
        [
            "identity_read",
            "identity_read",
            "mutation",
            "mutation",
            "mutation",
            "mutation"
        ]
    );
    let read = &all[0];
    assert_eq!(read["username"], "ketua");
    assert_eq!(read["record_id"], json!(identity_id));
    assert_eq!(read["device_id"], json!(supervisor.device_id));
    assert_eq!(
        read["detail"]["fields"],
        json!(["full_name", "nik", "victim_id"])
    );
    assert_eq!(all[1]["record_kind"], "case_key", "{:?}", all[1]);
    let created = &all[2];
    assert_eq!(created["username"], "petugas");
    assert_eq!(created["record_kind"], "victim_identity");
    assert_eq!(created["device_id"], json!(officer.device_id));
    assert_eq!(created["detail"]["mutation_id"], 4);
    assert_eq!(created["detail"]["op"], "upsert");
    assert_eq!(created["detail"]["status"], "applied");
    assert_eq!(
        created["detail"]["fields"],
        json!(["full_name", "nik", "victim_id"])
    );
    assert_eq!(created["detail"]["device_at"], "2026-11-29T03:20:00Z");

    // The officer's own pull of its case sends the identity and its key too: traced as
    // well.
    server.pull_all(&officer).await?;
    let mine = without_logins(trail(server, &supervisor.token, "?user=petugas").await?);
    assert_eq!(
        actions(&mine),
        [
            "identity_read",
            "identity_read",
            "mutation",
            "mutation",
            "mutation",
            "mutation"
        ]
    );
    let about = trail(server, &supervisor.token, &format!("?record={identity_id}")).await?;
    assert_eq!(
        about.len(),
        3,
        "created, read by the supervisor, read by the officer"
    );
    let nobody = trail(server, &supervisor.token, "?user=tidak-ada").await?;
    assert!(nobody.is_empty());
    let today = gugus_worker::clock::today_wib();
    let day = gugus_model::activity::format_date(today);
    let same_day = trail(server, &supervisor.token, &format!("?from={day}&to={day}")).await?;
    assert_eq!(without_logins(same_day).len(), 8);
    let later = gugus_model::activity::format_date(today + time::Duration::days(1));
    assert!(trail(server, &supervisor.token, &format!("?from={later}"))
        .await?
        .is_empty());
    let (status, page) = server
        .get("/audit?limit=2", Some(&supervisor.token))
        .await?;
    assert_eq!(
        (status, page["more"].clone()),
        (StatusCode::OK, json!(true))
    );
    let before = page["entries"][1]["id"].as_u64().unwrap_or_default();
    let next = trail(
        server,
        &supervisor.token,
        &format!("?before={before}&limit=10"),
    )
    .await?;
    assert_eq!(next.len(), 6 + 2, "the rest, older (with the two logins)");
    let (status, _) = server
        .get("/audit?from=kemarin", Some(&supervisor.token))
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    Ok(())
}

async fn account_changes_are_traced_and_only_supervisors_and_admins_read_the_trail(
    server: &TestServer,
) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let officer = server.user("petugas", Role::Officer).await?;
    let viewer = server.user("bupati", Role::Viewer).await?;
    let body = json!({"username": "baru", "name": "Petugas Baru", "role": "officer",
                      "agency": "dinsos", "password": "kata-sandi-bambu"});
    let (status, created) = server.post("/users", Some(&admin.token), &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    let (status, _) = server
        .post(
            &format!("/users/{id}/deactivate"),
            Some(&admin.token),
            &json!({}),
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let reset = json!({"password": "kata-sandi-lain"});
    server
        .post(&format!("/users/{id}/password"), Some(&admin.token), &reset)
        .await?;
    let entries = trail(server, &admin.token, &format!("?record={id}")).await?;
    let changes: Vec<&Value> = entries.iter().map(|e| &e["detail"]["change"]).collect();
    assert_eq!(changes, ["password_reset", "deactivated", "created"]);
    assert!(entries
        .iter()
        .all(|e| e["username"] == "admin" && e["action"] == "account"));
    let text = serde_json::to_string(&entries)?;
    assert!(!text.contains("kata-sandi"), "never a password");
    for who in [&officer, &viewer] {
        let answer = server.get("/audit", Some(&who.token)).await?;
        crate::common::assert_error(&answer, StatusCode::FORBIDDEN, "forbidden");
    }
    let answer = server.get("/audit", None).await?;
    crate::common::assert_error(&answer, StatusCode::UNAUTHORIZED, "unauthorized");
    Ok(())
}

async fn the_trail_is_append_only(server: &TestServer) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let case_id = Uuid::now_v7();
    server
        .push(
            &officer,
            vec![upsert_of("case", 1, case_id, 0, case("33.03.01"))],
        )
        .await?;
    let update = server.raw_sql("UPDATE audit_log SET detail = detail").await;
    let delete = server.raw_sql("DELETE FROM audit_log").await;
    // Rewriting an entry in place: REPLACE on SQLite (its implicit delete fires no DELETE
    // trigger), an upsert on PostgreSQL.
    let columns = "id, at, user_id, device_id, action, record_kind, record_id, detail";
    let rewrite = if server.url.starts_with("sqlite:") {
        format!("REPLACE INTO audit_log ({columns}) SELECT {columns} FROM audit_log")
    } else {
        format!(
            "INSERT INTO audit_log ({columns}) SELECT {columns} FROM audit_log \
             ON CONFLICT (id) DO UPDATE SET detail = EXCLUDED.detail"
        )
    };
    let rewrite = server.raw_sql(&rewrite).await;
    for outcome in [update, delete, rewrite] {
        let error = outcome.expect_err("the database refuses");
        assert!(format!("{error:#}").contains("append-only"), "{error:#}");
    }
    assert_eq!(
        without_logins(trail(server, &supervisor.token, "").await?).len(),
        1
    );
    Ok(())
}

/// Every bad parameter of `GET /audit` is the caller's mistake: 400, never 500.
async fn bad_filters_get_400(server: &TestServer) -> anyhow::Result<()> {
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    for query in [
        "?before=9223372036854775808",
        "?before=18446744073709551615",
        "?before=-1",
        "?before=satu",
        "?limit=0x10",
        "?from=2026-02-30",
        "?to=kemarin",
        "?record=bukan-uuid",
    ] {
        let answer = server
            .get(&format!("/audit{query}"), Some(&supervisor.token))
            .await?;
        crate::common::assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    }
    // The largest id there can be is a fine upper bound: everything is older.
    let answer = server
        .get("/audit?before=9223372036854775807", Some(&supervisor.token))
        .await?;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    Ok(())
}

/// The SQLite file (and the WAL beside it, which SQLite gives the same mode) is 0600.
async fn the_sqlite_file_is_readable_by_its_owner_only(server: &TestServer) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let Some(path) = server.url.strip_prefix("sqlite://") else {
        return Ok(()); // PostgreSQL keeps its own files
    };
    server.user("ketua", Role::Supervisor).await?;
    for file in [path.to_owned(), format!("{path}-wal")] {
        let mode = std::fs::metadata(&file)?.permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file}: {mode:o}");
    }
    Ok(())
}

/// A case, its victim, the case key and the victim's identity, pushed by `officer` as
/// mutations 1 to 4: (victim id, identity id, identity version).
pub async fn case_with_identity(
    server: &TestServer,
    officer: &crate::common::Device,
) -> anyhow::Result<(Uuid, Uuid, u64)> {
    let (case_id, victim_id, identity_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let (_, answer) = server
        .push(
            officer,
            vec![
                upsert_of("case", 1, case_id, 0, case("33.03.08")),
                upsert_of("victim", 2, victim_id, 0, victim(case_id, "33.03.08")),
                upsert_of("case_key", 3, Uuid::now_v7(), 0, identity_key(case_id)),
                upsert_of("victim_identity", 4, identity_id, 0, identity(victim_id)),
            ],
        )
        .await?;
    let version = answer["results"][3]["version"].as_u64();
    Ok((victim_id, identity_id, version.unwrap_or_default()))
}

/// A push that conflicts with a victim's identity gets the server's values back in
/// `conflicts[].server`: that is a read of the identity, and traced as one.
async fn a_conflict_that_answers_identity_values_is_an_identity_read(
    server: &TestServer,
) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let (victim_id, identity_id, _) = case_with_identity(server, &officer).await?;
    let phone = server.device(&officer.user).await?;
    let mut dummy = identity(victim_id);
    dummy["full_name"] = sealed("Bukan Siapa-siapa");
    let (_, answer) = server
        .push(
            &phone,
            vec![upsert_of("victim_identity", 1, identity_id, 0, dummy)],
        )
        .await?;
    assert_eq!(answer["results"][0]["status"], "conflict", "{answer}");
    let sent = answer["results"][0]["conflicts"].to_string();
    assert!(sent.contains("full_name"), "{answer}");
    let about = trail(server, &supervisor.token, &format!("?record={identity_id}")).await?;
    let reads: Vec<&Value> = about
        .iter()
        .filter(|e| e["action"] == "identity_read" && e["detail"]["via"] == "conflict")
        .collect();
    assert_eq!(reads.len(), 1, "{about:?}");
    assert_eq!(reads[0]["username"], "petugas", "{:?}", reads[0]);
    assert!(reads[0]["detail"]["fields"]
        .as_array()
        .is_some_and(|f| f.contains(&json!("full_name"))));
    let text = serde_json::to_string(&about)?;
    let envelope = sealed("Siti Aminah");
    assert!(
        !text.contains(envelope.as_str().unwrap_or("-")),
        "no value in the trail"
    );
    Ok(())
}

/// The fields a store holds for a record, as JSON text (straight from the table).
async fn stored_fields(server: &TestServer, id: Uuid) -> anyhow::Result<String> {
    if server.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&server.url).await?;
        let (fields,): (String,) = sqlx::query_as("SELECT fields FROM records WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(&pool)
            .await?;
        pool.close().await;
        Ok(fields)
    } else {
        let pool = sqlx::PgPool::connect(&server.url).await?;
        let (fields,): (String,) = sqlx::query_as("SELECT fields::text FROM records WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await?;
        pool.close().await;
        Ok(fields)
    }
}

/// A deleted victim identity is a tombstone: no value stays in the store, none goes out
/// in a pull (from no cursor too), and sending it is no identity read.
async fn a_deleted_identity_keeps_and_sends_no_value(server: &TestServer) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let (_, identity_id, version) = case_with_identity(server, &officer).await?;
    let mut gone = crate::common::records::delete(5, identity_id, version);
    gone["kind"] = json!("victim_identity");
    let (_, answer) = server.push(&officer, vec![gone]).await?;
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");

    assert_eq!(stored_fields(server, identity_id).await?, "{}");
    let pulled = server.pull_all(&supervisor).await?;
    let tombstone = pulled
        .iter()
        .find(|r| r["id"] == json!(identity_id))
        .expect("the tombstone");
    assert_eq!(tombstone["deleted"], true);
    assert_eq!(tombstone["fields"], json!({}), "{tombstone}");
    let text = serde_json::to_string(&pulled)?;
    for value in ["Siti", "3303084501070001"] {
        assert!(!text.contains(value), "{value} went out");
    }
    let about = trail(server, &supervisor.token, &format!("?record={identity_id}")).await?;
    assert!(
        about.iter().all(|e| e["action"] != "identity_read"),
        "nothing of it was read: {about:?}"
    );
    Ok(())
}

/// Every login on an account (succeeded or with a wrong password) is in the trail with the
/// client's address and the device, never the password; so is every logout.
async fn logins_and_logouts_leave_a_trace_without_the_password(
    server: &TestServer,
) -> anyhow::Result<()> {
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let officer = server.user("petugas", Role::Officer).await?;
    let device = Uuid::now_v7();
    let wrong = json!({"username": "petugas", "password": "tebakan-salah", "device_id": device});
    let answer = server.post("/login", None, &wrong).await?;
    assert_eq!(answer.0, StatusCode::UNAUTHORIZED);
    let (status, _) = server
        .post("/logout", Some(&officer.token), &Value::Null)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let mine = trail(server, &supervisor.token, "?user=petugas").await?;
    let text = serde_json::to_string(&mine)?;
    for secret in [
        "tebakan-salah",
        crate::common::PASSWORD,
        officer.token.as_str(),
    ] {
        assert!(!text.contains(secret), "{secret} in the trail");
    }
    // Newest first: the logout, the wrong password, the login of the test's set-up.
    assert_eq!(actions(&mine), ["account", "login", "login"], "{mine:?}");
    assert_eq!(mine[0]["detail"]["change"], "logout");
    assert_eq!(mine[0]["detail"]["username"], "petugas");
    let failed = &mine[1];
    assert_eq!(failed["detail"]["outcome"], "wrong_password");
    assert_eq!(failed["detail"]["address"], "127.0.0.1");
    assert_eq!(failed["device_id"], json!(device));
    let logged_in = &mine[2];
    assert_eq!(logged_in["detail"]["outcome"], "success");
    assert_eq!(logged_in["device_id"], json!(officer.device_id));
    assert_eq!(logged_in["record_id"], json!(officer.user.id));

    // A name no account has is recorded too, with no account; a name that is no username
    // at all (a password typed in the wrong box, perhaps) is not written down.
    let admin = server.user("admin", Role::Admin).await?;
    let before = trail(server, &admin.token, "?limit=1").await?;
    for username in ["kepala.dinas", "Rahasia Kita 2026!"] {
        let stranger = json!({"username": username, "password": "coba-coba", "device_id": device});
        let answer = server.post("/login", None, &stranger).await?;
        assert_eq!(answer.0, StatusCode::UNAUTHORIZED);
    }
    // The right password of a deactivated account is refused alike, and recorded as such.
    let (status, _) = server
        .post(
            &format!("/users/{}/deactivate", officer.user.id),
            Some(&admin.token),
            &json!({}),
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let right =
        json!({"username": "petugas", "password": crate::common::PASSWORD, "device_id": device});
    let answer = server.post("/login", None, &right).await?;
    assert_eq!(answer.0, StatusCode::UNAUTHORIZED);
    let newest = trail(server, &admin.token, "").await?;
    let first = before[0]["id"].as_u64().unwrap_or_default();
    let logins: Vec<&Value> = newest
        .iter()
        .filter(|e| e["action"] == "login" && e["id"].as_u64() > Some(first))
        .collect();
    assert_eq!(logins.len(), 3, "{newest:?}");
    let inactive = logins[0];
    assert_eq!(inactive["detail"]["outcome"], "inactive");
    assert_eq!(inactive["user_id"], json!(officer.user.id));
    assert_eq!(inactive["username"], "petugas");
    for (entry, tried) in [(logins[1], Value::Null), (logins[2], json!("kepala.dinas"))] {
        assert_eq!(entry["detail"]["outcome"], "unknown_account", "{entry}");
        assert_eq!(entry["detail"]["username"], tried, "{entry}");
        assert_eq!(entry["detail"]["address"], "127.0.0.1");
        assert_eq!(entry["device_id"], json!(device));
        assert_eq!(
            (&entry["user_id"], &entry["username"], &entry["record_id"]),
            (&Value::Null, &Value::Null, &Value::Null)
        );
    }
    let text = serde_json::to_string(&newest)?;
    for secret in ["coba-coba", "Rahasia", "rahasia", crate::common::PASSWORD] {
        assert!(!text.contains(secret), "{secret} in the trail");
    }
    Ok(())
}
