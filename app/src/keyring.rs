//! The keys that seal and open victims' identities on this device once it is unlocked
//! (issue #18): the account's key pair, and the case keys it has unwrapped, held in memory
//! only and dropped when the app locks.
//!
//! An identity's values are kept, sent and received as envelopes under their case's key
//! (`e2e::CaseKey::seal`): the server holds only ciphertext. The device seals a value
//! when a form saves it and opens it only for the screen that shows it. A case's first
//! identity written on this device makes the case's key: it is wrapped for this account,
//! for every supervisor and for the task force's recovery key (the [`Directory`], as the
//! last sync fetched it), and each wrapping is a `case_key` record saved with the
//! identity, so it reaches the server in the same push, ahead of it.
//!
//! Values sealed under the officer's password by earlier builds (`crypto::Vault`) still
//! open; an edit seals them again as envelopes, and a change still waiting in the outbox
//! is sealed as envelopes when it is sent ([`Keyring::outgoing`]).

use crate::crypto::{is_sealed, CryptoError, Vault};
use crate::e2e::{AccountKeyPair, CaseKey};
use crate::identity::{is_identity_kind, sealed_field};
use crate::store::{LocalRecord, Store, StoreError};
use gugus_model::e2e::{Envelope, PublicKey, Reader, RecoveryKey, WrappedKey};
use gugus_model::sync::Mutation;
use gugus_model::RecordKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use uuid::Uuid;

/// The readers beside the writer that every new case key is wrapped for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    /// Every active supervisor with live keys (`GET /keys/public?role=supervisor`).
    pub supervisors: Vec<PublicKey>,
    /// The task force's recovery key, once an admin has made it.
    pub recovery: Option<RecoveryKey>,
}

/// Why an identity could not be sealed or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyringError {
    /// No key of this case is wrapped for this account on the device yet: a supervisor's
    /// device has still to share it ("identitas belum dibagikan").
    #[error("the identity has not been shared with this account yet")]
    NotShared,
    /// The account's key pair is not open on this device (it has not reached it yet).
    #[error("this account's key pair is not on this device yet")]
    NoKeyPair,
    /// The victim, or its case, is not on the device.
    #[error("the victim's case is not on this device")]
    NoCase,
    /// WebCrypto failed, or the data was altered.
    #[error("{0}")]
    Crypto(#[from] CryptoError),
    /// The device's store failed.
    #[error("{0}")]
    Store(String),
}

impl From<StoreError> for KeyringError {
    fn from(error: StoreError) -> Self {
        KeyringError::Store(error.to_string())
    }
}

/// The unlocked keys (see the module's text). Clones share the case keys unwrapped so far.
#[derive(Debug, Clone)]
pub struct Keyring {
    /// The vault of earlier builds' sealed values (and of drafts).
    vault: Vault,
    /// The account's key pair, once it has reached the device.
    pair: Option<AccountKeyPair>,
    held: Rc<RefCell<Held>>,
}

/// The case keys unwrapped so far.
#[derive(Debug, Default)]
struct Held {
    /// By key id.
    keys: HashMap<Uuid, CaseKey>,
    /// The key this device writes each case's identities with, by case id.
    writing: HashMap<Uuid, CaseKey>,
}

impl Keyring {
    /// The keys of an unlocked device: its vault, and the account's pair when it has one.
    pub fn new(vault: Vault, pair: Option<AccountKeyPair>) -> Keyring {
        Keyring {
            vault,
            pair,
            held: Rc::default(),
        }
    }

    /// The vault (drafts, and values sealed by earlier builds).
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The same keys with the account's pair, once it has been unlocked.
    pub fn with_pair(&self, pair: AccountKeyPair) -> Keyring {
        Keyring {
            vault: self.vault.clone(),
            pair: Some(pair),
            held: self.held.clone(),
        }
    }

    /// Whether the account's pair is open (identities can be sealed and opened).
    pub fn has_pair(&self) -> bool {
        self.pair.is_some()
    }

