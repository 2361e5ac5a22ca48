//! A victim's identity on the device as earlier builds kept it, in real headless
//! Chromium: field values sealed under the vault deterministically, stored only sealed (a
//! save, a pull and a push answer), and everything gone after a wipe. (Identities are now
//! envelopes under their case's key, tests/keyring.rs; these paths keep the values of
//! earlier builds, and values still plain on an older server, working.)
#![forbid(unsafe_code)]

use gugus_app::crypto::{is_sealed, CryptoError, Vault};
use gugus_app::identity;
use gugus_app::store::{PulledPage, Store};
use gugus_model::sync::{
    Conflict, MutationResult, MutationStatus, PullResponse, PushResponse, RecordState,
};
use gugus_model::RecordKind;
use serde_json::{json, Map, Value};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PASSWORD: &str = "kata-sandi-petugas";
const NAME: &str = "Siti Aminah";
const NIK: &str = "3303084501070001";
const AT: &str = "2026-11-29T03:20:00.000Z";

async fn fresh(name: &str) -> Store {
    Store::delete_named(name).await.expect("delete");
    Store::open_named(name).await.expect("open")
}

fn identity_fields(victim: &str, name: &str) -> Map<String, Value> {
    json!({"victim_id": victim, "full_name": name, "nik": NIK, "phone": "081234567890"})
        .as_object()
        .cloned()
        .expect("object")
}

/// Everything in the database as JSON text, the way a raw dump would show it.
async fn dump(store: &Store) -> String {
    let records = store
        .list_records(RecordKind::VictimIdentity)
        .await
        .expect("records");
    let outbox = store.outbox().await.expect("outbox");
    format!(
        "{}{}",
        serde_json::to_string(&records.iter().map(|r| &r.record).collect::<Vec<_>>())
            .expect("json"),
        serde_json::to_string(&outbox).expect("json")
    )
}

#[wasm_bindgen_test]
async fn a_value_seals_the_same_way_each_time_and_opens_only_for_its_field() {
    let (vault, lock) = Vault::create(PASSWORD).await.expect("create");
    let name = json!(NAME);
    let once = vault.seal_value("full_name", &name).await.expect("seal");
    let twice = vault.seal_value("full_name", &name).await.expect("seal");
    assert_eq!(
        once, twice,
        "deterministic, so merges compare sealed values"
    );
    assert!(is_sealed(&json!(once)));
    assert!(!once.contains("Siti"));
    let elsewhere = vault.seal_value("address", &name).await.expect("seal");
    assert_ne!(once, elsewhere, "the field is part of the nonce");
    assert_eq!(vault.open_value("full_name", &once).await, Ok(name.clone()));
    assert_eq!(
        vault.open_value("address", &once).await,
        Err(CryptoError::WrongKey),
        "moved to another field, it does not open"
    );
    let (other, _) = Vault::create(PASSWORD).await.expect("create");
    assert_eq!(
        other.open_value("full_name", &once).await,
        Err(CryptoError::WrongKey),
        "another vault (another salt) cannot open it"
    );
    let reopened = Vault::open(PASSWORD, &lock).await.expect("open");
    assert_eq!(reopened.open_value("full_name", &once).await, Ok(name));
}

#[wasm_bindgen_test]
async fn identity_is_stored_only_sealed_and_sent_opened() {
    let store = fresh("t-identity-save").await;
    let (vault, _) = Vault::create(PASSWORD).await.expect("create");
    let victim = Uuid::now_v7().to_string();
    let plain = identity_fields(&victim, NAME);

    let refused = store
        .save_record(
            RecordKind::VictimIdentity,
            None,
            plain.clone(),
            "victim_identity:new",
            AT.into(),
        )
        .await;
    assert!(refused.is_err(), "a plain identity is never stored");

    let sealed = identity::seal_fields(&vault, plain.clone())
        .await
        .expect("seal");
    assert_eq!(sealed["victim_id"], json!(victim), "the link stays open");
    let (id, _) = store
        .save_record(
            RecordKind::VictimIdentity,
            None,
            sealed,
            "victim_identity:new",
            AT.into(),
        )
        .await
        .expect("save");
    let text = dump(&store).await;
    assert!(!text.contains("Siti") && !text.contains(NIK), "{text}");

    // What the outbox sends of it is sealed as envelopes first (`Keyring::outgoing`,
    // tests/keyring.rs).
    let stored = store
        .record(RecordKind::VictimIdentity, &id)
        .await
        .expect("read")
        .expect("there");
    let shown = identity::open_record(&vault, stored.record)
        .await
        .expect("open");
    assert_eq!(shown.fields, plain);
}

