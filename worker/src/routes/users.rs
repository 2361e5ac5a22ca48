//! `/api/v1/users`: accounts, for admins only (`docs/api.md`, "Accounts and sessions").
//! Every handler takes [`Admin`] first, so any other role gets 403 `forbidden` before its
//! body is even read.

use crate::auth::{self, AccountError, AccountSpec, CurrentUser};
use crate::clock::now_unix;
use crate::error::{ApiError, Refusal};
use crate::extract::ApiJson;
use crate::openapi;
use crate::routes::audit;
use crate::store::StoreError;
use crate::AppState;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use model::api::{Account, AccountList, NewAccount, NewPassword, Role};
use serde_json::json;
use uuid::Uuid;

/// The message for a username in use.
pub const USERNAME_TAKEN: &str = "That username is already taken.";
/// The message for an account id that names no account.
pub const NO_SUCH_USER: &str = "There is no such user.";
/// The message for an admin deactivating their own account.
pub const NOT_YOURSELF: &str =
    "You cannot deactivate your own account: ask another admin to do it.";

/// The caller, who must be an admin: a missing or dead token answers 401, any other role
/// 403 `forbidden`.
#[derive(Debug, Clone)]
pub struct Admin(pub CurrentUser);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let current = CurrentUser::from_request_parts(parts, state).await?;
        if current.user.role == Role::Admin {
            Ok(Admin(current))
        } else {
            Err(ApiError::Forbidden("Only an admin may manage accounts."))
        }
    }
}

/// Words an account error for the client (400), or hides it (500).
fn account_error(error: AccountError) -> ApiError {
    match error {
        AccountError::BadUsername => ApiError::BadRequest(
            "The username must be 1 to 64 of a-z, 0-9, '.', '_' and '-'.".into(),
        ),
        AccountError::EmptyName => ApiError::BadRequest("The name must not be empty.".into()),
        AccountError::WeakPassword(weakness) => ApiError::WeakPassword(weakness),
        AccountError::Store(StoreError::UsernameTaken(_)) => ApiError::Refused {
            code: Refusal::UsernameTaken,
            message: USERNAME_TAKEN,
        },
        AccountError::AgencyRequired => ApiError::Refused {
            code: Refusal::AgencyRequired,
            message: "An agency liaison's account must name its agency.",
        },
        AccountError::UnknownAgency(_) => ApiError::Refused {
            code: Refusal::UnknownAgency,
            message: "That agency is not on the list.",
        },
        AccountError::InactiveAgency(_) => ApiError::Refused {
            code: Refusal::InactiveAgency,
            message: "That agency is no longer active.",
        },
        other => ApiError::internal(other),
    }
}

/// An account id from the path; one that is not a UUID names no account (404).
fn user_id(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| ApiError::Missing(NO_SUCH_USER))
}

/// Answers every account, by username.
#[utoipa::path(
    get,
    path = "/users",
    operation_id = "listUsers",
    tag = "accounts",
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "Every account, by username.", body = AccountList),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<AccountList>, ApiError> {
    let users = state.store.list_accounts().await?;
    Ok(Json(AccountList { users }))
}

/// Answers the active officers (supervisors assign them to cases; admins too).
#[utoipa::path(
    get,
    path = "/officers",
    operation_id = "listOfficers",
    tag = "accounts",
    security(("bearer" = ["supervisor", "admin"])),
    responses(
        (status = 200, description = "The active officers, by username.", body = AccountList),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn officers(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Json<AccountList>, ApiError> {
    if !matches!(current.user.role, Role::Supervisor | Role::Admin) {
        return Err(ApiError::Forbidden(
            "Only a supervisor or an admin may list the officers.",
        ));
    }
    let users = state
        .store
        .list_accounts()
        .await?
        .into_iter()
        .filter(|account| account.role == Role::Officer && account.active)
        .collect();
    Ok(Json(AccountList { users }))
}

/// Creates an active account; answers 201 with it.
///
/// The username is 1 to 64 of `a-z 0-9 . _ -` (kept in lower case), the name not empty, the
/// role `officer`, `supervisor`, `viewer`, `admin` or `liaison` (an agency liaison, whose
/// account must name an active agency of the list: 400 `agency_required`,
/// `unknown_agency`, `inactive_agency`; any other role's agency, when given, too), the password at least 8 characters and
/// hard to guess (400 `weak_password` with its `reason`).
#[utoipa::path(
    post,
    path = "/users",
    operation_id = "createUser",
    tag = "accounts",
    security(("bearer" = ["admin"])),
    request_body = NewAccount,
    responses(
        (status = 201, description = "The account made.", body = Account),
        (status = 400, response = openapi::AccountRefused),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(request): ApiJson<NewAccount>,
) -> Result<(StatusCode, Json<Account>), ApiError> {
    let role = Role::parse(request.role.trim()).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "Unknown role {:?}: the role must be officer, supervisor, viewer, admin or liaison.",
            request.role
        ))
    })?;
    let spec = AccountSpec {
        username: &request.username,
        name: &request.name,
        role,
        agency: &request.agency,
        password: &request.password,
    };
    let account = auth::create_account(state.store.as_ref(), &spec)
        .await
        .map_err(account_error)?;
    let detail = json!({
        "change": "created", "username": account.username, "role": account.role,
        "agency": account.agency,
    });
    let entry = audit::account_change(admin.user.id, account.id, detail);
    state.store.append_audit(&[entry]).await?;
    Ok((StatusCode::CREATED, Json(account)))
}

