//! How a form keeps its values: plain for most kinds; for a victim's identity, sealed
//! under the officer's vault everywhere they touch the device's store (the record, its
//! outbox entry and the draft), and opened only for the form on screen.

use crate::crypto::{CryptoError, Sealed, Vault};
use crate::identity;
use crate::store::{LocalRecord, Store, StoreResult};
use serde_json::{Map, Value};

/// A form's way of keeping values.
#[derive(Debug, Clone)]
pub enum Keeping {
    /// Any kind but identity.
    Plain,
    /// Identity, with the open vault.
    Sealed(Vault),
    /// Identity while the vault is locked: nothing is read or written.
    Locked,
}

impl Keeping {
    /// How a form of `kind` keeps its values, with the vault as it is now.
    pub fn for_kind(kind: &str, vault: Option<Vault>) -> Keeping {
        match (identity::is_identity_kind(kind), vault) {
            (false, _) => Keeping::Plain,
            (true, Some(vault)) => Keeping::Sealed(vault),
            (true, None) => Keeping::Locked,
        }
    }

    /// The draft kept under `key`, opened (`None` when there is none or it does not open).
    pub async fn draft(&self, store: &Store, key: &str) -> Option<Map<String, Value>> {
        match self {
            Keeping::Plain => store.draft(key).await.ok().flatten(),
            Keeping::Sealed(vault) => {
                let sealed: Sealed = store.draft(key).await.ok().flatten()?;
                vault.unseal_json(&sealed).await.ok()
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
            Keeping::Sealed(vault) => match vault.seal_json(draft).await {
                Ok(sealed) => store.save_draft(key, &sealed).await,
                // Not kept rather than kept in the clear.
                Err(_) => Ok(()),
            },
            Keeping::Locked => Ok(()),
        }
    }

    /// A stored record as the form shows it.
    pub async fn for_screen(&self, record: LocalRecord) -> Result<LocalRecord, CryptoError> {
        match self {
            Keeping::Plain => Ok(record),
            Keeping::Sealed(vault) => identity::open_record(vault, record).await,
            Keeping::Locked => Err(CryptoError::WrongKey),
        }
    }

    /// Fields as the store keeps them.
    pub async fn for_store(
        &self,
        fields: Map<String, Value>,
    ) -> Result<Map<String, Value>, CryptoError> {
        match self {
            Keeping::Plain => Ok(fields),
            Keeping::Sealed(vault) => identity::seal_fields(vault, fields).await,
            Keeping::Locked => Err(CryptoError::WrongKey),
        }
    }

    /// One field's value as the store keeps it.
    pub async fn value_for_store(&self, field: &str, value: Value) -> Result<Value, CryptoError> {
        match self {
            Keeping::Plain => Ok(value),
            Keeping::Sealed(vault) => identity::seal_value(vault, field, value).await,
            Keeping::Locked => Err(CryptoError::WrongKey),
        }
    }
}
