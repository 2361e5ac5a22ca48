//! `/api/v1/keys`: accounts' key pairs for end-to-end identity encryption (issue #18;
//! `docs/api.md`, "Keys"). The phone makes an account's key pair and sends the public key
//! with the private key locked under the account's password; the server keeps both and can
//! open neither. Any phone the account logs in on fetches them and unlocks the private key
//! with the password; other accounts' phones fetch public keys to wrap case keys for them.

use crate::auth::CurrentUser;
use crate::error::{ApiError, Refusal};
use crate::extract::{ApiJson, ApiQuery};
use crate::openapi;
use crate::routes::audit::account_change;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use model::e2e::{AccountKeys, OwnKeys, PublicKey, PublicKeys, RecoveryKey};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

/// The most accounts one `GET /keys/public` may name.
pub const MAX_ACCOUNTS: usize = 100;

/// The message when the caller has no key pair yet.
const NO_KEYS: &str = "This account has no key pair yet: the app makes one at login.";
/// The message when a viewer asks for public keys.
const MAY_NOT_WRAP: &str = "Your role does not share victims' identities.";
/// The message when there is no recovery key yet.
const NO_RECOVERY_KEY: &str = "The task force has no recovery key yet: an admin makes it once.";
/// The message when a role other than admin would make the recovery key.
const MAY_NOT_MAKE: &str = "Only an admin makes the recovery key.";
/// The message when the recovery key exists.
const RECOVERY_EXISTS: &str = "The task force's recovery key was made already; it is made once.";
/// The message when live keys of another pair exist.
const KEYS_EXIST: &str = "This account already has a key pair; another replaces it only after an admin resets the password.";

/// The caller's key pair.
#[utoipa::path(
    get,
    path = "/keys/me",
    operation_id = "ownKeys",
    tag = "keys",
    security(("bearer" = ["officer", "supervisor", "viewer", "admin", "liaison"])),
    responses(
        (status = 200, description = "The caller's key pair as the phone made it.", body = OwnKeys),
        (status = 404, response = openapi::NotFound),
    )
)]
pub async fn own(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Json<OwnKeys>, ApiError> {
    let stored = state.store.account_keys(current.user.id).await?;
    let stored = stored.ok_or(ApiError::Missing(NO_KEYS))?;
    Ok(Json(OwnKeys {
        keys: stored.keys,
        stale: stored.stale,
    }))
}

/// Sets the caller's key pair: the first, the same pair relocked under a new password, or
/// a new pair replacing one an admin's password reset left stale. The shape is checked
/// (a P-256 public key, a 16-byte salt, 600,000 to 10,000,000 PBKDF2 iterations, a 12-byte
/// nonce, a wrapped key of 17 to 256 bytes); another pair over live keys is refused with
/// `keys_exist`. The change is written to the audit trail.
#[utoipa::path(
    put,
    path = "/keys/me",
    operation_id = "setOwnKeys",
    tag = "keys",
    security(("bearer" = ["officer", "supervisor", "viewer", "admin", "liaison"])),
    request_body = AccountKeys,
    responses(
        (status = 204, description = "Stored."),
        (status = 400, response = openapi::KeysRefused),
    )
)]
pub async fn set_own(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(keys): ApiJson<AccountKeys>,
) -> Result<StatusCode, ApiError> {
    keys.check()
        .map_err(|error| ApiError::BadRequest(format!("keys: {error}")))?;
    let detail = json!({"change": "account_keys", "public": model::e2e::fingerprint(&keys.public)});
    let entry = account_change(current.user.id, current.user.id, detail);
    match state
        .store
        .set_account_keys(current.user.id, &keys, &entry)
        .await?
    {
        true => Ok(StatusCode::NO_CONTENT),
        false => Err(ApiError::Refused {
            code: Refusal::KeysExist,
            message: KEYS_EXIST,
        }),
    }
}

/// `GET /keys/public` query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountsQuery {
    /// Account ids, comma-separated (at most 100); this, `role` or `agency`.
    pub accounts: Option<String>,
    /// `supervisor`: every active supervisor's key, the readers every case key is wrapped
    /// for; this, `accounts` or `agency`.
    pub role: Option<String>,
    /// An agency's code: every active liaison of that agency, the readers a referral that
    /// shares a victim's identity wraps the case's key for (issue #19); this, `accounts`
    /// or `role`.
    pub agency: Option<String>,
}

