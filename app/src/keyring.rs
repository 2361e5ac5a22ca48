//! The keys that seal and open victims' identities on this device once it is unlocked
//! (issue #18): the account's key pair, and the case keys it has unwrapped, held in memory
//! only and dropped when the app locks.
//!
//! An identity's values are kept, sent and received as envelopes under their case's key
//! (`e2e::CaseKey::seal`): the server holds only ciphertext. The device seals a value
//! when a form saves it and opens it only for the screen that shows it. A case's first
//! identity written on this device makes the case's key: it is wrapped for this account,
//! for every supervisor, for the liaisons of the agencies a referral shares the victim's
//! identity with ([`shares`], issue #19) and for the task force's recovery key (the
//! [`Directory`], as the last sync fetched it), and each wrapping is a `case_key` record
//! saved with the identity, so it reaches the server in the same push, ahead of it.
//!
//! Values sealed under the officer's password by earlier builds (`crypto::Vault`) still
//! open; an edit seals them again as envelopes, and a change still waiting in the outbox
//! is sealed as envelopes when it is sent ([`Keyring::outgoing`]).

use crate::crypto::{is_sealed, CryptoError, Vault};
use crate::e2e::{AccountKeyPair, CaseKey};
use crate::identity::{is_identity_kind, sealed_field};
use crate::store::{LocalRecord, Store, StoreError};
use gugus_model::e2e::{Envelope, PublicKey, Reader, RecoveryKey, WrappedKey, NIK_INDEX_FIELD};
use gugus_model::sync::Mutation;
use gugus_model::RecordKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;
use uuid::Uuid;

pub mod shares;

/// The readers beside the writer that every new case key is wrapped for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    /// Every active supervisor with live keys (`GET /keys/public?role=supervisor`).
    pub supervisors: Vec<PublicKey>,
    /// The task force's recovery key, once an admin has made it.
    pub recovery: Option<RecoveryKey>,
    /// By agency code, the active liaisons with live keys (`GET /keys/public?agency=`)
    /// of each agency a referral on the device shares a victim's identity with now
    /// ([`shares::case_shares`]; usually none). They read those cases too (issue #19).
    /// Absent from a directory an earlier build kept.
    #[serde(default)]
    pub liaisons: BTreeMap<String, Vec<PublicKey>>,
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

