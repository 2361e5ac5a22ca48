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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{Conflict, MutationResult, MutationStatus, Op, RejectError};
    use serde_json::{json, Map, Value};
    use uuid::Uuid;

    const RECORD: u128 = 7;

    fn fields(name: &str, value: &str) -> Map<String, Value> {
        [(name.to_owned(), json!(value))].into_iter().collect()
    }

    fn entry(id: u64, base_version: u64, changes: Map<String, Value>) -> Mutation {
        Mutation {
            id,
            kind: "activity".into(),
            record_id: Uuid::from_u128(RECORD),
            op: Op::Upsert,
            base_version,
            fields: changes,
            at: "t".into(),
            resolves: Vec::new(),
        }
    }

    /// A record known at version 4 with two waiting edits (ids 5 and 6), 5 sent.
    fn answer(status: MutationStatus) -> PushApplied {
        let id = Uuid::from_u128(RECORD).to_string();
        let mut record = LocalRecord::created(id.clone(), "activity", Map::new(), "t".into());
        record.version = 4;
        record.server = fields("venue", "A");
        let outbox = vec![
            entry(5, 4, fields("venue", "B")),
            entry(6, 4, fields("notes", "n")),
        ];
        let records = [(id, record)].into_iter().collect();
        let response = PushResponse {
            last_mutation_id: 5,
            results: vec![MutationResult { id: 5, status }],
        };
        apply_push(&outbox[..1], &response, outbox.clone(), &records, 6)
    }

    #[test]
    fn an_applied_change_moves_the_version_and_rebases_the_next() {
        let applied = answer(MutationStatus::Applied { version: 9 });
        assert_eq!(applied.answered, [5]);
        assert_eq!(applied.records[0].version, 9);
        assert_eq!(applied.outbox.len(), 1);
        assert_eq!(applied.outbox[0].base_version, 9);
        assert_eq!(
            applied.records[0].fields["notes"],
            json!("n"),
            "still shown"
        );
    }

    #[test]
    fn a_conflict_is_kept_and_the_next_change_is_not_rebased() {
        let conflict = Conflict {
            field: "venue".into(),
            server: json!("C"),
            device: json!("B"),
        };
        let applied = answer(MutationStatus::Conflict {
            version: 9,
            conflicts: vec![conflict.clone()],
        });
        assert_eq!(applied.records[0].conflicts, [conflict]);
        assert_eq!(applied.records[0].fields["venue"], json!("C"));
        assert_eq!(applied.outbox[0].base_version, 4);
    }

    #[test]
    fn a_refusal_keeps_the_local_values_and_the_error() {
        let error = RejectError::forbidden();
        let applied = answer(MutationStatus::Rejected {
            error: error.clone(),
        });
        assert_eq!(applied.records[0].rejection, Some(error));
        assert_eq!(applied.records[0].fields["venue"], json!("B"));
        assert_eq!(applied.outbox[0].base_version, 4);
    }

    #[test]
    fn a_duplicate_leaves_the_outbox_and_unanswered_entries_stay() {
        let applied = answer(MutationStatus::Duplicate);
        assert_eq!(applied.answered, [5]);
        let ids: Vec<u64> = applied.outbox.iter().map(|m| m.id).collect();
        assert_eq!(ids, [6]);
        assert_eq!(applied.next_id, 6);
    }
}
