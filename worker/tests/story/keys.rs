//! Accounts' key pairs for end-to-end identity encryption (issue #18): the server keeps
//! what the phone made, checks its shape, refuses to let another pair replace live keys,
//! marks them stale when an admin resets the password, and hands public keys to the roles
//! that wrap case keys.

use crate::common::records::{case, case_key, identity, identity_key, sealed, upsert_of, victim};
use crate::common::{assert_error, TestServer};
use gugus_model::api::Role;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

crate::on_both_backends!(
    a_key_pair_is_kept_as_sent_and_relocked_but_not_replaced_while_live,
    a_password_reset_leaves_the_keys_stale_and_a_new_pair_replaces_them,
    public_keys_go_to_the_roles_that_wrap_case_keys,
    key_pairs_of_the_wrong_shape_are_refused,
    the_recovery_key_is_made_once_by_an_admin_and_its_public_half_handed_out,
    wrapped_case_keys_travel_as_case_records_never_edited_and_their_reads_are_audited,
    an_identity_is_taken_only_as_envelopes_and_a_plain_one_is_named_and_not_stored,
    plain_identities_of_an_older_store_go_once_a_supervisor_seals_them,
    the_index_key_is_one_per_task_force_and_nik_indexes_find_other_cases,
    an_own_password_change_relocks_the_live_pair_and_ends_the_other_sessions,
    the_index_key_is_wrapped_once_for_the_recovery_key_which_supervisors_restore_from,
);

/// A key pair of the right shape: public key `04` and 64 bytes of `fill`; a 16-byte salt
/// of `salt`.
fn keys(fill: u8, salt: u8) -> Value {
    json!({
        "public": format!("04{}", format!("{fill:02x}").repeat(64)),
        "private": {
            "salt": format!("{salt:02x}").repeat(16),
            "iterations": 600000,
            "nonce": "00".repeat(12),
            "wrapped": "ab".repeat(154)
        }
    })
}

async fn a_key_pair_is_kept_as_sent_and_relocked_but_not_replaced_while_live(
    server: &TestServer,
) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let token = Some(officer.token.as_str());
    let none = server.get("/keys/me", token).await?;
    assert_error(&none, StatusCode::NOT_FOUND, "not_found");

    let (status, body) = server.put("/keys/me", token, &keys(1, 1)).await?;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, own) = server.get("/keys/me", token).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own, json!({"keys": keys(1, 1), "stale": false}));

    // Another phone of the same account logs in: it gets the same pair.
    let again = server.device(&officer.user).await?;
    let (_, other_phone) = server.get("/keys/me", Some(&again.token)).await?;
    assert_eq!(other_phone, own);

    // A password change relocks the same pair under a new salt.
    let (status, _) = server.put("/keys/me", token, &keys(1, 2)).await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, own) = server.get("/keys/me", token).await?;
    assert_eq!(own["keys"], keys(1, 2));

    // Two phones making a first pair at once: the second is told, and keeps the first.
    let refused = server.put("/keys/me", token, &keys(9, 9)).await?;
    assert_error(&refused, StatusCode::BAD_REQUEST, "keys_exist");
    let (_, own) = server.get("/keys/me", token).await?;
    assert_eq!(own["keys"], keys(1, 2), "live keys are never replaced");

    let (status, page) = server.get("/audit?action=account", None).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{page}");
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let (_, page) = server
        .get("/audit?action=account", Some(&supervisor.token))
        .await?;
    let changes: Vec<&Value> = page["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| entry["detail"]["change"] == "account_keys")
        .collect();
    assert_eq!(
        changes.len(),
        2,
        "each pair set is audited, the refused one not: {page}"
    );
    assert_eq!(changes[0]["detail"]["public"], json!("01".repeat(8)));
    Ok(())
}

async fn a_password_reset_leaves_the_keys_stale_and_a_new_pair_replaces_them(
    server: &TestServer,
) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let officer = server.user("petugas", Role::Officer).await?;
    let (status, _) = server
        .put("/keys/me", Some(&officer.token), &keys(1, 1))
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let reset = format!("/users/{}/password", officer.user.id);
    let (status, _) = server
        .post(
            &reset,
            Some(&admin.token),
            &json!({"password": "sandi-baru-456"}),
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let login =
        json!({"username": "petugas", "password": "sandi-baru-456", "device_id": Uuid::now_v7()});
    let (status, answer) = server.post("/login", None, &login).await?;
    assert_eq!(status, StatusCode::OK);
    let token = answer["token"].as_str().map(str::to_owned);
    let token = token.as_deref();
    let (_, own) = server.get("/keys/me", token).await?;
    assert_eq!(own, json!({"keys": keys(1, 1), "stale": true}));
    let (_, public) = server
        .get(
            &format!("/keys/public?accounts={}", officer.user.id),
            Some(&admin.token),
        )
        .await?;
    assert_eq!(public, json!({"keys": []}), "stale keys wrap nothing new");

    let (status, body) = server.put("/keys/me", token, &keys(5, 5)).await?;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, own) = server.get("/keys/me", token).await?;
    assert_eq!(own, json!({"keys": keys(5, 5), "stale": false}));
    let again = server.put("/keys/me", token, &keys(6, 6)).await?;
    assert_error(&again, StatusCode::BAD_REQUEST, "keys_exist");
    Ok(())
}

