//! Taking the server's answer to a push.

use super::plan::keep_counter_above;
use super::record::LocalRecord;
use crate::sync::{Mutation, PushResponse};
use std::collections::BTreeMap;

/// What a push answer changes on the device.
#[derive(Debug, Clone, PartialEq)]
pub struct PushApplied {
    /// The answered entries: they leave the outbox.
    pub answered: Vec<u64>,
    /// The records the answer touched, in record id order, to write back.
    pub records: Vec<LocalRecord>,
    /// Every entry still waiting, in id order (some rebased), to write back.
    pub outbox: Vec<Mutation>,
    /// The counter afterwards.
    pub next_id: u64,
}

/// Takes the server's answer to a push of `sent`: every answered entry leaves the outbox
/// and its record takes the answer (version, conflict, refusal); later entries of a record
/// whose change was applied are rebased on the new version. Entries the answer does not
/// mention stay and are sent again. `records` holds the device's records of the sent
/// mutations (by record id), `outbox` every waiting entry, `next_id` the counter.
pub fn apply_push(
    sent: &[Mutation],
    answer: &PushResponse,
    outbox: Vec<Mutation>,
    records: &BTreeMap<String, LocalRecord>,
    next_id: u64,
) -> PushApplied {
    let mut waiting: BTreeMap<u64, Mutation> = outbox.into_iter().map(|m| (m.id, m)).collect();
    let mut touched: BTreeMap<String, LocalRecord> = BTreeMap::new();
    let mut answered = Vec::new();
    let mut results: Vec<_> = answer.results.iter().collect();
    results.sort_by_key(|r| r.id);
    for result in results {
        let Some(mutation) = sent.iter().find(|m| m.id == result.id) else {
            continue;
        };
        let id = mutation.record_id.to_string();
        let record = touched.remove(&id).or_else(|| records.get(&id).cloned());
        waiting.remove(&mutation.id);
        answered.push(mutation.id);
        let Some(mut record) = record else { continue };
        if let Some(version) = record.answer(mutation, &result.status) {
            rebase(&mut waiting, mutation, version);
        }
        touched.insert(id, record);
    }
    let records = touched
        .into_values()
        .map(|mut record| {
            let id = record.id.clone();
            let pending = waiting.values().filter(|m| m.record_id.to_string() == id);
            record.recompute(pending.map(|m| &m.fields));
            record
        })
        .collect();
    PushApplied {
        answered,
        records,
        outbox: waiting.into_values().collect(),
        next_id: keep_counter_above(next_id, answer.last_mutation_id),
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
