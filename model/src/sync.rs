//! The sync protocol's wire types (`docs/sync-protocol.md`, protocol 1).

use crate::field::{FieldError, Problem};
use crate::kind::RecordKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// The protocol number this model speaks.
pub const PROTOCOL: u32 = 1;
/// The most mutations one push may carry.
pub const MAX_MUTATIONS: usize = 1000;
/// The largest pull page.
pub const MAX_PULL_LIMIT: u32 = 1000;
/// The pull page size when the device asks for none.
pub const DEFAULT_PULL_LIMIT: u32 = 500;
/// The largest request body, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What a mutation does to its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Create the record, or change the fields given.
    Upsert,
    /// Soft-delete the record.
    Delete,
}

/// One change made on a device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mutation {
    /// The device's counter: 1, 2, 3, ... never reused.
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 1, maximum = 9_223_372_036_854_775_807_u64)
    )]
    pub id: u64,
    /// The record kind's wire name.
    pub kind: String,
    /// The record's id.
    pub record_id: Uuid,
    /// Upsert or delete.
    pub op: Op,
    /// The record's version the device last saw; 0 when the device created it.
    pub base_version: u64,
    /// Only the fields this mutation changes.
    #[serde(default)]
    pub fields: Map<String, Value>,
    /// The device's clock when the change was made (RFC 3339).
    #[cfg_attr(feature = "openapi", schema(format = DateTime, max_length = 40))]
    pub at: String,
    /// Fields whose open conflicts this change settles (`docs/api.md`, "Conflicts"): it
    /// carries the chosen value of each. Empty for an ordinary change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolves: Vec<String>,
}

impl Mutation {
    /// The mutation's own particulars, which the audit trail keeps as sent, checked before
    /// anything of it is stored: `at` must be the device's clock as an RFC 3339 timestamp
    /// (no free text reaches the trail), and `resolves` must name fields of `kind`, each
    /// once.
    pub fn check_particulars(&self, kind: RecordKind) -> Result<(), RejectError> {
        const LONGEST_AT: usize = 40; // 2026-12-03T06:24:21.123456789+07:00 is 35
        let rfc3339 = &time::format_description::well_known::Rfc3339;
        if self.at.len() > LONGEST_AT || time::OffsetDateTime::parse(&self.at, rfc3339).is_err() {
            return Err(RejectError::particular(
                "at",
                "`at` must be the device's clock as an RFC 3339 timestamp.".into(),
            ));
        }
        let known = |name: &str| match kind.spec() {
            Some(spec) => spec.field(name).is_some(),
            None => crate::activity::FIELDS.contains(&name),
        };
        let mut seen = std::collections::BTreeSet::new();
        if self
            .resolves
            .iter()
            .any(|name| !known(name) || !seen.insert(name.as_str()))
        {
            let message = format!(
                "`resolves` must name fields of a {} record, each once.",
                kind.as_str()
            );
            return Err(RejectError::particular("resolves", message));
        }
        Ok(())
    }
}

/// `POST /api/v1/sync/push` request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    /// Must be [`PROTOCOL`].
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))]
    pub protocol: u32,
    /// The device's id.
    pub device_id: Uuid,
    /// The mutations, in id order.
    pub mutations: Vec<Mutation>,
}

/// One same-field conflict: the server kept its value, the device's is logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conflict {
    /// The field's name.
    pub field: String,
    /// The value the server kept.
    pub server: Value,
    /// The device's value, kept in the conflict log.
    pub device: Value,
}

/// What happened to one mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum MutationStatus {
    /// Applied; the record is now at `version`.
    Applied {
        /// The record's version after the mutation.
        version: u64,
    },
    /// Already taken earlier: no effect.
    Duplicate,
    /// Applied except for the conflicting fields, which kept the server's value.
    Conflict {
        /// The record's version after the mutation.
        version: u64,
        /// The fields in conflict.
        conflicts: Vec<Conflict>,
    },
    /// Not applied: a field failed validation, or the caller may not write the record.
    Rejected {
        /// Why.
        error: RejectError,
    },
}