/// The case keys unwrapped so far, by key id (which one a write uses is decided again at
/// each write, [`Keyring::writing_key`]: the case's readers may have changed), and the
/// task force's index key once it is open.
#[derive(Debug, Default)]
struct Held {
    keys: HashMap<Uuid, CaseKey>,
    index: Option<CaseKey>,
    /// The case keys wrapped for this account's pair on the device, by key id, as last
    /// read ([`Keyring::warm`]): a key is found without reading every wrapping again.
    /// Wrappings are never edited, so an entry stays true; one pulled since is missed,
    /// and a miss reads them all again.
    mine: Option<HashMap<Uuid, WrappedKey>>,
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
        let pair = self.pair()?;
        Ok(store
            .list_records(RecordKind::CaseKey)
            .await?
            .into_iter()
            .filter(|listed| !listed.record.deleted)
            .filter_map(|listed| WrappedKey::from_fields(&listed.record.fields).ok())
            .filter(|wrapped| for_pair(wrapped, pair) && pick(wrapped))
            .collect())
    }

    /// Reads every case key wrapped for this account on the device into memory (see
    /// `Held::mine`), so that the first identity opened after an unlock does not wait for
    /// it: run once the pair is open.
    pub async fn warm(&self, store: &Store) -> Result<(), KeyringError> {
        let mine = self
            .wrapped_for_me(store, |_| true)
            .await?
            .into_iter()
            .map(|wrapped| (wrapped.key_id, wrapped))
            .collect();
        self.held.borrow_mut().mine = Some(mine);
        Ok(())
    }

    /// The wrapping of case key `key_id` for this account: from memory, else read again.
    async fn my_wrapping(
        &self,
        store: &Store,
        key_id: Uuid,
    ) -> Result<Option<WrappedKey>, KeyringError> {
        let known = |held: &Held| held.mine.as_ref()?.get(&key_id).cloned();
        if let Some(wrapped) = known(&self.held.borrow()) {
            return Ok(Some(wrapped));
        }
        self.warm(store).await?;
        Ok(known(&self.held.borrow()))
    }

    /// The case key with id `key_id`, unwrapped once and then held.
    async fn key(&self, store: &Store, key_id: Uuid) -> Result<CaseKey, KeyringError> {
        if let Some(key) = self.held.borrow().keys.get(&key_id) {
            return Ok(key.clone());
        }
        let pair = self.pair()?;
        let wrapped = self
            .my_wrapping(store, key_id)
            .await?
            .ok_or(KeyringError::NotShared)?;
        let key = CaseKey::unwrap(&wrapped, pair, wrapped.reader).await?;
        self.held.borrow_mut().keys.insert(key_id, key.clone());
        Ok(key)
    }

    /// The key this device seals case `case_id`'s identities with: the newest of the
    /// case's keys wrapped for this account; or, when it holds none, or the newest is also
    /// wrapped for an account that may no longer read the case (an officer taken off it,
    /// no longer a supervisor, or the liaison of an agency whose referral closed:
    /// [`CaseWrappings::allowed`]), a new one: the key rotates. A new key is wrapped for
    /// this account, the supervisors, the liaisons the case's identities are shared with
    /// and the recovery key, each wrapping saved as a `case_key` record (made at `at`);
    /// the officers of the case get theirs from [`Keyring::share`] at the next sync.
    pub async fn writing_key(
        &self,
        store: &Store,
        case_id: Uuid,
        at: &str,
    ) -> Result<CaseKey, KeyringError> {
        let pair = self.pair()?;
        let newest = self
            .wrapped_for_me(store, |w| w.case_id == case_id)
            .await?
            .into_iter()
            .max_by_key(|w| w.key_id);
        let directory: Directory = store.key_directory().await?.unwrap_or_default();
        let agencies = shares::case_shares(store).await?.remove(&case_id);
        let newest = match newest {
            Some(wrapped) => {
                let wrappings = CaseWrappings::read(store, case_id).await?;
                let readers = wrappings.readers_of(wrapped.key_id);
                let allowed = wrappings
                    .allowed(store, &directory, pair.account, agencies.as_ref())
                    .await?;
                // Someone who may no longer read the case holds this key: a new one.
                let retired = readers.iter().any(|reader| match reader {
                    Reader::Account(id) => !allowed.contains(id),
                    Reader::Recovery => false,
                });
                (!retired).then_some(wrapped)
            }
            None => None,
        };
        let key = match newest {
            Some(wrapped) => self.key(store, wrapped.key_id).await?,
            None => {
                let key = CaseKey::generate().await?;
                let mut readers = vec![(Reader::Account(pair.account), pair.public.clone())];
                let others = directory
                    .supervisors
                    .iter()
                    .chain(shares::liaisons(&directory, agencies.as_ref()));
                for other in others {
                    let reader = Reader::Account(other.account);
                    if !readers.iter().any(|(known, _)| *known == reader) {
                        readers.push((reader, other.public.clone()));
                    }
                }
                readers.extend(directory.recovery.map(|r| (Reader::Recovery, r.public)));
                for (reader, public) in readers {
                    let wrapped = key.wrap_for(case_id, reader, &public).await?;
                    save_wrapping(store, &wrapped, at).await?;
                }
                key
            }
        };
        self.held.borrow_mut().keys.insert(key.id, key.clone());
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
        let mut nik = None;
        for (name, value) in fields.iter_mut() {
            if !sealed_field(name) || value.is_null() || is_envelope_text(value) {
                continue;
            }
            let plain = match value.as_str() {
                Some(text) if is_sealed(value) => self.vault.open_value(name, text).await?,
                _ => value.take(),
            };
            if name == "nik" {
                nik = plain.as_str().map(str::to_owned);
            }
            *value = Value::String(key.seal(record_id, name, &plain).await?);
        }
        // The NIK's blind index beside it, when the index key is open here (a NIK sealed
        // while it was not gets its index at its next edit).
        if let Some(index) = match nik {
            Some(nik) => self.nik_index(&nik).await?,
            None => None,
        } {
            fields.insert(NIK_INDEX_FIELD.into(), Value::String(index));
        }
        Ok(fields)
    }

    /// The blind index of a NIK as typed (`None` when it is not 16 digits once its
    /// separators are gone, or the index key is not open here).
    pub async fn nik_index(&self, typed: &str) -> Result<Option<String>, KeyringError> {
        let nik = gugus_model::schema::normalise_nik(typed);
        if gugus_model::input::Nik::parse(&nik).is_err() {
            return Ok(None);
        }
        let index = self.held.borrow().index.clone();
        match index {
            Some(key) => Ok(Some(key.blind_index(&nik).await?)),
            None => Ok(None),
        }
    }

    /// Opens the task force's index key (issue #18) and keeps it in memory: from the
    /// server at a sync (`GET /keys/index`; the first phone to ask makes it), kept on the
    /// device wrapped for this account so an unlock without signal opens it too
    /// (`api` `None`: from the device only). While it holds it, the phone wraps it for
    /// every account that lacks it.
    pub async fn keep_index_key(
        &self,
        store: &Store,
        api: Option<(&crate::sync::Api, &str)>,
    ) -> Result<(), KeyringError> {
        let pair = self.pair()?;
        let failed = |e: crate::sync::ApiError| KeyringError::Store(e.to_string());
        let Some((api, token)) = api else {
            let kept: Option<Map<String, Value>> = store.index_wrapping().await?;
            if let Some(wrapped) = kept.and_then(|f| WrappedKey::from_fields(&f).ok()) {
                if for_pair(&wrapped, pair) {
                    let key = CaseKey::unwrap(&wrapped, pair, wrapped.reader).await?;
                    self.held.borrow_mut().index = Some(key);
                }
            }
            return Ok(());
        };
        let mut answer = api.index_keys(token).await.map_err(failed)?;
        if answer.key_id.is_none() {
            // Nobody has made it yet: this phone does, for its own account first.
            let key = CaseKey::generate().await?;
            let me = Reader::Account(pair.account);
            let wrapped = key.wrap_for(Uuid::nil(), me, &pair.public).await?;
            match api.set_index_keys(token, &[wrapped.to_fields()]).await {
                Ok(()) | Err(crate::sync::ApiError::Server { .. }) => {}
                Err(error) => return Err(failed(error)),
            }
            answer = api.index_keys(token).await.map_err(failed)?;
        }
        let Some(mine) = answer.mine.clone() else {
            return Ok(());
        };
        let wrapped = WrappedKey::from_fields(&mine).map_err(|_| CryptoError::WrongKey)?;
        let key = CaseKey::unwrap(&wrapped, pair, wrapped.reader).await?;
        store.set_index_wrapping(&mine).await?;
        let mut wrappings = Vec::new();
        for lacking in &answer.lacking {
            let reader = Reader::Account(lacking.account);
            wrappings.push(
                key.wrap_for(Uuid::nil(), reader, &lacking.public)
                    .await?
                    .to_fields(),
            );
        }
        // And for the recovery key, so its code restores the index key as it restores
        // case keys.
        if answer.recovery_lacking {
            let directory: Directory = store.key_directory().await?.unwrap_or_default();
            // Made since the directory was fetched (this admin's browser just did): asked.
            let recovery = match directory.recovery {
                Some(recovery) => Some(recovery),
                None => api.recovery_key(token).await.map_err(failed)?,
            };
            if let Some(recovery) = recovery {
                let wrapped = key
                    .wrap_for(Uuid::nil(), Reader::Recovery, &recovery.public)
                    .await?;
                wrappings.push(wrapped.to_fields());
            }
        }
        for chunk in wrappings.chunks(500) {
            api.set_index_keys(token, chunk).await.map_err(failed)?;
        }
        self.held.borrow_mut().index = Some(key);
        Ok(())
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

impl Keyring {
    /// Wraps the newest key this device holds of each of `cases` (every case on the
    /// device when `None`) for every account that may read the case and has no wrapping
    /// of it yet ([`CaseWrappings::allowed`]: the case's assigned officers, the maker of
    /// its first key, the supervisors, the liaisons its identities are shared with) and
    /// for the recovery key: how an officer assigned to a case gets its key from a
    /// supervisor's device, and how a key made offline reaches the readers it could not
    /// be wrapped for then. Every other case whose identities a referral shares now
    /// ([`shares::case_shares`]) gets its key wrapped for those liaisons that lack it
    /// (their public keys are in the [`Directory`]: nothing is asked): how a referral
    /// made since the last sync shares the victim's identity. Runs at each sync, after
    /// the pull (it asks the server for the officers' public keys); answers how many
    /// wrappings it saved.
    pub async fn share(
        &self,
        store: &Store,
        api: &crate::sync::Api,
        token: &str,
        cases: Option<&std::collections::BTreeSet<Uuid>>,
        at: &str,
    ) -> Result<usize, KeyringError> {
        let Some(pair) = self.pair.as_ref() else {
            return Ok(0);
        };
        let directory: Directory = store.key_directory().await?.unwrap_or_default();
        let shared = shares::case_shares(store).await?;
        let assigned: HashMap<String, Vec<Uuid>> = store
            .list_records(RecordKind::Case)
            .await?
            .into_iter()
            .map(|c| (c.record.id.clone(), assigned_officers(&c.record)))
            .collect();
        let all = store.list_records(RecordKind::CaseKey).await?;
        let mut by_case: HashMap<Uuid, CaseWrappings> = HashMap::new();
        for listed in all.into_iter().filter(|l| !l.record.deleted) {
            if let Ok(wrapped) = WrappedKey::from_fields(&listed.record.fields) {
                let wrappings = by_case.entry(wrapped.case_id).or_default();
                wrappings.0.push((listed.record.id, wrapped));
            }
        }
        // Per case: the newest key held, its wrappings, who may read the case (or, for a
        // case not asked for, the liaisons it is shared with), and whether the recovery
        // key is among its readers.
        let mut candidates: Vec<(WrappedKey, Vec<WrappedKey>, Vec<Uuid>, bool)> = Vec::new();
        for (case_id, wrappings) in &by_case {
            let whole = cases.is_none_or(|only| only.contains(case_id));
            let agencies = shared.get(case_id);
            if !whole && agencies.is_none() {
                continue;
            }
            let Some(mine) = wrappings
                .0
                .iter()
                .map(|(_, w)| w)
                .filter(|w| for_pair(w, pair))
                .max_by_key(|w| w.key_id)
            else {
                continue;
            };
            let allowed = if whole {
                let officers = assigned
                    .get(&case_id.to_string())
                    .map_or(&[][..], Vec::as_slice);
                wrappings.allowed_with(&directory, pair.account, officers, agencies)
            } else {
                shares::liaisons(&directory, agencies)
                    .map(|liaison| liaison.account)
                    .collect()
            };
            let of_key = wrappings
                .0
                .iter()
                .map(|(_, w)| w)
                .filter(|w| w.key_id == mine.key_id)
                .cloned()
                .collect();
            candidates.push((mine.clone(), of_key, allowed, whole));
        }
        // Every reader's public key as it is now: the supervisors' and the liaisons' from
        // the directory, the officers' asked for.
        let mut publics: HashMap<Reader, Vec<u8>> = directory
            .supervisors
            .iter()
            .chain(directory.liaisons.values().flatten())
            .map(|s| (Reader::Account(s.account), s.public.clone()))
            .collect();
        if let Some(recovery) = &directory.recovery {
            publics.insert(Reader::Recovery, recovery.public.clone());
        }
        let mut asked: Vec<Uuid> = candidates
            .iter()
            .flat_map(|(_, _, allowed, _)| allowed)
            .filter(|id| !publics.contains_key(&Reader::Account(**id)))
            .copied()
            .collect();
        asked.sort_unstable();
        asked.dedup();
        for chunk in asked.chunks(100) {
            let answer = api
                .public_keys(token, chunk)
                .await
                .map_err(|e| KeyringError::Store(e.to_string()))?;
            for key in answer.keys {
                publics.insert(Reader::Account(key.account), key.public);
            }
        }
        // Who lacks a wrapping for the public key it has now (none yet, or one for a
        // pair an admin's password reset replaced). An account without live keys gets
        // its wrapping at a later sync.
        let mut wanted: Vec<(WrappedKey, Vec<ReaderKey>)> = Vec::new();
        for (mine, of_key, allowed, whole) in candidates {
            let recovery = whole && directory.recovery.is_some();
            let readers = allowed
                .into_iter()
                .map(Reader::Account)
                .chain(recovery.then_some(Reader::Recovery));
            let lacking: Vec<ReaderKey> = readers
                .filter_map(|reader| Some((reader, publics.get(&reader)?.clone())))
                .filter(|(reader, public)| {
                    let now = gugus_model::e2e::fingerprint(public);
                    !of_key.iter().any(|w| {
                        w.reader == *reader && w.reader_key.as_ref().is_none_or(|key| *key == now)
                    })
                })
                .collect();
            if !lacking.is_empty() {
                wanted.push((mine, lacking));
            }
        }
        let mut saved = 0;
        for (mine, lacking) in wanted {
            let key = self.key(store, mine.key_id).await?;
            for (reader, public) in lacking {
                let wrapped = key.wrap_for(mine.case_id, reader, &public).await?;
                save_wrapping(store, &wrapped, at).await?;
                saved += 1;
            }
        }
        Ok(saved)
    }
}

impl Keyring {
    /// Restores this account's access, with the task force's recovery key pair (from its
    /// printed code, `e2e::AccountKeyPair::from_recovery_code`), to every case on the
    /// device whose newest key wrapped for the recovery key is not wrapped for this
    /// account's pair: the key is unwrapped with the recovery key and wrapped for this
    /// account (saved at `at`, sent at the next sync). [`Keyring::share`] then wraps it
    /// for the case's other readers: an officer whose password was reset, a newly
    /// assigned one when the case's only officer left. Answers how many cases.
    pub async fn restore(
        &self,
        store: &Store,
        recovery: &AccountKeyPair,
        at: &str,
    ) -> Result<usize, KeyringError> {
        let pair = self.pair()?;
        let me = Reader::Account(pair.account);
        let mut by_case: HashMap<Uuid, Vec<WrappedKey>> = HashMap::new();
        for listed in store.list_records(RecordKind::CaseKey).await? {
            if let Ok(wrapped) = WrappedKey::from_fields(&listed.record.fields) {
                by_case.entry(wrapped.case_id).or_default().push(wrapped);
            }
        }
        let mut restored = 0;
        for wrappings in by_case.values() {
            let Some(for_recovery) = wrappings
                .iter()
                .filter(|w| w.reader == Reader::Recovery)
                .max_by_key(|w| w.key_id)
            else {
                continue;
            };
            let held = wrappings
                .iter()
                .any(|w| w.key_id == for_recovery.key_id && for_pair(w, pair));
            if held {
                continue;
            }
            let key = CaseKey::unwrap(for_recovery, recovery, Reader::Recovery).await?;
            let wrapped = key.wrap_for(for_recovery.case_id, me, &pair.public).await?;
            save_wrapping(store, &wrapped, at).await?;
            self.held.borrow_mut().keys.insert(key.id, key);
            restored += 1;
        }
        Ok(restored)
    }
}

impl Keyring {
    /// Restores this account's wrapping of the task force's index key with the recovery
    /// key pair, when the server keeps none for its pair as it is now but one for the
    /// recovery key (`GET /keys/index`, a supervisor's or an admin's): unwrapped with the
    /// recovery key, wrapped for this account, sent, and kept. Answers whether it did.
    pub async fn restore_index(
        &self,
        store: &Store,
        api: &crate::sync::Api,
        token: &str,
        recovery: &AccountKeyPair,
    ) -> Result<bool, KeyringError> {
        let pair = self.pair()?;
        let failed = |e: crate::sync::ApiError| KeyringError::Store(e.to_string());
        let answer = api.index_keys(token).await.map_err(failed)?;
        let (None, Some(for_recovery)) = (&answer.mine, &answer.recovery) else {
            return Ok(false);
        };
        let wrapped = WrappedKey::from_fields(for_recovery).map_err(|_| CryptoError::WrongKey)?;
        let key = CaseKey::unwrap(&wrapped, recovery, Reader::Recovery).await?;
        let mine = key
            .wrap_for(Uuid::nil(), Reader::Account(pair.account), &pair.public)
            .await?
            .to_fields();
        api.set_index_keys(token, std::slice::from_ref(&mine))
            .await
            .map_err(failed)?;
        store.set_index_wrapping(&mine).await?;
        self.held.borrow_mut().index = Some(key);
        Ok(true)
    }

    /// Seals as envelopes every identity the device holds that the server still keeps in
    /// plain text (pulled before issue #18 and sealed under the vault here): each is saved
    /// whole under its case's key, so the next push replaces the server's plain text and
    /// the server removes it everywhere (its migration). A supervisor's device does this
    /// at each sync, for every case; answers how many it sealed.
    pub async fn migrate(&self, store: &Store, at: &str) -> Result<usize, KeyringError> {
        self.pair()?;
        let mut sealed = 0;
        for listed in store.list_records(RecordKind::VictimIdentity).await? {
            let record = listed.record;
            let old = |(name, value): (&String, &Value)| sealed_field(name) && is_sealed(value);
            if record.deleted || !record.fields.iter().any(old) {
                continue;
            }
            let Some(victim) = record.fields.get("victim_id").and_then(Value::as_str) else {
                continue;
            };
            let case = match Keyring::case_of_victim(store, victim).await {
                Ok(case) => case,
                Err(KeyringError::NoCase) => continue,
                Err(error) => return Err(error),
            };
            let id: Uuid = record.id.parse().map_err(|_| KeyringError::NoCase)?;
            let key = self.writing_key(store, case, at).await?;
            let fields = self.seal_fields(&key, id, record.fields.clone()).await?;
            store
                .save_record(
                    RecordKind::VictimIdentity,
                    Some(&record.id),
                    fields,
                    "",
                    at.to_owned(),
                )
                .await?;
            sealed += 1;
        }
        Ok(sealed)
    }
}

/// Saves a wrapping as a `case_key` record of its own, made at `at` (sent at the next
/// sync, ahead of what it opens).
async fn save_wrapping(store: &Store, wrapped: &WrappedKey, at: &str) -> Result<(), KeyringError> {
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
    Ok(())
}

/// Whether `wrapped` is for `pair`: its account, and its public key as it is now (a
/// wrapping for the pair an admin's password reset replaced is not).
fn for_pair(wrapped: &WrappedKey, pair: &AccountKeyPair) -> bool {
    wrapped.reader == Reader::Account(pair.account)
        && wrapped
            .reader_key
            .as_ref()
            .is_none_or(|key| *key == gugus_model::e2e::fingerprint(&pair.public))
}

/// A reader with its public key as it is now.
type ReaderKey = (Reader, Vec<u8>);

/// The wrappings of one case's keys on the device, with their records' ids.
#[derive(Debug, Default)]
pub struct CaseWrappings(Vec<(String, WrappedKey)>);

impl CaseWrappings {
    /// The wrappings of case `case_id` on the device.
    pub async fn read(store: &Store, case_id: Uuid) -> Result<CaseWrappings, KeyringError> {
        let all = store.list_records(RecordKind::CaseKey).await?;
        Ok(CaseWrappings(
            all.into_iter()
                .filter(|l| !l.record.deleted)
                .filter_map(|l| {
                    Some((l.record.id, WrappedKey::from_fields(&l.record.fields).ok()?))
                })
                .filter(|(_, w)| w.case_id == case_id)
                .collect(),
        ))
    }

    /// Who key `key_id` is wrapped for.
    pub fn readers_of(&self, key_id: Uuid) -> Vec<Reader> {
        self.0
            .iter()
            .filter(|(_, w)| w.key_id == key_id)
            .map(|(_, w)| w.reader)
            .collect()
    }

    /// The account that made the case's first key: its first wrapping is the maker's own
    /// (`Keyring::writing_key` saves it first; record ids are time-ordered). It keeps
    /// reading the case, as the officer who recorded its first identity.
    fn maker(&self) -> Option<Uuid> {
        let first_key = self.0.iter().map(|(_, w)| w.key_id).min()?;
        self.0
            .iter()
            .filter(|(_, w)| w.key_id == first_key)
            .min_by(|a, b| a.0.cmp(&b.0))
            .and_then(|(_, w)| match w.reader {
                Reader::Account(id) => Some(id),
                Reader::Recovery => None,
            })
    }

    /// The accounts that may read the case's identities: `me`, the supervisors of
    /// `directory`, the case's assigned officers (from the device's case record), the
    /// maker of its first key, and the liaisons (of `directory`) of `agencies`, those a
    /// referral shares the case's identities with now ([`shares::case_shares`]).
    pub async fn allowed(
        &self,
        store: &Store,
        directory: &Directory,
        me: Uuid,
        agencies: Option<&BTreeSet<String>>,
    ) -> Result<Vec<Uuid>, KeyringError> {
        let mut assigned = Vec::new();
        if let Some((_, first)) = self.0.first() {
            let case = store
                .record(RecordKind::Case, &first.case_id.to_string())
                .await?;
            assigned = case
                .map(|c| assigned_officers(&c.record))
                .unwrap_or_default();
        }
        Ok(self.allowed_with(directory, me, &assigned, agencies))
    }

    /// [`CaseWrappings::allowed`], with the case's assigned officers known.
    fn allowed_with(
        &self,
        directory: &Directory,
        me: Uuid,
        assigned: &[Uuid],
        agencies: Option<&BTreeSet<String>>,
    ) -> Vec<Uuid> {
        let mut allowed = vec![me];
        allowed.extend(directory.supervisors.iter().map(|s| s.account));
        allowed.extend(self.maker());
        allowed.extend_from_slice(assigned);
        allowed.extend(shares::liaisons(directory, agencies).map(|l| l.account));
        allowed.sort_unstable();
        allowed.dedup();
        allowed
    }
}

/// The officers a case record is assigned to.
fn assigned_officers(case: &LocalRecord) -> Vec<Uuid> {
    match case.fields.get("assigned_officers") {
        Some(Value::Array(ids)) => ids
            .iter()
            .filter_map(|id| id.as_str()?.parse().ok())
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether an identity about to be saved as `sealed` must be sent whole: some value the
/// device holds of it (`stored`) is not an envelope under the key `sealed` uses (the key
/// rotated, or the value was sealed by an earlier build). An edit then sends every value,
/// so the server never keeps one under a retired key or in plain text.
pub fn sealed_anew(stored: &Map<String, Value>, sealed: &Map<String, Value>) -> bool {
    let key_of = |value: &Value| Some(Envelope::parse(value.as_str()?).ok()?.key_id);
    let keys: Vec<Uuid> = sealed.values().filter_map(key_of).collect();
    stored
        .iter()
        .filter(|(name, value)| sealed_field(name) && !value.is_null())
        .any(|(_, value)| key_of(value).is_none_or(|key| !keys.contains(&key)))
}

fn is_envelope_text(value: &Value) -> bool {
    gugus_model::e2e::is_envelope(value)
}
