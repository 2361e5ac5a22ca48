//! `/api/v1/area-groups`: the groups of kecamatan a supervisor sets and viewers compare
//! (`docs/api.md`, "Groups of kecamatan"). Every role that sees the evaluation reads them;
//! only a supervisor replaces them, as one list.

use crate::auth::CurrentUser;
use crate::clock::now_unix;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::openapi;
use crate::store::{AuditAction, NewAuditEntry};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use model::evaluation::{parse_groups, AreaGroup, GroupDraft, GroupList};
use serde_json::json;

/// The message for a role that may not see the groups.
const MAY_NOT_SEE: &str = "Your role may not see the evaluation figures.";
/// The message for a role that may not set the groups.
const MAY_NOT_SET: &str = "Only a supervisor sets the groups of kecamatan.";

/// Answers the groups, in their order.
#[utoipa::path(
    get,
    path = "/area-groups",
    operation_id = "listAreaGroups",
    tag = "evaluation",
    security(("bearer" = ["supervisor", "viewer", "admin"])),
    responses(
        (status = 200, description = "The current groups of kecamatan.", body = GroupList<AreaGroup>),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Json<GroupList<AreaGroup>>, ApiError> {
    if !current.user.role.sees_evaluation() {
        return Err(ApiError::Forbidden(MAY_NOT_SEE));
    }
    let groups = state.store.area_groups().await?.current().to_vec();
    Ok(Json(GroupList { groups }))
}

/// Replaces the groups with a checked list (an empty one removes them all), writes the
/// change to the audit trail, and answers the groups as stored. The earlier lists are
/// kept: their figures are still suppressed with the new ones'.
///
/// Each group has a name (at most 40 characters, making a distinct id) and at least two
/// kecamatan, none in two groups; a bad list is 400 `bad_request` naming the group and the
/// reason.
#[utoipa::path(
    put,
    path = "/area-groups",
    operation_id = "replaceAreaGroups",
    tag = "evaluation",
    security(("bearer" = ["supervisor"])),
    request_body(content = GroupList<GroupDraft>, example = json!({"groups": [
        {"name": "Zona Utara", "kecamatan": ["33.03.13", "33.03.14", "33.03.15"]},
        {"name": "Zona Selatan", "kecamatan": ["33.03.01", "33.03.02"]}
    ]})),
    responses(
        (status = 200, description = "The groups as stored.", body = GroupList<AreaGroup>),
        (status = 400, response = openapi::BadRequest),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn replace(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(request): ApiJson<GroupList<GroupDraft>>,
) -> Result<Json<GroupList<AreaGroup>>, ApiError> {
    if !current.user.role.sets_area_groups() {
        return Err(ApiError::Forbidden(MAY_NOT_SET));
    }
    let groups =
        parse_groups(&request.groups).map_err(|error| ApiError::BadRequest(error.to_string()))?;
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    let entry = NewAuditEntry {
        at: now_unix(),
        user_id: Some(current.user.id),
        device_id: None,
        action: AuditAction::Setting,
        record_kind: None,
        record_id: None,
        detail: json!({ "change": "area_groups", "groups": names }),
    };
    state.store.set_area_groups(&groups, &entry).await?;
    Ok(Json(GroupList { groups }))
}
