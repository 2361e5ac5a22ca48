//! The access matrix: every caller (two officers, a supervisor, a viewer, an admin, an
//! agency liaison, a deactivated user, no token, an expired token, a tampered token) against every endpoint,
//! with the record scope of an officer's case, each with its expected answer.

use crate::common::records::{activity, case, note, upsert, upsert_of, victim};
use crate::common::{Device, TestServer};
use gugus_model::api::Role;
use gugus_worker::auth;
use gugus_worker::store::{NewSession, PullQuery, PullScope};
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

crate::on_both_backends!(every_caller_gets_the_expected_answer_from_every_endpoint);

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    OfficerA,
    OfficerB,
    Supervisor,
    Viewer,
    Admin,
    Liaison,
    Deactivated,
    NoToken,
    Expired,
    Tampered,
}

use Caller::*;

const CALLERS: [Caller; 10] = [
    OfficerA,
    OfficerB,
    Supervisor,
    Viewer,
    Admin,
    Liaison,
    Deactivated,
    NoToken,
    Expired,
    Tampered,
];

/// What a call must answer: a status, and for a push the one mutation's status (and
/// rejection code), for a pull whether the officer's case is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    Status(u16),
    Applied,
    Rejected(&'static str),
    PullWith(bool),
}

use Expect::*;

/// One row: the endpoint and the expected answer of each caller, in [`CALLERS`] order.
struct Row {
    name: &'static str,
    expect: [Expect; 10],
}

/// The expected answer of a token holder that is not allowed, and of the four that are not
/// authenticated at all.
const DENIED: [Expect; 4] = [Status(401), Status(401), Status(401), Status(401)];

fn row(name: &'static str, valid: [Expect; 6]) -> Row {
    let [a, b, s, v, ad, l] = valid;
    let [d, n, e, t] = DENIED;
    Row {
        name,
        expect: [a, b, s, v, ad, l, d, n, e, t],
    }
}

fn table() -> Vec<Row> {
    vec![
        Row {
            name: "GET /health",
            expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200].map(Status),
        },
        row("GET /me", [200, 200, 200, 200, 200, 200].map(Status)),
        row("GET /sessions", [200, 200, 200, 200, 200, 200].map(Status)),
        // With a wrong current password: every account may try, none changes.
        row(
            "POST /account/password (wrong current)",
            [400, 400, 400, 400, 400, 400].map(Status),
        ),
        row(
            "POST /sessions/{unknown}/end",
            [404, 404, 404, 404, 404, 404].map(Status),
        ),
        row("GET /users", [403, 403, 403, 403, 200, 403].map(Status)),
        row("GET /officers", [403, 403, 200, 403, 200, 403].map(Status)),
        row("POST /users", [403, 403, 403, 403, 201, 403].map(Status)),
        row(
            "POST /users/{target}/password",
            [403, 403, 403, 403, 204, 403].map(Status),
        ),
        row(
            "POST /users/{target}/deactivate",
            [403, 403, 403, 403, 204, 403].map(Status),
        ),
        row(
            "POST /users/{target}/activate",
            [403, 403, 403, 403, 204, 403].map(Status),
        ),
        row(
            "push: edit officer A's case",
            [
                Applied,
                Rejected("forbidden"),
                Applied,
                Status(403),
                Applied,
                Rejected("forbidden"),
            ],
        ),
        // Officer B is told nothing of A's case: a note under it is refused as under a
        // case that does not exist (`invalid_field`, `unknown_parent`).
        row(
            "push: a note on officer A's case",
            [
                Applied,
                Rejected("invalid_field"),
                Applied,
                Status(403),
                Applied,
                Rejected("forbidden"),
            ],
        ),
        row(
            "push: a new activity",
            [
                Applied,
                Applied,
                Applied,
                Status(403),
                Applied,
                Rejected("forbidden"),
            ],
        ),
        row(
            "pull: is officer A's case in it",
            [
                PullWith(true),
                PullWith(false),
                PullWith(true),
                Status(403),
                PullWith(true),
                PullWith(false),
            ],
        ),
        // Issue #19: the agencies, which every role reads and only an admin edits; a
        // referral of officer A's case to the liaison's agency, which only that liaison
        // answers (officer B is told nothing of it) and pulls.
        row("GET /agencies", [200, 200, 200, 200, 200, 200].map(Status)),
        row(
            "GET /stats/referrals",
            [403, 403, 200, 200, 200, 403].map(Status),
        ),
        row("POST /agencies", [403, 403, 403, 403, 201, 403].map(Status)),
        row(
            "PUT /agencies/{code}",
            [403, 403, 403, 403, 200, 403].map(Status),
        ),
        row(
            "push: accept the referral",
            [
                Rejected("forbidden"),
                Rejected("invalid_field"),
                Rejected("forbidden"),
                Status(403),
                Rejected("forbidden"),
                Applied,
            ],
        ),
        row(
            "pull: is the referral in it",
            [
                PullWith(true),
                PullWith(false),
                PullWith(true),
                Status(403),
                PullWith(true),
                PullWith(true),
            ],
        ),
        // The keys a phone wraps a case's key for: the roles that wrap keys ask; a liaison
        // opens what a referral shares with it and wraps nothing (no recovery key yet: 404).
        row(
            "GET /keys/public?role=supervisor",
            [200, 200, 200, 403, 200, 403].map(Status),
        ),
        row(
            "GET /keys/public?agency=uptd_ppa",
            [200, 200, 200, 403, 200, 403].map(Status),
        ),
        row(
            "GET /keys/recovery",
            [404, 404, 404, 403, 404, 403].map(Status),
        ),
        row(
            "GET /keys/index",
            [200, 200, 200, 403, 200, 403].map(Status),
        ),
        row("GET /keys/me", [404, 404, 404, 404, 404, 404].map(Status)),
        row(
            "GET /stats/activities",
            [403, 403, 200, 200, 200, 403].map(Status),
        ),
        row("GET /audit", [403, 403, 200, 403, 200, 403].map(Status)),
        row("POST /logout", [204, 204, 204, 204, 204, 204].map(Status)),
    ]
}