#[wasm_bindgen_test]
async fn pulled_identity_and_conflicts_are_sealed_before_they_are_stored() {
    let store = fresh("t-identity-pull").await;
    let (vault, _) = Vault::create(PASSWORD).await.expect("create");
    let victim = Uuid::now_v7().to_string();
    let id = Uuid::now_v7();
    let state = RecordState {
        kind: "victim_identity".into(),
        id,
        version: 4,
        deleted: false,
        fields: identity_fields(&victim, NAME),
        conflict: true,
        conflicts: vec![Conflict {
            field: "full_name".into(),
            server: json!(NAME),
            device: json!("Siti A."),
        }],
    };
    let page = |records| PullResponse {
        cursor: "v4".into(),
        more: false,
        last_mutation_id: 0,
        records,
    };
    assert!(
        PulledPage::new(page(vec![state.clone()])).is_err(),
        "a plain identity from a pull is refused whole"
    );
    assert_eq!(store.cursor().await.expect("cursor"), None);

    let mut sealed = vec![state];
    identity::seal_states(&vault, &mut sealed)
        .await
        .expect("seal");
    let sealed = PulledPage::new(page(sealed)).expect("sealed");
    store.apply_pull(&sealed).await.expect("pull");
    let text = dump(&store).await;
    assert!(!text.contains("Siti") && !text.contains(NIK), "{text}");
    let stored = store
        .record(RecordKind::VictimIdentity, &id.to_string())
        .await
        .expect("read")
        .expect("there");
    let shown = identity::open_record(&vault, stored.record)
        .await
        .expect("open");
    assert_eq!(shown.fields["full_name"], json!(NAME));
    assert_eq!(shown.conflicts[0].device, json!("Siti A."));
}

#[wasm_bindgen_test]
async fn a_page_seals_in_one_batch_exactly_as_each_value_alone() {
    let (vault, _) = Vault::create(PASSWORD).await.expect("create");
    let victim = Uuid::now_v7().to_string();
    let state = |kind: &str, fields: Map<String, Value>| RecordState {
        kind: kind.into(),
        id: Uuid::now_v7(),
        version: 1,
        deleted: false,
        fields,
        conflict: false,
        conflicts: Vec::new(),
    };
    let mut with_null = identity_fields(&victim, "Wati");
    with_null.insert("address".into(), Value::Null);
    let activity = json!({"venue": "Balai desa Bojong", "participants_women": 12});
    let mut page = vec![
        state("victim_identity", identity_fields(&victim, NAME)),
        state("activity", activity.as_object().cloned().expect("object")),
        state("victim_identity", with_null),
    ];
    page[2].conflicts.push(Conflict {
        field: "full_name".into(),
        server: json!("Wati"),
        device: json!("Siti Wati"),
    });
    let before = page.clone();
    identity::seal_states(&vault, &mut page)
        .await
        .expect("seal");
    assert_eq!(page[1], before[1], "not identity: untouched");
    for (sealed, plain) in [(&page[0], &before[0]), (&page[2], &before[2])] {
        assert_eq!(
            sealed.fields["victim_id"],
            json!(victim),
            "the link stays open"
        );
        for (name, value) in &plain.fields {
            let expected = match (name.as_str(), value) {
                ("victim_id", _) | (_, Value::Null) => value.clone(),
                _ => json!(vault.seal_value(name, value).await.expect("seal")),
            };
            assert_eq!(sealed.fields[name], expected, "{name}");
        }
    }
    let conflict = &page[2].conflicts[0];
    assert_eq!(
        conflict.device,
        json!(vault
            .seal_value("full_name", &json!("Siti Wati"))
            .await
            .expect("seal"))
    );
    assert_eq!(
        vault
            .open_value("full_name", conflict.server.as_str().expect("text"))
            .await,
        Ok(json!("Wati"))
    );
    let again = page.clone();
    identity::seal_states(&vault, &mut page)
        .await
        .expect("seal");
    assert_eq!(page, again, "sealed values are not sealed twice");
}

