//! Pure planning for the sync loop: which changes go in the next push, how long to wait
//! after a failure.

use gugus_model::sync::Mutation;
use std::collections::BTreeSet;

/// The first wait after a failure, in milliseconds.
pub const BACKOFF_BASE_MS: u32 = 2_000;
/// The longest wait between retries, in milliseconds.
pub const BACKOFF_MAX_MS: u32 = 5 * 60_000;

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

/// How long to wait before retry number `failures` (1 for the first): doubling from
/// [`BACKOFF_BASE_MS`] up to [`BACKOFF_MAX_MS`], spread by `jitter` (0 to 1) over half to
/// one and a half times that, so phones that lost the server together do not return
/// together.
pub fn backoff_ms(failures: u32, jitter: f64) -> u32 {
    let doublings = failures.saturating_sub(1).min(16);
    let plain = BACKOFF_BASE_MS
        .saturating_mul(1 << doublings)
        .min(BACKOFF_MAX_MS);
    let spread = 0.5 + jitter.clamp(0.0, 1.0);
    (f64::from(plain) * spread) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use gugus_model::sync::Op;
    use serde_json::Map;
    use uuid::Uuid;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn mutation(id: u64, record: u128) -> Mutation {
        Mutation {
            id,
            kind: "activity".into(),
            record_id: Uuid::from_u128(record),
            op: Op::Upsert,
            base_version: 0,
            fields: Map::new(),
            at: "2026-11-29T03:20:00Z".into(),
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
        let batch = next_batch(&outbox, gugus_model::sync::MAX_MUTATIONS);
        assert_eq!(batch.len(), 1000);
        assert_eq!(batch[999].id, 1000);
    }

    #[test]
    fn backoff_doubles_up_to_a_cap_with_jitter() {
        assert_eq!(backoff_ms(1, 0.5), 2_000);
        assert_eq!(backoff_ms(2, 0.5), 4_000);
        assert_eq!(backoff_ms(3, 0.0), 4_000);
        assert_eq!(backoff_ms(3, 1.0), 12_000);
        assert_eq!(backoff_ms(40, 0.5), BACKOFF_MAX_MS);
    }
}
