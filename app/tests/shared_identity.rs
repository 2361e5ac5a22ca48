//! A victim's identity shared with the liaison of the agency a referral is addressed to
//! (issue #19), in real headless Chromium: while the referral is open or accepted the
//! liaison reads the case like its officers (a new key is wrapped for it, and a key made
//! before the referral is wrapped for it at the next sync without asking the server
//! anything), its phone opens the identity holding neither the victim nor the case, and
//! once the referral is declined or cancelled it may no longer read the case: the next
//! identity write makes a new key it does not get.
#![forbid(unsafe_code)]

use gugus_app::e2e::{AccountKeyPair, CaseKey};
use gugus_app::keyring::shares::case_shares;
use gugus_app::keyring::{CaseWrappings, Directory, KeyringError};
use gugus_app::store::{PulledPage, Store};
use gugus_app::sync::Api;
use gugus_model::e2e::{PublicKey, Reader, RecoveryKey, WrappedKey};
use gugus_model::sync::{PullResponse, RecordState};
use gugus_model::RecordKind;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;
use wasm_bindgen_test::*;

mod common;

use common::{case_and_victim, fresh, keyring, object, pair};

wasm_bindgen_test_configure!(run_in_browser);

const AT: &str = "2026-12-05T02:10:00.000Z";
const AGENCY: &str = "uptd_ppa";
const ELSEWHERE: &str = "rsud";

fn public(pair: &AccountKeyPair) -> PublicKey {
    PublicKey {
        account: pair.account,
        public: pair.public.clone(),
    }
}

/// The accounts of one officer's task force: the officer, a supervisor, the liaison of
/// the agency referred to and one of another agency.
struct People {
    officer: AccountKeyPair,
    supervisor: AccountKeyPair,
    liaison: AccountKeyPair,
    other_liaison: AccountKeyPair,
}

impl People {
    async fn new() -> People {
        People {
            officer: pair().await,
            supervisor: pair().await,
            liaison: pair().await,
            other_liaison: pair().await,
        }
    }

    /// The directory a sync keeps on the officer's phone while a referral to each of the
    /// two agencies shares an identity.
    fn directory(&self, recovery: Option<RecoveryKey>) -> Directory {
        Directory {
            supervisors: vec![public(&self.supervisor)],
            recovery,
            liaisons: BTreeMap::from([
                (AGENCY.to_owned(), vec![public(&self.liaison)]),
                (ELSEWHERE.to_owned(), vec![public(&self.other_liaison)]),
            ]),
        }
    }
}

/// A referral of `victim` to `agency`, sharing the identity when `share`: its id.
async fn refer(store: &Store, victim: &str, agency: &str, share: bool) -> String {
    let mut fields = object(json!({
        "victim_id": victim, "agency": agency, "service": "psychosocial",
        "reason": "Pendampingan psikologis", "urgency": "urgent",
        "referred_on": "2026-12-05", "needed_by": "2026-12-12",
    }));
    if share {
        fields.insert("share_identity".into(), json!(true));
    }
    let (id, _) = store
        .save_record(RecordKind::Referral, None, fields, "r", AT.into())
        .await
        .expect("referral");
    id
}

/// A step `action` on referral `id`, as the liaison's or the officer's phone saves it.
async fn step(store: &Store, id: &str, action: &str) {
    let mut fields = object(json!({"referral_id": id, "action": action, "date": "2026-12-06"}));
    if action == "decline" {
        fields.insert("decline_reason".into(), json!("no_capacity"));
    }
    store
        .save_record(RecordKind::ReferralStep, None, fields, "s", AT.into())
        .await
        .expect("step");
}

/// The readers of key `key_id` on `store`.
async fn readers_of(store: &Store, key_id: Uuid) -> Vec<Reader> {
    store
        .list_records(RecordKind::CaseKey)
        .await
        .expect("keys")
        .into_iter()
        .filter_map(|l| WrappedKey::from_fields(&l.record.fields).ok())
        .filter(|w| w.key_id == key_id)
        .map(|w| w.reader)
        .collect()
}

/// Who may read case `case` on the officer's phone now.
async fn allowed(store: &Store, case: Uuid, me: Uuid) -> Vec<Uuid> {
    let directory: Directory = store.key_directory().await.expect("read").expect("kept");
    let agencies = case_shares(store).await.expect("shares").remove(&case);
    CaseWrappings::read(store, case)
        .await
        .expect("wrappings")
        .allowed(store, &directory, me, agencies.as_ref())
        .await
        .expect("allowed")
}