/// Why a mutation was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectError {
    /// `invalid_field`, `forbidden` or `unknown_kind`.
    pub code: String,
    /// The field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// A human sentence (English; the app words it from `code`, `field` and `problem`).
    pub message: String,
    /// Every field error, for the form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl RejectError {
    /// A rejection of one of the mutation's own particulars (`at`, `resolves`).
    fn particular(name: &str, message: String) -> Self {
        RejectError {
            code: "invalid_field".into(),
            field: Some(name.into()),
            message,
            fields: vec![FieldError::new(name, Problem::WrongType)],
        }
    }

    /// A rejection for invalid fields; names the first.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let first = errors.first();
        RejectError {
            code: "invalid_field".into(),
            field: first.map(|e| e.field.clone()),
            message: first.map_or_else(|| "Invalid record.".into(), ToString::to_string),
            fields: errors,
        }
    }

    /// A rejection because the caller may not write the record.
    pub fn forbidden() -> Self {
        RejectError {
            code: "forbidden".into(),
            field: None,
            message: "You may not change this record.".into(),
            fields: Vec::new(),
        }
    }

    /// A rejection because the record kind is unknown.
    pub fn unknown_kind(kind: &str) -> Self {
        RejectError {
            code: "unknown_kind".into(),
            field: Some("kind".into()),
            message: format!("Unknown record kind {kind:?}."),
            fields: Vec::new(),
        }
    }
}

/// One mutation's result in a push answer: on the wire one flat object, `{"id",
/// "status", ...}` with the status's own members. Read back through [`RawResult`]: the
/// derived readers of a tagged enum and of a `flatten`ed field buffer the whole object
/// first, which costs the app's first download several kilobytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "RawResult")]
pub struct MutationResult {
    /// The mutation's id.
    pub id: u64,
    /// What happened.
    #[serde(flatten)]
    pub status: MutationStatus,
}

/// A [`MutationResult`] as it arrives.
#[derive(Deserialize)]
struct RawResult {
    id: u64,
    status: String,
    #[serde(default)]
    version: Option<u64>,
    #[serde(default)]
    conflicts: Option<Vec<Conflict>>,
    #[serde(default)]
    error: Option<RejectError>,
}

impl TryFrom<RawResult> for MutationResult {
    type Error = String;

    fn try_from(raw: RawResult) -> Result<MutationResult, String> {
        let missing = |member: &str| format!("a {} result needs {member}", raw.status);
        let status = match raw.status.as_str() {
            "applied" => MutationStatus::Applied {
                version: raw.version.ok_or_else(|| missing("version"))?,
            },
            "duplicate" => MutationStatus::Duplicate,
            "conflict" => MutationStatus::Conflict {
                version: raw.version.ok_or_else(|| missing("version"))?,
                conflicts: raw.conflicts.ok_or_else(|| missing("conflicts"))?,
            },
            "rejected" => MutationStatus::Rejected {
                error: raw.error.ok_or_else(|| missing("error"))?,
            },
            other => return Err(format!("unknown status {other:?}")),
        };
        Ok(MutationResult { id: raw.id, status })
    }
}

/// `POST /api/v1/sync/push` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    /// The last mutation id the server has taken from this device.
    pub last_mutation_id: u64,
    /// One result per mutation sent.
    pub results: Vec<MutationResult>,
}

/// `POST /api/v1/sync/pull` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullRequest {
    /// Must be [`PROTOCOL`].
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))]
    pub protocol: u32,
    /// The device's id.
    pub device_id: Uuid,
    /// Where the last pull ended; `None` for everything.
    #[serde(default)]
    pub cursor: Option<String>,
    /// At most this many records (capped at [`MAX_PULL_LIMIT`]).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// A record's whole current state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordState {
    /// The kind's wire name.
    pub kind: String,
    /// The record's id.
    pub id: Uuid,
    /// The server sequence number of the record's last change.
    pub version: u64,
    /// Soft-deleted (or gone from the caller's scope).
    pub deleted: bool,
    /// The fields.
    pub fields: Map<String, Value>,
    /// Whether the record has an open conflict.
    #[serde(default)]
    pub conflict: bool,
    /// The record's open conflicts, oldest first (`docs/api.md`, "Conflicts"); empty when
    /// none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
}

/// `POST /api/v1/sync/pull` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    /// Where this page ended; send it with the next pull.
    pub cursor: String,
    /// Whether more records wait above the cursor.
    pub more: bool,
    /// The last mutation id the server has taken from this device.
    pub last_mutation_id: u64,
    /// The records, in version order.
    pub records: Vec<RecordState>,
}

/// Encodes a position as an opaque cursor (`v1234`, or `v1234f5678` while scope exits
/// count only above 5678).
pub fn encode_cursor(cursor: Cursor) -> String {
    if cursor.exits_after > cursor.after {
        format!("v{}f{}", cursor.after, cursor.exits_after)
    } else {
        format!("v{}", cursor.after)
    }
}

/// Where a device's pulls stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Records with a version above this come next.
    pub after: u64,
    /// Scope exits only above this version: a device whose first sync began (from no
    /// cursor) at version F never held a record that left its scope at or before F, so it
    /// is not told to forget one (0: every exit above `after`).
    pub exits_after: u64,
}

