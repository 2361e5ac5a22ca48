//! What the key tests share: a fresh store, a key pair, a keyring, a case and its victim.

use gugus_app::crypto::Vault;
use gugus_app::e2e::AccountKeyPair;
use gugus_app::keyring::Keyring;
use gugus_app::store::Store;
use gugus_model::RecordKind;
use serde_json::{json, Map, Value};
use uuid::Uuid;

pub const PASSWORD: &str = "kata-sandi-petugas";
/// When the case and victim of [`case_and_victim`] were recorded.
const RECORDED_AT: &str = "2026-12-04T03:00:00.000Z";

/// An empty store named `name`.
pub async fn fresh(name: &str) -> Store {
    Store::delete_named(name).await.expect("delete");
    Store::open_named(name).await.expect("open")
}

pub fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("object")
}

/// A new account's key pair.
pub async fn pair() -> AccountKeyPair {
    AccountKeyPair::generate(Uuid::now_v7(), PASSWORD)
        .await
        .expect("pair")
        .0
}

/// A keyring holding `pair`.
pub async fn keyring(pair: &AccountKeyPair) -> Keyring {
    let (vault, _) = Vault::create(PASSWORD).await.expect("vault");
    Keyring::new(vault, Some(pair.clone()))
}

/// A case and its victim saved on `store`: their ids.
pub async fn case_and_victim(store: &Store) -> (Uuid, String) {
    let case = Uuid::now_v7();
    let victim = Uuid::now_v7().to_string();
    store
        .save_record(
            RecordKind::Case,
            Some(&case.to_string()),
            object(json!({"status": "reported"})),
            "case:new",
            RECORDED_AT.into(),
        )
        .await
        .expect("case");
    store
        .save_record(
            RecordKind::Victim,
            Some(&victim),
            object(json!({"case_id": case, "pseudonym": "S."})),
            "victim:new",
            RECORDED_AT.into(),
        )
        .await
        .expect("victim");
    (case, victim)
}