async fn public_keys_go_to_the_roles_that_wrap_case_keys(
    server: &TestServer,
) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let second = server.user("petugas2", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let viewer = server.user("bupati", Role::Viewer).await?;
    let admin = server.user("admin", Role::Admin).await?;
    for (who, fill) in [(&officer, 1u8), (&supervisor, 3)] {
        let (status, _) = server
            .put("/keys/me", Some(&who.token), &keys(fill, fill))
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let path = format!(
        "/keys/public?accounts={},{}, {},{}",
        supervisor.user.id, officer.user.id, second.user.id, officer.user.id
    );
    let mut expected = vec![
        json!({"account": officer.user.id, "public": keys(1, 1)["public"]}),
        json!({"account": supervisor.user.id, "public": keys(3, 3)["public"]}),
    ];
    expected.sort_by_key(|key| key["account"].as_str().map(str::to_owned));
    for who in [&officer, &supervisor, &admin] {
        let (status, answer) = server.get(&path, Some(&who.token)).await?;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(
            answer,
            json!({"keys": expected}),
            "once each, by id; no key for an account without one"
        );
    }
    // Every supervisor's key at once: the readers a phone wraps each new case key for.
    server.user("sekretaris", Role::Supervisor).await?;
    let (_, answer) = server
        .get("/keys/public?role=supervisor", Some(&officer.token))
        .await?;
    assert_eq!(
        answer,
        json!({"keys": [{"account": supervisor.user.id, "public": keys(3, 3)["public"]}]}),
        "a supervisor without keys yet is left out"
    );
    for query in [
        "role=officer",
        "",
        &format!("role=supervisor&accounts={}", officer.user.id),
    ] {
        let bad = server
            .get(&format!("/keys/public?{query}"), Some(&officer.token))
            .await?;
        assert_error(&bad, StatusCode::BAD_REQUEST, "bad_request");
    }
    let forbidden = server.get(&path, Some(&viewer.token)).await?;
    assert_error(&forbidden, StatusCode::FORBIDDEN, "forbidden");
    let forbidden = server
        .get("/keys/public?role=supervisor", Some(&viewer.token))
        .await?;
    assert_error(&forbidden, StatusCode::FORBIDDEN, "forbidden");
    let bad = server
        .get("/keys/public?accounts=bukan-uuid", Some(&officer.token))
        .await?;
    assert_error(&bad, StatusCode::BAD_REQUEST, "bad_request");
    let many: Vec<String> = (0..101).map(|_| Uuid::now_v7().to_string()).collect();
    let too_many = server
        .get(
            &format!("/keys/public?accounts={}", many.join(",")),
            Some(&officer.token),
        )
        .await?;
    assert_error(&too_many, StatusCode::BAD_REQUEST, "bad_request");

    // A deactivated account's key is not handed out.
    let (status, _) = server
        .post(
            &format!("/users/{}/deactivate", supervisor.user.id),
            Some(&admin.token),
            &json!({}),
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, answer) = server.get(&path, Some(&officer.token)).await?;
    assert_eq!(answer["keys"].as_array().map(Vec::len), Some(1));
    Ok(())
}

async fn key_pairs_of_the_wrong_shape_are_refused(server: &TestServer) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let token = Some(officer.token.as_str());
    let changed = |change: fn(&mut Value)| {
        let mut body = keys(1, 1);
        change(&mut body);
        body
    };
    for body in [
        changed(|k| k["public"] = json!(format!("02{}", "01".repeat(32)))),
        changed(|k| k["public"] = json!("04")),
        changed(|k| k["public"] = json!(format!("04{}", "0G".repeat(64)))),
        changed(|k| k["private"]["salt"] = json!("00")),
        changed(|k| k["private"]["iterations"] = json!(1000)),
        changed(|k| k["private"]["iterations"] = json!(20_000_000)),
        changed(|k| k["private"]["nonce"] = json!("00".repeat(16))),
        changed(|k| k["private"]["wrapped"] = json!("00".repeat(300))),
        changed(|k| k["private"]["wrapped"] = json!("")),
        json!({"public": keys(1, 1)["public"]}),
    ] {
        let answer = server.put("/keys/me", token, &body).await?;
        assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    }
    let none = server.get("/keys/me", token).await?;
    assert_error(&none, StatusCode::NOT_FOUND, "not_found");
    Ok(())
}

