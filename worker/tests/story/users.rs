//! Accounts and sessions: admins create, list, deactivate, activate and reset accounts;
//! every user lists and ends their own sessions; idle sessions stop working.

use crate::common::{assert_error, Device, TestServer, PASSWORD};
use gugus_model::api::Role;
use gugus_worker::auth::{token_hash, IDLE_LIMIT};
use gugus_worker::clock::now_unix;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

crate::on_both_backends!(
    admins_create_and_list_accounts,
    deactivation_ends_every_session_at_once,
    admins_reset_passwords,
    guessable_passwords_are_refused_with_a_reason,
    only_admins_manage_accounts,
    users_list_and_end_their_own_sessions,
    idle_sessions_stop_working,
    supervisors_list_the_active_officers,
);

/// Logs in with a username and password from a new device: (status, body).
async fn login(
    server: &TestServer,
    username: &str,
    password: &str,
) -> anyhow::Result<(StatusCode, Value)> {
    let body = json!({"username": username, "password": password, "device_id": Uuid::now_v7()});
    server.post("/login", None, &body).await
}

/// The body of a new account.
fn new_account(username: &str, role: &str, password: &str) -> Value {
    json!({"username": username, "name": "Ani Lestari", "role": role,
           "agency": "dinsos", "password": password})
}