    fn pair(&self) -> Result<&AccountKeyPair, KeyringError> {
        self.pair.as_ref().ok_or(KeyringError::NoKeyPair)
    }

    /// The case keys of this device wrapped for this account, read from the store: of
    /// case `case_id`, or with id `key_id`.
    async fn wrapped_for_me(
        &self,
        store: &Store,
        pick: impl Fn(&WrappedKey) -> bool,
    ) -> Result<Vec<WrappedKey>, KeyringError> {
        let me = Reader::Account(self.pair()?.account);
        Ok(store
            .list_records(RecordKind::CaseKey)
            .await?
            .into_iter()
            .filter(|listed| !listed.record.deleted)
            .filter_map(|listed| WrappedKey::from_fields(&listed.record.fields).ok())
            .filter(|wrapped| wrapped.reader == me && pick(wrapped))
            .collect())
    }

    /// The case key with id `key_id`, unwrapped once and then held.
    async fn key(&self, store: &Store, key_id: Uuid) -> Result<CaseKey, KeyringError> {
        if let Some(key) = self.held.borrow().keys.get(&key_id) {
            return Ok(key.clone());
        }
        let pair = self.pair()?;
        let wrapped = self
            .wrapped_for_me(store, |w| w.key_id == key_id)
            .await?
            .into_iter()
            .next()
            .ok_or(KeyringError::NotShared)?;
        let key = CaseKey::unwrap(&wrapped, pair, wrapped.reader).await?;
        self.held.borrow_mut().keys.insert(key_id, key.clone());
        Ok(key)
    }

    /// The key this device seals case `case_id`'s identities with: the newest of the
    /// case's keys wrapped for this account; or, when it holds none, a new one, wrapped
    /// for this account, the supervisors and the recovery key, each wrapping saved as a
    /// `case_key` record (made at `at`).
    pub async fn writing_key(
        &self,
        store: &Store,
        case_id: Uuid,
        at: &str,
    ) -> Result<CaseKey, KeyringError> {
        if let Some(key) = self.held.borrow().writing.get(&case_id) {
            return Ok(key.clone());
        }
        let pair = self.pair()?;
        let newest = self
            .wrapped_for_me(store, |w| w.case_id == case_id)
            .await?
            .into_iter()
            .max_by_key(|w| w.key_id);
        let key = match newest {
            Some(wrapped) => CaseKey::unwrap(&wrapped, pair, wrapped.reader).await?,
            None => {
                let key = CaseKey::generate().await?;
                let directory: Directory = store.key_directory().await?.unwrap_or_default();
                let mut readers = vec![(Reader::Account(pair.account), pair.public.clone())];
                readers.extend(
                    directory
                        .supervisors
                        .into_iter()
                        .filter(|s| s.account != pair.account)
                        .map(|s| (Reader::Account(s.account), s.public)),
                );
                readers.extend(directory.recovery.map(|r| (Reader::Recovery, r.public)));
                for (reader, public) in readers {
                    let wrapped = key.wrap_for(case_id, reader, &public).await?;
                    let id = Uuid::now_v7().to_string();
                    store
                        .save_record(
                            RecordKind::CaseKey,
                            Some(&id),
                            wrapped.to_fields(),
                            "",
                            at.to_owned(),
                        )
                        .await?;
                }
                key
            }
        };
        let mut held = self.held.borrow_mut();
        held.keys.insert(key.id, key.clone());
        held.writing.insert(case_id, key.clone());
        Ok(key)
    }

    /// The case of victim `victim_id`, from the device's store.
    pub async fn case_of_victim(store: &Store, victim_id: &str) -> Result<Uuid, KeyringError> {
        let victim = store.record(RecordKind::Victim, victim_id).await?;
        victim
            .and_then(|v| v.record.fields.get("case_id")?.as_str()?.parse().ok())
            .ok_or(KeyringError::NoCase)
    }

