//! Logging in, tokens, malformed requests and roles.

use crate::common::records::{activity, upsert};
use crate::common::{assert_error, TestServer, PASSWORD};
use gugus_model::api::Role;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

crate::on_both_backends!(
    login_and_tokens,
    malformed_requests_get_the_json_error_shape,
    viewers_may_not_sync,
    repeated_login_failures_are_rate_limited,
    one_address_guessing_many_usernames_is_rate_limited,
    a_login_not_sent_as_json_is_refused_before_any_password_check,
    a_burst_of_wrong_logins_on_two_workers_gets_no_more_checks_than_the_limit,
    an_earlier_builds_password_hash_is_replaced_at_the_next_login,
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

async fn repeated_login_failures_are_rate_limited(server: &TestServer) -> anyhow::Result<()> {
    server.add_user("petugas", Role::Officer).await?;
    let device = Uuid::now_v7();
    let wrong = json!({"username": "petugas", "password": "salah-sandi", "device_id": device});
    for _ in 0..10 {
        let answer = server.post("/login", None, &wrong).await?;
        assert_error(&answer, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let response = server
        .client
        .post(format!("{}/login", server.base))
        .json(&json!({"username": "petugas", "password": PASSWORD, "device_id": device}))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await?;
    assert_eq!(body["error"]["code"], "rate_limited");
    Ok(())
}

async fn one_address_guessing_many_usernames_is_rate_limited(
    server: &TestServer,
) -> anyhow::Result<()> {
    use gugus_worker::routes::login::MAX_FAILURES_PER_ADDRESS;
    server.add_user("petugas", Role::Officer).await?;
    let device = Uuid::now_v7();
    // Each name fails only once, far under the per-username limit: the address adds up.
    for n in 0..MAX_FAILURES_PER_ADDRESS {
        let guess =
            json!({"username": format!("tebakan{n}"), "password": "x", "device_id": device});
        let answer = server.post("/login", None, &guess).await?;
        assert_error(&answer, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let right = json!({"username": "petugas", "password": PASSWORD, "device_id": device});
    let answer = server.post("/login", None, &right).await?;
    assert_error(&answer, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    Ok(())
}

/// A browser sends a cross-site `text/plain` or form body without asking the server first
/// (a "simple request"); a JSON one it never does. So a login must say it is JSON.
async fn a_login_not_sent_as_json_is_refused_before_any_password_check(
    server: &TestServer,
) -> anyhow::Result<()> {
    server.add_user("petugas", Role::Officer).await?;
    let login = json!({"username": "petugas", "password": PASSWORD, "device_id": Uuid::now_v7()});
    for content_type in [
        Some("text/plain"),
        Some("text/plain; charset=utf-8"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let request = server
            .client
            .post(format!("{}/login", server.base))
            .body(serde_json::to_vec(&login)?);
        let request = match content_type {
            Some(value) => request.header("content-type", value),
            None => request,
        };
        let response = request.send().await?;
        let status = response.status();
        let body: Value = response.json().await?;
        assert_error(&(status, body), StatusCode::BAD_REQUEST, "bad_request");
    }
    // None of them counted as a failed login, and the same body as JSON logs in.
    let answer = server.post("/login", None, &login).await?;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    Ok(())
}

/// 200 wrong logins for one user at once, half through a second worker process on the
/// same store: the limit is counted and taken in one step, so no more than
/// `MAX_FAILURES_PER_USER` of them reach the password check (401); the rest get 429.
async fn a_burst_of_wrong_logins_on_two_workers_gets_no_more_checks_than_the_limit(
    server: &TestServer,
) -> anyhow::Result<()> {
    use gugus_worker::routes::login::MAX_FAILURES_PER_USER;
    server.add_user("petugas", Role::Officer).await?;
    let second = server.second_process().await?;
    let wrong =
        json!({"username": "petugas", "password": "salah-sandi", "device_id": Uuid::now_v7()});
    let mut burst = tokio::task::JoinSet::new();
    for n in 0..200 {
        let base = if n % 2 == 0 {
            &server.base
        } else {
            &second.base
        }
        .clone();
        let (client, body) = (server.client.clone(), wrong.clone());
        burst.spawn(async move {
            client
                .post(format!("{base}/login"))
                .json(&body)
                .send()
                .await
                .map(|response| response.status())
        });
    }
    let mut statuses = BTreeMap::new();
    while let Some(done) = burst.join_next().await {
        *statuses.entry(done??.as_u16()).or_insert(0_u64) += 1;
    }
    let checked = statuses.get(&401).copied().unwrap_or(0);
    assert!(checked <= MAX_FAILURES_PER_USER, "{statuses:?}");
    assert_eq!(
        checked + statuses.get(&429).copied().unwrap_or(0),
        200,
        "{statuses:?}"
    );
    // And the right password is refused too while the limit holds.
    let right = json!({"username": "petugas", "password": PASSWORD, "device_id": Uuid::now_v7()});
    let answer = server.post("/login", None, &right).await?;
    assert_eq!(answer.0, StatusCode::TOO_MANY_REQUESTS, "{}", answer.1);
    Ok(())
}

/// Passwords hashed by an earlier build (argon2id at 19 MiB and 2 passes) still log in,
/// and the login replaces the hash by one at today's settings (7 MiB, 5 passes), which
/// then logs in too; a wrong password replaces nothing. The replacement only takes the
/// hash it checked: a password changed meanwhile stays.
async fn an_earlier_builds_password_hash_is_replaced_at_the_next_login(
    server: &TestServer,
) -> anyhow::Result<()> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let user = server.add_user("lama", Role::Officer).await?;
    let salt = SaltString::generate(&mut OsRng);
    let earlier = argon2::Argon2::default()
        .hash_password(PASSWORD.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .to_string();
    assert!(earlier.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    server
        .raw_sql(&format!(
            "UPDATE users SET password_hash = '{earlier}' WHERE username = 'lama'"
        ))
        .await?;
    let stored = |server: &TestServer| {
        let store = server.store.clone();
        async move {
            let credentials = store.user_credentials("lama").await?;
            anyhow::Ok(credentials.map(|c| c.password_hash).unwrap_or_default())
        }
    };
    let login = |password: &str| json!({"username": "lama", "password": password, "device_id": Uuid::now_v7()});

    let (status, _) = server
        .post("/login", None, &login("salah-sandi-lama"))
        .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        stored(server).await?,
        earlier,
        "a wrong password replaces nothing"
    );

    server.device(&user).await?;
    let rehashed = stored(server).await?;
    assert!(
        rehashed.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"),
        "{rehashed}"
    );
    server.device(&user).await?;
    assert_eq!(stored(server).await?, rehashed, "a current hash stays");

    // A replacement computed from a hash that is no longer the account's writes nothing.
    let replaced = server
        .store
        .rehash_password(
            user.id,
            &earlier,
            "$argon2id$v=19$m=7168,t=5,p=1$c2FsdA$aGFzaA",
        )
        .await?;
    assert!(!replaced);
    assert_eq!(stored(server).await?, rehashed);
    Ok(())
}
