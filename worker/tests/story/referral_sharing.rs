//! Issue #19 with issue #18: a referral that shares the victim's identity with the agency
//! it is addressed to. The referring phone wraps the case's key for the agency's liaisons
//! (`GET /keys/public?agency=CODE`); the liaison's pull then brings that victim's identity,
//! as envelopes, and the key wrapped for it, and nothing else of the case; once no live
//! sharing referral is left they leave the liaison's scope.

use crate::common::records::{case, case_key, identity, identity_key, sealed, upsert_of, victim};
use crate::common::{assert_error, Device, TestServer};
use gugus_model::api::Role;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

crate::on_both_backends!(
    a_shared_identity_reaches_only_the_agency_and_only_while_the_referral_is_live,
    only_the_roles_that_wrap_keys_ask_for_an_agencys_liaison_keys,
);

/// A liaison of `agency`, made by `admin`, with a key pair of `fill`.
async fn liaison(
    server: &TestServer,
    admin: &Device,
    username: &str,
    agency: &str,
    fill: u8,
) -> anyhow::Result<Device> {
    let device = server.liaison(admin, username, agency).await?;
    let (status, _) = server
        .put("/keys/me", Some(&device.token), &public_pair(fill))
        .await?;
    anyhow::ensure!(status == StatusCode::NO_CONTENT, "keys: {status}");
    Ok(device)
}

/// A key pair of the right shape, its public key `04` and 64 bytes of `fill`.
fn public_pair(fill: u8) -> Value {
    json!({
        "public": format!("04{}", format!("{fill:02x}").repeat(64)),
        "private": {"salt": "11".repeat(16), "iterations": 600000,
                    "nonce": "00".repeat(12), "wrapped": "ab".repeat(154)}
    })
}

/// A referral of a victim to an agency, sharing the identity or not.
fn referral(victim_id: Uuid, agency: &str, share: bool) -> Value {
    json!({
        "victim_id": victim_id, "agency": agency, "service": "health",
        "reason": "Korban perlu visum dan perawatan", "urgency": "urgent",
        "referred_on": "2026-10-04", "needed_by": "2026-10-11", "share_identity": share,
    })
}

fn step(referral_id: Uuid, action: &str) -> Value {
    let mut fields = json!({"referral_id": referral_id, "action": action, "date": "2026-10-06"});
    if action == "decline" {
        fields["decline_reason"] = json!("not_mandate");
    }
    fields
}

/// (kind, id, deleted) of pulled records.
fn seen(records: &[Value]) -> Vec<(String, Value, bool)> {
    records
        .iter()
        .map(|r| {
            let kind = r["kind"].as_str().unwrap_or_default().to_owned();
            (kind, r["id"].clone(), r["deleted"] == true)
        })
        .collect()
}

fn applied(answer: &Value) -> bool {
    answer["results"]
        .as_array()
        .is_some_and(|results| results.iter().all(|r| r["status"] == "applied"))
}

