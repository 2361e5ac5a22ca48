//! Which waiting changes go in the next push, and how to renumber the outbox after the
//! server answered `mutation_gap`.

use crate::sync::Mutation;
use std::collections::BTreeSet;

/// The next push: waiting changes in id order, at most `max`, stopping before a second
/// change of a record already in the batch.
///
/// Ids must stay contiguous (the server takes ids in order and treats any id at or below
/// the last one it took as a duplicate), so the batch is a prefix of the outbox. It stops
/// at a repeated record because that later change was made on top of the earlier one:
/// sent together, both would carry the same base version and the server would see the
/// device's own first change as someone else's. Sent after the answer, it carries the
/// version the first one produced.
pub fn next_batch(outbox: &[Mutation], max: usize) -> Vec<Mutation> {
    let mut sorted: Vec<&Mutation> = outbox.iter().collect();
    sorted.sort_by_key(|m| m.id);
    let mut seen = BTreeSet::new();
    sorted
        .into_iter()
        .take(max)
        .take_while(|m| seen.insert(m.record_id))
        .cloned()
        .collect()
}

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

/// The outbox after `plan`: the kept entries under their new ids, in id order.
pub fn renumber(outbox: &[Mutation], plan: &GapPlan) -> Vec<Mutation> {
    plan.renumber
        .iter()
        .filter_map(|(old, new)| {
            let entry = outbox.iter().find(|m| m.id == *old)?;
            Some(Mutation {
                id: *new,
                ..entry.clone()
            })
        })
        .collect()
}

/// The next id to hand out once the server has taken every id up to `last`: never one of
/// those again.
pub fn keep_counter_above(next_id: u64, last: u64) -> u64 {
    next_id.max(last.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::Op;
    use serde_json::Map;
    use uuid::Uuid;

    fn mutation(id: u64, record: u128) -> Mutation {
        Mutation {
            id,
            kind: "activity".into(),
            record_id: Uuid::from_u128(record),
            op: Op::Upsert,
            base_version: 0,
            fields: Map::new(),
            at: "2026-11-29T03:20:00Z".into(),
            resolves: Vec::new(),
        }
    }

    fn ids(batch: &[Mutation]) -> Vec<u64> {
        batch.iter().map(|m| m.id).collect()
    }

    #[test]
    fn a_batch_is_a_prefix_of_the_outbox_in_id_order() {
        let outbox = [mutation(7, 3), mutation(5, 1), mutation(6, 2)];
        assert_eq!(ids(&next_batch(&outbox, 1000)), [5, 6, 7]);
        assert_eq!(ids(&next_batch(&outbox, 2)), [5, 6]);
        assert!(next_batch(&[], 1000).is_empty());
    }

    #[test]
    fn a_batch_stops_before_a_second_change_of_the_same_record() {
        let outbox = [
            mutation(5, 1),
            mutation(6, 2),
            mutation(7, 1),
            mutation(8, 3),
        ];
        assert_eq!(ids(&next_batch(&outbox, 1000)), [5, 6]);
        assert_eq!(ids(&next_batch(&outbox[2..], 1000)), [7, 8]);
    }

    #[test]
    fn a_full_outbox_goes_in_batches_of_at_most_1000() {
        let outbox: Vec<_> = (1..=2500).map(|i| mutation(i, u128::from(i))).collect();
        let batch = next_batch(&outbox, crate::sync::MAX_MUTATIONS);
        assert_eq!(batch.len(), 1000);
        assert_eq!(batch[999].id, 1000);
    }

    #[test]
    fn entries_the_server_lacks_take_the_ids_it_expects() {
        // The server lost ids 5 to 8 (say, restored from a backup): 9 and 10 become 5, 6.
        let plan = plan_gap(&[10, 9], 5, 11);
        assert!(plan.drop.is_empty());
        assert_eq!(plan.renumber, [(9, 5), (10, 6)]);
        assert_eq!(plan.next_id, 7);
        let moved = renumber(&[mutation(9, 1), mutation(10, 2)], &plan);
        assert_eq!(ids(&moved), [5, 6]);
        assert_eq!(moved[1].record_id, Uuid::from_u128(2));
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

    #[test]
    fn the_counter_stays_above_the_servers_last_id() {
        assert_eq!(keep_counter_above(3, 7), 8);
        assert_eq!(keep_counter_above(9, 7), 9);
    }
}
