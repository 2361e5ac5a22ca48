//! The rows the store reads, by column name, as both backends decode them (ids as
//! [`Id`], JSON as [`Json`]).

use super::accounts::role_from_db;
use super::db::Id;
use super::error::from_db;
use super::StoreError;
use model::api::UserInfo;
use model::sync::{Conflict, RecordState};
use serde_json::{Map, Value};
use sqlx::types::Json;
use sqlx::FromRow;

/// An account as `users` holds it.
#[derive(Debug, FromRow)]
pub(super) struct UserRow {
    pub id: Id,
    pub username: String,
    pub name: String,
    pub role: String,
    pub agency: String,
}

impl UserRow {
    /// The user.
    pub(super) fn user(self) -> Result<UserInfo, StoreError> {
        Ok(UserInfo {
            id: self.id.0,
            username: self.username,
            name: self.name,
            role: role_from_db(&self.role)?,
            agency: self.agency,
        })
    }
}

/// An account with its password hash (`sql::USER_BY_USERNAME`).
#[derive(Debug, FromRow)]
pub(super) struct CredentialsRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub password_hash: String,
    pub active: bool,
}

/// The user of a live session (`sql::LIVE_SESSION`).
#[derive(Debug, FromRow)]
pub(super) struct LiveSessionRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub last_seen_at: i64,
}

/// An account as admins list it (`sql::LIST_ACCOUNTS`).
#[derive(Debug, FromRow)]
pub(super) struct AccountRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub active: bool,
}

/// A session (`sql::USER_SESSIONS`).
#[derive(Debug, FromRow)]
pub(super) struct StoredSession {
    pub id: Id,
    pub token_hash: String,
    pub device_id: Id,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

/// A record as a pull sends it.
#[derive(Debug, FromRow)]
pub(super) struct RecordRow {
    pub kind: String,
    pub id: Id,
    pub version: i64,
    pub deleted: bool,
    pub conflict: bool,
    pub fields: Json<Map<String, Value>>,
}

impl RecordRow {
    /// The record's state.
    pub(super) fn record(self) -> Result<RecordState, StoreError> {
        Ok(RecordState {
            kind: self.kind,
            id: self.id.0,
            version: from_db(self.version)?,
            deleted: self.deleted,
            // A tombstone goes out without fields, whatever an older store kept.
            fields: if self.deleted {
                Map::new()
            } else {
                self.fields.0
            },
            conflict: self.conflict,
            conflicts: Vec::new(),
        })
    }
}

/// An open conflict of a pulled record.
#[derive(Debug, FromRow)]
pub(super) struct OpenConflictRow {
    pub record_id: Id,
    pub field: String,
    pub server_value: Json<Value>,
    pub device_value: Json<Value>,
}

impl OpenConflictRow {
    /// The record and its conflict.
    pub(super) fn conflict(self) -> (uuid::Uuid, Conflict) {
        let conflict = Conflict {
            field: self.field,
            server: self.server_value.0,
            device: self.device_value.0,
        };
        (self.record_id.0, conflict)
    }
}

/// A logged conflict's values, by its row id (for the redaction of plain identity).
#[derive(Debug, FromRow)]
pub(super) struct ConflictValuesRow {
    pub id: i64,
    pub field: String,
    pub server_value: Json<Value>,
    pub device_value: Json<Value>,
}

/// An entry of a record's conflict log (`sql::CONFLICT_LOG`).
#[derive(Debug, FromRow)]
pub(super) struct LoggedConflictRow {
    pub field: String,
    pub server_value: Json<Value>,
    pub device_value: Json<Value>,
    pub device_id: Id,
    pub mutation_id: i64,
    pub user_id: Id,
    pub at: String,
    pub resolved_version: Option<i64>,
    pub resolved_by: Option<Id>,
}

/// An entry of the audit trail with its user's name.
#[derive(Debug, FromRow)]
pub(super) struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<Id>,
    pub username: Option<String>,
    pub device_id: Option<Id>,
    pub action: String,
    pub record_kind: Option<String>,
    pub record_id: Option<Id>,
    pub detail: Json<Value>,
}

/// A stored record to project again: id, kind, deleted, fields.
#[derive(Debug, FromRow)]
pub(super) struct BackfillRow {
    pub id: Id,
    pub kind: String,
    pub deleted: bool,
    pub fields: Json<Map<String, Value>>,
}

/// A stored record as a push loads it.
#[derive(Debug, FromRow)]
pub(super) struct LoadRow {
    pub id: Id,
    pub kind: String,
    pub version: i64,
    pub deleted: bool,
    pub conflict: bool,
    pub fields: Json<Map<String, Value>>,
    pub field_versions: Json<std::collections::BTreeMap<String, u64>>,
    pub case_id: Option<Id>,
    pub created_by: Id,
}