async fn the_recovery_key_is_made_once_by_an_admin_and_its_public_half_handed_out(
    server: &TestServer,
) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let officer = server.user("petugas", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let viewer = server.user("bupati", Role::Viewer).await?;
    let none = server.get("/keys/recovery", Some(&officer.token)).await?;
    assert_error(&none, StatusCode::NOT_FOUND, "not_found");

    let public = keys(4, 4)["public"].clone();
    let body = json!({"public": public});
    for who in [&officer, &supervisor, &viewer] {
        let refused = server
            .put("/keys/recovery", Some(&who.token), &body)
            .await?;
        assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    }
    let garbled = server
        .put("/keys/recovery", Some(&officer.token), &json!({"x": 1}))
        .await?;
    assert_error(&garbled, StatusCode::FORBIDDEN, "forbidden");
    let bad = server
        .put(
            "/keys/recovery",
            Some(&admin.token),
            &json!({"public": "04"}),
        )
        .await?;
    assert_error(&bad, StatusCode::BAD_REQUEST, "bad_request");
    let (status, answer) = server
        .put("/keys/recovery", Some(&admin.token), &body)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT, "{answer}");
    let again = server
        .put(
            "/keys/recovery",
            Some(&admin.token),
            &json!({"public": keys(5, 5)["public"]}),
        )
        .await?;
    assert_error(&again, StatusCode::BAD_REQUEST, "keys_exist");

    for who in [&officer, &supervisor, &admin] {
        let (status, answer) = server.get("/keys/recovery", Some(&who.token)).await?;
        assert_eq!(
            (status, answer),
            (StatusCode::OK, json!({"public": public}))
        );
    }
    let forbidden = server.get("/keys/recovery", Some(&viewer.token)).await?;
    assert_error(&forbidden, StatusCode::FORBIDDEN, "forbidden");

    let (_, page) = server
        .get("/audit?action=account", Some(&supervisor.token))
        .await?;
    let made = page["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| entry["detail"]["change"] == "recovery_key")
        .count();
    assert_eq!(made, 1, "made once, audited once: {page}");
    Ok(())
}

