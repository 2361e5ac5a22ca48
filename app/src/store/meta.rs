//! Small facts about the device kept under fixed keys in the `meta` object store.

use super::{Store, StoreResult, META};
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

/// Who is logged in on this device: the login answer, kept so a reload without signal
/// stays logged in.
pub type Session = LoginResponse;

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

    /// Forgets the session and the pull cursor (the next account may see other records);
    /// records and unsent changes stay on the device.
    pub async fn clear_session(&self) -> StoreResult<()> {
        self.meta_delete(SESSION).await?;
        self.meta_delete(CURSOR).await
    }

    /// Where the last pull ended.
    pub async fn cursor(&self) -> StoreResult<Option<String>> {
        self.meta_get(CURSOR).await
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
