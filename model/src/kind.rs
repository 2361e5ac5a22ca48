//! The record kinds the sync layer carries, and what each allows.

use crate::{activity::Activity, FieldError, Problem};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::Date;

/// A kind of record. The sync layer is generic over kinds; each kind validates its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// An outreach, training, advocacy or coordination activity.
    Activity,
}

impl RecordKind {
    /// Every kind this version of the model knows.
    pub const ALL: [RecordKind; 1] = [RecordKind::Activity];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Activity => "activity",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<RecordKind> {
        RecordKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }

    /// Whether records of this kind are never edited after creation (they never conflict).
    pub fn insert_only(self) -> bool {
        match self {
            RecordKind::Activity => false,
        }
    }

    /// Validates a record's whole state (after merge), as of `today`.
    pub fn validate(self, fields: &Map<String, Value>, today: Date) -> Result<(), Vec<FieldError>> {
        match self {
            RecordKind::Activity => Activity::parse(fields, today).map(|_| ()),
        }
    }
}

/// Rejects fields the kind does not have, so a typo never silently drops data.
pub(crate) fn unknown_fields(fields: &Map<String, Value>, known: &[&str]) -> Vec<FieldError> {
    fields
        .keys()
        .filter(|name| !known.contains(&name.as_str()))
        .map(|name| FieldError::new(name.clone(), Problem::UnknownField))
        .collect()
}
