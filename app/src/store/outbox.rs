//! The outbox: changes made on the device that the server has not answered for yet.

use super::{kind_store, meta, to_js, Store, StoreResult, META, OUTBOX};
use gugus_model::device::{self, GapPlan, LocalRecord};
use gugus_model::sync::{Mutation, PushResponse};
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use std::collections::BTreeMap;

impl Store {
    /// Every outbox entry inside an open transaction, in id order.
    pub(crate) async fn outbox_in(&self, tx: &Transaction<'_>) -> StoreResult<Vec<Mutation>> {
        read_outbox(&tx.object_store(OUTBOX)?).await
    }

    /// Every change waiting to be sent, in id order.
    pub async fn outbox(&self) -> StoreResult<Vec<Mutation>> {
        let tx = self.read(&[OUTBOX])?;
        self.outbox_in(&tx).await
    }

    /// How many changes wait to be sent.
    pub async fn pending_count(&self) -> StoreResult<usize> {
        let tx = self.read(&[OUTBOX])?;
        let count = tx.object_store(OUTBOX)?.count().await?;
        Ok(count as usize)
    }

    /// Takes the server's answer to a push of `sent`, in one strict transaction: every
    /// answered entry leaves the outbox and its record takes the answer (version, conflict,
    /// refusal); later entries of a record whose change was applied are rebased on the new
    /// version. Entries the answer does not mention stay and are sent again.
    pub async fn apply_push(&self, sent: &[Mutation], answer: &PushResponse) -> StoreResult<()> {
        // The stores of the kinds sent: an answer changes only records that were sent.
        let mut stores: Vec<&str> = sent.iter().map(|m| kind_store(&m.kind)).collect();
        stores.sort_unstable();
        stores.dedup();
        let tx = self.write_strict(&[stores.as_slice(), &[OUTBOX, META]].concat())?;
        let outbox = tx.object_store(OUTBOX)?;
        let meta_store = tx.object_store(META)?;
        let mut known: BTreeMap<String, LocalRecord> = BTreeMap::new();
        for mutation in sent {
            let id = mutation.record_id.to_string();
            let records = tx.object_store(kind_store(&mutation.kind))?;
            if let Some(record) = records.get(id.as_str()).serde()?.await? {
                known.insert(id, record);
            }
        }
        let waiting = read_outbox(&outbox).await?;
        let next_id = meta::next_mutation_id(&meta_store).await?;
        let applied = device::apply_push(sent, answer, waiting, &known, next_id);
        for id in &applied.answered {
            outbox.delete(*id).serde()?.await?;
        }
        for record in &applied.records {
            tx.object_store(kind_store(&record.kind))?
                .put(to_js(record)?)
                .primitive()?
                .await?;
        }
        for mutation in &applied.outbox {
            outbox.put(to_js(mutation)?).primitive()?.await?;
        }
        if applied.next_id != next_id {
            meta::put(&meta_store, meta::NEXT_MUTATION_ID, &applied.next_id).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Renumbers the outbox after a `mutation_gap` answer (see [`device::plan_gap`]), in one
    /// strict transaction with the id counter.
    pub async fn resolve_gap(&self, expected: u64) -> StoreResult<GapPlan> {
        let tx = self.write_strict(&[OUTBOX, META])?;
        let outbox = tx.object_store(OUTBOX)?;
        let meta_store = tx.object_store(META)?;
        let entries = read_outbox(&outbox).await?;
        let ids: Vec<u64> = entries.iter().map(|m| m.id).collect();
        let next_id = meta::next_mutation_id(&meta_store).await?;
        let plan = device::plan_gap(&ids, expected, next_id);
        for id in &ids {
            outbox.delete(*id).serde()?.await?;
        }
        for moved in device::renumber(&entries, &plan) {
            outbox.put(to_js(&moved)?).primitive()?.await?;
        }
        meta::put(&meta_store, meta::NEXT_MUTATION_ID, &plan.next_id).await?;
        tx.commit().await?;
        Ok(plan)
    }
}

/// Every outbox entry, in id order.
pub(crate) async fn read_outbox(outbox: &ObjectStore<'_>) -> StoreResult<Vec<Mutation>> {
    let mut entries: Vec<Mutation> = outbox.get_all().serde()?.await?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|m| m.id);
    Ok(entries)
}
