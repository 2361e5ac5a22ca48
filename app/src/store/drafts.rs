//! Form drafts: what the officer has typed but not saved, so a reload loses nothing.

use super::{Store, StoreResult, DRAFTS};
use indexed_db_futures::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

impl Store {
    /// Keeps the draft of the form `key` (e.g. `activity:new`).
    pub async fn save_draft<T: Serialize>(&self, key: &str, draft: &T) -> StoreResult<()> {
        let tx = self.write_strict(&[DRAFTS])?;
        tx.object_store(DRAFTS)?
            .put(draft)
            .with_key(key)
            .without_key_type()
            .serde()?
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The draft of the form `key`, if one was kept.
    pub async fn draft<T: DeserializeOwned>(&self, key: &str) -> StoreResult<Option<T>> {
        let tx = self.read(&[DRAFTS])?;
        let draft = tx.object_store(DRAFTS)?.get(key).serde()?.await?;
        Ok(draft)
    }

    /// Forgets the draft of the form `key`.
    pub async fn discard_draft(&self, key: &str) -> StoreResult<()> {
        let tx = self.write_strict(&[DRAFTS])?;
        tx.object_store(DRAFTS)?.delete(key).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }
}