#[wasm_bindgen_test]
async fn a_cases_readers_include_the_liaison_of_a_live_shared_referral_and_not_after_a_decline() {
    let store = fresh("t-shared-readers").await;
    let people = People::new().await;
    store
        .set_key_directory(&people.directory(None))
        .await
        .expect("directory");
    let (case, victim) = case_and_victim(&store).await;
    let keys = keyring(&people.officer).await;
    keys.writing_key(&store, case, AT).await.expect("key");
    assert!(
        case_shares(&store).await.expect("shares").is_empty(),
        "no referral yet"
    );
    let me = people.officer.account;
    assert!(!allowed(&store, case, me)
        .await
        .contains(&people.liaison.account));

    // A referral that does not share the identity changes nothing.
    refer(&store, &victim, ELSEWHERE, false).await;
    assert!(case_shares(&store).await.expect("shares").is_empty());

    let referral = refer(&store, &victim, AGENCY, true).await;
    let shares = case_shares(&store).await.expect("shares");
    assert_eq!(
        shares.get(&case),
        Some(&BTreeSet::from([AGENCY.to_owned()]))
    );
    let readers = allowed(&store, case, me).await;
    assert!(readers.contains(&people.liaison.account), "{readers:?}");
    assert!(readers.contains(&people.supervisor.account));
    assert!(
        !readers.contains(&people.other_liaison.account),
        "another agency's liaison reads nothing"
    );

    step(&store, &referral, "accept").await;
    assert!(allowed(&store, case, me)
        .await
        .contains(&people.liaison.account));
    step(&store, &referral, "decline").await;
    assert!(case_shares(&store).await.expect("shares").is_empty());
    assert!(
        !allowed(&store, case, me)
            .await
            .contains(&people.liaison.account),
        "a decline ends the sharing"
    );
    store.close();
}

#[wasm_bindgen_test]
async fn a_new_case_key_is_wrapped_for_the_liaison_whose_phone_opens_the_identity_alone() {
    let store = fresh("t-shared-writing").await;
    let people = People::new().await;
    let (_, recovery) = AccountKeyPair::generate_recovery().await.expect("recovery");
    let recovery = RecoveryKey {
        public: recovery.public.clone(),
    };
    store
        .set_key_directory(&people.directory(Some(recovery)))
        .await
        .expect("directory");
    let (case, victim) = case_and_victim(&store).await;
    refer(&store, &victim, AGENCY, true).await;
    let keys = keyring(&people.officer).await;
    let key = keys.writing_key(&store, case, AT).await.expect("key");
    assert_eq!(
        readers_of(&store, key.id).await,
        [
            Reader::Account(people.officer.account),
            Reader::Account(people.supervisor.account),
            Reader::Account(people.liaison.account),
            Reader::Recovery,
        ],
        "the liaison of the agency referred to, not the other agency's"
    );
    let id = Uuid::now_v7();
    let plain = object(json!({
        "victim_id": victim, "full_name": "Siti Aminah", "nik": "3303084501070001",
        "address": "Desa Karangreja RT 02/RW 01",
    }));
    let sealed = keys
        .seal_fields(&key, id, plain.clone())
        .await
        .expect("seal");
    store
        .save_record(
            RecordKind::VictimIdentity,
            Some(&id.to_string()),
            sealed,
            "i",
            AT.into(),
        )
        .await
        .expect("identity");

    // The liaison's pull: its wrapping and the identity, never the victim or the case.
    let pulled: Vec<RecordState> = store
        .all_records()
        .await
        .expect("records")
        .into_iter()
        .filter(|l| match l.record.kind.as_str() {
            "victim_identity" => true,
            "case_key" => WrappedKey::from_fields(&l.record.fields)
                .is_ok_and(|w| w.reader == Reader::Account(people.liaison.account)),
            _ => false,
        })
        .map(|l| RecordState {
            kind: l.record.kind,
            id: l.record.id.parse().expect("id"),
            version: 1,
            deleted: false,
            fields: l.record.fields,
            conflict: false,
            conflicts: Vec::new(),
        })
        .collect();
    assert_eq!(pulled.len(), 2);
    let phone = fresh("t-shared-liaison").await;
    let page = PulledPage::new(PullResponse {
        cursor: "v3".into(),
        more: false,
        last_mutation_id: 0,
        records: pulled,
    })
    .expect("page");
    phone.apply_pull(&page).await.expect("pull");
    let identity = phone
        .identity_of(&victim)
        .await
        .expect("read")
        .expect("there")
        .record;
    assert!(phone
        .record(RecordKind::Victim, &victim)
        .await
        .expect("read")
        .is_none());
    let liaison = keyring(&people.liaison).await;
    let shown = liaison
        .open_record(&phone, identity.clone())
        .await
        .expect("the liaison opens it");
    assert_eq!(shown.fields, plain);
    let other = keyring(&people.other_liaison).await;
    assert_eq!(
        other.open_record(&phone, identity).await.err(),
        Some(KeyringError::NotShared)
    );
    store.close();
    phone.close();
}

