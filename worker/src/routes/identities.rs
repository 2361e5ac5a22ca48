//! `/api/v1/keys/index` and `/api/v1/identities/nik`: finding the same victim on two cases
//! without the server learning who (issue #18; `docs/api.md`, "Keys"). The task force has
//! one blind-index key, made on a phone and wrapped for every account that holds keys; a
//! phone keeps beside each identity the HMAC of its normalised NIK under that key
//! (`nik_index`), and asks here which cases hold the same index. The index reveals only
//! whether two NIKs are equal.

use crate::auth::CurrentUser;
use crate::error::{ApiError, Refusal};
use crate::extract::{ApiJson, ApiQuery};
use crate::openapi;
use crate::routes::audit::account_change;
use crate::store::{AuditAction, IndexKeyRow, NewAuditEntry};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use model::api::Role;
use model::e2e::{IndexKeys, IndexWrappings, NikMatches, PublicKey, Reader, WrappedKey};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

/// The message when a viewer asks.
const MAY_NOT: &str = "Your role does not read victims' identities.";
/// The message when wrappings of another index key are sent.
const OTHER_KEY: &str =
    "The task force's index key was made already by another phone: fetch it and wrap that one.";
/// The most wrappings one request may carry.
const MAX_WRAPPINGS: usize = 500;