/// The callers' tokens and devices.
struct World {
    devices: Vec<(Caller, Option<Device>, String)>,
    case_id: Uuid,
    referral_id: Uuid,
    target: Uuid,
}

impl World {
    fn token(&self, caller: Caller) -> Option<&str> {
        let (_, _, token) = self.devices.iter().find(|(c, _, _)| *c == caller)?;
        (caller != NoToken).then_some(token.as_str())
    }

    fn device_id(&self, caller: Caller) -> Uuid {
        self.devices
            .iter()
            .find(|(c, _, _)| *c == caller)
            .and_then(|(_, device, _)| device.as_ref().map(|d| d.device_id))
            .unwrap_or_else(Uuid::now_v7)
    }
}

async fn world(server: &TestServer) -> anyhow::Result<World> {
    let a = server.user("petugas-a", Role::Officer).await?;
    let b = server.user("petugas-b", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let viewer = server.user("bupati", Role::Viewer).await?;
    let admin = server.user("admin", Role::Admin).await?;
    let gone = server.user("mantan", Role::Officer).await?;
    let target = server.add_user("sasaran", Role::Officer).await?;
    let expired_user = server.user("kedaluwarsa", Role::Officer).await?;
    let body = json!({"username": "penghubung", "name": "Penghubung UPTD PPA", "role": "liaison",
                      "agency": "uptd_ppa", "password": crate::common::PASSWORD});
    let (status, account) = server.post("/users", Some(&admin.token), &body).await?;
    assert_eq!(status, StatusCode::CREATED, "{account}");
    let liaison = server.device(&serde_json::from_value(account)?).await?;
    let (case_id, victim_id, referral_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let referral = json!({
        "victim_id": victim_id, "agency": "uptd_ppa", "service": "shelter",
        "reason": "Butuh rumah aman", "urgency": "urgent", "referred_on": "2026-10-04",
        "needed_by": "2026-10-11",
    });
    let (_, answer) = server
        .push(
            &a,
            vec![
                upsert_of("case", 1, case_id, 0, case("33.03.04")),
                upsert_of("victim", 2, victim_id, 0, victim(case_id, "33.03.04")),
                upsert_of("referral", 3, referral_id, 0, referral),
            ],
        )
        .await?;
    let applied: Vec<&Value> = (0..3).map(|i| &answer["results"][i]["status"]).collect();
    assert_eq!(applied, [&json!("applied"); 3], "{answer}");
    let path = format!("/users/{}/deactivate", gone.user.id);
    let (status, _) = server.post(&path, Some(&admin.token), &json!({})).await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // A session that ended 30 days after it began, yesterday.
    let expired = auth::new_token();
    let now = gugus_worker::clock::now_unix();
    server
        .store
        .create_session(&NewSession {
            token_hash: auth::token_hash(&expired),
            user_id: expired_user.user.id,
            device_id: Uuid::now_v7(),
            created_at: now - 31 * 86_400,
            expires_at: now - 86_400,
        })
        .await?;
    let mut tampered = a.token.clone();
    let last = if tampered.ends_with('0') { "1" } else { "0" };
    tampered.replace_range(tampered.len() - 1.., last);
    let devices = vec![
        (OfficerA, Some(a.clone()), a.token.clone()),
        (OfficerB, Some(b.clone()), b.token.clone()),
        (
            Supervisor,
            Some(supervisor.clone()),
            supervisor.token.clone(),
        ),
        (Viewer, Some(viewer.clone()), viewer.token.clone()),
        (Admin, Some(admin.clone()), admin.token.clone()),
        (Liaison, Some(liaison.clone()), liaison.token.clone()),
        (Deactivated, Some(gone.clone()), gone.token.clone()),
        (NoToken, None, String::new()),
        (Expired, None, expired),
        (Tampered, None, tampered),
    ];
    Ok(World {
        devices,
        case_id,
        referral_id,
        target: target.id,
    })
}

/// Makes one call; answers the status and the body.
async fn call(
    server: &TestServer,
    world: &World,
    caller: Caller,
    name: &str,
    mutation_id: u64,
) -> anyhow::Result<(StatusCode, Value)> {
    let token = world.token(caller);
    let target = world.target;
    let device = world.device_id(caller);
    let case_id = world.case_id;
    let push =
        |mutation: Value| json!({"protocol": 1, "device_id": device, "mutations": [mutation]});
    Ok(match name {
        "GET /health" => server.get("/health", token).await?,
        "GET /me" => server.get("/me", token).await?,
        "GET /sessions" => server.get("/sessions", token).await?,
        "POST /account/password (wrong current)" => {
            let body =
                json!({"current_password": "bukan-sandinya", "new_password": "sandi-baru-99"});
            server.post("/account/password", token, &body).await?
        }
        "POST /sessions/{unknown}/end" => {
            let path = format!("/sessions/{}/end", Uuid::new_v4());
            server.post(&path, token, &json!({})).await?
        }
        "GET /users" => server.get("/users", token).await?,
        "GET /officers" => server.get("/officers", token).await?,
        "POST /users" => {
            let body = json!({"username": format!("baru-{caller:?}").to_lowercase(),
                "name": "Baru", "role": "officer", "password": "kata-sandi-bambu"});
            server.post("/users", token, &body).await?
        }
        "POST /users/{target}/password" => {
            let path = format!("/users/{target}/password");
            server
                .post(&path, token, &json!({"password": "sandi-baru-99"}))
                .await?
        }
        "POST /users/{target}/deactivate" | "POST /users/{target}/activate" => {
            let action = name.rsplit('/').next().unwrap_or_default();
            let path = format!("/users/{target}/{action}");
            server.post(&path, token, &json!({})).await?
        }
        "push: edit officer A's case" => {
            // From the case's current version, so that each edit is a plain one.
            let records = server.store.pull(&everything(world.target)).await?.records;
            let base = records
                .iter()
                .find(|r| r.id == case_id)
                .map_or(0, |r| r.version);
            let edit = upsert_of(
                "case",
                mutation_id,
                case_id,
                base,
                json!({"transit": format!("{caller:?}")}),
            );
            server.post("/sync/push", token, &push(edit)).await?
        }
        "push: a note on officer A's case" => {
            let text = format!("Catatan dari {caller:?}");
            let added = upsert_of("note", mutation_id, Uuid::now_v7(), 0, note(case_id, &text));
            server.post("/sync/push", token, &push(added)).await?
        }
        "push: a new activity" => {
            let fields = activity("33.03.02", "2026-10-01", (3, 2, 0, 0));
            let added = upsert(mutation_id, Uuid::now_v7(), 0, fields);
            server.post("/sync/push", token, &push(added)).await?
        }
        "pull: is officer A's case in it" => {
            let body = json!({"protocol": 1, "device_id": device, "cursor": null, "limit": 1000});
            server.post("/sync/pull", token, &body).await?
        }
        "GET /stats/activities" => {
            server
                .get("/stats/activities?from=2026-01-01&to=2026-12-31", token)
                .await?
        }
        "GET /audit" => server.get("/audit", token).await?,
        "GET /keys/public?role=supervisor"
        | "GET /keys/public?agency=uptd_ppa"
        | "GET /keys/recovery"
        | "GET /keys/index"
        | "GET /keys/me" => {
            let path = name.trim_start_matches("GET ");
            server.get(path, token).await?
        }
        "GET /agencies" => server.get("/agencies", token).await?,
        "GET /stats/referrals" => server.get("/stats/referrals?period=2026", token).await?,
        "POST /agencies" => {
            let code = format!("lsm_{caller:?}").to_lowercase();
            let body = json!({"code": code, "name_id": "LSM", "name_en": "NGO", "kind": "ngo",
                              "active": true});
            server.post("/agencies", token, &body).await?
        }
        "PUT /agencies/{code}" => {
            let body = json!({"code": "ngo", "name_id": "LSM", "name_en": "NGO", "kind": "ngo",
                              "active": true});
            server.put("/agencies/ngo", token, &body).await?
        }
        "push: accept the referral" => {
            let fields = json!({"referral_id": world.referral_id, "action": "accept",
                                "date": "2026-10-05"});
            let added = upsert_of("referral_step", mutation_id, Uuid::now_v7(), 0, fields);
            server.post("/sync/push", token, &push(added)).await?
        }
        "pull: is the referral in it" => {
            let body = json!({"protocol": 1, "device_id": device, "cursor": null, "limit": 1000});
            server.post("/sync/pull", token, &body).await?
        }
        "POST /logout" => server.post("/logout", token, &json!({})).await?,
        other => anyhow::bail!("no call for {other}"),
    })
}

/// A supervisor's view of every record, straight from the store.
fn everything(user_id: Uuid) -> PullQuery {
    PullQuery {
        user_id,
        device_id: Uuid::nil(),
        scope: PullScope::All,
        after: 0,
        exits_after: 0,
        limit: 1000,
    }
}

/// What a call answered, in the terms of [`Expect`].
fn seen(expect: &Expect, status: StatusCode, body: &Value, looked_for: Uuid) -> Expect {
    let ok = status == StatusCode::OK;
    match expect {
        Applied | Rejected(_) if ok => {
            let result = &body["results"][0];
            match result["status"].as_str() {
                Some("applied") => Applied,
                Some("rejected") => match result["error"]["code"].as_str() {
                    Some("forbidden") => Rejected("forbidden"),
                    Some("invalid_field") => Rejected("invalid_field"),
                    _ => Rejected("other"),
                },
                _ => Status(0),
            }
        }
        PullWith(_) if ok => PullWith(
            body["records"]
                .as_array()
                .is_some_and(|records| records.iter().any(|r| r["id"] == json!(looked_for))),
        ),
        _ => Status(status.as_u16()),
    }
}

async fn every_caller_gets_the_expected_answer_from_every_endpoint(
    server: &TestServer,
) -> anyhow::Result<()> {
    let world = world(server).await?;
    // Officer A's device created the case, its victim and the referral with its mutations 1
    // to 3.
    let mut mutation_ids = [3, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let mut wrong = Vec::new();
    let mut cells = 0;
    for row in table() {
        for (index, (caller, expect)) in CALLERS.iter().zip(&row.expect).enumerate() {
            let pushes = row.name.starts_with("push");
            if pushes {
                mutation_ids[index] += 1;
            }
            let (status, body) =
                call(server, &world, *caller, row.name, mutation_ids[index]).await?;
            if pushes && status == StatusCode::OK {
                assert_eq!(body["last_mutation_id"], mutation_ids[index], "{body}");
            }
            if !status.is_success() {
                assert!(body["error"]["code"].is_string(), "{}: {body}", row.name);
            }
            let looked_for = match row.name.contains("referral") {
                true => world.referral_id,
                false => world.case_id,
            };
            let got = seen(expect, status, &body, looked_for);
            cells += 1;
            if got != *expect {
                wrong.push(format!(
                    "{} as {caller:?}: expected {expect:?}, got {got:?} {body}",
                    row.name
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(cells, 29 * 10);
    Ok(())
}