async fn a_shared_identity_reaches_only_the_agency_and_only_while_the_referral_is_live(
    server: &TestServer,
) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let officer = server.user("petugas", Role::Officer).await?;
    let health = liaison(server, &admin, "puskesmas", "health", 0x21).await?;
    let police = liaison(server, &admin, "polres", "police", 0x22).await?;

    // A case with two victims, each with an identity, before any referral.
    let (case_id, first, second) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let (first_identity, second_identity) = (Uuid::now_v7(), Uuid::now_v7());
    let recovery_key = Uuid::now_v7();
    let (_, answer) = server
        .push(
            &officer,
            vec![
                upsert_of("case", 1, case_id, 0, case("33.03.08")),
                upsert_of("victim", 2, first, 0, victim(case_id, "33.03.08")),
                upsert_of("victim", 3, second, 0, victim(case_id, "33.03.08")),
                upsert_of("case_key", 4, recovery_key, 0, identity_key(case_id)),
                upsert_of("victim_identity", 5, first_identity, 0, identity(first)),
                upsert_of("victim_identity", 6, second_identity, 0, identity(second)),
            ],
        )
        .await?;
    assert!(applied(&answer), "{answer}");
    // The health office's liaison has synced already: its cursor is past the identities.
    let (before, health_cursor) = server.pull_after(&health, None, 1000).await?;
    assert!(
        before.is_empty(),
        "nothing is addressed to it yet: {before:?}"
    );

    // The officer refers the first victim to health, sharing the identity, with the case's
    // key wrapped for the liaison; and to the police without sharing it.
    let (to_health, to_police, health_key) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let reader = health.user.id.to_string();
    let (_, answer) = server
        .push(
            &officer,
            vec![
                upsert_of("referral", 7, to_health, 0, referral(first, "health", true)),
                upsert_of(
                    "case_key",
                    8,
                    health_key,
                    0,
                    case_key(case_id, crate::common::records::KEY_ID, &reader),
                ),
                upsert_of(
                    "referral",
                    9,
                    to_police,
                    0,
                    referral(first, "police", false),
                ),
            ],
        )
        .await?;
    assert!(applied(&answer), "{answer}");

    // Health pulls on from its cursor: the referral, the first victim's identity (moved to
    // a new version, though the liaison had pulled past it), and the key wrapped for it.
    let (pulled, health_cursor) = server.pull_after(&health, health_cursor, 1000).await?;
    let mut kinds = seen(&pulled);
    kinds.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        kinds,
        [
            ("case_key".into(), json!(health_key), false),
            ("referral".into(), json!(to_health), false),
            ("victim_identity".into(), json!(first_identity), false),
        ],
        "not the case, the victims, the other identity, nor another reader's key"
    );
    let shared = pulled.iter().find(|r| r["kind"] == "victim_identity");
    assert_eq!(
        shared.map(|r| r["fields"]["full_name"].clone()),
        Some(sealed("Siti Aminah")),
        "as the envelopes the phone sent: the server holds no plain name"
    );
    // The police, not shared with, pull their referral alone.
    let (pulled, _) = server.pull_after(&police, None, 1000).await?;
    assert_eq!(
        seen(&pulled),
        [("referral".into(), json!(to_police), false)]
    );

    // Each identity and key the liaison pulled is an identity read in the trail.
    for record in [first_identity, health_key] {
        let (_, page) = server
            .get(&format!("/audit?record={record}"), Some(&admin.token))
            .await?;
        let reads = page["entries"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["action"] == "identity_read" && e["user_id"] == json!(health.user.id))
            .count();
        assert_eq!(reads, 1, "{record}: {page}");
    }

    // An edit of the identity reaches the liaison while the referral is live.
    let mut edited = identity(first);
    edited["phone"] = sealed("081234567890");
    let (_, answer) = server
        .push(
            &officer,
            vec![upsert_of("victim_identity", 10, first_identity, 0, edited)],
        )
        .await?;
    assert!(answer["results"][0]["status"] != "rejected", "{answer}");
    let (pulled, health_cursor) = server.pull_after(&health, health_cursor, 1000).await?;
    assert_eq!(
        seen(&pulled),
        [("victim_identity".into(), json!(first_identity), false)]
    );

    // A second referral to health shares too; health declines the first: the second is
    // still live, so the identity stays.
    let again = Uuid::now_v7();
    let (_, answer) = server
        .push(
            &officer,
            vec![upsert_of(
                "referral",
                11,
                again,
                0,
                referral(first, "health", true),
            )],
        )
        .await?;
    assert!(applied(&answer), "{answer}");
    let (_, answer) = server
        .push(
            &health,
            vec![upsert_of(
                "referral_step",
                1,
                Uuid::now_v7(),
                0,
                step(to_health, "decline"),
            )],
        )
        .await?;
    assert!(applied(&answer), "{answer}");
    let (pulled, health_cursor) = server.pull_after(&health, health_cursor, 1000).await?;
    assert!(
        pulled.iter().all(|r| r["deleted"] != true),
        "nothing leaves while a sharing referral is live: {pulled:?}"
    );

    // Referred again elsewhere, a referral names only a declined one of the same victim.
    let after = |previous: Uuid, victim_id: Uuid| {
        let mut fields = referral(victim_id, "uptd_ppa", false);
        fields["previous_referral"] = json!(previous);
        fields
    };
    let (_, answer) = server
        .push(
            &officer,
            vec![
                upsert_of("referral", 12, Uuid::now_v7(), 0, after(to_police, first)),
                upsert_of("referral", 13, Uuid::now_v7(), 0, after(to_health, second)),
                upsert_of(
                    "referral",
                    14,
                    Uuid::now_v7(),
                    0,
                    after(Uuid::now_v7(), first),
                ),
                upsert_of("referral", 15, Uuid::now_v7(), 0, after(to_health, first)),
            ],
        )
        .await?;
    let outcomes: Vec<(Value, Value)> = answer["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["status"].clone(),
                r["error"]["fields"][0]["problem"].clone(),
            )
        })
        .collect();
    let refused = (json!("rejected"), json!("not_declined_referral"));
    assert_eq!(
        outcomes,
        [
            refused.clone(),
            refused.clone(),
            refused,
            (json!("applied"), Value::Null)
        ],
        "not declined, another victim's, none at all; then the declined one: {answer}"
    );

    // Health delivers the second: the identity and its key leave the liaison's scope, as
    // deleted with no fields; a pull from the start has neither.
    let (_, answer) = server
        .push(
            &health,
            vec![
                upsert_of("referral_step", 2, Uuid::now_v7(), 0, step(again, "accept")),
                upsert_of(
                    "referral_step",
                    3,
                    Uuid::now_v7(),
                    0,
                    step(again, "deliver"),
                ),
            ],
        )
        .await?;
    assert!(applied(&answer), "{answer}");
    let (pulled, _) = server.pull_after(&health, health_cursor, 1000).await?;
    let mut left: Vec<(String, Value, bool)> = seen(&pulled)
        .into_iter()
        .filter(|(_, _, deleted)| *deleted)
        .collect();
    left.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        left,
        [
            ("case_key".into(), json!(health_key), true),
            ("victim_identity".into(), json!(first_identity), true),
        ]
    );
    assert!(pulled
        .iter()
        .filter(|r| r["deleted"] == true)
        .all(|r| r["fields"] == json!({})));
    let (fresh, _) = server.pull_after(&health, None, 1000).await?;
    assert!(
        fresh
            .iter()
            .all(|r| r["kind"] != "victim_identity" && r["kind"] != "case_key"),
        "{fresh:?}"
    );

    // Referred again with the identity shared: it comes back.
    let third = Uuid::now_v7();
    let (_, answer) = server
        .push(
            &officer,
            vec![upsert_of(
                "referral",
                16,
                third,
                0,
                referral(first, "health", true),
            )],
        )
        .await?;
    assert!(applied(&answer), "{answer}");
    let (fresh, _) = server.pull_after(&health, None, 1000).await?;
    let identities = fresh
        .iter()
        .filter(|r| r["kind"] == "victim_identity")
        .count();
    let keys = fresh.iter().filter(|r| r["kind"] == "case_key").count();
    assert_eq!((identities, keys), (1, 1), "{fresh:?}");
    Ok(())
}