#[wasm_bindgen_test]
async fn the_key_rotates_once_the_shared_referral_closes() {
    let store = fresh("t-shared-rotate").await;
    let people = People::new().await;
    store
        .set_key_directory(&people.directory(None))
        .await
        .expect("directory");
    let (case, victim) = case_and_victim(&store).await;
    let referral = refer(&store, &victim, AGENCY, true).await;
    let keys = keyring(&people.officer).await;
    let first = keys.writing_key(&store, case, AT).await.expect("key");
    let liaison = Reader::Account(people.liaison.account);
    assert!(readers_of(&store, first.id).await.contains(&liaison));
    step(&store, &referral, "accept").await;
    let still = keys.writing_key(&store, case, AT).await.expect("key");
    assert_eq!(
        still.id, first.id,
        "accepted: the liaison may still read it"
    );

    step(&store, &referral, "deliver").await;
    let rotated = keys.writing_key(&store, case, AT).await.expect("key");
    assert_ne!(
        rotated.id, first.id,
        "a new key once the service is delivered"
    );
    assert_eq!(
        readers_of(&store, rotated.id).await,
        [
            Reader::Account(people.officer.account),
            Reader::Account(people.supervisor.account)
        ],
        "not wrapped for the liaison any more"
    );
    let again = keys.writing_key(&store, case, AT).await.expect("key");
    assert_eq!(again.id, rotated.id, "and it stays while nothing changes");
    store.close();
}

#[wasm_bindgen_test]
async fn a_referral_made_after_the_key_shares_it_at_the_next_sync_without_asking_the_server() {
    let store = fresh("t-shared-share").await;
    let people = People::new().await;
    store
        .set_key_directory(&people.directory(None))
        .await
        .expect("directory");
    let (case, victim) = case_and_victim(&store).await;
    let keys = keyring(&people.officer).await;
    let key = keys.writing_key(&store, case, AT).await.expect("key");
    let referral = refer(&store, &victim, AGENCY, true).await;
    // A sync that sent and brought nothing of the case: the referral alone brings the
    // liaison its wrapping. The liaison's key is in the directory, so no request is made
    // (this test's page has no API: one would fail).
    let api = Api::here();
    let nothing = BTreeSet::new();
    let saved = keys
        .share(&store, &api, "token", Some(&nothing), AT)
        .await
        .expect("shared");
    assert_eq!(saved, 1);
    let wrapped: Vec<WrappedKey> = store
        .list_records(RecordKind::CaseKey)
        .await
        .expect("keys")
        .into_iter()
        .filter_map(|l| WrappedKey::from_fields(&l.record.fields).ok())
        .filter(|w| w.reader == Reader::Account(people.liaison.account))
        .collect();
    assert_eq!(wrapped.len(), 1);
    assert_eq!(wrapped[0].key_id, key.id, "the newest key held");
    let opened = CaseKey::unwrap(&wrapped[0], &people.liaison, wrapped[0].reader)
        .await
        .expect("the liaison unwraps it");
    assert_eq!(
        opened.raw().await.expect("raw"),
        key.raw().await.expect("raw")
    );
    let again = keys
        .share(&store, &api, "token", Some(&nothing), AT)
        .await
        .expect("shared");
    assert_eq!(again, 0, "once");

    // Cancelled (not sent yet): a liaison of the agency made since gets nothing.
    step(&store, &referral, "cancel").await;
    let newcomer = pair().await;
    let mut directory = people.directory(None);
    directory
        .liaisons
        .insert(AGENCY.to_owned(), vec![public(&newcomer)]);
    store
        .set_key_directory(&directory)
        .await
        .expect("directory");
    let after = keys
        .share(&store, &api, "token", Some(&nothing), AT)
        .await
        .expect("shared");
    assert_eq!(after, 0);
    store.close();
}

#[wasm_bindgen_test]
fn a_directory_an_earlier_build_kept_still_reads_with_no_liaisons() {
    let kept = json!({"supervisors": [], "recovery": null});
    let directory: Directory = serde_json::from_value(kept).expect("reads");
    assert_eq!(
        directory,
        Directory::default(),
        "no liaisons: nothing to share anew"
    );
}
