//! Saving what a pull brought: the records and the cursor, together.

use super::outbox::keep_counter_above;
use super::record::LocalRecord;
use super::{meta, Store, StoreResult, META, OUTBOX, RECORDS};
use gugus_model::sync::PullResponse;
use indexed_db_futures::prelude::*;

impl Store {
    /// Saves one pull page in one strict transaction: every record's new state, shown with
    /// the device's waiting changes laid over it (`model::merge::overlay`), and the cursor.
    /// A record deleted on the server (or gone from the caller's scope) is forgotten unless
    /// changes to it still wait to be sent.
    pub async fn apply_pull(&self, page: &PullResponse) -> StoreResult<()> {
        let tx = self.write_strict(&[RECORDS, OUTBOX, META])?;
        let records = tx.object_store(RECORDS)?;
        let waiting = self.outbox_in(&tx).await?;
        for state in &page.records {
            let id = state.id.to_string();
            let pending: Vec<_> = waiting
                .iter()
                .filter(|m| m.record_id == state.id)
                .map(|m| &m.fields)
                .collect();
            let existing: Option<LocalRecord> = records.get(id.as_str()).serde()?.await?;
            if state.deleted && pending.is_empty() {
                records.delete(id.as_str()).serde()?.await?;
                continue;
            }
            let mut record = LocalRecord::pulled(existing, state);
            record.recompute(pending);
            records.put(&record).serde()?.await?;
        }
        let meta_store = tx.object_store(META)?;
        meta::put(&meta_store, meta::CURSOR, &page.cursor).await?;
        keep_counter_above(&meta_store, page.last_mutation_id).await?;
        tx.commit().await?;
        Ok(())
    }
}
