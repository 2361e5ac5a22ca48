//! Property tests: whatever bytes or JSON arrive at push, pull, login and the account
//! endpoints, the worker answers (it never panics) with something other than a 500, and
//! every error has the JSON shape.

mod common;

use common::{Backend, TestServer};
use gugus_model::activity::FIELDS;
use gugus_model::api::Role;
use gugus_model::RecordKind;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use serde_json::{json, Map, Value};

const CASES: u32 = 48;
const ENDPOINTS: [&str; 3] = ["/sync/push", "/sync/pull", "/login"];

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Every field name of every kind.
fn field_names() -> Vec<String> {
    let mut names: Vec<String> = FIELDS.iter().map(|f| (*f).to_owned()).collect();
    for kind in RecordKind::ALL {
        if let Some(spec) = kind.spec() {
            names.extend(spec.fields.iter().map(|f| f.name.to_owned()));
        }
    }
    names
}

fn arb_fields() -> impl Strategy<Value = Map<String, Value>> {
    let name = prop_oneof![prop::sample::select(field_names()), ".{0,8}"];
    prop::collection::btree_map(name, arb_json(), 0..8).prop_map(|m| m.into_iter().collect())
}

/// Pushes shaped like the protocol's, with wild values inside.
fn arb_push(device: String) -> impl Strategy<Value = Value> {
    let mutation = (
        prop_oneof![1u64..4, any::<u64>()],
        prop_oneof![
            prop::sample::select(RecordKind::ALL.map(|k| k.as_str().to_owned()).to_vec()),
            ".{0,10}"
        ],
        prop_oneof![Just("upsert"), Just("delete")],
        any::<u64>(),
        arb_fields(),
        ".{0,30}",
    )
        .prop_map(|(id, kind, op, base, fields, at)| {
            json!({"id": id, "kind": kind, "record_id": "0193a000-0000-7000-8000-00000000000a",
                   "op": op, "base_version": base, "fields": fields, "at": at})
        });
    (prop_oneof![Just(1u32), any::<u32>()], prop::collection::vec(mutation, 0..4)).prop_map(
        move |(protocol, mutations)| json!({"protocol": protocol, "device_id": device, "mutations": mutations}),
    )
}

fn arb_pull(device: String) -> impl Strategy<Value = Value> {
    let cursor = prop_oneof![
        Just(None),
        "v[0-9]{0,22}".prop_map(Some),
        ".{0,10}".prop_map(Some)
    ];
    (prop_oneof![Just(1u32), any::<u32>()], cursor, any::<Option<u32>>())
        .prop_map(move |(protocol, cursor, limit)| json!({"protocol": protocol, "device_id": device, "cursor": cursor, "limit": limit}))
}

fn arb_login(device: String) -> impl Strategy<Value = Value> {
    (".{0,20}", ".{0,20}").prop_map(move |(username, password)| json!({"username": username, "password": password, "device_id": device}))
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/robustness.proptest-regressions",
        ))),
        ..Config::default()
    })
}

/// Sends one body; fails on a 500, a dropped connection or an error without the JSON shape.
fn check(
    rt: &tokio::runtime::Runtime,
    server: &TestServer,
    token: &str,
    path: &str,
    body: Vec<u8>,
) -> Result<(), TestCaseError> {
    let answer = rt.block_on(server.post_raw(path, Some(token), body));
    let (status, body) =
        answer.map_err(|e| TestCaseError::fail(format!("{path}: no JSON answer: {e:#}")))?;
    prop_assert!(!status.is_server_error(), "{path}: {status} {body}");
    if !status.is_success() {
        prop_assert!(
            body["error"]["code"].is_string() && body["error"]["message"].is_string(),
            "{body}"
        );
    }
    Ok(())
}

