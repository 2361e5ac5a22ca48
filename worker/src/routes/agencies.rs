//! `/api/v1/agencies`: the task force's member agencies, as each deployment keeps them
//! (issue #19, `docs/api.md`, "Agencies"). Every role reads the list (it names the
//! agencies of services, referrals and accounts); only an admin adds an agency or changes
//! one. An agency is never deleted, only deactivated, so records that name it stay valid.

use crate::auth::CurrentUser;
use crate::clock::now_unix;
use crate::error::{ApiError, Refusal};
use crate::extract::ApiJson;
use crate::openapi;
use crate::routes::users::Admin;
use crate::store::{AuditAction, NewAuditEntry, StoreError};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use model::agency::{self, Agency, AgencyList, AgencyProblem};
use serde_json::json;

/// The message for a code that is on the list already.
const TAKEN: &str = "That agency code is already on the list.";
/// The message for a code that names no agency.
const NO_SUCH_AGENCY: &str = "There is no such agency.";

/// An agency as typed, checked; a bad one is 400 `bad_request` naming the problem.
fn checked(agency: &Agency) -> Result<Agency, ApiError> {
    agency::check(agency).map_err(|problem| {
        let why = match problem {
            AgencyProblem::BadCode => "the code must be 1 to 32 of a-z, 0-9 and '_'",
            AgencyProblem::BadName => "each name must be 1 to 120 characters",
            AgencyProblem::BadKind => "the kind must be one of the agency kinds",
        };
        ApiError::BadRequest(format!("{}: {why}.", problem.code()))
    })
}

/// An audit entry for a change of the agency list.
fn audit_entry(admin: &CurrentUser, change: &str, agency: &Agency) -> NewAuditEntry {
    NewAuditEntry {
        at: now_unix(),
        user_id: Some(admin.user.id),
        device_id: None,
        action: AuditAction::Setting,
        record_kind: None,
        record_id: None,
        detail: json!({
            "change": change, "agency": agency.code, "name_id": agency.name_id,
            "name_en": agency.name_en, "kind": agency.kind, "active": agency.active,
        }),
    }
}

/// Answers every agency, active or not, in the deployment's order.
#[utoipa::path(
    get,
    path = "/agencies",
    operation_id = "listAgencies",
    tag = "accounts",
    security(("bearer" = ["officer", "supervisor", "viewer", "admin", "liaison"])),
    responses(
        (status = 200, description = "Every agency, in order.", body = AgencyList),
        (status = 401, response = openapi::Unauthorized),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    _current: CurrentUser,
) -> Result<Json<AgencyList>, ApiError> {
    Ok(Json(state.store.agencies().await?))
}

/// Adds an agency at the end of the list; answers 201 with it as stored (names trimmed).
///
/// The code is 1 to 32 of `a-z 0-9 _` and never changes; each name 1 to 120 characters;
/// the kind an agency kind (`government`, `service_unit`, `law_enforcement`, `health`,
/// `national`, `village`, `ngo`, `other`). A code on the list is 400 `agency_taken`.
#[utoipa::path(
    post,
    path = "/agencies",
    operation_id = "addAgency",
    tag = "accounts",
    security(("bearer" = ["admin"])),
    request_body(content = Agency, example = json!({
        "code": "lsm_jaring", "name_id": "LSM Jaring Perempuan", "name_en": "Jaring Perempuan NGO",
        "kind": "ngo", "active": true
    })),
    responses(
        (status = 201, description = "The agency as stored.", body = Agency),
        (status = 400, response = openapi::AgencyRefused),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn add(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(request): ApiJson<Agency>,
) -> Result<(StatusCode, Json<Agency>), ApiError> {
    let agency = checked(&request)?;
    let entry = audit_entry(&admin, "agency_added", &agency);
    match state.store.add_agency(&agency, &entry).await {
        Err(StoreError::AgencyTaken(_)) => Err(ApiError::Refused {
            code: Refusal::AgencyTaken,
            message: TAKEN,
        }),
        done => {
            done?;
            Ok((StatusCode::CREATED, Json(agency)))
        }
    }
}

/// Changes an agency's names, kind and active flag; answers it as stored. The body's code
/// must be the path's (a code never changes).
#[utoipa::path(
    put,
    path = "/agencies/{code}",
    operation_id = "updateAgency",
    tag = "accounts",
    security(("bearer" = ["admin"])),
    params(("code" = String, Path, description = "The agency's code.")),
    request_body = Agency,
    responses(
        (status = 200, description = "The agency as stored.", body = Agency),
        (status = 400, response = openapi::BadRequest),
        (status = 403, response = openapi::Forbidden),
        (status = 404, response = openapi::NotFound),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(code): Path<String>,
    ApiJson(request): ApiJson<Agency>,
) -> Result<Json<Agency>, ApiError> {
    if !agency::is_code(&code) {
        return Err(ApiError::Missing(NO_SUCH_AGENCY));
    }
    if request.code != code {
        return Err(ApiError::BadRequest(
            "The body's code must be the path's: an agency's code never changes.".into(),
        ));
    }
    let agency = checked(&request)?;
    let entry = audit_entry(&admin, "agency_changed", &agency);
    if !state.store.update_agency(&agency, &entry).await? {
        return Err(ApiError::Missing(NO_SUCH_AGENCY));
    }
    Ok(Json(agency))
}
