//! A record as the device keeps it, and the pure rules that move it along: a local edit,
//! the server's answer to a push, a pulled state.

use crate::merge::overlay;
use crate::sync::{Conflict, Mutation, MutationStatus, Op, RecordState, RejectError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One record on the device.
///
/// Stored, `fields` is left out when it equals `server` (no change waits and none was
/// refused: almost every record), so the server's copy is kept once; read back, a missing
/// `fields` is the server's. Records stored with both still read as they were.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "StoredRecord")]
pub struct LocalRecord {
    /// The record id (UUID v7, text).
    pub id: String,
    /// The record kind's wire name.
    pub kind: String,
    /// The server version the device knows; 0 while the server has never answered for it.
    pub version: u64,
    /// Soft-deleted on the server.
    #[serde(default)]
    pub deleted: bool,
    /// The fields as the server last had them (as far as the device knows).
    #[serde(default)]
    pub server: Map<String, Value>,
    /// The fields shown: the server's, then refused local values, then pending changes.
    pub fields: Map<String, Value>,
    /// The server marks the record as having an open conflict.
    #[serde(default)]
    pub open_conflict: bool,
    /// Same-field conflicts the server reported for this device's changes.
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
    /// Why the server refused this device's last change, until the officer saves again.
    #[serde(default)]
    pub rejection: Option<RejectError>,
    /// The refused values, kept on screen so the officer can fix them.
    #[serde(default)]
    pub rejected: Map<String, Value>,
    /// When the officer last changed it on this device (RFC 3339).
    #[serde(default)]
    pub changed_at: String,
}

/// A [`LocalRecord`] as stored: `fields` may be missing.
#[derive(Deserialize)]
struct StoredRecord {
    id: String,
    kind: String,
    version: u64,
    #[serde(default)]
    deleted: bool,
    #[serde(default)]
    server: Map<String, Value>,
    #[serde(default)]
    fields: Option<Map<String, Value>>,
    #[serde(default)]
    open_conflict: bool,
    #[serde(default)]
    conflicts: Vec<Conflict>,
    #[serde(default)]
    rejection: Option<RejectError>,
    #[serde(default)]
    rejected: Map<String, Value>,
    #[serde(default)]
    changed_at: String,
}

impl From<StoredRecord> for LocalRecord {
    fn from(stored: StoredRecord) -> LocalRecord {
        let fields = match stored.fields {
            Some(fields) => fields,
            None => stored.server.clone(),
        };
        LocalRecord {
            id: stored.id,
            kind: stored.kind,
            version: stored.version,
            deleted: stored.deleted,
            server: stored.server,
            fields,
            open_conflict: stored.open_conflict,
            conflicts: stored.conflicts,
            rejection: stored.rejection,
            rejected: stored.rejected,
            changed_at: stored.changed_at,
        }
    }
}

impl Serialize for LocalRecord {
    /// As stored on the device: `fields` only when they differ from `server`, and the
    /// other optional parts only when they hold something (what [`StoredRecord`] reads
    /// back as missing is its default), so a pulled record is little more than the
    /// server's copy.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("LocalRecord", 11)?;
        out.serialize_field("id", &self.id)?;
        out.serialize_field("kind", &self.kind)?;
        out.serialize_field("version", &self.version)?;
        out.serialize_field("server", &self.server)?;
        if self.deleted {
            out.serialize_field("deleted", &self.deleted)?;
        }
        if self.fields != self.server {
            out.serialize_field("fields", &self.fields)?;
        }
        if self.open_conflict {
            out.serialize_field("open_conflict", &self.open_conflict)?;
        }
        if !self.conflicts.is_empty() {
            out.serialize_field("conflicts", &self.conflicts)?;
        }
        if self.rejection.is_some() {
            out.serialize_field("rejection", &self.rejection)?;
        }
        if !self.rejected.is_empty() {
            out.serialize_field("rejected", &self.rejected)?;
        }
        if !self.changed_at.is_empty() {
            out.serialize_field("changed_at", &self.changed_at)?;
        }
        out.end()
    }
}

impl LocalRecord {
    /// A record the officer has just created on this device.
    pub fn created(id: String, kind: &str, fields: Map<String, Value>, at: String) -> Self {
        LocalRecord {
            id,
            kind: kind.into(),
            version: 0,
            deleted: false,
            server: Map::new(),
            fields,
            open_conflict: false,
            conflicts: Vec::new(),
            rejection: None,
            rejected: Map::new(),
            changed_at: at,
        }
    }

    /// Whether something about the record needs the officer's eye.
    pub fn has_conflict(&self) -> bool {
        self.open_conflict || !self.conflicts.is_empty()
    }