/// The public keys of the named accounts (or of every supervisor, `role=supervisor`, or
/// of an agency's liaisons, `agency=CODE`) that are active and have live keys (an account
/// without is left out: its phone has not made its pair yet, or an admin reset its
/// password). For the roles that wrap case keys: officers, supervisors and admins.
#[utoipa::path(
    get,
    path = "/keys/public",
    operation_id = "publicKeys",
    tag = "keys",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    params(AccountsQuery),
    responses(
        (status = 200, description = "The public keys, by account id.", body = PublicKeys),
        (status = 400, response = openapi::BadRequest),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn public(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<AccountsQuery>,
) -> Result<Json<PublicKeys>, ApiError> {
    if !current.user.role.wraps_keys() {
        return Err(ApiError::Forbidden(MAY_NOT_WRAP));
    }
    let accounts = match (query.accounts, query.role.as_deref(), query.agency) {
        (Some(accounts), None, None) => accounts,
        (None, Some("supervisor"), None) => {
            let keys = state.store.supervisor_public_keys().await?;
            return Ok(Json(public_keys(keys)));
        }
        (None, Some(role), None) => {
            return Err(ApiError::BadRequest(format!(
                "role: {role:?} is not supervisor"
            )))
        }
        (None, None, Some(agency)) => {
            let code = agency.trim();
            if state.store.agencies().await?.find(code).is_none() {
                return Err(ApiError::BadRequest(format!(
                    "agency: {code:?} is not on the list"
                )));
            }
            let keys = state.store.liaison_public_keys(code).await?;
            return Ok(Json(public_keys(keys)));
        }
        (None, None, None) => {
            return Err(ApiError::BadRequest(
                "accounts, role or agency: missing".into(),
            ));
        }
        _ => {
            return Err(ApiError::BadRequest(
                "accounts, role and agency: give one".into(),
            ));
        }
    };
    let mut ids = accounts
        .split(',')
        .map(|id| {
            Uuid::try_parse(id.trim())
                .map_err(|_| ApiError::BadRequest(format!("accounts: {id:?} is not a UUID")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    ids.dedup();
    if ids.len() > MAX_ACCOUNTS {
        return Err(ApiError::BadRequest(format!(
            "accounts: at most {MAX_ACCOUNTS} at once"
        )));
    }
    let keys = state.store.public_keys(&ids).await?;
    Ok(Json(public_keys(keys)))
}

fn public_keys(keys: Vec<(Uuid, Vec<u8>)>) -> PublicKeys {
    PublicKeys {
        keys: keys
            .into_iter()
            .map(|(account, public)| PublicKey { account, public })
            .collect(),
    }
}

/// The task force's recovery key, its public half: to wrap every case key for it (the
/// roles that wrap case keys), and with the printed code to restore access (a supervisor).
#[utoipa::path(
    get,
    path = "/keys/recovery",
    operation_id = "recoveryKey",
    tag = "keys",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    responses(
        (status = 200, description = "The recovery key's public half.", body = RecoveryKey),
        (status = 403, response = openapi::Forbidden),
        (status = 404, response = openapi::NotFound),
    )
)]
pub async fn recovery(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Json<RecoveryKey>, ApiError> {
    if !current.user.role.wraps_keys() {
        return Err(ApiError::Forbidden(MAY_NOT_WRAP));
    }
    let public = state.store.recovery_key().await?;
    let public = public.ok_or(ApiError::Missing(NO_RECOVERY_KEY))?;
    Ok(Json(RecoveryKey { public }))
}

/// Sets the task force's recovery key, once (admins): its public half, made in the
/// browser, whose private half the admin printed as its code. A second is refused with
/// `keys_exist`; the making is written to the audit trail.
#[utoipa::path(
    put,
    path = "/keys/recovery",
    operation_id = "setRecoveryKey",
    tag = "keys",
    security(("bearer" = ["admin"])),
    request_body(content = RecoveryKey, example = json!({"public": format!("04{}", "6b".repeat(64))})),
    responses(
        (status = 204, description = "Stored."),
        (status = 400, response = openapi::KeysRefused),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn set_recovery(
    State(state): State<AppState>,
    current: CurrentUser,
    body: Result<ApiJson<RecoveryKey>, ApiError>,
) -> Result<StatusCode, ApiError> {
    // The role first: any other role is told it may not, whatever it sent.
    if !current.user.role.makes_recovery_key() {
        return Err(ApiError::Forbidden(MAY_NOT_MAKE));
    }
    let ApiJson(key) = body?;
    model::e2e::check_public_key(&key.public)
        .map_err(|error| ApiError::BadRequest(format!("public: {error}")))?;
    let detail = json!({"change": "recovery_key", "public": model::e2e::fingerprint(&key.public)});
    let entry = account_change(current.user.id, current.user.id, detail);
    match state.store.set_recovery_key(&key.public, &entry).await? {
        true => Ok(StatusCode::NO_CONTENT),
        false => Err(ApiError::Refused {
            code: Refusal::KeysExist,
            message: RECOVERY_EXISTS,
        }),
    }
}
