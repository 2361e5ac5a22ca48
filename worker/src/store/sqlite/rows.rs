//! Decoding SQLite rows (ids and JSON are stored as text).

use crate::store::accounts::role_from_db;
use crate::store::error::from_db;
use crate::store::StoreError;
use model::api::UserInfo;
use model::sync::RecordState;
use uuid::Uuid;

pub(super) type UserRow = (String, String, String, String, String);

pub(super) fn user_from_row(
    (id, username, name, role, agency): UserRow,
) -> Result<UserInfo, StoreError> {
    Ok(UserInfo {
        id: parse_uuid(&id)?,
        username,
        name,
        role: role_from_db(&role)?,
        agency,
    })
}

pub(super) fn parse_uuid(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|_| StoreError::Corrupt(format!("bad uuid {text:?}")))
}

pub(super) fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("bad JSON: {e}")))
}

pub(super) fn unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

pub(super) type RecordRow = (String, String, i64, bool, bool, String);

pub(super) fn record_from_row(
    (kind, id, version, deleted, conflict, fields): RecordRow,
) -> Result<RecordState, StoreError> {
    Ok(RecordState {
        kind,
        id: parse_uuid(&id)?,
        version: from_db(version)?,
        deleted,
        // A tombstone goes out without fields, whatever an older store kept.
        fields: if deleted {
            serde_json::Map::new()
        } else {
            parse_json(&fields)?
        },
        conflict,
        conflicts: Vec::new(),
    })
}