/// Decodes a cursor made by [`encode_cursor`]; `None` means the cursor is not ours.
pub fn decode_cursor(cursor: &str) -> Option<Cursor> {
    let rest = cursor.strip_prefix('v')?;
    let (after, exits_after) = match rest.split_once('f') {
        Some((after, exits)) => (number(after)?, Some(number(exits)?)),
        None => (number(rest)?, None),
    };
    match exits_after {
        // Only the form encode_cursor writes: a floor above the position.
        Some(floor) if floor <= after => None,
        _ => Some(Cursor {
            after,
            exits_after: exits_after.unwrap_or(0),
        }),
    }
}

/// A canonical decimal number (no sign, no leading zero).
fn number(digits: &str) -> Option<u64> {
    let canonical = digits == "0" || (!digits.starts_with('0') && !digits.is_empty());
    if !canonical || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_cursors_decode() {
        let at = |after, exits_after| Cursor { after, exits_after };
        assert_eq!(
            decode_cursor(&encode_cursor(at(1234, 0))),
            Some(at(1234, 0))
        );
        assert_eq!(encode_cursor(at(1234, 0)), "v1234");
        assert_eq!(
            decode_cursor(&encode_cursor(at(12, 5678))),
            Some(at(12, 5678))
        );
        assert_eq!(encode_cursor(at(12, 5678)), "v12f5678");
        // Once past the floor, the floor says nothing more: the plain form.
        assert_eq!(encode_cursor(at(5678, 5678)), "v5678");
        assert_eq!(decode_cursor("v0"), Some(at(0, 0)));
        for bad in [
            "v+5", "v007", "v", "5", "v-1", "v1.0", "w5", "v5f", "vf5", "v5f05", "v5f5", "v9f3",
            "v1f2f3",
        ] {
            assert_eq!(decode_cursor(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod result_tests {
    use super::*;
    use crate::field::{FieldError, Problem};
    use serde_json::json;

    /// Every status reads back from the flat object it is written as.
    #[test]
    fn every_result_reads_back_from_what_the_worker_writes() {
        let conflict = Conflict {
            field: "venue".into(),
            server: json!("Balai desa"),
            device: json!("Aula"),
        };
        let rejected = RejectError {
            code: "invalid_field".into(),
            field: Some("nik".into()),
            message: "nik: not 16 digits".into(),
            fields: vec![
                FieldError::new("nik", Problem::NotNik),
                FieldError::new("venue", Problem::TooLong { max: 120 }),
                FieldError::new("count", Problem::TooLarge { max: 9 }),
            ],
        };
        let results = [
            MutationStatus::Applied { version: 7 },
            MutationStatus::Duplicate,
            MutationStatus::Conflict {
                version: 8,
                conflicts: vec![conflict],
            },
            MutationStatus::Rejected { error: rejected },
        ];
        for (id, status) in results.into_iter().enumerate() {
            let result = MutationResult {
                id: id as u64 + 1,
                status,
            };
            let text = serde_json::to_string(&result).unwrap();
            assert_eq!(
                serde_json::from_str::<MutationResult>(&text).unwrap(),
                result,
                "{text}"
            );
        }
        let written = serde_json::to_value(MutationResult {
            id: 3,
            status: MutationStatus::Applied { version: 9 },
        })
        .unwrap();
        assert_eq!(written, json!({"id": 3, "status": "applied", "version": 9}));
    }

    #[test]
    fn a_result_missing_its_members_or_of_an_unknown_status_is_refused() {
        for bad in [
            json!({"id": 1, "status": "applied"}),
            json!({"id": 1, "status": "conflict", "version": 2}),
            json!({"id": 1, "status": "rejected"}),
            json!({"id": 1, "status": "lost"}),
            json!({"status": "duplicate"}),
            json!({"id": 1, "status": "rejected", "error": {"code": "invalid_field", "message": "x",
                "fields": [{"field": "n", "problem": "too_long"}]}}),
            json!({"id": 1, "status": "rejected", "error": {"code": "invalid_field", "message": "x",
                "fields": [{"field": "n", "problem": "no_such_problem"}]}}),
        ] {
            assert!(
                serde_json::from_value::<MutationResult>(bad.clone()).is_err(),
                "{bad}"
            );
        }
        let extra = json!({"id": 1, "status": "duplicate", "version": 4, "note": "ignored"});
        assert_eq!(
            serde_json::from_value::<MutationResult>(extra)
                .unwrap()
                .status,
            MutationStatus::Duplicate,
            "members a status does not have are ignored, as before"
        );
    }
}
