//! Small facts about the device kept under fixed keys in the `meta` object store.

use super::{Store, StoreResult, DRAFTS, META, OUTBOX, RECORD_STORES};
use crate::crypto::VaultLock;
use gugus_model::api::LoginResponse;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub(crate) const DEVICE_ID: &str = "device_id";
pub(crate) const NEXT_MUTATION_ID: &str = "next_mutation_id";
pub(crate) const SESSION: &str = "session";
pub(crate) const CURSOR: &str = "cursor";
pub(crate) const LAST_SYNC: &str = "last_sync";
/// The user whose data this device holds (their id), from their first login until logout.
pub(crate) const OWNER: &str = "owner";
/// What opens the owner's vault again (salt, iterations, verifier; never the key).
pub(crate) const VAULT_LOCK: &str = "vault_lock";
/// The logged-in account's key pair as the server keeps it (issue #18): the public key and
/// the private key locked under the password ([`HeldKeys`]), so that an unlock without
/// signal opens it again.
pub(crate) const ACCOUNT_KEYS: &str = "account_keys";
/// The readers every new case key is wrapped for, as last fetched (`keyring::Directory`).
pub(crate) const KEY_DIRECTORY: &str = "key_directory";
/// A supervisor's device has sealed as envelopes every identity it held that the server
/// kept in plain text (`Keyring::migrate`); set again to false by a pull that brings one.
pub(crate) const IDENTITIES_SEALED: &str = "identities_sealed";
/// The readers changed and the case keys this device holds are not all shared with them
/// yet: every sync shares them for every case until one gets through (`sync::upkeep`).
pub(crate) const SHARE_ALL: &str = "share_all";
/// The task force's index key wrapped for this account (`Keyring::keep_index_key`).
pub(crate) const INDEX_WRAPPING: &str = "index_wrapping";
/// The deployment's agencies as last fetched (`gugus_model::agency::AgencyList`, issue
/// #19): deployment data, not the user's, so a logout keeps it.
pub(crate) const AGENCY_LIST: &str = "agencies";
/// Which pull format the records on the device came in (see [`Store::upgrade_pull`]).
pub(crate) const PULL_FORMAT: &str = "pull_format";
/// Since format 2 identity records are pulled too (sealed); earlier builds skipped them.
const CURRENT_PULL_FORMAT: u32 = 2;

/// Who is logged in on this device: the login answer, kept so a reload without signal
/// stays logged in.
pub type Session = LoginResponse;

/// An account's key pair as the device keeps it: the account, and what the server keeps.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HeldKeys {
    /// The account.
    pub account: uuid::Uuid,
    /// Its public key and its private key locked under its password.
    pub keys: gugus_model::e2e::AccountKeys,
    /// Made on this device and not yet taken by the server (the signal went).
    #[serde(default)]
    pub unsent: bool,
}

/// Reads one meta value inside a transaction.
pub(crate) async fn get<T: DeserializeOwned>(
    meta: &ObjectStore<'_>,
    key: &str,
) -> StoreResult<Option<T>> {
    Ok(meta.get(key).serde()?.await?)
}

/// Writes one meta value inside a transaction.
pub(crate) async fn put<T: Serialize>(
    meta: &ObjectStore<'_>,
    key: &str,
    value: &T,
) -> StoreResult<()> {
    meta.put(value)
        .with_key(key)
        .without_key_type()
        .serde()?
        .await?;
    Ok(())
}

/// Asks for one meta value to be written inside a transaction without waiting for it: its
/// transaction's commit says whether it was.
pub(crate) fn put_unawaited<T: Serialize>(
    meta: &ObjectStore<'_>,
    key: &str,
    value: &T,
) -> StoreResult<()> {
    meta.put(value).with_key(key).without_key_type().serde()?;
    Ok(())
}

/// The next mutation id to hand out (1 for the device's first change).
pub(crate) async fn next_mutation_id(meta: &ObjectStore<'_>) -> StoreResult<u64> {
    Ok(get::<u64>(meta, NEXT_MUTATION_ID).await?.unwrap_or(1))
}

