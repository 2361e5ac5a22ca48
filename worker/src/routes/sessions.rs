//! `GET /api/v1/sessions` and `POST /api/v1/sessions/{id}/end`: the caller's own sessions
//! (`docs/api.md`, "Accounts and sessions").

use crate::auth::CurrentUser;
use crate::clock::now_unix;
use crate::error::ApiError;
use crate::openapi;
use crate::routes::audit;
use crate::store::SessionRow;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use model::api::{SessionInfo, SessionList};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

/// The message for a session id that is not one of the caller's open sessions.
pub const NO_SUCH_SESSION: &str = "You have no such open session.";

/// Unix seconds as RFC 3339.
fn rfc3339(unix: i64) -> Result<String, ApiError> {
    OffsetDateTime::from_unix_timestamp(unix)
        .map_err(ApiError::internal)?
        .format(&Rfc3339)
        .map_err(ApiError::internal)
}

fn info(row: SessionRow, current_hash: &str) -> Result<SessionInfo, ApiError> {
    Ok(SessionInfo {
        id: row.id,
        device_id: row.device_id,
        created_at: rfc3339(row.created_at)?,
        last_seen_at: rfc3339(row.last_seen_at)?,
        expires_at: rfc3339(row.expires_at)?,
        current: row.token_hash == current_hash,
    })
}

/// Answers the caller's live sessions, newest first, marking the one making the request.
#[utoipa::path(
    get,
    path = "/sessions",
    operation_id = "listSessions",
    tag = "sessions",
    security(("bearer" = ["officer", "supervisor", "viewer", "admin"])),
    responses((status = 200, description = "The caller's live sessions.", body = SessionList))
)]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Json<SessionList>, ApiError> {
    let rows = state
        .store
        .user_sessions(current.user.id, now_unix())
        .await?;
    let sessions = rows
        .into_iter()
        .map(|row| info(row, &current.token_hash))
        .collect::<Result<_, _>>()?;
    Ok(Json(SessionList { sessions }))
}

/// Ends one of the caller's sessions (its token stops working). Another user's session, an
/// ended one and an unknown id all answer 404 `not_found`, so ids reveal nothing.
#[utoipa::path(
    post,
    path = "/sessions/{id}/end",
    operation_id = "endSession",
    tag = "sessions",
    security(("bearer" = ["officer", "supervisor", "viewer", "admin"])),
    params(("id" = Uuid, Path, description = "The session's id (`GET /api/v1/sessions`).")),
    responses(
        (status = 204, description = "The session ended: its token no longer works."),
        (status = 404, response = openapi::NotFound),
    )
)]
pub async fn end(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::Missing(NO_SUCH_SESSION))?;
    if state
        .store
        .end_session(current.user.id, id, now_unix())
        .await?
    {
        let detail = serde_json::json!({"change": "session_ended", "session": id});
        let entry = audit::account_change(current.user.id, current.user.id, detail);
        state.store.append_audit(&[entry]).await?;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::Missing(NO_SUCH_SESSION))
    }
}