async fn wrapped_case_keys_travel_as_case_records_never_edited_and_their_reads_are_audited(
    server: &TestServer,
) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let other = server.user("petugas2", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let (case_id, key_id, wrapping) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let mine = officer.user.id.to_string();
    let (_, answer) = server
        .push(
            &officer,
            vec![
                upsert_of("case", 1, case_id, 0, case("33.03.08")),
                upsert_of("case_key", 2, wrapping, 0, case_key(case_id, key_id, &mine)),
                upsert_of(
                    "case_key",
                    3,
                    Uuid::now_v7(),
                    0,
                    case_key(case_id, key_id, "recovery"),
                ),
            ],
        )
        .await?;
    let statuses: Vec<&Value> = answer["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| &r["status"])
        .collect();
    assert_eq!(statuses, [&json!("applied"); 3], "{answer}");

    // Never edited: a new key, or a new reader, is a new record.
    let version = answer["results"][1]["version"].as_u64().unwrap_or_default();
    let (_, edit) = server
        .push(
            &officer,
            vec![upsert_of(
                "case_key",
                4,
                wrapping,
                version,
                case_key(case_id, Uuid::now_v7(), &mine),
            )],
        )
        .await?;
    assert_eq!(edit["results"][0]["status"], "rejected", "{edit}");
    // Of the wrong shape: the field is named.
    let mut bad = case_key(case_id, key_id, &mine);
    bad["wrapped"] = json!("ee".repeat(47));
    let (_, refused) = server
        .push(
            &officer,
            vec![upsert_of("case_key", 5, Uuid::now_v7(), 0, bad)],
        )
        .await?;
    assert_eq!(refused["results"][0]["status"], "rejected", "{refused}");
    assert_eq!(
        refused["results"][0]["error"]["field"], "wrapped",
        "{refused}"
    );

    // In the case's scope: the officer and the supervisor pull them, another officer not.
    for (who, expected) in [(&officer, 2), (&supervisor, 2), (&other, 0)] {
        let keys = server
            .pull_all(who)
            .await?
            .into_iter()
            .filter(|r| r["kind"] == "case_key")
            .count();
        assert_eq!(keys, expected, "{}", who.user.username);
    }
    let (_, page) = server
        .get(
            &format!("/audit?record={wrapping}"),
            Some(&supervisor.token),
        )
        .await?;
    let reads = page["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["action"] == "identity_read")
        .count();
    assert_eq!(
        reads, 2,
        "each pull of the wrapped key is an identity read: {page}"
    );
    Ok(())
}

/// The server holds only ciphertext of a victim's identity: a phone that sends a value in
/// plain text (an old app) gets every such field named `not_encrypted`, and nothing of it
/// is stored; envelopes are taken; an edit of one value keeps the others' envelopes.
async fn an_identity_is_taken_only_as_envelopes_and_a_plain_one_is_named_and_not_stored(
    server: &TestServer,
) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let (case_id, victim_id, identity_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let plain = json!({"victim_id": victim_id, "full_name": "Siti Aminah", "nik": "3303084501070001", "phone": sealed("081227001234")});
    let (_, answer) = server
        .push(
            &officer,
            vec![
                upsert_of("case", 1, case_id, 0, case("33.03.08")),
                upsert_of("victim", 2, victim_id, 0, victim(case_id, "33.03.08")),
                upsert_of("victim_identity", 3, identity_id, 0, plain),
            ],
        )
        .await?;
    assert_eq!(answer["results"][2]["status"], "rejected", "{answer}");
    assert_eq!(
        answer["results"][2]["error"]["code"], "invalid_field",
        "{answer}"
    );
    assert_eq!(
        answer["results"][2]["error"]["fields"],
        json!([
            {"field": "full_name", "problem": "not_encrypted"},
            {"field": "nik", "problem": "not_encrypted"},
        ]),
        "{answer}"
    );
    assert_eq!(
        server.record(&officer, identity_id).await?,
        None,
        "nothing stored"
    );

    // Envelopes under a key no `case_key` record of the case names: nobody could open
    // them, so they are refused, field by field. A key of another case does not count.
    let other_case = Uuid::now_v7();
    let (_, answer) = server
        .push(
            &officer,
            vec![
                upsert_of("case", 4, other_case, 0, case("33.03.08")),
                upsert_of("case_key", 5, Uuid::now_v7(), 0, identity_key(other_case)),
                upsert_of("victim_identity", 6, identity_id, 0, identity(victim_id)),
            ],
        )
        .await?;
    assert_eq!(answer["results"][2]["status"], "rejected", "{answer}");
    assert_eq!(
        answer["results"][2]["error"]["fields"],
        json!([
            {"field": "full_name", "problem": "unknown_key"},
            {"field": "nik", "problem": "unknown_key"},
        ]),
        "{answer}"
    );
    assert_eq!(server.record(&officer, identity_id).await?, None);

    // The case's own key first, in the same push: taken.
    let (_, answer) = server
        .push(
            &officer,
            vec![
                upsert_of("case_key", 7, Uuid::now_v7(), 0, identity_key(case_id)),
                upsert_of("victim_identity", 8, identity_id, 0, identity(victim_id)),
            ],
        )
        .await?;
    assert_eq!(answer["results"][1]["status"], "applied", "{answer}");
    let version = answer["results"][1]["version"].as_u64().unwrap_or_default();
    let edit = json!({"phone": sealed("081227001234")});
    let (_, answer) = server
        .push(
            &officer,
            vec![upsert_of("victim_identity", 9, identity_id, version, edit)],
        )
        .await?;
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
    let stored = server.record(&officer, identity_id).await?.expect("stored");
    assert_eq!(stored["fields"]["full_name"], sealed("Siti Aminah"));
    assert_eq!(stored["fields"]["phone"], sealed("081227001234"));
    let plain_edit = json!({"phone": "081227001234"});
    let (_, answer) = server
        .push(
            &officer,
            vec![upsert_of(
                "victim_identity",
                10,
                identity_id,
                version + 1,
                plain_edit,
            )],
        )
        .await?;
    assert_eq!(answer["results"][0]["status"], "rejected", "{answer}");
    assert_eq!(
        answer["results"][0]["error"]["fields"],
        json!([{"field": "phone", "problem": "not_encrypted"}])
    );
    Ok(())
}

/// A store from before issue #18 holds an identity in plain text, in its record and in a
/// logged conflict. The supervisor's device sends it whole as envelopes: the record holds
/// only those, the conflict's plain values are gone, the migration is in the audit trail,
/// and (none being left in plain text) the store is compacted: on SQLite no byte of the
/// old text is left in the database's files.
async fn plain_identities_of_an_older_store_go_once_a_supervisor_seals_them(
    server: &TestServer,
) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let (case_id, victim_id, identity_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let (_, answer) = server
        .push(
            &officer,
            vec![
                upsert_of("case", 1, case_id, 0, case("33.03.08")),
                upsert_of("victim", 2, victim_id, 0, victim(case_id, "33.03.08")),
                upsert_of("case_key", 3, Uuid::now_v7(), 0, identity_key(case_id)),
                upsert_of("victim_identity", 4, identity_id, 0, identity(victim_id)),
            ],
        )
        .await?;
    let version = answer["results"][3]["version"].as_u64().unwrap_or_default();
    // A second phone's edit of the same name conflicts: a row of the conflict log.
    let phone = server.device(&officer.user).await?;
    let edit = json!({"full_name": sealed("Siti A.")});
    let (_, answer) = server
        .push(
            &phone,
            vec![upsert_of("victim_identity", 1, identity_id, 0, edit)],
        )
        .await?;
    assert_eq!(answer["results"][0]["status"], "conflict", "{answer}");
    // What an older store held: the values in plain text.
    let plain = json!({"victim_id": victim_id, "full_name": "Sitinurbaya Aminah", "nik": "3303084501070001"});
    server
        .raw_sql(&format!(
            "UPDATE records SET fields = '{plain}' WHERE id = '{identity_id}'"
        ))
        .await?;
    server
        .raw_sql(&format!(
            "UPDATE conflicts SET server_value = '\"Sitinurbaya Aminah\"', device_value = '\"Sitinurbaya A.\"' WHERE record_id = '{identity_id}'"
        ))
        .await?;

    let mut whole = identity(victim_id);
    whole["full_name"] = sealed("Sitinurbaya Aminah (sealed)");
    let (_, answer) = server
        .push(
            &supervisor,
            vec![upsert_of(
                "victim_identity",
                1,
                identity_id,
                version,
                whole.clone(),
            )],
        )
        .await?;
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
    let stored = server
        .record(&supervisor, identity_id)
        .await?
        .expect("stored");
    assert_eq!(stored["fields"], whole);
    // The open conflict is still there to settle, without the old values.
    assert_eq!(stored["conflict"], true, "{stored}");
    assert!(!stored.to_string().contains("Sitinurbaya"), "{stored}");
    let (_, trail) = server.get("/audit", Some(&supervisor.token)).await?;
    let migrated: Vec<&Value> = trail["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["action"] == "identity_migrated")
        .collect();
    assert_eq!(migrated.len(), 1, "{trail}");
    assert_eq!(migrated[0]["detail"]["records"], 1);
    assert_eq!(migrated[0]["username"], "ketua");
    if let Some(path) = server.url.strip_prefix("sqlite://") {
        let dir = std::path::Path::new(path).parent().expect("a directory");
        for entry in std::fs::read_dir(dir)? {
            let bytes = std::fs::read(entry?.path())?;
            let found = bytes.windows(11).any(|w| w == b"Sitinurbaya");
            assert!(!found, "the old text is still in the database's files");
        }
    }
    Ok(())
}

/// A wrapping of the index key for `account` (its public key `04` and 64 bytes of `fill`),
/// as a phone sends it.
fn index_wrapping(key_id: Uuid, account: Uuid, fill: u8) -> Value {
    json!({
        "case_id": Uuid::nil(), "key_id": key_id, "reader": account,
        "ephemeral": format!("04{}", "11".repeat(64)), "nonce": "22".repeat(12),
        "wrapped": "33".repeat(48),
        "reader_key": model_fingerprint(fill),
    })
}

/// The fingerprint of `keys(fill, _)`'s public key.
fn model_fingerprint(fill: u8) -> String {
    let public =
        gugus_model::e2e::unhex(&format!("04{}", format!("{fill:02x}").repeat(64))).expect("hex");
    gugus_model::e2e::fingerprint(&public)
}

/// The task force's index key: the first phone makes it (its wrapping), the server tells
/// who lacks it, another key is refused, a wrapping for a pair a reset replaced does not
/// count, a viewer gets none; NIK indexes find the cases that hold them (all for a
/// supervisor, an officer's own and a count of the others), and an identity's index must
/// be of its shape.
async fn the_index_key_is_one_per_task_force_and_nik_indexes_find_other_cases(
    server: &TestServer,
) -> anyhow::Result<()> {
    let officer = server.user("petugas", Role::Officer).await?;
    let other = server.user("petugas2", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let viewer = server.user("bupati", Role::Viewer).await?;
    for (who, fill) in [(&officer, 1u8), (&other, 2), (&supervisor, 3)] {
        let (status, _) = server
            .put("/keys/me", Some(&who.token), &keys(fill, fill))
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let (status, none) = server.get("/keys/index", Some(&officer.token)).await?;
    assert_eq!(status, StatusCode::OK, "{none}");
    assert_eq!(
        none,
        json!({"key_id": null, "mine": null, "lacking": [], "recovery_lacking": false})
    );

    let key_id = Uuid::now_v7();
    let mine = index_wrapping(key_id, officer.user.id, 1);
    let (status, _) = server
        .put(
            "/keys/index",
            Some(&officer.token),
            &json!({"wrappings": [mine]}),
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, held) = server.get("/keys/index", Some(&officer.token)).await?;
    assert_eq!(held["key_id"], json!(key_id));
    assert_eq!(held["mine"], mine);
    let mut lacking: Vec<String> = held["lacking"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k["account"].as_str().map(str::to_owned))
        .collect();
    lacking.sort();
    let mut expected = vec![other.user.id.to_string(), supervisor.user.id.to_string()];
    expected.sort();
    assert_eq!(
        lacking, expected,
        "the viewer holds no keys; the officer has its own"
    );
    // Another key is refused; a wrapping of the wrong shape or for a viewer too.
    let second = index_wrapping(Uuid::now_v7(), other.user.id, 2);
    let refused = server
        .put(
            "/keys/index",
            Some(&officer.token),
            &json!({"wrappings": [second]}),
        )
        .await?;
    assert_error(&refused, StatusCode::BAD_REQUEST, "keys_exist");
    for bad in [
        json!({"wrappings": []}),
        json!({"wrappings": [index_wrapping(key_id, viewer.user.id, 9)]}),
        json!({"wrappings": [{"case_id": Uuid::nil()}]}),
    ] {
        let refused = server
            .put("/keys/index", Some(&officer.token), &bad)
            .await?;
        assert_error(&refused, StatusCode::BAD_REQUEST, "bad_request");
    }
    let forbidden = server.get("/keys/index", Some(&viewer.token)).await?;
    assert_error(&forbidden, StatusCode::FORBIDDEN, "forbidden");
    // The other officer's wrapping, sent by the officer's phone.
    let theirs = index_wrapping(key_id, other.user.id, 2);
    let (status, _) = server
        .put(
            "/keys/index",
            Some(&officer.token),
            &json!({"wrappings": [theirs.clone()]}),
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, held) = server.get("/keys/index", Some(&other.token)).await?;
    assert_eq!(held["mine"], theirs);

    // Two cases whose victims have the same NIK index; one of the other officer's own.
    let index = "5e".repeat(16);
    let mut cases = Vec::new();
    for (who, n) in [(&officer, 1u64), (&other, 1)] {
        let (case_id, victim_id, identity_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut fields = identity(victim_id);
        fields["nik_index"] = json!(index);
        let (_, answer) = server
            .push(
                who,
                vec![
                    upsert_of("case", n, case_id, 0, case("33.03.08")),
                    upsert_of("victim", n + 1, victim_id, 0, victim(case_id, "33.03.08")),
                    upsert_of("case_key", n + 2, Uuid::now_v7(), 0, identity_key(case_id)),
                    upsert_of("victim_identity", n + 3, identity_id, 0, fields),
                ],
            )
            .await?;
        assert_eq!(answer["results"][3]["status"], "applied", "{answer}");
        cases.push(case_id);
    }
    cases.sort();
    let path = format!("/identities/nik?index={index}");
    let (_, all) = server.get(&path, Some(&supervisor.token)).await?;
    assert_eq!(all, json!({"cases": cases, "elsewhere": 0}));
    let (_, own) = server.get(&path, Some(&other.token)).await?;
    assert_eq!(own["cases"].as_array().map(Vec::len), Some(1));
    assert_eq!(own["elsewhere"], 1, "the other case is counted, not named");
    let (_, none) = server
        .get(
            &format!("/identities/nik?index={}", "00".repeat(16)),
            Some(&supervisor.token),
        )
        .await?;
    assert_eq!(none, json!({"cases": [], "elsewhere": 0}));
    for bad in ["/identities/nik", "/identities/nik?index=3303084501070001"] {
        let refused = server.get(bad, Some(&supervisor.token)).await?;
        assert_error(&refused, StatusCode::BAD_REQUEST, "bad_request");
    }
    let forbidden = server.get(&path, Some(&viewer.token)).await?;
    assert_error(&forbidden, StatusCode::FORBIDDEN, "forbidden");
    // An identity's index must be of its shape: the NIK itself is refused.
    let (case_id, victim_id) = (Uuid::now_v7(), Uuid::now_v7());
    let mut leaky = identity(victim_id);
    leaky["nik_index"] = json!("3303084501070001");
    let (_, answer) = server
        .push(
            &supervisor,
            vec![
                upsert_of("case", 1, case_id, 0, case("33.03.08")),
                upsert_of("victim", 2, victim_id, 0, victim(case_id, "33.03.08")),
                upsert_of("victim_identity", 3, Uuid::now_v7(), 0, leaky),
            ],
        )
        .await?;
    assert_eq!(answer["results"][2]["status"], "rejected", "{answer}");
    assert_eq!(
        answer["results"][2]["error"]["fields"],
        json!([{"field": "nik_index", "problem": "wrong_type"}])
    );

    // An admin's reset leaves the officer's wrapping for a pair it no longer has.
    let admin = server.user("admin", Role::Admin).await?;
    let (status, _) = server
        .post(
            &format!("/users/{}/password", other.user.id),
            Some(&admin.token),
            &json!({"password": "gembok-baru-kantor-dua"}),
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let login = json!({"username": "petugas2", "password": "gembok-baru-kantor-dua", "device_id": Uuid::now_v7()});
    let (status, answer) = server.post("/login", None, &login).await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let again = answer["token"].as_str().map(str::to_owned);
    let (status, _) = server
        .put("/keys/me", again.as_deref(), &keys(7, 7))
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, held) = server.get("/keys/index", again.as_deref()).await?;
    assert_eq!(
        held["mine"],
        Value::Null,
        "a wrapping for the replaced pair"
    );
    let (_, held) = server.get("/keys/index", Some(&officer.token)).await?;
    assert!(
        held["lacking"]
            .to_string()
            .contains(&other.user.id.to_string()),
        "{held}"
    );
    Ok(())
}

async fn an_own_password_change_relocks_the_live_pair_and_ends_the_other_sessions(
    server: &TestServer,
) -> anyhow::Result<()> {
    use crate::common::PASSWORD;
    let officer = server.user("petugas", Role::Officer).await?;
    let other_phone = server.device(&officer.user).await?;
    let token = Some(officer.token.as_str());
    let change = |current: &str, new: &str, keys: Option<Value>| {
        let mut body = json!({"current_password": current, "new_password": new});
        if let Some(keys) = keys {
            body["keys"] = keys;
        }
        body
    };
    let new = "sandi-baru-lereng-slamet";

    // An account without keys changes its password with none; keys it does not have are
    // refused.
    let with_keys = change(PASSWORD, new, Some(keys(1, 1)));
    let refused = server.post("/account/password", token, &with_keys).await?;
    assert_error(&refused, StatusCode::BAD_REQUEST, "keys_not_relocked");
    let (status, body) = server.put("/keys/me", token, &keys(1, 1)).await?;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    // A wrong current password, a weak new one, no keys, or another pair: refused, and
    // nothing changes.
    for (body, code) in [
        (
            change("bukan-sandinya", new, Some(keys(1, 2))),
            "wrong_password",
        ),
        (
            change(PASSWORD, "12345678", Some(keys(1, 2))),
            "weak_password",
        ),
        (change(PASSWORD, new, None), "keys_not_relocked"),
        (change(PASSWORD, new, Some(keys(2, 2))), "keys_not_relocked"),
    ] {
        let answer = server.post("/account/password", token, &body).await?;
        assert_error(&answer, StatusCode::BAD_REQUEST, code);
    }
    let (_, own) = server.get("/keys/me", token).await?;
    assert_eq!(own, json!({"keys": keys(1, 1), "stale": false}));
    let (status, _) = server.get("/me", Some(&other_phone.token)).await?;
    assert_eq!(status, StatusCode::OK, "a refused change ends no session");

    // The same pair relocked: changed, the pair kept live, this session goes on, the other
    // phone's ends, the new password logs in and the old one does not.
    let (status, body) = server
        .post(
            "/account/password",
            token,
            &change(PASSWORD, new, Some(keys(1, 2))),
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, own) = server.get("/keys/me", token).await?;
    assert_eq!(own, json!({"keys": keys(1, 2), "stale": false}));
    let (status, _) = server.get("/me", token).await?;
    assert_eq!(status, StatusCode::OK);
    let ended = server.get("/me", Some(&other_phone.token)).await?;
    assert_error(&ended, StatusCode::UNAUTHORIZED, "unauthorized");
    let login = |password: &str| {
        json!({"username": officer.user.username, "password": password,
            "device_id": Uuid::now_v7()})
    };
    let (status, _) = server.post("/login", None, &login(PASSWORD)).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server.post("/login", None, &login(new)).await?;
    assert_eq!(status, StatusCode::OK);

    // The trail says so, without a password.
    let admin = server.user("admin", Role::Admin).await?;
    let (_, trail) = server.get("/audit?limit=200", Some(&admin.token)).await?;
    let text = trail.to_string();
    assert!(text.contains("password_changed"), "{trail}");
    assert!(!text.contains(new) && !text.contains(PASSWORD));

    // Guessing the current password with a stolen session is throttled like a login.
    let guess = change("tebakan-sandi", "sandi-lain-lagi-77", Some(keys(1, 3)));
    for _ in 0..10 {
        let answer = server.post("/account/password", token, &guess).await?;
        assert_error(&answer, StatusCode::BAD_REQUEST, "wrong_password");
    }
    let answer = server.post("/account/password", token, &guess).await?;
    assert_error(&answer, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    Ok(())
}

/// The index key wrapped for the task force's recovery key: asked for once the recovery key
/// exists, taken once, never before; handed (as an identity read) only to a supervisor or
/// an admin without a wrapping of its own, who restores from it with the recovery code.
async fn the_index_key_is_wrapped_once_for_the_recovery_key_which_supervisors_restore_from(
    server: &TestServer,
) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let officer = server.user("petugas", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    for (who, fill) in [(&officer, 1u8), (&supervisor, 3)] {
        let (status, _) = server
            .put("/keys/me", Some(&who.token), &keys(fill, fill))
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let key_id = Uuid::now_v7();
    let mut for_recovery = index_wrapping(key_id, Uuid::nil(), 9);
    for_recovery["reader"] = json!("recovery");
    for_recovery
        .as_object_mut()
        .map(|fields| fields.remove("reader_key"));
    let put = |token: &str, wrappings: Vec<Value>| {
        let body = json!({ "wrappings": wrappings });
        let token = token.to_owned();
        async move { server.put("/keys/index", Some(&token), &body).await }
    };
    // Before the recovery key exists: refused, and nobody is asked for one.
    let refused = put(&officer.token, vec![for_recovery.clone()]).await?;
    assert_error(&refused, StatusCode::BAD_REQUEST, "bad_request");
    let (status, _) = put(
        &officer.token,
        vec![index_wrapping(key_id, officer.user.id, 1)],
    )
    .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, held) = server.get("/keys/index", Some(&officer.token)).await?;
    assert_eq!(held["recovery_lacking"], false, "{held}");

    let public = keys(9, 9)["public"].clone();
    let (status, _) = server
        .put(
            "/keys/recovery",
            Some(&admin.token),
            &json!({"public": public}),
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, held) = server.get("/keys/index", Some(&officer.token)).await?;
    assert_eq!(held["recovery_lacking"], true, "{held}");
    let (status, _) = put(&officer.token, vec![for_recovery.clone()]).await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, held) = server.get("/keys/index", Some(&officer.token)).await?;
    assert_eq!(held["recovery_lacking"], false, "{held}");
    assert!(held.get("recovery").is_none(), "not to an officer: {held}");

    // Another wrapping for the recovery key does not replace the first; another key is
    // refused as for accounts.
    let mut second = for_recovery.clone();
    second["wrapped"] = json!("44".repeat(48));
    let (status, _) = put(&officer.token, vec![second]).await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let mut other_key = for_recovery.clone();
    other_key["key_id"] = json!(Uuid::now_v7());
    let refused = put(&officer.token, vec![other_key]).await?;
    assert_error(&refused, StatusCode::BAD_REQUEST, "keys_exist");

    // The supervisor has no wrapping of its own: it gets the recovery key's, as a read.
    let (_, held) = server.get("/keys/index", Some(&supervisor.token)).await?;
    assert_eq!(held["mine"], Value::Null);
    assert_eq!(held["recovery"], for_recovery, "the first, kept");
    let (_, trail) = server.get("/audit?limit=200", Some(&admin.token)).await?;
    assert!(
        trail.to_string().contains("index_key_recovery"),
        "the read is traced: {trail}"
    );
    // Once restored it has its own, and the recovery key's is not sent again.
    let (status, _) = put(
        &supervisor.token,
        vec![index_wrapping(key_id, supervisor.user.id, 3)],
    )
    .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, held) = server.get("/keys/index", Some(&supervisor.token)).await?;
    assert!(held["mine"].is_object(), "{held}");
    assert!(held.get("recovery").is_none(), "{held}");
    Ok(())
}