#[wasm_bindgen_test]
async fn a_push_answer_conflict_on_identity_is_sealed_and_others_are_left_alone() {
    let (vault, _) = Vault::create(PASSWORD).await.expect("create");
    let store = fresh("t-identity-push").await;
    let victim = Uuid::now_v7().to_string();
    let sealed = identity::seal_fields(&vault, identity_fields(&victim, NAME))
        .await
        .expect("seal");
    store
        .save_record(
            RecordKind::VictimIdentity,
            None,
            sealed,
            "victim_identity:new",
            AT.into(),
        )
        .await
        .expect("save");
    let sent = store.outbox().await.expect("outbox");
    let conflict = |id| MutationResult {
        id,
        status: MutationStatus::Conflict {
            version: 2,
            conflicts: vec![Conflict {
                field: "full_name".into(),
                server: json!("Siti Rahma"),
                device: json!(NAME),
            }],
        },
    };
    let answer = PushResponse {
        last_mutation_id: sent[0].id + 1,
        results: vec![conflict(sent[0].id), conflict(sent[0].id + 1)],
    };
    let sealed = identity::seal_answer(&vault, &sent, answer)
        .await
        .expect("seal");
    let MutationStatus::Conflict { conflicts, .. } = &sealed.results[0].status else {
        panic!("a conflict");
    };
    assert!(is_sealed(&conflicts[0].server) && is_sealed(&conflicts[0].device));
    let MutationStatus::Conflict { conflicts, .. } = &sealed.results[1].status else {
        panic!("a conflict");
    };
    assert_eq!(
        conflicts[0].server,
        json!("Siti Rahma"),
        "not an identity change of this push: untouched"
    );
    store
        .apply_push(&sent, &sealed)
        .await
        .expect("apply the answer");
    let text = dump(&store).await;
    assert!(!text.contains("Siti"), "{text}");
}

#[wasm_bindgen_test]
async fn a_wipe_forgets_everything_but_the_device_and_its_counter() {
    let store = fresh("t-wipe").await;
    let device = store.device_id().await.expect("device");
    let (vault, lock) = Vault::create(PASSWORD).await.expect("create");
    let victim = Uuid::now_v7().to_string();
    let sealed = identity::seal_fields(&vault, identity_fields(&victim, NAME))
        .await
        .expect("seal");
    let session: gugus_app::store::Session = serde_json::from_value(json!({
        "token": "t", "expires_at": AT,
        "user": {"id": Uuid::now_v7(), "username": "petugas", "name": "Petugas", "role": "officer"},
    }))
    .expect("session");
    store
        .claim(&session.user.id.to_string(), &lock, &session)
        .await
        .expect("claim");
    store
        .save_record(
            RecordKind::VictimIdentity,
            None,
            sealed,
            "victim_identity:new",
            AT.into(),
        )
        .await
        .expect("save");
    store
        .save_draft("activity:new", &json!({"venue": "Balai desa"}))
        .await
        .expect("draft");
    let next = store.peek_next_mutation_id().await.expect("next");
    assert_eq!(next, 2);

    store.wipe().await.expect("wipe");
    assert_eq!(store.pending_count().await.expect("count"), 0);
    assert!(store
        .list_records(RecordKind::VictimIdentity)
        .await
        .expect("list")
        .is_empty());
    assert_eq!(
        store.draft::<Value>("activity:new").await.expect("draft"),
        None
    );
    assert_eq!(store.session().await.expect("session"), None);
    assert_eq!(store.owner().await.expect("owner"), (None, None));
    assert_eq!(store.device_id().await.expect("device"), device);
    assert_eq!(
        store.peek_next_mutation_id().await.expect("next"),
        next,
        "mutation ids the server saw from this device are never handed out again"
    );
}

#[wasm_bindgen_test]
async fn an_older_pull_format_starts_the_pull_again_once() {
    let store = fresh("t-pull-format").await;
    store.apply_pull(&empty_page("v9")).await.expect("pull");
    store.upgrade_pull().await.expect("upgrade");
    assert_eq!(store.cursor().await.expect("cursor"), None);
    store.apply_pull(&empty_page("v12")).await.expect("pull");
    store.upgrade_pull().await.expect("upgrade");
    assert_eq!(
        store.cursor().await.expect("cursor"),
        Some("v12".into()),
        "only once"
    );
}

/// A page that brings nothing but its cursor.
fn empty_page(cursor: &str) -> PulledPage {
    PulledPage::new(PullResponse {
        cursor: cursor.into(),
        more: false,
        last_mutation_id: 0,
        records: Vec::new(),
    })
    .expect("a page to store")
}