impl Store {
    async fn meta_get<T: DeserializeOwned>(&self, key: &str) -> StoreResult<Option<T>> {
        let tx = self.read(&[META])?;
        let value = get(&tx.object_store(META)?, key).await?;
        Ok(value)
    }

    async fn meta_put<T: Serialize>(&self, key: &str, value: &T) -> StoreResult<()> {
        let tx = self.write_strict(&[META])?;
        put(&tx.object_store(META)?, key, value).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn meta_delete(&self, key: &str) -> StoreResult<()> {
        let tx = self.write_strict(&[META])?;
        tx.object_store(META)?.delete(key).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    /// This device's id: a UUID v7 made the first time it is asked for and kept forever.
    pub async fn device_id(&self) -> StoreResult<String> {
        let tx = self.write_strict(&[META])?;
        let meta = tx.object_store(META)?;
        if let Some(id) = get::<String>(&meta, DEVICE_ID).await? {
            return Ok(id);
        }
        let id = uuid::Uuid::now_v7().to_string();
        put(&meta, DEVICE_ID, &id).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The next mutation id this device will hand out.
    pub async fn peek_next_mutation_id(&self) -> StoreResult<u64> {
        Ok(self.meta_get(NEXT_MUTATION_ID).await?.unwrap_or(1))
    }

    /// The session kept on this device, if someone is logged in.
    pub async fn session(&self) -> StoreResult<Option<Session>> {
        self.meta_get(SESSION).await
    }

    /// Keeps the session after a login.
    pub async fn save_session(&self, session: &Session) -> StoreResult<()> {
        self.meta_put(SESSION, session).await
    }

    /// Forgets the session and the pull cursor, keeping the records (a viewer logging out
    /// of a phone whose records belong to an officer).
    pub async fn clear_session(&self) -> StoreResult<()> {
        self.meta_delete(SESSION).await?;
        self.meta_delete(CURSOR).await
    }

    /// Whose data the device holds, and the lock of their vault.
    pub async fn owner(&self) -> StoreResult<(Option<String>, Option<VaultLock>)> {
        let tx = self.read(&[META])?;
        let meta = tx.object_store(META)?;
        let owner = get(&meta, OWNER).await?;
        let lock = get(&meta, VAULT_LOCK).await?;
        Ok((owner, lock))
    }

    /// Makes `user_id` the device's owner with a new vault, and keeps their session: one
    /// strict transaction, so a device never has data without a lock to open it.
    pub async fn claim(
        &self,
        user_id: &str,
        lock: &VaultLock,
        session: &Session,
    ) -> StoreResult<()> {
        let tx = self.write_strict(&[META])?;
        let meta = tx.object_store(META)?;
        put(&meta, OWNER, &user_id).await?;
        put(&meta, VAULT_LOCK, lock).await?;
        put(&meta, SESSION, session).await?;
        tx.commit().await?;
        Ok(())
    }

    /// After a password change: the vault's new lock and the account's key pair relocked
    /// (each when the device holds it), in one strict transaction, so the device never
    /// keeps one under the old password and the other under the new.
    pub async fn set_password_locks(
        &self,
        lock: Option<&VaultLock>,
        held: Option<&HeldKeys>,
    ) -> StoreResult<()> {
        let tx = self.write_strict(&[META])?;
        let meta = tx.object_store(META)?;
        if let Some(lock) = lock {
            put(&meta, VAULT_LOCK, lock).await?;
        }
        if let Some(held) = held {
            put(&meta, ACCOUNT_KEYS, held).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets everything the device holds for its user: records, unsent changes, drafts,
    /// the session, the cursor, the owner and the vault's lock. Keeps the device id and the
    /// mutation counter (the server has seen those ids from this device). One strict
    /// transaction: the wipe happens whole or not at all.
    pub async fn wipe(&self) -> StoreResult<()> {
        let tx =
            self.write_strict(&[RECORD_STORES.as_slice(), &[OUTBOX, DRAFTS, META]].concat())?;
        for name in RECORD_STORES {
            tx.object_store(name)?.clear()?.await?;
        }
        tx.object_store(OUTBOX)?.clear()?.await?;
        tx.object_store(DRAFTS)?.clear()?.await?;
        let meta = tx.object_store(META)?;
        for key in [SESSION, CURSOR, LAST_SYNC, OWNER, VAULT_LOCK, ACCOUNT_KEYS] {
            meta.delete(key).serde()?.await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Starts the pull from the beginning once when the records on the device came in an
    /// older pull format (builds before format 2 did not keep identity records), so
    /// nothing the server has is missing here.
    pub async fn upgrade_pull(&self) -> StoreResult<()> {
        let tx = self.write_strict(&[META])?;
        let meta = tx.object_store(META)?;
        let format: Option<u32> = get(&meta, PULL_FORMAT).await?;
        if format.unwrap_or(1) < CURRENT_PULL_FORMAT {
            meta.delete(CURSOR).serde()?.await?;
            put(&meta, PULL_FORMAT, &CURRENT_PULL_FORMAT).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Where the last pull ended.
    pub async fn cursor(&self) -> StoreResult<Option<String>> {
        self.meta_get(CURSOR).await
    }

    /// The key pair of the account the server is known to have live, if any (a value of
    /// an older build, which kept only the account's id, reads as none).
    pub async fn held_account_keys(&self) -> StoreResult<Option<HeldKeys>> {
        Ok(self.meta_get(ACCOUNT_KEYS).await.ok().flatten())
    }

    /// Remembers the account's live key pair.
    pub async fn set_held_account_keys(&self, held: &HeldKeys) -> StoreResult<()> {
        self.meta_put(ACCOUNT_KEYS, held).await
    }

    /// The task force's index key wrapped for this account, as last fetched.
    pub async fn index_wrapping<T: DeserializeOwned>(&self) -> StoreResult<Option<T>> {
        Ok(self.meta_get(INDEX_WRAPPING).await.ok().flatten())
    }

    /// Keeps the index key wrapped for this account.
    pub async fn set_index_wrapping<T: Serialize>(&self, wrapping: &T) -> StoreResult<()> {
        self.meta_put(INDEX_WRAPPING, wrapping).await
    }

    /// Whether every identity on the device is known to be sealed as envelopes.
    pub async fn identities_sealed(&self) -> StoreResult<bool> {
        Ok(self.meta_get(IDENTITIES_SEALED).await?.unwrap_or(false))
    }

    /// Remembers whether every identity on the device is sealed as envelopes.
    pub async fn set_identities_sealed(&self, sealed: bool) -> StoreResult<()> {
        self.meta_put(IDENTITIES_SEALED, &sealed).await
    }

    /// Whether the case keys held here still need sharing for every case.
    pub async fn share_all(&self) -> StoreResult<bool> {
        Ok(self.meta_get(SHARE_ALL).await?.unwrap_or(false))
    }

    /// Remembers whether the case keys held here still need sharing for every case.
    pub async fn set_share_all(&self, pending: bool) -> StoreResult<()> {
        self.meta_put(SHARE_ALL, &pending).await
    }

    /// The readers every new case key is wrapped for, as last fetched.
    pub async fn key_directory<T: DeserializeOwned>(&self) -> StoreResult<Option<T>> {
        Ok(self.meta_get(KEY_DIRECTORY).await.ok().flatten())
    }

    /// Remembers the readers every new case key is wrapped for.
    pub async fn set_key_directory<T: Serialize>(&self, directory: &T) -> StoreResult<()> {
        self.meta_put(KEY_DIRECTORY, directory).await
    }

    /// The deployment's agencies as last fetched (`None` before the first fetch, or for a
    /// value this build cannot read).
    pub async fn agencies(&self) -> StoreResult<Option<gugus_model::agency::AgencyList>> {
        Ok(self.meta_get(AGENCY_LIST).await.ok().flatten())
    }

    /// Keeps the deployment's agencies for the days without signal.
    pub async fn set_agencies(&self, list: &gugus_model::agency::AgencyList) -> StoreResult<()> {
        self.meta_put(AGENCY_LIST, list).await
    }

    /// When the last full sync finished (RFC 3339).
    pub async fn last_sync(&self) -> StoreResult<Option<String>> {
        self.meta_get(LAST_SYNC).await
    }

    /// Remembers when a full sync finished.
    pub async fn set_last_sync(&self, at: &str) -> StoreResult<()> {
        self.meta_put(LAST_SYNC, &at).await
    }
}