async fn admins_create_and_list_accounts(server: &TestServer) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let token = Some(admin.token.as_str());
    let (status, ani) = server
        .post(
            "/users",
            token,
            &new_account("Ani", "officer", "jeruk-rahasia-123"),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{ani}");
    assert_eq!(
        (
            &ani["username"],
            &ani["role"],
            &ani["agency"],
            &ani["active"]
        ),
        (
            &json!("ani"),
            &json!("officer"),
            &json!("dinsos"),
            &json!(true)
        )
    );
    let (status, session) = login(server, "ani", "jeruk-rahasia-123").await?;
    assert_eq!(status, StatusCode::OK);
    // The user's own agency comes with the login and with /me (the app's settings).
    assert_eq!(session["user"]["agency"], "dinsos", "{session}");
    let (status, me) = server.get("/me", session["token"].as_str()).await?;
    assert_eq!((status, &me["agency"]), (StatusCode::OK, &json!("dinsos")));

    let taken = server
        .post(
            "/users",
            token,
            &new_account("ANI", "viewer", "jeruk-rahasia-123"),
        )
        .await?;
    assert_error(&taken, StatusCode::BAD_REQUEST, "username_taken");
    assert_eq!(
        taken.1["error"]["message"],
        "That username is already taken."
    );
    for (body, words) in [
        (
            new_account("a b", "officer", "jeruk-rahasia-123"),
            "username",
        ),
        (new_account("budi", "chief", "jeruk-rahasia-123"), "role"),
        (json!({"username": "budi"}), "members"),
    ] {
        let answer = server.post("/users", token, &body).await?;
        assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
        let message = answer.1["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{message:?} names {words:?}");
    }
    let no_agency = json!({"username": "budi", "name": "Budi", "role": "viewer",
                           "password": "jeruk-rahasia-123"});
    let (status, budi) = server.post("/users", token, &no_agency).await?;
    assert_eq!((status, &budi["agency"]), (StatusCode::CREATED, &json!("")));

    let (status, list) = server.get("/users", token).await?;
    assert_eq!(status, StatusCode::OK, "{list}");
    let users = list["users"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = users
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert_eq!(names, ["admin", "ani", "budi"]);
    assert_eq!(users[1], ani);
    assert!(users.iter().all(|u| u.get("password_hash").is_none()));
    Ok(())
}

async fn deactivation_ends_every_session_at_once(server: &TestServer) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let token = Some(admin.token.as_str());
    let phone = server.user("petugas", Role::Officer).await?;
    let laptop = server.device(&phone.user).await?;
    let id = phone.user.id;
    let (status, _) = server
        .post(&format!("/users/{id}/deactivate"), token, &Value::Null)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for device in [&phone, &laptop] {
        let me = server.get("/me", Some(&device.token)).await?;
        assert_error(&me, StatusCode::UNAUTHORIZED, "unauthorized");
        let pull = server.pull(device, None, None).await?;
        assert_error(&pull, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let refused = login(server, "petugas", PASSWORD).await?;
    assert_error(&refused, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(refused.1["error"]["message"], "Wrong username or password.");
    let (_, list) = server.get("/users", token).await?;
    let listed = |list: &Value| {
        list["users"]
            .as_array()
            .and_then(|users| users.iter().find(|u| u["username"] == "petugas").cloned())
            .unwrap_or_default()
    };
    assert_eq!(listed(&list)["active"], false);

    let (status, _) = server
        .post(&format!("/users/{id}/activate"), token, &Value::Null)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = server.get("/users", token).await?;
    assert_eq!(listed(&list)["active"], true);
    let (status, _) = login(server, "petugas", PASSWORD).await?;
    assert_eq!(status, StatusCode::OK, "an active user logs in again");
    let old = server.get("/me", Some(&phone.token)).await?;
    assert_error(&old, StatusCode::UNAUTHORIZED, "unauthorized");

    let own = format!("/users/{}/deactivate", admin.user.id);
    let myself = server.post(&own, token, &Value::Null).await?;
    assert_error(&myself, StatusCode::BAD_REQUEST, "own_account");
    let (status, _) = server.get("/me", token).await?;
    assert_eq!(status, StatusCode::OK, "the admin is still active");
    for path in [
        format!("/users/{}/deactivate", Uuid::now_v7()),
        "/users/not-a-uuid/activate".to_owned(),
    ] {
        let missing = server.post(&path, token, &Value::Null).await?;
        assert_error(&missing, StatusCode::NOT_FOUND, "not_found");
    }
    Ok(())
}

async fn admins_reset_passwords(server: &TestServer) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let token = Some(admin.token.as_str());
    let officer = server.user("petugas", Role::Officer).await?;
    let path = format!("/users/{}/password", officer.user.id);
    let short = server
        .post(&path, token, &json!({"password": "pendek"}))
        .await?;
    assert_error(&short, StatusCode::BAD_REQUEST, "weak_password");
    let (status, _) = server
        .post(&path, token, &json!({"password": "sandi-baru-456"}))
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let old = login(server, "petugas", PASSWORD).await?;
    assert_error(&old, StatusCode::UNAUTHORIZED, "unauthorized");
    let (status, _) = login(server, "petugas", "sandi-baru-456").await?;
    assert_eq!(status, StatusCode::OK);
    let before = server.get("/me", Some(&officer.token)).await?;
    assert_error(&before, StatusCode::UNAUTHORIZED, "unauthorized");
    let nobody = format!("/users/{}/password", Uuid::now_v7());
    let missing = server
        .post(&nobody, token, &json!({"password": "sandi-baru-456"}))
        .await?;
    assert_error(&missing, StatusCode::NOT_FOUND, "not_found");
    Ok(())
}

/// The review's passwords, and the owner's own names, are refused with a reason the app
/// words; nothing is made or changed.
async fn guessable_passwords_are_refused_with_a_reason(server: &TestServer) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let token = Some(admin.token.as_str());
    let officer = server.user("petugas", Role::Officer).await?;
    let reset = format!("/users/{}/password", officer.user.id);
    for (password, reason) in [
        ("password1", "common"),
        ("12345678", "common"),
        ("        ", "repeated"),
        ("pendek", "too_short"),
        ("abcdefghij", "sequence"),
        ("ani.lestari", "personal"),
        ("lestari-dinas-sosial", "personal"),
        ("Purbalingga2026", "personal"),
    ] {
        let created = server
            .post(
                "/users",
                token,
                &new_account("ani.lestari", "officer", password),
            )
            .await?;
        assert_error(&created, StatusCode::BAD_REQUEST, "weak_password");
        assert_eq!(created.1["error"]["reason"], reason, "{password:?}");
        if reason != "personal" {
            let changed = server
                .post(&reset, token, &json!({"password": password}))
                .await?;
            assert_error(&changed, StatusCode::BAD_REQUEST, "weak_password");
            assert_eq!(changed.1["error"]["reason"], reason, "{password:?}");
        }
    }
    // The officer's own username is personal for a reset of its password.
    let own = server
        .post(&reset, token, &json!({"password": "petugas-petugas"}))
        .await?;
    assert_eq!(own.1["error"]["reason"], "personal", "{own:?}");
    let (status, list) = server.get("/users", token).await?;
    assert_eq!(status, StatusCode::OK);
    let users = list["users"].as_array().cloned().unwrap_or_default();
    assert!(
        users.iter().all(|u| u["username"] != "ani.lestari"),
        "{list}"
    );
    let (status, _) = login(server, "petugas", PASSWORD).await?;
    assert_eq!(status, StatusCode::OK, "the old password still works");
    Ok(())
}

async fn only_admins_manage_accounts(server: &TestServer) -> anyhow::Result<()> {
    let target = server.add_user("target", Role::Officer).await?;
    let id = target.id;
    let posts = [
        (
            "/users".to_owned(),
            new_account("budi", "admin", "jeruk-rahasia-123"),
        ),
        (format!("/users/{id}/deactivate"), Value::Null),
        (format!("/users/{id}/activate"), Value::Null),
        (
            format!("/users/{id}/password"),
            json!({"password": "jeruk-rahasia-123"}),
        ),
        ("/users".to_owned(), json!("not an account")),
    ];
    for (username, role) in [
        ("petugas", Role::Officer),
        ("ketua", Role::Supervisor),
        ("bupati", Role::Viewer),
    ] {
        let device = server.user(username, role).await?;
        let token = Some(device.token.as_str());
        let list = server.get("/users", token).await?;
        assert_error(&list, StatusCode::FORBIDDEN, "forbidden");
        for (path, body) in &posts {
            let answer = server.post(path, token, body).await?;
            assert_error(&answer, StatusCode::FORBIDDEN, "forbidden");
        }
    }
    let list = server.get("/users", None).await?;
    assert_error(&list, StatusCode::UNAUTHORIZED, "unauthorized");
    for (path, body) in &posts {
        let answer = server.post(path, None, body).await?;
        assert_error(&answer, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let (status, _) = login(server, "target", PASSWORD).await?;
    assert_eq!(status, StatusCode::OK, "nothing changed");
    let unchanged = login(server, "budi", "jeruk-rahasia-123").await?;
    assert_error(&unchanged, StatusCode::UNAUTHORIZED, "unauthorized");
    Ok(())
}

/// The caller's sessions as listed.
async fn sessions(server: &TestServer, device: &Device) -> anyhow::Result<Vec<Value>> {
    let (status, list) = server.get("/sessions", Some(&device.token)).await?;
    anyhow::ensure!(status == StatusCode::OK, "sessions: {status} {list}");
    Ok(list["sessions"].as_array().cloned().unwrap_or_default())
}

async fn users_list_and_end_their_own_sessions(server: &TestServer) -> anyhow::Result<()> {
    let phone = server.user("petugas", Role::Officer).await?;
    let laptop = server.device(&phone.user).await?;
    let listed = sessions(server, &phone).await?;
    assert_eq!(listed.len(), 2, "{listed:?}");
    let current: Vec<&Value> = listed.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1, "{listed:?}");
    assert_eq!(current[0]["device_id"], json!(phone.device_id));
    let hash = token_hash(&phone.token);
    for session in &listed {
        for member in [
            "id",
            "device_id",
            "created_at",
            "last_seen_at",
            "expires_at",
        ] {
            assert!(session[member].is_string(), "{member} in {session}");
        }
        assert_ne!(session["id"], json!(hash), "the id is not the token hash");
        assert!(session.get("token_hash").is_none());
    }
    let other = listed
        .iter()
        .find(|s| s["current"] == false)
        .cloned()
        .unwrap_or_default();
    assert_eq!(other["device_id"], json!(laptop.device_id));
    let from_laptop = sessions(server, &laptop).await?;
    let laptop_current = from_laptop.iter().find(|s| s["current"] == true);
    assert_eq!(laptop_current.map(|s| &s["id"]), Some(&other["id"]));

    let stranger = server.user("ketua", Role::Supervisor).await?;
    let end_other = format!("/sessions/{}/end", other["id"].as_str().unwrap_or_default());
    let not_theirs = server
        .post(&end_other, Some(&stranger.token), &Value::Null)
        .await?;
    assert_error(&not_theirs, StatusCode::NOT_FOUND, "not_found");
    let (status, _) = server.get("/me", Some(&laptop.token)).await?;
    assert_eq!(status, StatusCode::OK, "a stranger cannot end it");

    let (status, _) = server
        .post(&end_other, Some(&phone.token), &Value::Null)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let ended = server.get("/me", Some(&laptop.token)).await?;
    assert_error(&ended, StatusCode::UNAUTHORIZED, "unauthorized");
    let again = server
        .post(&end_other, Some(&phone.token), &Value::Null)
        .await?;
    assert_error(&again, StatusCode::NOT_FOUND, "not_found");
    let left = sessions(server, &phone).await?;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["current"], true);
    let garbage = server
        .post("/sessions/nonsense/end", Some(&phone.token), &Value::Null)
        .await?;
    assert_error(&garbage, StatusCode::NOT_FOUND, "not_found");
    assert_error(
        &server.get("/sessions", None).await?,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    Ok(())
}

/// When the store says a device's session was last used (unix seconds).
async fn last_seen(server: &TestServer, device: &Device) -> anyhow::Result<i64> {
    let rows = server
        .store
        .user_sessions(device.user.id, now_unix())
        .await?;
    let hash = token_hash(&device.token);
    let row = rows.iter().find(|row| row.token_hash == hash);
    row.map(|row| row.last_seen_at)
        .ok_or_else(|| anyhow::anyhow!("no live session"))
}

async fn idle_sessions_stop_working(server: &TestServer) -> anyhow::Result<()> {
    let idle = IDLE_LIMIT.whole_seconds();
    let store = &server.store;
    let phone = server.user("petugas", Role::Officer).await?;
    let laptop = server.device(&phone.user).await?;

    store
        .touch_session(&token_hash(&phone.token), now_unix() - 30)
        .await?;
    let (status, _) = server.get("/me", Some(&phone.token)).await?;
    assert_eq!(status, StatusCode::OK);
    let seen = last_seen(server, &phone).await?;
    assert!(
        now_unix() - seen >= 29,
        "no write within a minute of the last"
    );

    store
        .touch_session(&token_hash(&phone.token), now_unix() - idle + 3600)
        .await?;
    let (status, _) = server.get("/me", Some(&phone.token)).await?;
    assert_eq!(status, StatusCode::OK, "13 days 23 hours idle still works");
    assert!(
        now_unix() - last_seen(server, &phone).await? <= 5,
        "use is recorded"
    );

    store
        .touch_session(&token_hash(&laptop.token), now_unix() - idle - 60)
        .await?;
    let stale = server.get("/me", Some(&laptop.token)).await?;
    assert_error(&stale, StatusCode::UNAUTHORIZED, "unauthorized");
    let pull = server.pull(&laptop, None, None).await?;
    assert_error(&pull, StatusCode::UNAUTHORIZED, "unauthorized");
    let listed = sessions(server, &phone).await?;
    assert_eq!(listed.len(), 1, "an idle session is not listed: {listed:?}");
    let (status, _) = server.get("/me", Some(&phone.token)).await?;
    assert_eq!(status, StatusCode::OK);
    Ok(())
}

async fn supervisors_list_the_active_officers(server: &TestServer) -> anyhow::Result<()> {
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let admin = server.user("admin", Role::Admin).await?;
    let a = server.add_user("petugas-a", Role::Officer).await?;
    let gone = server.add_user("petugas-lama", Role::Officer).await?;
    server.add_user("bupati", Role::Viewer).await?;
    let path = format!("/users/{}/deactivate", gone.id);
    server.post(&path, Some(&admin.token), &json!({})).await?;
    let (status, list) = server.get("/officers", Some(&supervisor.token)).await?;
    assert_eq!(status, StatusCode::OK, "{list}");
    let names: Vec<&Value> = list["users"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| &u["username"])
        .collect();
    assert_eq!(names, [&json!(a.username)], "active officers only");
    Ok(())
}