    /// Seals the identity values of `fields` of record `record_id` under `key`: a plain
    /// value, or one sealed under the vault by an earlier build (opened first); envelopes,
    /// nulls and the link to the victim stay as they are.
    pub async fn seal_fields(
        &self,
        key: &CaseKey,
        record_id: Uuid,
        mut fields: Map<String, Value>,
    ) -> Result<Map<String, Value>, KeyringError> {
        for (name, value) in fields.iter_mut() {
            if !sealed_field(name) || value.is_null() || is_envelope_text(value) {
                continue;
            }
            let plain = match value.as_str() {
                Some(text) if is_sealed(value) => self.vault.open_value(name, text).await?,
                _ => value.take(),
            };
            *value = Value::String(key.seal(record_id, name, &plain).await?);
        }
        Ok(fields)
    }

    /// Opens one identity value: an envelope with its case key, a value of an earlier
    /// build with the vault; anything else is returned as it is.
    async fn open_value(
        &self,
        store: &Store,
        record_id: Uuid,
        name: &str,
        value: Value,
    ) -> Result<Value, KeyringError> {
        let Some(text) = value.as_str() else {
            return Ok(value);
        };
        if let Ok(envelope) = Envelope::parse(text) {
            let key = self.key(store, envelope.key_id).await?;
            return Ok(key.open(record_id, name, text).await?);
        }
        if is_sealed(&value) {
            return Ok(self.vault.open_value(name, text).await?);
        }
        Ok(value)
    }

    async fn open_map(
        &self,
        store: &Store,
        record_id: Uuid,
        fields: Map<String, Value>,
    ) -> Result<Map<String, Value>, KeyringError> {
        let mut open = Map::new();
        for (name, value) in fields {
            let value = self.open_value(store, record_id, &name, value).await?;
            open.insert(name, value);
        }
        Ok(open)
    }

    /// A record as the screen shows it: for an identity, every value opened (its
    /// fields, the server's, the refused ones and its conflicts').
    pub async fn open_record(
        &self,
        store: &Store,
        mut record: LocalRecord,
    ) -> Result<LocalRecord, KeyringError> {
        if !is_identity_kind(&record.kind) {
            return Ok(record);
        }
        let id: Uuid = record.id.parse().map_err(|_| KeyringError::NoCase)?;
        record.fields = self
            .open_map(store, id, std::mem::take(&mut record.fields))
            .await?;
        record.server = self
            .open_map(store, id, std::mem::take(&mut record.server))
            .await?;
        record.rejected = self
            .open_map(store, id, std::mem::take(&mut record.rejected))
            .await?;
        for conflict in &mut record.conflicts {
            let field = conflict.field.clone();
            conflict.server = self
                .open_value(store, id, &field, conflict.server.take())
                .await?;
            conflict.device = self
                .open_value(store, id, &field, conflict.device.take())
                .await?;
        }
        Ok(record)
    }

    /// An outbox entry as it is sent: an identity change an earlier build sealed under
    /// the vault is sealed as envelopes under its case's key; everything else as it is.
    pub async fn outgoing(
        &self,
        store: &Store,
        mut mutation: Mutation,
        at: &str,
    ) -> Result<Mutation, KeyringError> {
        let old = |(name, value): (&String, &Value)| sealed_field(name) && is_sealed(value);
        if !is_identity_kind(&mutation.kind) || !mutation.fields.iter().any(old) {
            return Ok(mutation);
        }
        let victim = match mutation.fields.get("victim_id").and_then(Value::as_str) {
            Some(victim) => victim.to_owned(),
            None => store
                .record(RecordKind::VictimIdentity, &mutation.record_id.to_string())
                .await?
                .and_then(|r| Some(r.record.fields.get("victim_id")?.as_str()?.to_owned()))
                .ok_or(KeyringError::NoCase)?,
        };
        let case = Keyring::case_of_victim(store, &victim).await?;
        let key = self.writing_key(store, case, at).await?;
        let fields = std::mem::take(&mut mutation.fields);
        mutation.fields = self.seal_fields(&key, mutation.record_id, fields).await?;
        Ok(mutation)
    }
}

fn is_envelope_text(value: &Value) -> bool {
    gugus_model::e2e::is_envelope(value)
}