/// Deactivates an account: it cannot log in, and all its sessions end at once. An admin
/// cannot deactivate their own account.
#[utoipa::path(
    post,
    path = "/users/{id}/deactivate",
    operation_id = "deactivateUser",
    tag = "accounts",
    security(("bearer" = ["admin"])),
    params(("id" = Uuid, Path, description = "The account's id.")),
    responses(
        (status = 204, description = "Deactivated."),
        (status = 400, response = openapi::OwnAccount),
        (status = 403, response = openapi::Forbidden),
        (status = 404, response = openapi::NotFound),
    )
)]
pub async fn deactivate(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = user_id(&id)?;
    if id == admin.user.id {
        return Err(ApiError::Refused {
            code: Refusal::OwnAccount,
            message: NOT_YOURSELF,
        });
    }
    set_active(&state, admin.user.id, id, false).await
}

/// Activates an account again; it logs in afresh (its old sessions stay ended).
#[utoipa::path(
    post,
    path = "/users/{id}/activate",
    operation_id = "activateUser",
    tag = "accounts",
    security(("bearer" = ["admin"])),
    params(("id" = Uuid, Path, description = "The account's id.")),
    responses(
        (status = 204, description = "Active."),
        (status = 403, response = openapi::Forbidden),
        (status = 404, response = openapi::NotFound),
    )
)]
pub async fn activate(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_active(&state, admin.user.id, user_id(&id)?, true).await
}

async fn set_active(
    state: &AppState,
    by: Uuid,
    id: Uuid,
    active: bool,
) -> Result<StatusCode, ApiError> {
    if state.store.set_user_active(id, active, now_unix()).await? {
        let change = if active { "activated" } else { "deactivated" };
        let username = username_of(state, id).await?;
        let detail = json!({"change": change, "username": username});
        let entry = audit::account_change(by, id, detail);
        state.store.append_audit(&[entry]).await?;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::Missing(NO_SUCH_USER))
    }
}

/// An account by id, if there is one.
async fn account_of(state: &AppState, id: Uuid) -> Result<Option<Account>, ApiError> {
    let accounts = state.store.list_accounts().await?;
    Ok(accounts.into_iter().find(|account| account.id == id))
}

/// The username of an account, for the audit trail (so a supervisor reads a name, not an
/// id).
async fn username_of(state: &AppState, id: Uuid) -> Result<Option<String>, ApiError> {
    Ok(account_of(state, id).await?.map(|account| account.username))
}

/// Sets a new password; the account's sessions all end (it logs in with the new one).
#[utoipa::path(
    post,
    path = "/users/{id}/password",
    operation_id = "setPassword",
    tag = "accounts",
    security(("bearer" = ["admin"])),
    params(("id" = Uuid, Path, description = "The account's id.")),
    request_body = NewPassword,
    responses(
        (status = 204, description = "The password is set; every session of the account ended."),
        (status = 400, response = openapi::PasswordRefused),
        (status = 403, response = openapi::Forbidden),
        (status = 404, response = openapi::NotFound),
    )
)]
pub async fn set_password(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<NewPassword>,
) -> Result<StatusCode, ApiError> {
    let id = user_id(&id)?;
    let account = account_of(&state, id)
        .await?
        .ok_or(ApiError::Missing(NO_SUCH_USER))?;
    let owner = [
        account.username.as_str(),
        account.name.as_str(),
        account.agency.as_str(),
    ];
    let hash = auth::new_password_hash(&request.password, owner)
        .await
        .map_err(account_error)?;
    if state.store.set_password(id, &hash, now_unix()).await? {
        let username = Some(account.username);
        let detail = json!({"change": "password_reset", "username": username});
        let entry = audit::account_change(admin.user.id, id, detail);
        state.store.append_audit(&[entry]).await?;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::Missing(NO_SUCH_USER))
    }
}
