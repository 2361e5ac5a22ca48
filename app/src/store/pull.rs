//! Saving what a pull brought: the records and the cursor, together.

use super::outbox::keep_counter_above;
use super::StoreError;
use super::{meta, Store, StoreResult, META, OUTBOX, RECORDS};
use crate::crypto::is_sealed;
use crate::identity::{is_identity_kind, sealed_field};
use gugus_model::device::{self, LocalRecord};
use gugus_model::sync::PullResponse;
use indexed_db_futures::prelude::*;

impl Store {
    /// Saves one pull page in one strict transaction: every record's new state, shown with
    /// the device's waiting changes laid over it (`model::device::pulled`), and the cursor.
    /// A record deleted on the server (or gone from the caller's scope) is forgotten unless
    /// changes to it still wait to be sent. Identity records must arrive sealed
    /// (`identity::seal_state`): a plain one fails the whole page, stores nothing.
    pub async fn apply_pull(&self, page: &PullResponse) -> StoreResult<()> {
        // Identity comes here already sealed (`identity::seal_state`); never plain.
        let plain = page.records.iter().any(|state| {
            is_identity_kind(&state.kind)
                && state.fields.iter().any(|(name, value)| {
                    sealed_field(name) && !value.is_null() && !is_sealed(value)
                })
        });
        if plain {
            return Err(StoreError::Failed("identity values must be sealed".into()));
        }
        let tx = self.write_strict(&[RECORDS, OUTBOX, META])?;
        let records = tx.object_store(RECORDS)?;
        let waiting = self.outbox_in(&tx).await?;
        // Every read is asked for before the first answer is awaited, and every write is
        // left to the commit: a page costs a few turns of the event loop, not two a record.
        let ids: Vec<String> = page.records.iter().map(|s| s.id.to_string()).collect();
        let reads = ids
            .iter()
            .map(|id| records.get(id.as_str()).serde())
            .collect::<Result<Vec<_>, _>>()?;
        let mut existing: Vec<Option<LocalRecord>> = Vec::with_capacity(reads.len());
        for read in reads {
            existing.push(read.await?);
        }
        for ((state, existing), id) in page.records.iter().zip(existing).zip(&ids) {
            match device::pulled(state, existing, &waiting) {
                Some(record) => {
                    records.put(&record).serde()?;
                }
                None => {
                    records.delete(id.as_str()).serde()?;
                }
            }
        }
        let meta_store = tx.object_store(META)?;
        meta::put(&meta_store, meta::CURSOR, &page.cursor).await?;
        keep_counter_above(&meta_store, page.last_mutation_id).await?;
        tx.commit().await?;
        Ok(())
    }
}
