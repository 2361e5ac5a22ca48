//! Decoding PostgreSQL rows.

use crate::store::accounts::role_from_db;
use crate::store::error::from_db;
use crate::store::StoreError;
use model::api::UserInfo;
use model::sync::RecordState;
use serde_json::{Map, Value};
use sqlx::types::Json;
use uuid::Uuid;

pub(super) type UserRow = (Uuid, String, String, String, String);

pub(super) fn user_from_row(
    (id, username, name, role, agency): UserRow,
) -> Result<UserInfo, StoreError> {
    Ok(UserInfo {
        id,
        username,
        name,
        role: role_from_db(&role)?,
        agency,
    })
}

pub(super) type RecordRow = (String, Uuid, i64, bool, bool, Json<Map<String, Value>>);

pub(super) fn record_from_row(row: RecordRow) -> Result<RecordState, StoreError> {
    let (kind, id, version, deleted, conflict, Json(fields)) = row;
    Ok(RecordState {
        kind,
        id,
        version: from_db(version)?,
        deleted,
        // A tombstone goes out without fields, whatever an older store kept.
        fields: if deleted {
            serde_json::Map::new()
        } else {
            fields
        },
        conflict,
        conflicts: Vec::new(),
    })
}
