//! The device's keys for victims' identities (issue #18), in real headless Chromium: a
//! case's first identity makes its key, wrapped for the writer, the supervisors and the
//! recovery key as `case_key` records ahead of the identity in the outbox; the identity is
//! stored and sent only as envelopes; a supervisor's device opens it, an account it was
//! not wrapped for sees "not shared"; an outbox entry of an earlier build goes out as
//! envelopes.
#![forbid(unsafe_code)]

use gugus_app::e2e::AccountKeyPair;
use gugus_app::identity;
use gugus_app::keyring::{sealed_anew, Directory, KeyringError};
use gugus_app::store::{PulledPage, Store};
use gugus_model::e2e::{is_envelope, Envelope, PublicKey, Reader, RecoveryKey, WrappedKey};
use gugus_model::sync::{PullResponse, RecordState};
use gugus_model::RecordKind;
use serde_json::{json, Value};
use uuid::Uuid;
use wasm_bindgen_test::*;

mod common;

use common::{case_and_victim, fresh, keyring, object, pair};

wasm_bindgen_test_configure!(run_in_browser);

const NAME: &str = "Siti Aminah";
const NIK: &str = "3303084501070001";
const AT: &str = "2026-12-04T03:20:00.000Z";

/// Every record and outbox entry of `store` as a pull would carry them.
async fn as_pulled(store: &Store) -> Vec<RecordState> {
    store
        .all_records()
        .await
        .expect("records")
        .into_iter()
        .map(|listed| RecordState {
            kind: listed.record.kind,
            id: listed.record.id.parse().expect("id"),
            version: 1,
            deleted: false,
            fields: listed.record.fields,
            conflict: false,
            conflicts: Vec::new(),
        })
        .collect()
}

#[wasm_bindgen_test]
async fn an_identity_goes_out_as_envelopes_that_the_supervisor_opens_and_no_one_else() {
    let store = fresh("t-keyring-officer").await;
    let (officer, supervisor, stranger) = (pair().await, pair().await, pair().await);
    let (recovery_code, recovery) = AccountKeyPair::generate_recovery().await.expect("recovery");
    assert!(!recovery_code.is_empty());
    let directory = Directory {
        supervisors: vec![PublicKey {
            account: supervisor.account,
            public: supervisor.public.clone(),
        }],
        recovery: Some(RecoveryKey {
            public: recovery.public.clone(),
        }),
        liaisons: Default::default(),
    };
    store
        .set_key_directory(&directory)
        .await
        .expect("directory");
    let (case, victim) = case_and_victim(&store).await;
    let keys = keyring(&officer).await;

    let key = keys.writing_key(&store, case, AT).await.expect("key");
    let again = keys.writing_key(&store, case, AT).await.expect("same key");
    assert_eq!(again.id, key.id, "one key per case while it is held");
    let id = Uuid::now_v7();
    let plain = object(json!({"victim_id": victim, "full_name": NAME, "nik": NIK, "phone": null}));
    let sealed = keys
        .seal_fields(&key, id, plain.clone())
        .await
        .expect("seal");
    assert_eq!(sealed["victim_id"], json!(victim), "the link stays open");
    assert_eq!(sealed["phone"], Value::Null);
    for name in ["full_name", "nik"] {
        let envelope = Envelope::parse(sealed[name].as_str().expect("text")).expect(name);
        assert_eq!(envelope.key_id, key.id);
    }
    let resealed = keys
        .seal_fields(&key, id, plain.clone())
        .await
        .expect("seal");
    assert_eq!(
        resealed, sealed,
        "the same value seals to the same envelope"
    );
    let elsewhere = keys
        .seal_fields(&key, Uuid::now_v7(), plain.clone())
        .await
        .expect("seal");
    assert_ne!(
        elsewhere["full_name"], sealed["full_name"],
        "bound to its record"
    );
    store
        .save_record(
            RecordKind::VictimIdentity,
            Some(&id.to_string()),
            sealed,
            "victim_identity:new",
            AT.into(),
        )
        .await
        .expect("save");

    // The outbox: the case and victim, three wrappings, then the identity.
    let outbox = store.outbox().await.expect("outbox");
    let kinds: Vec<&str> = outbox.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "case",
            "victim",
            "case_key",
            "case_key",
            "case_key",
            "victim_identity"
        ]
    );
    let readers: Vec<Reader> = outbox
        .iter()
        .filter(|m| m.kind == "case_key")
        .map(|m| WrappedKey::from_fields(&m.fields).expect("wrapped").reader)
        .collect();
    assert_eq!(
        readers,
        [
            Reader::Account(officer.account),
            Reader::Account(supervisor.account),
            Reader::Recovery
        ]
    );
    let text = serde_json::to_string(&outbox).expect("json");
    assert!(!text.contains("Siti") && !text.contains(NIK), "{text}");

    // The officer's own device opens it.
    let stored = store
        .record(RecordKind::VictimIdentity, &id.to_string())
        .await
        .expect("read")
        .expect("there");
    let shown = keys
        .open_record(&store, stored.record.clone())
        .await
        .expect("open");
    assert_eq!(shown.fields, plain);

    // A supervisor's device, which pulled it all, opens it with its own key pair.
    let pulled = as_pulled(&store).await;
    let elsewhere = fresh("t-keyring-supervisor").await;
    let page = PulledPage::new(PullResponse {
        cursor: "v9".into(),
        more: false,
        last_mutation_id: 0,
        records: pulled,
    })
    .expect("envelopes are stored as they come");
    elsewhere.apply_pull(&page).await.expect("pull");
    let theirs = keyring(&supervisor).await;
    let shown = theirs
        .open_record(&elsewhere, stored.record.clone())
        .await
        .expect("the supervisor opens it");
    assert_eq!(shown.fields["full_name"], json!(NAME));

    // An account it was not wrapped for: not shared, which is not an error.
    let outsider = keyring(&stranger).await;
    assert_eq!(
        outsider.open_record(&elsewhere, stored.record).await.err(),
        Some(KeyringError::NotShared)
    );
    store.close();
    elsewhere.close();
}