/// The index key as the caller may have it (fetching one's wrapping is an
/// `identity_read`), and the accounts that lack it.
#[utoipa::path(
    get,
    path = "/keys/index",
    operation_id = "indexKeys",
    tag = "keys",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    responses(
        (status = 200, description = "The index key's id, the caller's wrapping and who lacks one.", body = IndexKeys),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn index(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Json<IndexKeys>, ApiError> {
    if !current.user.role.wraps_keys() {
        return Err(ApiError::Forbidden(MAY_NOT));
    }
    let rows = state.store.index_keys().await?;
    let holders = state.store.holder_public_keys().await?;
    let current_of = |account: Uuid| {
        holders
            .iter()
            .find(|(id, _)| *id == account)
            .map(|(_, public)| model::e2e::fingerprint(public))
    };
    // A wrapping counts for the key pair the account has now.
    let live = |row: &IndexKeyRow| {
        let now = current_of(row.user_id);
        now.is_some()
            && row
                .reader_key
                .as_ref()
                .is_none_or(|key| Some(key) == now.as_ref())
    };
    let key_id = rows
        .iter()
        .find_map(|row| WrappedKey::from_fields(&fields(&row.wrapping)?).ok())
        .map(|w| w.key_id);
    let mine = rows
        .iter()
        .find(|row| row.user_id == current.user.id && live(row))
        .and_then(|row| fields(&row.wrapping));
    let recovery_row = rows.iter().find(|row| row.user_id.is_nil());
    let recovery_lacking =
        key_id.is_some() && recovery_row.is_none() && state.store.recovery_key().await?.is_some();
    // Only the roles that restore with the recovery code, and only when they lack a
    // wrapping of their own.
    let restores = matches!(current.user.role, Role::Supervisor | Role::Admin);
    let recovery = recovery_row
        .filter(|_| restores && mine.is_none())
        .and_then(|row| fields(&row.wrapping));
    let lacking = match key_id {
        None => Vec::new(),
        Some(_) => holders
            .iter()
            .filter(|(id, _)| !rows.iter().any(|row| row.user_id == *id && live(row)))
            .map(|(account, public)| PublicKey {
                account: *account,
                public: public.clone(),
            })
            .collect(),
    };
    if mine.is_some() || recovery.is_some() {
        let read = NewAuditEntry {
            at: crate::clock::now_unix(),
            user_id: Some(current.user.id),
            device_id: None,
            action: AuditAction::IdentityRead,
            record_kind: Some("index_key".into()),
            record_id: key_id,
            detail: json!({"via": if mine.is_some() { "index_key" } else { "index_key_recovery" }}),
        };
        state.store.append_audit(&[read]).await?;
    }
    Ok(Json(IndexKeys {
        key_id,
        mine,
        lacking,
        recovery_lacking,
        recovery,
    }))
}

fn fields(text: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    serde_json::from_str(text).ok()
}

/// Stores wrappings of the index key, each for one active account with keys (the first
/// makes the key; an account's older wrapping is replaced). Wrappings of another key than
/// the stored one are refused with `keys_exist`. Written to the audit trail.
#[utoipa::path(
    put,
    path = "/keys/index",
    operation_id = "setIndexKeys",
    tag = "keys",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    request_body = IndexWrappings,
    responses(
        (status = 204, description = "Stored."),
        (status = 400, response = openapi::KeysRefused),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn set_index(
    State(state): State<AppState>,
    current: CurrentUser,
    body: Result<ApiJson<IndexWrappings>, ApiError>,
) -> Result<StatusCode, ApiError> {
    if !current.user.role.wraps_keys() {
        return Err(ApiError::Forbidden(MAY_NOT));
    }
    let ApiJson(body) = body?;
    if body.wrappings.is_empty() || body.wrappings.len() > MAX_WRAPPINGS {
        return Err(ApiError::BadRequest(format!(
            "wrappings: 1 to {MAX_WRAPPINGS}"
        )));
    }
    let holders = state.store.holder_public_keys().await?;
    let recovery_key = state.store.recovery_key().await?;
    let mut key_id = None;
    let mut rows = Vec::with_capacity(body.wrappings.len());
    for (n, fields) in body.wrappings.iter().enumerate() {
        let wrapped = WrappedKey::from_fields(fields).map_err(|error| {
            ApiError::BadRequest(format!(
                "wrappings[{n}].{}: {}",
                error.field,
                error.problem.code()
            ))
        })?;
        if !wrapped.case_id.is_nil() || key_id.is_some_and(|k| k != wrapped.key_id) {
            return Err(ApiError::BadRequest(format!(
                "wrappings[{n}]: one index key, with the nil case"
            )));
        }
        // The recovery key's wrapping is kept with the nil account.
        let account = match wrapped.reader {
            Reader::Account(account) if holders.iter().any(|(id, _)| *id == account) => account,
            Reader::Account(_) => {
                return Err(ApiError::BadRequest(format!(
                    "wrappings[{n}].reader: not an active account with keys"
                )))
            }
            Reader::Recovery if recovery_key.is_some() => Uuid::nil(),
            Reader::Recovery => {
                return Err(ApiError::BadRequest(format!(
                    "wrappings[{n}].reader: the task force has no recovery key yet"
                )))
            }
        };
        key_id = Some(wrapped.key_id);
        rows.push(IndexKeyRow {
            user_id: account,
            wrapping: serde_json::Value::Object(wrapped.to_fields()).to_string(),
            reader_key: wrapped.reader_key.clone(),
        });
    }
    let key_id = key_id.ok_or_else(|| ApiError::BadRequest("wrappings: none".into()))?;
    let detail = json!({"change": "index_key", "key_id": key_id, "accounts": rows.len()});
    let entry = account_change(current.user.id, current.user.id, detail);
    match state.store.set_index_keys(key_id, &rows, &entry).await? {
        true => Ok(StatusCode::NO_CONTENT),
        false => Err(ApiError::Refused {
            code: Refusal::KeysExist,
            message: OTHER_KEY,
        }),
    }
}

/// `GET /identities/nik` query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NikQuery {
    /// The NIK's blind index: 32 lower-case hex digits; required.
    pub index: Option<String>,
}

/// The cases whose victim has this NIK index: all of them for a supervisor or an admin;
/// for an officer, those it may see, and how many others.
#[utoipa::path(
    get,
    path = "/identities/nik",
    operation_id = "nikMatches",
    tag = "keys",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    params(NikQuery),
    responses(
        (status = 200, description = "The cases with this NIK index.", body = NikMatches),
        (status = 400, response = openapi::BadRequest),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn nik(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<NikQuery>,
) -> Result<Json<NikMatches>, ApiError> {
    if !current.user.role.wraps_keys() {
        return Err(ApiError::Forbidden(MAY_NOT));
    }
    let index = query
        .index
        .filter(|index| model::e2e::check_nik_index(index))
        .ok_or_else(|| ApiError::BadRequest("index: 32 lower-case hex digits".into()))?;
    let all = state.store.nik_cases(&index).await?;
    if current.user.role != Role::Officer {
        return Ok(Json(NikMatches {
            cases: all,
            elsewhere: 0,
        }));
    }
    let own = state.store.officer_cases(current.user.id).await?;
    let (cases, others): (Vec<Uuid>, Vec<Uuid>) = all.into_iter().partition(|c| own.contains(c));
    Ok(Json(NikMatches {
        cases,
        elsewhere: u32::try_from(others.len()).unwrap_or(u32::MAX),
    }))
}
