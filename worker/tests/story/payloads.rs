//! SQL-injection and script payloads in every text field of every kind, and in login and
//! account fields: stored and sent back exactly as typed, inert, with every table intact.

use crate::common::records::{
    activity, case, identity, identity_key, legal_step, note, sealed, service, upsert_of, victim,
};
use crate::common::TestServer;
use gugus_model::api::Role;
use gugus_model::schema::FieldType;
use gugus_model::RecordKind;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

crate::on_both_backends!(payloads_in_text_fields_come_back_as_typed);

/// Hostile texts, each short enough for every text field.
const PAYLOADS: [&str; 6] = [
    "'; DROP TABLE records; --",
    "\" OR 1=1; DELETE FROM users WHERE ''='",
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "Robert'); DROP TABLE audit_log;-- ${jndi:ldap://x}",
    "{{7*7}} %s %n \\x00 ../../etc/passwd",
];

/// Every text field of a kind, as the model describes it.
fn text_fields(kind: RecordKind) -> Vec<&'static str> {
    match kind.spec() {
        Some(spec) => spec
            .fields
            .iter()
            .filter(|f| matches!(f.ty, FieldType::Text { .. }))
            .map(|f| f.name)
            .collect(),
        None => vec!["venue", "partners", "follow_up", "notes"],
    }
}

fn with_payload(mut fields: Value, kind: RecordKind, payload: &str) -> Value {
    // A wrapped key is hex of fixed lengths: it has no text to carry a payload.
    if kind == RecordKind::CaseKey {
        return fields;
    }
    for name in text_fields(kind) {
        // An identity's text travels only inside an envelope (issue #18).
        fields[name] = match kind.is_identity() {
            true => sealed(payload),
            false => json!(payload),
        };
    }
    fields
}

async fn payloads_in_text_fields_come_back_as_typed(server: &TestServer) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let admin = server.user("admin", Role::Admin).await?;
    let mut mutations = Vec::new();
    let mut expected = Vec::new();
    for payload in PAYLOADS {
        let (case_id, victim_id) = (Uuid::now_v7(), Uuid::now_v7());
        let records = [
            (RecordKind::Case, case_id, case("33.03.06")),
            (RecordKind::Victim, victim_id, victim(case_id, "33.03.06")),
            (RecordKind::CaseKey, Uuid::now_v7(), identity_key(case_id)),
            (
                RecordKind::VictimIdentity,
                Uuid::now_v7(),
                identity(victim_id),
            ),
            (
                RecordKind::Service,
                Uuid::now_v7(),
                service(victim_id, "2026-10-03", None),
            ),
            (
                RecordKind::LegalStep,
                Uuid::now_v7(),
                legal_step(case_id, "investigation", "2026-10-09"),
            ),
            (RecordKind::Note, Uuid::now_v7(), note(case_id, "x")),
            (
                RecordKind::Activity,
                Uuid::now_v7(),
                activity("33.03.06", "2026-10-01", (4, 4, 0, 0)),
            ),
        ];
        for (kind, id, fields) in records {
            let fields = with_payload(fields, kind, payload);
            // Mutation ids are numbered once all are made, below.
            mutations.push(upsert_of(kind.as_str(), 0, id, 0, fields.clone()));
            expected.push((id, fields));
        }
    }
    for (n, mutation) in mutations.iter_mut().enumerate() {
        mutation["id"] = json!(n + 1);
    }
    let (status, answer) = server.push(&officer, mutations).await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let statuses: Vec<&Value> = answer["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| &r["status"])
        .collect();
    assert!(statuses.iter().all(|s| *s == "applied"), "{answer}");

    let pulled = server.pull_all(&officer).await?;
    assert_eq!(
        pulled.len(),
        expected.len(),
        "every table intact, nothing lost"
    );
    for (id, fields) in &expected {
        let record = pulled
            .iter()
            .find(|r| r["id"] == json!(id))
            .expect("pulled");
        for name in fields.as_object().into_iter().flat_map(|o| o.keys()) {
            assert_eq!(record["fields"][name], fields[name], "{name} of {id}");
        }
    }

    // Login and account fields take the same texts as data, never as SQL (an agency is a
    // code of the list, issue #19: a payload there is refused as an unknown agency).
    for payload in PAYLOADS {
        let login = json!({"username": payload, "password": payload, "device_id": Uuid::now_v7()});
        let (status, _) = server.post("/login", None, &login).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let account = json!({"username": "aman", "name": payload, "role": "officer",
                             "agency": payload, "password": "jeruk-nipis-sore-hari"});
        let answer = server.post("/users", Some(&admin.token), &account).await?;
        crate::common::assert_error(&answer, StatusCode::BAD_REQUEST, "unknown_agency");
        let account = json!({"username": "aman", "name": payload, "role": "officer",
                             "agency": "dinsos", "password": "jeruk-nipis-sore-hari"});
        let (status, _) = server.post("/users", Some(&admin.token), &account).await?;
        assert!(status == StatusCode::CREATED || status == StatusCode::BAD_REQUEST);
    }
    let (status, list) = server.get("/users", Some(&admin.token)).await?;
    assert_eq!(status, StatusCode::OK);
    let created = list["users"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["username"] == "aman");
    let created = created.expect("the account with a payload name");
    assert_eq!(created["name"], PAYLOADS[0]);
    assert_eq!(created["agency"], "dinsos");
    let trail = server.get("/audit?limit=500", Some(&admin.token)).await?;
    assert_eq!(trail.0, StatusCode::OK, "the audit table is intact");
    Ok(())
}
