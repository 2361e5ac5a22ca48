//! The outbox: changes made on the device that the server has not answered for yet.

use super::record::LocalRecord;
use super::{meta, Store, StoreResult, META, OUTBOX, RECORDS};
use gugus_model::sync::{Mutation, PushResponse};
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use std::collections::BTreeMap;

/// How to renumber the outbox after the server answered `mutation_gap`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapPlan {
    /// Entries the server already has (ids below the one it expects): their changes are
    /// in the server's state and come back with the next pull.
    pub drop: Vec<u64>,
    /// `(old id, new id)` for every other entry, in order, numbered from the expected id.
    pub renumber: Vec<(u64, u64)>,
    /// The next id to hand out afterwards.
    pub next_id: u64,
}

/// Plans the answer to `mutation_gap`: the server has taken every id below `expected`
/// and none from `expected` on, so the waiting entries take the ids from `expected` in
/// their order. Nothing is lost (every entry the server lacks is kept) and nothing is
/// applied twice (no entry takes an id the server has already taken).
pub fn plan_gap(outbox_ids: &[u64], expected: u64, next_id: u64) -> GapPlan {
    let mut ids = outbox_ids.to_vec();
    ids.sort_unstable();
    let (drop, keep): (Vec<u64>, Vec<u64>) = ids.into_iter().partition(|id| *id < expected);
    let renumber: Vec<(u64, u64)> = keep.into_iter().zip(expected..).collect();
    let after = expected + renumber.len() as u64;
    // Ids between `after` and the old counter were never taken by the server either.
    let next_id = if renumber.is_empty() {
        next_id.max(expected)
    } else {
        after
    };
    GapPlan {
        drop,
        renumber,
        next_id,
    }
}

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
        let tx = self.write_strict(&[RECORDS, OUTBOX, META])?;
        let records = tx.object_store(RECORDS)?;
        let outbox = tx.object_store(OUTBOX)?;
        let mut waiting: BTreeMap<u64, Mutation> = read_outbox(&outbox)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let mut touched: BTreeMap<String, LocalRecord> = BTreeMap::new();
        let mut results: Vec<_> = answer.results.iter().collect();
        results.sort_by_key(|r| r.id);
        for result in results {
            let Some(mutation) = sent.iter().find(|m| m.id == result.id) else {
                continue;
            };
            let id = mutation.record_id.to_string();
            let record = match touched.remove(&id) {
                Some(record) => Some(record),
                None => records.get(id.as_str()).serde()?.await?,
            };
            waiting.remove(&mutation.id);
            outbox.delete(mutation.id).serde()?.await?;
            let Some(mut record) = record else { continue };
            if let Some(version) = record.answer(mutation, &result.status) {
                rebase(&mut waiting, mutation, version);
            }
            touched.insert(id, record);
        }
        for mut record in touched.into_values() {
            let id = record.id.clone();
            let pending = waiting.values().filter(|m| m.record_id.to_string() == id);
            record.recompute(pending.map(|m| &m.fields));
            records.put(&record).serde()?.await?;
        }
        for mutation in waiting.values() {
            outbox.put(mutation).serde()?.await?;
        }
        keep_counter_above(&tx.object_store(META)?, answer.last_mutation_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Renumbers the outbox after a `mutation_gap` answer (see [`plan_gap`]), in one
    /// strict transaction with the id counter.
    pub async fn resolve_gap(&self, expected: u64) -> StoreResult<GapPlan> {
        let tx = self.write_strict(&[OUTBOX, META])?;
        let outbox = tx.object_store(OUTBOX)?;
        let meta_store = tx.object_store(META)?;
        let entries = read_outbox(&outbox).await?;
        let ids: Vec<u64> = entries.iter().map(|m| m.id).collect();
        let next_id = meta::next_mutation_id(&meta_store).await?;
        let plan = plan_gap(&ids, expected, next_id);
        for id in &ids {
            outbox.delete(*id).serde()?.await?;
        }
        for (old, new) in &plan.renumber {
            if let Some(entry) = entries.iter().find(|m| m.id == *old) {
                let moved = Mutation {
                    id: *new,
                    ..entry.clone()
                };
                outbox.put(&moved).serde()?.await?;
            }
        }
        meta::put(&meta_store, meta::NEXT_MUTATION_ID, &plan.next_id).await?;
        tx.commit().await?;
        Ok(plan)
    }
}

/// Later waiting changes of the same record were made on top of the one just applied:
/// they now build on its version, so the server does not mistake the device's own earlier
/// change for someone else's.
fn rebase(waiting: &mut BTreeMap<u64, Mutation>, applied: &Mutation, version: u64) {
    for later in waiting.values_mut() {
        if later.record_id == applied.record_id
            && later.id > applied.id
            && later.base_version == applied.base_version
        {
            later.base_version = version;
        }
    }
}

/// The server has taken every id up to `last`: never hand any of them out again.
pub(crate) async fn keep_counter_above(meta_store: &ObjectStore<'_>, last: u64) -> StoreResult<()> {
    let next = meta::next_mutation_id(meta_store).await?;
    if next <= last {
        meta::put(meta_store, meta::NEXT_MUTATION_ID, &(last + 1)).await?;
    }
    Ok(())
}

async fn read_outbox(outbox: &ObjectStore<'_>) -> StoreResult<Vec<Mutation>> {
    let mut entries: Vec<Mutation> = outbox.get_all().serde()?.await?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|m| m.id);
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::plan_gap;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn entries_the_server_lacks_take_the_ids_it_expects() {
        // The server lost ids 5 to 8 (say, restored from a backup): 9 and 10 become 5, 6.
        let plan = plan_gap(&[10, 9], 5, 11);
        assert!(plan.drop.is_empty());
        assert_eq!(plan.renumber, [(9, 5), (10, 6)]);
        assert_eq!(plan.next_id, 7);
    }

    #[test]
    fn entries_the_server_already_took_are_dropped() {
        // Sent [3, 4, 9]; the server has everything up to 4.
        let plan = plan_gap(&[3, 4, 9], 5, 10);
        assert_eq!(plan.drop, [3, 4]);
        assert_eq!(plan.renumber, [(9, 5)]);
        assert_eq!(plan.next_id, 6);
    }

    #[test]
    fn with_nothing_left_the_counter_never_goes_below_the_expected_id() {
        let plan = plan_gap(&[2], 5, 3);
        assert_eq!(plan.drop, [2]);
        assert!(plan.renumber.is_empty());
        assert_eq!(plan.next_id, 5);
    }
}