    /// The fields a new mutation must carry to turn what the server has into `fields`:
    /// those that differ from what is shown now, plus any the server refused (they are
    /// sent again); all of them when something changed on a record the server has never
    /// answered for (its create may yet be refused). Empty when nothing changed.
    pub fn changes_to(&self, fields: &Map<String, Value>) -> Map<String, Value> {
        let changed: Map<String, Value> = fields
            .iter()
            .filter(|(name, value)| {
                self.fields.get(*name) != Some(*value) || self.rejected.contains_key(*name)
            })
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        if changed.is_empty() || self.version > 0 {
            changed
        } else {
            fields.clone()
        }
    }

    /// Applies an edit made on the device: the shown fields become `fields`; a saved edit
    /// answers an earlier refusal. Conflicts stay until settled (see `device::resolve`):
    /// an ordinary edit does not settle them on the server.
    pub fn edit(&mut self, fields: Map<String, Value>, at: String) {
        self.fields = fields;
        self.rejection = None;
        self.rejected = Map::new();
        self.changed_at = at;
    }

    /// Recomputes the shown fields from the server's, the refused values and the changes
    /// still waiting in the outbox (oldest first).
    pub fn recompute<'a>(&mut self, pending: impl IntoIterator<Item = &'a Map<String, Value>>) {
        let mut shown = self.server.clone();
        if self.rejection.is_some() {
            shown = overlay(&shown, [&self.rejected]);
        }
        self.fields = overlay(&shown, pending);
    }

    /// Takes the server's answer for one of this record's mutations. Returns the version
    /// the record moved to when the whole change was applied, for rebasing later pending
    /// changes of the same record.
    pub fn answer(&mut self, mutation: &Mutation, status: &MutationStatus) -> Option<u64> {
        match status {
            MutationStatus::Applied { version } => {
                self.accept(&mutation.fields, *version);
                if mutation.op == Op::Delete {
                    self.deleted = true;
                }
                Some(*version)
            }
            // Taken earlier (the first answer was lost): the next pull brings its version.
            // Until then its values are the best guess of the server's, unless the device
            // has already pulled a state newer than the change's base: that state is the
            // server's word (with or without this change) and the next pull corrects it.
            MutationStatus::Duplicate => {
                if self.version <= mutation.base_version {
                    self.server = overlay(&self.server, [&mutation.fields]);
                }
                None
            }
            MutationStatus::Conflict { version, conflicts } => {
                // A device that already pulled this version or a later one has the
                // record's conflicts as the server now holds them.
                if self.version >= *version {
                    return None;
                }
                self.accept(&mutation.fields, *version);
                for conflict in conflicts {
                    self.server
                        .insert(conflict.field.clone(), conflict.server.clone());
                    self.conflicts.retain(|c| c.field != conflict.field);
                    self.conflicts.push(conflict.clone());
                }
                self.open_conflict = true;
                None
            }
            MutationStatus::Rejected { error } => {
                for (name, value) in &mutation.fields {
                    self.rejected.insert(name.clone(), value.clone());
                }
                self.rejection = Some(error.clone());
                None
            }
        }
    }

    /// Takes an answer that moved the record to `version`. A device that already knows
    /// that version or a later one (another tab pulled it meanwhile) holds the server's
    /// state after this change: laying the change over it again could undo a newer edit.
    fn accept(&mut self, fields: &Map<String, Value>, version: u64) {
        if self.version < version {
            self.server = overlay(&self.server, [fields]);
            self.version = version;
        }
    }

    /// Takes a record's whole state from a pull. Refusals stay until the officer saves
    /// again; the conflicts become the server's open ones when it lists them (else the
    /// reported ones stay while the record is in conflict); the caller recomputes the shown
    /// fields.
    pub fn pulled(existing: Option<LocalRecord>, state: &RecordState) -> LocalRecord {
        let mut record = existing.unwrap_or_else(|| LocalRecord {
            changed_at: String::new(),
            ..LocalRecord::created(state.id.to_string(), &state.kind, Map::new(), String::new())
        });
        record.version = state.version;
        record.deleted = state.deleted;
        record.server = state.fields.clone();
        record.open_conflict = state.conflict;
        if !state.conflict {
            record.conflicts.clear();
        } else if !state.conflicts.is_empty() {
            // The server's open entries, one per field (the latest).
            record.conflicts.clear();
            for conflict in &state.conflicts {
                record.conflicts.retain(|c| c.field != conflict.field);
                record.conflicts.push(conflict.clone());
            }
        }
        record
    }
}

#[cfg(test)]
mod tests;