async fn only_the_roles_that_wrap_keys_ask_for_an_agencys_liaison_keys(
    server: &TestServer,
) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let officer = server.user("petugas", Role::Officer).await?;
    let viewer = server.user("bupati", Role::Viewer).await?;
    let health = liaison(server, &admin, "puskesmas", "health", 0x21).await?;
    liaison(server, &admin, "polres", "police", 0x22).await?;
    let (status, answer) = server
        .get("/keys/public?agency=health", Some(&officer.token))
        .await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer,
        json!({"keys": [{"account": health.user.id, "public": public_pair(0x21)["public"]}]}),
        "the health office's liaison only"
    );
    let (_, answer) = server
        .get("/keys/public?agency=disnaker", Some(&officer.token))
        .await?;
    assert_eq!(answer, json!({"keys": []}), "an agency without a liaison");
    for query in ["agency=tidak_ada", "agency=health&role=supervisor"] {
        let bad = server
            .get(&format!("/keys/public?{query}"), Some(&officer.token))
            .await?;
        assert_error(&bad, StatusCode::BAD_REQUEST, "bad_request");
    }
    // A liaison reads what is shared with it and wraps nothing: no directory, no index key.
    for path in [
        "/keys/public?agency=health",
        "/keys/public?role=supervisor",
        "/keys/recovery",
        "/keys/index",
        "/identities/nik?index=00112233445566778899aabbccddeeff",
    ] {
        for who in [&health, &viewer] {
            let forbidden = server.get(path, Some(&who.token)).await?;
            assert_error(&forbidden, StatusCode::FORBIDDEN, "forbidden");
        }
    }
    // Its own pair it keeps like any account.
    let (status, mine) = server.get("/keys/me", Some(&health.token)).await?;
    assert_eq!(status, StatusCode::OK, "{mine}");
    Ok(())
}