#[test]
fn no_body_gives_a_500_or_a_panic() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let server = rt
        .block_on(TestServer::start(Backend::Sqlite))?
        .expect("SQLite always runs");
    let officer = rt.block_on(server.user("petugas", Role::Officer))?;
    let (token, device) = (officer.token.as_str(), officer.device_id.to_string());
    let bytes = (
        prop::sample::select(ENDPOINTS.to_vec()),
        prop::collection::vec(any::<u8>(), 0..300),
    );
    runner().run(&bytes, |(path, body)| {
        check(&rt, &server, token, path, body)
    })?;
    let values = (prop::sample::select(ENDPOINTS.to_vec()), arb_json());
    runner().run(&values, |(path, value)| {
        check(&rt, &server, token, path, value.to_string().into_bytes())
    })?;
    let push = |v: Value| {
        check(
            &rt,
            &server,
            token,
            "/sync/push",
            v.to_string().into_bytes(),
        )
    };
    runner().run(&arb_push(device.clone()), push)?;
    let pull = |v: Value| {
        check(
            &rt,
            &server,
            token,
            "/sync/pull",
            v.to_string().into_bytes(),
        )
    };
    runner().run(&arb_pull(device.clone()), pull)?;
    let login = |v: Value| check(&rt, &server, token, "/login", v.to_string().into_bytes());
    runner().run(&arb_login(device), login)?;
    let (status, _) = rt.block_on(server.get("/health", None))?;
    assert!(status.is_success(), "the worker still answers");
    rt.block_on(server.finish())
}

/// Account requests shaped like the API's, with wild values inside.
fn arb_account() -> impl Strategy<Value = Value> {
    let text = prop_oneof![".{0,70}".prop_map(Value::from), arb_json()];
    (text.clone(), text.clone(), text.clone(), text.clone(), text).prop_map(
        |(username, name, role, agency, password)| {
            json!({"username": username, "name": name, "role": role, "agency": agency,
                   "password": password})
        },
    )
}

/// A path segment: a real-looking id, or anything (percent-encoded).
fn arb_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0193a000-0000-7000-8000-00000000000a".to_owned()),
        ".{0,40}".prop_map(|text| {
            text.bytes()
                .map(|b| match b {
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => (b as char).to_string(),
                    _ => format!("%{b:02X}"),
                })
                .collect()
        }),
    ]
}

#[test]
fn account_endpoints_never_answer_500() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let server = rt
        .block_on(TestServer::start(Backend::Sqlite))?
        .expect("SQLite always runs");
    let admin = rt.block_on(server.user("admin", Role::Admin))?;
    let token = admin.token.as_str();
    runner().run(&arb_account(), |body| {
        check(&rt, &server, token, "/users", body.to_string().into_bytes())
    })?;
    runner().run(&prop::collection::vec(any::<u8>(), 0..200), |bytes| {
        check(&rt, &server, token, "/users", bytes)
    })?;
    let action = prop::sample::select(vec!["deactivate", "activate", "password", ""]);
    runner().run(
        &(arb_segment(), action, arb_json()),
        |(id, action, body)| {
            let path = format!("/users/{id}/{action}");
            check(&rt, &server, token, &path, body.to_string().into_bytes())
        },
    )?;
    runner().run(&(arb_segment(), arb_json()), |(id, body)| {
        let path = format!("/sessions/{id}/end");
        check(&rt, &server, token, &path, body.to_string().into_bytes())
    })?;
    let query = (arb_segment(), arb_segment(), arb_segment(), arb_segment());
    runner().run(&query, |(user, record, from, limit)| {
        let path = format!("/audit?user={user}&record={record}&from={from}&limit={limit}");
        let (status, body) = rt
            .block_on(server.get(&path, Some(token)))
            .map_err(|e| TestCaseError::fail(format!("{path}: {e:#}")))?;
        prop_assert!(!status.is_server_error(), "{path}: {status} {body}");
        Ok(())
    })?;
    let (status, _) = rt.block_on(server.get("/users", Some(token)))?;
    assert!(status.is_success(), "the worker still answers");
    rt.block_on(server.finish())
}
