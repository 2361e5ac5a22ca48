//! The merge rule (`docs/sync-protocol.md`, push rules 4 to 6): one pure function that the
//! worker applies to every mutation, and the overlay with which the app lays its pending
//! changes over a pulled record.

use crate::kind::RecordKind;
use crate::sync::{Conflict, Op};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// A record as the server keeps it: its state plus the version at which each field last
/// changed, which the three-way merge needs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StoredRecord {
    /// The server sequence number of the record's last change.
    pub version: u64,
    /// Soft-deleted.
    pub deleted: bool,
    /// Has an open conflict.
    pub conflict: bool,
    /// The fields.
    pub fields: Map<String, Value>,
    /// For each field, the version at which it last changed.
    pub field_versions: BTreeMap<String, u64>,
}

/// What a mutation does to a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The record's new state. Its `version` is the new version when `changed`, else the
    /// current one.
    pub record: StoredRecord,
    /// Same-field conflicts: the server kept its value; the device's goes to the log.
    pub conflicts: Vec<Conflict>,
    /// Whether the state changed (and so takes the new version).
    pub changed: bool,
}

/// One mutation as the merge sees it.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// The record's kind.
    pub kind: RecordKind,
    /// Upsert or delete.
    pub op: Op,
    /// The version the device last saw (0 when it created the record).
    pub base_version: u64,
    /// The fields the mutation changes.
    pub fields: &'a Map<String, Value>,
}

/// Applies `change` to the record's `current` state (`None` when the server has never seen
/// it), giving the state it would have at `new_version`.
///
/// A field the server has not changed since `base_version` takes the device's value; a
/// field both sides changed to different values keeps the server's, and the device's is
/// returned as a conflict. A delete clears every field. An upsert onto a deleted record is
/// a conflict on every field (the server's value: none).
/// Insert-only kinds never conflict: a repeated create changes nothing.
pub fn merge(current: Option<&StoredRecord>, change: Change<'_>, new_version: u64) -> Merged {
    let Some(current) = current else {
        return create(change, new_version);
    };
    let mut record = current.clone();
    let mut conflicts = Vec::new();
    let mut changed = false;
    match change.op {
        // A tombstone keeps no field: nothing of a deleted record (a victim's name above
        // all) stays on the server or goes out again in a pull.
        Op::Delete if !current.deleted => {
            record.deleted = true;
            record.fields.clear();
            record.field_versions.clear();
            changed = true;
        }
        Op::Delete => {}
        Op::Upsert if change.kind.insert_only() => {}
        Op::Upsert if current.deleted => {
            conflicts = change
                .fields
                .iter()
                .map(|(name, device)| Conflict {
                    field: name.clone(),
                    server: current.fields.get(name).cloned().unwrap_or(Value::Null),
                    device: device.clone(),
                })
                .collect();
        }
        Op::Upsert => {
            for (name, device) in change.fields {
                let server = current.fields.get(name);
                if server == Some(device) {
                    continue;
                }
                let server_changed_at = current.field_versions.get(name).copied().unwrap_or(0);
                if server_changed_at <= change.base_version {
                    record.fields.insert(name.clone(), device.clone());
                    record.field_versions.insert(name.clone(), new_version);
                    changed = true;
                } else {
                    conflicts.push(Conflict {
                        field: name.clone(),
                        server: server.cloned().unwrap_or(Value::Null),
                        device: device.clone(),
                    });
                }
            }
        }
    }
    if !conflicts.is_empty() && !record.conflict {
        record.conflict = true;
        changed = true;
    }
    if changed {
        record.version = new_version;
    }
    Merged {
        record,
        conflicts,
        changed,
    }
}

/// What a resolving mutation settled (`docs/api.md`, "Conflicts").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Resolution {
    /// The fields whose open conflict-log entries are now resolved, in name order.
    pub resolved: Vec<String>,
    /// Whether the record's state changed (its conflict flag cleared): it takes the new
    /// version.
    pub changed: bool,
}

/// Settles the open conflicts that a mutation `resolves`, after it was merged into
/// `record` (the merge's `conflicts` are the ones it just made). `open` holds the fields
/// with open conflict-log entries before the mutation; it is updated.
///
/// A resolved field whose merge made a new conflict (someone changed it again after the
/// mutation's base) stays open. When a resolution leaves nothing open the record's
/// conflict flag clears, at `new_version`.
pub fn resolve(
    record: &mut StoredRecord,
    open: &mut BTreeSet<String>,
    resolves: &[String],
    conflicts: &[Conflict],
    new_version: u64,
) -> Resolution {
    open.extend(conflicts.iter().map(|c| c.field.clone()));
    let resolved: Vec<String> = resolves
        .iter()
        .filter(|field| !conflicts.iter().any(|c| &c.field == *field))
        .filter(|field| open.remove(*field))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let clears = !resolves.is_empty() && open.is_empty() && record.conflict;
    if clears {
        record.conflict = false;
        record.version = new_version;
    }
    Resolution {
        resolved,
        changed: clears,
    }
}

fn create(change: Change<'_>, new_version: u64) -> Merged {
    let deleted = change.op == Op::Delete;
    let fields = if deleted {
        Map::new()
    } else {
        change.fields.clone()
    };
    let field_versions = fields
        .keys()
        .map(|name| (name.clone(), new_version))
        .collect();
    Merged {
        record: StoredRecord {
            version: new_version,
            deleted,
            conflict: false,
            fields,
            field_versions,
        },
        conflicts: Vec::new(),
        changed: true,
    }
}

/// What the device shows: the server's fields with the device's pending (not yet
/// answered) changes laid over them, oldest first, so a local edit stays on screen until
/// the server has answered for it.
pub fn overlay<'a>(
    server: &Map<String, Value>,
    pending: impl IntoIterator<Item = &'a Map<String, Value>>,
) -> Map<String, Value> {
    let mut fields = server.clone();
    for change in pending {
        for (name, value) in change {
            fields.insert(name.clone(), value.clone());
        }
    }
    fields
}

#[cfg(test)]
mod tests;
