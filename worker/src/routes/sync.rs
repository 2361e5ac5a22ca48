//! `POST /api/v1/sync/push` and `POST /api/v1/sync/pull` (`docs/sync-protocol.md`).

use crate::auth::CurrentUser;
use crate::clock::today_wib;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::openapi;
use crate::routes::audit;
use crate::scope;
use crate::store::{PullQuery, PushBatch, PushOutcome};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use model::api::UserInfo;
use model::sync::{self, PullRequest, PullResponse, PushRequest, PushResponse};

const NO_SYNC: &str = "Your role may not sync records.";

fn check_protocol(protocol: u32) -> Result<(), ApiError> {
    if protocol == sync::PROTOCOL {
        Ok(())
    } else {
        Err(ApiError::BadRequest(format!(
            "Unknown protocol {protocol}: this server speaks protocol {}.",
            sync::PROTOCOL
        )))
    }
}

fn check_may_sync(user: &UserInfo) -> Result<(), ApiError> {
    if user.role.syncs_records() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(NO_SYNC))
    }
}

fn check_mutations(request: &PushRequest) -> Result<(), ApiError> {
    if request.mutations.len() > sync::MAX_MUTATIONS {
        return Err(ApiError::TooLarge(format!(
            "A push carries at most {} mutations; send the rest in another push.",
            sync::MAX_MUTATIONS
        )));
    }
    let in_range = |id: u64| (1..=i64::MAX.unsigned_abs()).contains(&id);
    if let Some(bad) = request.mutations.iter().find(|m| !in_range(m.id)) {
        return Err(ApiError::BadRequest(format!(
            "Mutation id {} is out of range: ids start at 1.",
            bad.id
        )));
    }
    Ok(())
}

/// Applies a device's mutations in one transaction and answers each one's result.
///
/// At most 1000 mutations (413 `too_large`), ids from 1 in order; a push that skips ids is
/// refused whole (409 `mutation_gap` with `expected`). Each mutation is `applied`,
/// `duplicate`, `conflict` or `rejected` (`invalid_field`, `forbidden`, `unknown_kind`).
#[utoipa::path(
    post,
    path = "/sync/push",
    operation_id = "push",
    tag = "sync",
    security(("bearer" = ["officer", "supervisor", "admin", "liaison"])),
    request_body(content = PushRequest, example = json!({
        "protocol": 1,
        "device_id": "0193e000-0000-7000-8000-00000000d001",
        "mutations": [{
            "id": 1,
            "kind": "activity",
            "record_id": "0193e000-0000-7000-8000-0000000a0001",
            "op": "upsert",
            "base_version": 0,
            "at": "2026-11-02T09:30:00+07:00",
            "fields": {
                "type": "outreach", "date": "2026-11-02", "kecamatan": "33.03.08",
                "desa": "33.03.08.2001", "venue": "Balai desa",
                "audience": ["prospective_migrants", "village_officials"],
                "participants_female_adult": 21, "participants_male_adult": 14,
                "participants_female_child": 0, "participants_male_child": 3,
                "topics": ["safe_migration"], "partners": "", "follow_up": "", "notes": ""
            }
        }]
    })),
    responses(
        (status = 200, description = "Each mutation's result.", body = PushResponse),
        (status = 400, response = openapi::BadRequest),
        (status = 403, response = openapi::Forbidden),
        (status = 409, response = openapi::MutationGap),
    )
)]
pub async fn push(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(request): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    check_protocol(request.protocol)?;
    check_may_sync(&current.user)?;
    check_mutations(&request)?;
    let batch = PushBatch {
        user: current.user,
        device_id: request.device_id,
        mutations: request.mutations,
        today: today_wib(),
    };
    match state.store.push(&batch).await? {
        PushOutcome::Done(response) => Ok(Json(response)),
        PushOutcome::Gap { expected } => Err(ApiError::MutationGap { expected }),
    }
}

fn unknown_cursor() -> ApiError {
    ApiError::BadRequest("Unknown cursor: pull again without one to start over.".into())
}

/// Answers the records in the caller's scope above the cursor, in version order.
///
/// Without a cursor, from the start. An unknown cursor is 400 `bad_request`: pull again
/// without one.
#[utoipa::path(
    post,
    path = "/sync/pull",
    operation_id = "pull",
    tag = "sync",
    security(("bearer" = ["officer", "supervisor", "admin", "liaison"])),
    request_body(content = PullRequest, example = json!({
        "protocol": 1, "device_id": "0193e000-0000-7000-8000-00000000d001", "limit": 100
    })),
    responses(
        (status = 200, description = "A page of records.", body = PullResponse),
        (status = 400, response = openapi::BadRequest),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn pull(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(request): ApiJson<PullRequest>,
) -> Result<Json<PullResponse>, ApiError> {
    check_protocol(request.protocol)?;
    let scope = scope::pull_scope(&current.user).ok_or(ApiError::Forbidden(NO_SYNC))?;
    let cursor = match &request.cursor {
        // A first sync: it holds nothing yet, so nothing that left its scope before now
        // concerns it. The floor is read before the page, so an exit after it is not lost.
        None => sync::Cursor {
            after: 0,
            exits_after: state.store.current_version().await?,
        },
        Some(cursor) => sync::decode_cursor(cursor).ok_or_else(unknown_cursor)?,
    };
    let after = cursor.after;
    if after.max(cursor.exits_after) > i64::MAX.unsigned_abs() {
        return Err(unknown_cursor());
    }
    let limit = request
        .limit
        .unwrap_or(sync::DEFAULT_PULL_LIMIT)
        .clamp(1, sync::MAX_PULL_LIMIT);
    let query = PullQuery {
        user_id: current.user.id,
        device_id: request.device_id,
        scope,
        after,
        exits_after: cursor.exits_after,
        limit,
    };
    let page = state.store.pull(&query).await?;
    if after.max(cursor.exits_after) > page.latest_version {
        return Err(unknown_cursor());
    }
    // Every identity sent leaves a trace before it leaves the server.
    let reads = audit::identity_reads(current.user.id, request.device_id, &page.records);
    state.store.append_audit(&reads).await?;
    let last = page.records.last().map_or(after, |record| record.version);
    Ok(Json(PullResponse {
        cursor: sync::encode_cursor(sync::Cursor {
            after: last,
            exits_after: cursor.exits_after,
        }),
        more: page.more,
        last_mutation_id: page.last_mutation_id,
        records: page.records,
    }))
}
