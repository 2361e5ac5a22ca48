//! Taking a pulled record.

use super::record::LocalRecord;
use crate::sync::{Mutation, RecordState};

/// The record to keep for a pulled `state`, shown with the device's waiting changes laid
/// over it (`merge::overlay`), or `None` to forget it: deleted on the server (or gone from
/// the caller's scope) with no change to it waiting.
pub fn pulled(
    state: &RecordState,
    existing: Option<LocalRecord>,
    outbox: &[Mutation],
) -> Option<LocalRecord> {
    let pending: Vec<_> = outbox
        .iter()
        .filter(|m| m.record_id == state.id)
        .map(|m| &m.fields)
        .collect();
    if state.deleted && pending.is_empty() {
        return None;
    }
    let mut record = LocalRecord::pulled(existing, state);
    // A conflict the officer has settled stays off screen while the settling waits.
    let settling: Vec<&String> = outbox
        .iter()
        .filter(|m| m.record_id == state.id)
        .flat_map(|m| &m.resolves)
        .collect();
    record.conflicts.retain(|c| !settling.contains(&&c.field));
    record.recompute(pending);
    Some(record)
}
