//! `GET /api/v1/audit`: the audit trail, for supervisors and admins (`docs/api.md`,
//! "Audit trail"), and the entries the routes append (identity reads, account changes).

use crate::auth::CurrentUser;
use crate::clock::{now_unix, WIB};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::openapi;
use crate::store::{AuditAction, AuditQuery, NewAuditEntry};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use model::activity::parse_date;
use model::api::{AuditPage, Role};
use model::sync::RecordState;
use model::RecordKind;
use serde::Deserialize;
use serde_json::{json, Value};
use time::Duration;
use utoipa::IntoParams;
use uuid::Uuid;

/// The most entries one answer holds.
pub const MAX_LIMIT: u32 = 500;
/// Entries per answer when the request does not say.
pub const DEFAULT_LIMIT: u32 = 100;

/// The query string as sent.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only this user's entries (a username; an unknown one matches nothing).
    pub user: Option<String>,
    /// Only entries about this record or account (a UUID).
    #[param(format = Uuid)]
    pub record: Option<String>,
    /// From this day (WIB), `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// To this day (WIB) inclusive, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub to: Option<String>,
    /// Only entries older than this id: the next page.
    #[param(maximum = 9_223_372_036_854_775_807_u64)]
    pub before: Option<u64>,
    /// At most this many (1 to 500; default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// The start of a WIB day, `days_after` the one named, in unix seconds; `None` past the
/// calendar's last day (no entry is that late).
fn day_start(name: &str, text: &str, days_after: i64) -> Result<Option<i64>, ApiError> {
    let day = parse_date(text.trim()).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "`{name}` is not a date in the form YYYY-MM-DD: {text:?}."
        ))
    })?;
    let start = day.checked_add(Duration::days(days_after));
    Ok(start.map(|day| day.midnight().assume_offset(WIB).unix_timestamp()))
}

/// Answers the newest entries that match, newest first; `more` says whether older ones
/// match too (ask again with `before` = the last entry's id).
#[utoipa::path(
    get,
    path = "/audit",
    operation_id = "listAuditEntries",
    tag = "audit",
    security(("bearer" = ["supervisor", "admin"])),
    params(AuditParams),
    responses(
        (status = 200, description = "A page of the trail.", body = AuditPage),
        (status = 400, response = openapi::BadRequest),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    if !matches!(current.user.role, Role::Supervisor | Role::Admin) {
        return Err(ApiError::Forbidden(
            "Only a supervisor or an admin may read the audit trail.",
        ));
    }
    let user_id = match params.user.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) => match state.store.user_credentials(&name.to_lowercase()).await? {
            Some(found) => Some(found.user.id),
            // Nobody by that name: nothing matches.
            None => {
                return Ok(Json(AuditPage {
                    entries: Vec::new(),
                    more: false,
                }))
            }
        },
    };
    let record_id = match params.record.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(Uuid::parse_str(text).map_err(|_| {
            ApiError::BadRequest(format!("`record` is not a record id (a UUID): {text:?}."))
        })?),
    };
    let from = params
        .from
        .as_deref()
        .map(|d| day_start("from", d, 0))
        .transpose()?
        .flatten();
    // Up to the end of the last day: past the calendar's end, no bound.
    let to = params
        .to
        .as_deref()
        .map(|d| day_start("to", d, 1))
        .transpose()?
        .flatten();
    // Entry ids are positive 64-bit signed integers in both stores.
    if params
        .before
        .is_some_and(|before| i64::try_from(before).is_err())
    {
        return Err(ApiError::BadRequest(format!(
            "`before` is not an entry id (at most {}).",
            i64::MAX
        )));
    }
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let query = AuditQuery {
        user_id,
        record_id,
        from,
        to,
        before: params.before,
        limit,
    };
    let mut entries = state.store.audit_log(&query).await?;
    let more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    Ok(Json(AuditPage { entries, more }))
}

/// The entries for the identities a pull sends: one per identity record and per wrapped
/// case key (`RecordKind::reads_identity`), naming its fields, never their values.
pub fn identity_reads(user: Uuid, device: Uuid, records: &[RecordState]) -> Vec<NewAuditEntry> {
    let at = now_unix();
    records
        .iter()
        .filter(|r| {
            !r.deleted && RecordKind::parse(&r.kind).is_some_and(RecordKind::reads_identity)
        })
        .map(|record| {
            let fields: Vec<&String> = record.fields.keys().collect();
            NewAuditEntry {
                at,
                user_id: Some(user),
                device_id: Some(device),
                action: AuditAction::IdentityRead,
                record_kind: Some(record.kind.clone()),
                record_id: Some(record.id),
                detail: json!({"version": record.version, "fields": fields}),
            }
        })
        .collect()
}

/// The entry for an account change made by `by` to `account`.
pub fn account_change(by: Uuid, account: Uuid, detail: Value) -> NewAuditEntry {
    NewAuditEntry {
        at: now_unix(),
        user_id: Some(by),
        device_id: None,
        action: AuditAction::Account,
        record_kind: Some("user".into()),
        record_id: Some(account),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_starts_at_midnight_wib_and_the_calendars_end_bounds_nothing() {
        let start = day_start("from", "2026-11-02", 0).ok().flatten();
        assert_eq!(start, Some(1_793_552_400)); // 2026-11-01T17:00:00Z
        let next = day_start("to", "2026-11-02", 1).ok().flatten();
        assert_eq!(next, start.map(|s| s + 86_400));
        assert_eq!(day_start("to", "9999-12-31", 1).ok(), Some(None));
        assert!(day_start("to", "2026-02-30", 1).is_err());
    }
}