#[wasm_bindgen_test]
async fn an_identity_change_of_an_earlier_build_is_sent_as_envelopes() {
    let store = fresh("t-keyring-legacy").await;
    let officer = pair().await;
    let keys = keyring(&officer).await;
    let (_, victim) = case_and_victim(&store).await;
    let plain = object(json!({"victim_id": victim, "full_name": NAME, "nik": NIK}));
    let old = identity::seal_fields(keys.vault(), plain.clone())
        .await
        .expect("sealed as before");
    let id = Uuid::now_v7().to_string();
    store
        .save_record(RecordKind::VictimIdentity, Some(&id), old, "d", AT.into())
        .await
        .expect("save");
    let waiting = store.outbox().await.expect("outbox").pop().expect("entry");
    let sent = keys.outgoing(&store, waiting, AT).await.expect("sealed");
    assert!(is_envelope(&sent.fields["full_name"]) && is_envelope(&sent.fields["nik"]));
    assert_eq!(sent.fields["victim_id"], json!(victim));
    let record = store
        .record(RecordKind::VictimIdentity, &id)
        .await
        .expect("read")
        .expect("there")
        .record;
    let mut as_sent = record.clone();
    as_sent.fields = sent.fields;
    let shown = keys.open_record(&store, as_sent).await.expect("open");
    assert_eq!(
        shown.fields, plain,
        "the envelopes hold what the vault held"
    );
    let shown = keys
        .open_record(&store, record)
        .await
        .expect("open the old");
    assert_eq!(shown.fields, plain, "values of an earlier build still open");
    store.close();
}

#[wasm_bindgen_test]
async fn a_key_rotates_once_an_officer_who_holds_it_is_taken_off_the_case() {
    let store = fresh("t-keyring-rotate").await;
    let (officer, supervisor, second) = (pair().await, pair().await, pair().await);
    let directory = Directory {
        supervisors: vec![PublicKey {
            account: supervisor.account,
            public: supervisor.public.clone(),
        }],
        recovery: None,
        liaisons: Default::default(),
    };
    store
        .set_key_directory(&directory)
        .await
        .expect("directory");
    let (case, _) = case_and_victim(&store).await;
    let assign = |officers: Vec<Uuid>| {
        let store = store.clone();
        async move {
            let fields = object(json!({"status": "reported", "assigned_officers": officers}));
            store
                .save_record(
                    RecordKind::Case,
                    Some(&case.to_string()),
                    fields,
                    "c",
                    AT.into(),
                )
                .await
                .expect("assigned");
        }
    };
    assign(vec![second.account]).await;
    let keys = keyring(&officer).await;
    let first = keys.writing_key(&store, case, AT).await.expect("key");
    // A supervisor's device shares it with the assigned officer (`Keyring::share`).
    let shared = first
        .wrap_for(case, Reader::Account(second.account), &second.public)
        .await
        .expect("wrap");
    let id = Uuid::now_v7().to_string();
    store
        .save_record(
            RecordKind::CaseKey,
            Some(&id),
            shared.to_fields(),
            "",
            AT.into(),
        )
        .await
        .expect("saved");
    let still = keys.writing_key(&store, case, AT).await.expect("key");
    assert_eq!(
        still.id, first.id,
        "its readers may all still read the case"
    );

    assign(Vec::new()).await;
    let rotated = keys.writing_key(&store, case, AT).await.expect("key");
    assert_ne!(
        rotated.id, first.id,
        "a new key once an officer who holds it left"
    );
    let readers: Vec<Reader> = store
        .list_records(RecordKind::CaseKey)
        .await
        .expect("keys")
        .into_iter()
        .filter_map(|l| WrappedKey::from_fields(&l.record.fields).ok())
        .filter(|w| w.key_id == rotated.id)
        .map(|w| w.reader)
        .collect();
    assert_eq!(
        readers,
        [
            Reader::Account(officer.account),
            Reader::Account(supervisor.account)
        ],
        "the new key is not wrapped for the officer who left"
    );
    let again = keys.writing_key(&store, case, AT).await.expect("key");
    assert_eq!(
        again.id, rotated.id,
        "and it stays the key while nothing changes"
    );
    store.close();
}

#[wasm_bindgen_test]
fn an_identity_is_sent_whole_when_a_value_is_not_under_the_key_it_is_sealed_with() {
    let envelope = |key: u128| {
        json!(Envelope {
            key_id: Uuid::from_u128(key),
            nonce: [1; 12],
            ciphertext: vec![2; 20],
        }
        .to_text())
    };
    let fields =
        |name: Value, nik: Value| object(json!({"victim_id": "v", "full_name": name, "nik": nik}));
    let sealed = fields(envelope(2), envelope(2));
    assert!(!sealed_anew(&fields(envelope(2), Value::Null), &sealed));
    assert!(!sealed_anew(&fields(envelope(2), envelope(2)), &sealed));
    assert!(
        sealed_anew(&fields(envelope(2), envelope(1)), &sealed),
        "a rotated key"
    );
    assert!(
        sealed_anew(
            &fields(json!("gugus-sealed:v1:00:00"), envelope(2)),
            &sealed
        ),
        "a value of an earlier build"
    );
}
