//! The function's handler in-process: function URL events (the HTTP API's payload 2.0, as
//! `lambda_http` reads them) through `with_client_addr` and the worker's router, over a
//! SQLite store (the router is the same whatever the store; the PostgreSQL function runs
//! end to end in `tests/tests/e2e/lambda.rs`).
#![forbid(unsafe_code)]

use base64::Engine;
use flate2::write::GzEncoder;
use gugus_lambda::with_client_addr;
use gugus_model::api::Role;
use gugus_worker::config::DatabaseUrl;
use gugus_worker::store::{self, AuditQuery, Startup, Store};
use gugus_worker::{auth, server, AppState};
use serde_json::{json, Value};
use std::io::Write;
use std::sync::Arc;
use tower::ServiceExt;

const PASSWORD: &str = "kunci-sepeda-satu";

/// A function URL's `POST /api/v1/login` event from `source_ip`; the body gzipped and
/// base64-encoded (`isBase64Encoded`, as a function URL sends a binary body) when `gzip`.
fn login_event(source_ip: &str, password: &str, gzip: bool) -> lambda_http::Request {
    let login = json!({
        "username": "petugas1", "password": password,
        "device_id": "0190a0b0-0000-7000-8000-000000000001",
    })
    .to_string();
    let mut headers = json!({"host": "fn.lambda-url.ap-southeast-3.on.aws",
                             "content-type": "application/json"});
    let body = if gzip {
        headers["content-encoding"] = "gzip".into();
        let mut zipped = GzEncoder::new(Vec::new(), flate2::Compression::default());
        zipped.write_all(login.as_bytes()).expect("in memory");
        base64::engine::general_purpose::STANDARD.encode(zipped.finish().expect("in memory"))
    } else {
        login
    };
    let event = json!({
        "version": "2.0", "routeKey": "$default", "rawPath": "/api/v1/login",
        "rawQueryString": "", "headers": headers, "body": body, "isBase64Encoded": gzip,
        "requestContext": {
            "accountId": "anonymous", "apiId": "fn", "requestId": "r-1",
            "domainName": "fn.lambda-url.ap-southeast-3.on.aws", "domainPrefix": "fn",
            "routeKey": "$default", "stage": "$default",
            "time": "04/Dec/2026:23:00:00 +0000", "timeEpoch": 1_796_425_200_000_u64,
            "http": {"method": "POST", "path": "/api/v1/login", "protocol": "HTTP/1.1",
                     "sourceIp": source_ip, "userAgent": "gugus-test"},
        },
    });
    lambda_http::request::from_str(&event.to_string()).expect("a function URL event")
}

async fn send(router: &axum::Router, request: lambda_http::Request) -> (u16, Value) {
    let answer = router
        .clone()
        .oneshot(with_client_addr(request))
        .await
        .expect("the router never fails");
    let status = answer.status().as_u16();
    let bytes = axum::body::to_bytes(answer.into_body(), 1 << 20)
        .await
        .expect("a body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn logins_from_function_url_events_carry_the_client_address() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("g.db").display()))
        .expect("a SQLite URL");
    let store: Arc<dyn Store> = store::open(&url, Startup::Migrate).await.expect("a store");
    let spec = auth::AccountSpec {
        username: "petugas1",
        name: "Petugas Satu",
        role: Role::Officer,
        agency: "",
        password: PASSWORD,
    };
    let user = auth::create_account(store.as_ref(), &spec)
        .await
        .expect("an account");
    let router = server::router(AppState::new(store.clone()), None);

    // A gzipped body, base64-encoded in the event, is unzipped as the binary unzips it.
    let (status, body) = send(&router, login_event("203.0.113.7", PASSWORD, true)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["username"], "petugas1");
    let (status, body) = send(&router, login_event("2001:db8::7", "salah", false)).await;
    assert_eq!(status, 401, "{body}");

    let query = AuditQuery {
        user_id: Some(user.id),
        record_id: None,
        from: None,
        to: None,
        before: None,
        limit: 10,
    };
    let entries = store.audit_log(&query).await.expect("the audit trail");
    let logins: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.action == "login")
        .map(|e| {
            let field = |name: &str| e.detail[name].as_str().unwrap_or_default().to_owned();
            (field("outcome"), field("address"))
        })
        .collect();
    assert_eq!(
        logins,
        [
            ("wrong_password".to_owned(), "2001:db8::7".to_owned()),
            ("success".to_owned(), "203.0.113.7".to_owned()),
        ]
    );
}
