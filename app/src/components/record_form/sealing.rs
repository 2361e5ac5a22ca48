//! How a form keeps its values: plain for most kinds; for a victim's identity, sealed
//! everywhere they touch the device's store: the record and its outbox entry as
//! end-to-end envelopes under the case's key (`keyring::Keyring`), the draft under the
//! officer's vault; opened only for the form on screen.

use crate::crypto::Sealed;
use crate::keyring::{Keyring, KeyringError};
use crate::store::{LocalRecord, Store, StoreResult};
use serde_json::{Map, Value};
use uuid::Uuid;

/// A form's way of keeping values.
#[derive(Debug, Clone)]
pub enum Keeping {
    /// Any kind but identity.
    Plain,
    /// Identity, with the open keys and the record's id (made before its first save: it
    /// is sealed into every envelope).
    Sealed(Keyring, Uuid),
    /// Identity while the device is locked: nothing is read or written.
    Locked,
}

impl Keeping {
    /// How a form of `kind` keeps the values of record `id` (a new record's, made now),
    /// with the keys as they are now.
    pub fn for_kind(kind: &str, keyring: Option<Keyring>, id: Option<&str>) -> Keeping {
        match (crate::identity::is_identity_kind(kind), keyring) {
            (false, _) => Keeping::Plain,
            (true, Some(keyring)) => {
                let id = id
                    .and_then(|id| id.parse().ok())
                    .unwrap_or_else(Uuid::now_v7);
                Keeping::Sealed(keyring, id)
            }
            (true, None) => Keeping::Locked,
        }
    }

    /// The record's id when the form made it (a new identity).
    pub fn record_id(&self) -> Option<String> {
        match self {
            Keeping::Sealed(_, id) => Some(id.to_string()),
            _ => None,
        }
    }

    /// The draft kept under `key`, opened (`None` when there is none or it does not open).
    pub async fn draft(&self, store: &Store, key: &str) -> Option<Map<String, Value>> {
        match self {
            Keeping::Plain => store.draft(key).await.ok().flatten(),
            Keeping::Sealed(keyring, _) => {
                let sealed: Sealed = store.draft(key).await.ok().flatten()?;
                keyring.vault().unseal_json(&sealed).await.ok()
            }
            Keeping::Locked => None,
        }
    }

    /// Keeps `draft` under `key` (sealed whole for identity; never while locked).
    pub async fn keep_draft(
        &self,
        store: &Store,
        key: &str,
        draft: &Map<String, Value>,
    ) -> StoreResult<()> {
        match self {
            Keeping::Plain => store.save_draft(key, draft).await,
            Keeping::Sealed(keyring, _) => match keyring.vault().seal_json(draft).await {
                Ok(sealed) => store.save_draft(key, &sealed).await,
                // Not kept rather than kept in the clear.
                Err(_) => Ok(()),
            },
            Keeping::Locked => Ok(()),
        }
    }

    /// A stored record as the form shows it.
    pub async fn for_screen(
        &self,
        store: &Store,
        record: LocalRecord,
    ) -> Result<LocalRecord, KeyringError> {
        match self {
            Keeping::Plain => Ok(record),
            Keeping::Sealed(keyring, _) => keyring.open_record(store, record).await,
            Keeping::Locked => Err(KeyringError::NoKeyPair),
        }
    }

    /// Fields as the store keeps them (an identity's sealed under its case's key, made
    /// now, at `at`, if this device holds none of the case's keys yet).
    pub async fn for_store(
        &self,
        store: &Store,
        fields: Map<String, Value>,
        at: &str,
    ) -> Result<Map<String, Value>, KeyringError> {
        match self {
            Keeping::Plain => Ok(fields),
            Keeping::Sealed(keyring, id) => {
                let victim = fields
                    .get("victim_id")
                    .and_then(Value::as_str)
                    .ok_or(KeyringError::NoCase)?;
                let case = Keyring::case_of_victim(store, victim).await?;
                let key = keyring.writing_key(store, case, at).await?;
                keyring.seal_fields(&key, *id, fields).await
            }
            Keeping::Locked => Err(KeyringError::NoKeyPair),
        }
    }
}
