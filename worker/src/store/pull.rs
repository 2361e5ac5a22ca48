//! A pull page as the store reads it, and the conflict log.

use model::sync::{Conflict, RecordState};
use uuid::Uuid;

/// Which records a pull returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullScope {
    /// Every record.
    All,
    /// Every record outside a case (activities), the records of the cases this user
    /// created or is assigned to, and, once each, the records that left its scope (as
    /// deleted with no fields).
    OwnCases(Uuid),
    /// A liaison's (issue #19): the referrals addressed to this agency and their steps.
    Agency(String),
}

/// One pull page request.
#[derive(Debug, Clone)]
pub struct PullQuery {
    /// The caller.
    pub user_id: Uuid,
    /// The caller's device (for its last mutation id).
    pub device_id: Uuid,
    /// The records in the caller's scope.
    pub scope: PullScope,
    /// Records with a version above this.
    pub after: u64,
    /// Scope exits with a version above this and `after` (a device whose first sync began
    /// at a version never held what left its scope before: see `model::sync::Cursor`).
    pub exits_after: u64,
    /// At most this many records.
    pub limit: u32,
}

/// One pull page.
#[derive(Debug, Clone)]
pub struct PullPage {
    /// The records, in version order.
    pub records: Vec<RecordState>,
    /// Whether more records wait above the last one.
    pub more: bool,
    /// The last mutation id taken from the caller's device.
    pub last_mutation_id: u64,
    /// The highest version assigned so far: no valid cursor is above it.
    pub latest_version: u64,
}

/// One entry of the conflict log: a device's value that lost to the server's.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedConflict {
    /// The field.
    pub field: String,
    /// The value the server kept.
    pub server: serde_json::Value,
    /// The device's value.
    pub device: serde_json::Value,
    /// The device that sent it.
    pub device_id: Uuid,
    /// The mutation that carried it.
    pub mutation_id: u64,
    /// The user who pushed it.
    pub user_id: Uuid,
    /// The device's clock at the change.
    pub at: String,
    /// The record's version when a resolving mutation settled it; `None` while open.
    pub resolved_version: Option<u64>,
    /// Who settled it.
    pub resolved_by: Option<Uuid>,
}

/// The ids of the pulled records that have an open conflict.
pub(super) fn in_conflict(records: &[RecordState]) -> Vec<Uuid> {
    records
        .iter()
        .filter(|r| r.conflict)
        .map(|r| r.id)
        .collect()
}

/// Lays the open conflict-log entries (oldest first) on the pulled records they belong
/// to (`docs/api.md`, "Conflicts").
pub(super) fn attach_conflicts(records: &mut [RecordState], open: Vec<(Uuid, Conflict)>) {
    for (id, conflict) in open {
        if let Some(record) = records.iter_mut().find(|r| r.id == id && r.conflict) {
            record.conflicts.push(conflict);
        }
    }
}
