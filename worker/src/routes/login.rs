//! `POST /api/v1/login`, `POST /api/v1/logout` and `GET /api/v1/me`.

use crate::auth::{self, CurrentUser, Username, TOKEN_LIFETIME};
use crate::clock::now_unix;
use crate::error::{ApiError, Refusal};
use crate::extract::{declared_json, ApiJson};
use crate::openapi;
use crate::store::{AuditAction, NewAuditEntry, NewSession};
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use model::api::{LoginRequest, LoginResponse, UserInfo};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

/// The one answer to wrong credentials, whether the user exists or not.
pub const WRONG_CREDENTIALS: &str = "Wrong username or password.";
/// The window over which login failures are counted, in seconds.
pub const FAILURE_WINDOW: i64 = 15 * 60;
/// Failures one username may have in the window.
pub const MAX_FAILURES_PER_USER: u64 = 10;
/// Failures one address may have in the window.
pub const MAX_FAILURES_PER_ADDRESS: u64 = 50;

/// The client's address, when the server was started with connection info: the peer's,
/// or behind a trusted proxy the one it forwards (`edge::Edge::client`).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let info = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|value| value.to_str().ok());
        Ok(ClientAddr(info.map(|ConnectInfo(addr)| {
            state.edge.client(addr.ip(), forwarded)
        })))
    }
}

/// The rate-limit keys of a login attempt, each with its limit.
fn failure_keys(username: Option<&Username>, addr: ClientAddr) -> Vec<(String, u64)> {
    let mut keys = Vec::new();
    if let Some(name) = username {
        keys.push((format!("user:{}", name.as_str()), MAX_FAILURES_PER_USER));
    }
    if let ClientAddr(Some(ip)) = addr {
        keys.push((format!("addr:{ip}"), MAX_FAILURES_PER_ADDRESS));
    }
    keys
}

/// Checks the credentials and answers a fresh token.
///
/// The body must be sent as `Content-Type: application/json` (anything else is 400
/// `bad_request` before any password is checked). A wrong password, an unknown username and
/// a deactivated account all answer 401 "Wrong username or password.". A username may fail
/// 10 times and an address 50 times in 15 minutes; past that, 429 `rate_limited`.
#[utoipa::path(
    post,
    path = "/login",
    operation_id = "login",
    tag = "sessions",
    request_body(content = LoginRequest, example = json!({
        "username": "ani.wulandari", "password": "correct-horse-battery",
        "device_id": "0193e000-0000-7000-8000-00000000d001"
    })),
    responses(
        (status = 200, description = "A fresh token, and whose it is.", body = LoginResponse),
        (status = 400, response = openapi::BadRequest),
        (status = 401, response = openapi::Unauthorized),
        (status = 429, response = openapi::RateLimited),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    // The only endpoint without a token, so the only one a cross-site page could reach
    // with a "simple request" (`text/plain` or a form), which needs no preflight: it must
    // say it is JSON, which no such request can.
    if !declared_json(&headers) {
        return Err(ApiError::BadRequest(
            "The login must be sent as JSON (Content-Type: application/json).".into(),
        ));
    }
    let now = now_unix();
    let username = Username::parse(&request.username).ok();
    let keys = failure_keys(username.as_ref(), addr);
    // Each attempt is counted as a failure before its password is checked, in one step
    // with the check of the limit: a burst of parallel attempts gets no more checks than
    // the limit allows. A success undoes its count.
    if !state
        .store
        .take_login_attempt(&keys, now, now - FAILURE_WINDOW)
        .await?
    {
        return Err(ApiError::RateLimited {
            retry_after: FAILURE_WINDOW.unsigned_abs(),
        });
    }
    let user = match verify(&state, username.as_ref(), request.password).await? {
        Verified::User(user) => user,
        Verified::Refused { account, outcome } => {
            let attempt = Attempt {
                account,
                username: username.as_ref(),
                device: request.device_id,
                addr,
            };
            state
                .store
                .append_audit(&[attempt.entry(outcome, now)])
                .await?;
            return Err(ApiError::Unauthorized(WRONG_CREDENTIALS));
        }
    };
    let attempt = Attempt {
        account: Some(user.id),
        username: username.as_ref(),
        device: request.device_id,
        addr,
    };
    let entry = attempt.entry("success", now);
    state.store.append_audit(&[entry]).await?;
    for (key, _) in &keys {
        if key.starts_with("user:") {
            state.store.clear_login_failures(key).await?;
        } else {
            state.store.forgive_login_attempt(key, now).await?;
        }
    }
    Ok(Json(
        open_session(&state, user, request.device_id, now).await?,
    ))
}

/// What a password check found.
enum Verified {
    /// The password is this active user's.
    User(UserInfo),
    /// Refused; the caller answers every refusal alike, and the trail says which it was.
    Refused {
        /// The account with the name, if one has it.
        account: Option<Uuid>,
        /// `wrong_password`, `inactive` (the right password of a deactivated account) or
        /// `unknown_account`.
        outcome: &'static str,
    },
}

/// Whose password this is; a wrong password, an unknown user and a deactivated user are
/// refused alike (an unknown user takes as long: a dummy hash is checked).
async fn verify(
    state: &AppState,
    username: Option<&Username>,
    password: String,
) -> Result<Verified, ApiError> {
    let credentials = match username {
        Some(name) => state.store.user_credentials(name.as_str()).await?,
        None => None,
    };
    let hash = credentials.as_ref().map(|c| c.password_hash.clone());
    let (verified, password) = auth::password_work(move || {
        let verified = auth::verify_password(&password, hash.as_deref());
        (verified, password)
    })
    .await
    .map_err(ApiError::internal)?;
    let refused = |account: Option<Uuid>, outcome| Verified::Refused { account, outcome };
    Ok(match credentials {
        Some(c) if verified && c.active => {
            if auth::needs_rehash(&c.password_hash) {
                rehash(state, c.user.id, c.password_hash, password).await;
            }
            Verified::User(c.user)
        }
        Some(c) if verified => refused(Some(c.user.id), "inactive"),
        Some(c) => refused(Some(c.user.id), "wrong_password"),
        None => refused(None, "unknown_account"),
    })
}

/// Replaces an earlier build's hash of the password just checked by one at today's
/// settings ([`auth::needs_rehash`]), unless the password changed meanwhile. The login
/// goes on when this fails: the old hash still works, and the next login tries again.
async fn rehash(state: &AppState, user_id: Uuid, old_hash: String, password: String) {
    let new_hash = match auth::password_work(move || auth::hash_password(&password)).await {
        Ok(Ok(hash)) => hash,
        Ok(Err(error)) => return tracing::warn!(%error, "cannot rehash a password"),
        Err(error) => return tracing::warn!(%error, "cannot rehash a password"),
    };
    if let Err(error) = state
        .store
        .rehash_password(user_id, &old_hash, &new_hash)
        .await
    {
        tracing::warn!(%error, "cannot store a password's new hash");
    }
}

/// A login attempt, as the audit trail records it.
struct Attempt<'a> {
    /// The account with the name given, if one has it.
    account: Option<Uuid>,
    /// The name given, when it is a well-formed username (anything else, a password
    /// typed in the wrong box perhaps, is never written down).
    username: Option<&'a Username>,
    /// The device it came from.
    device: Uuid,
    /// The client's address.
    addr: ClientAddr,
}

impl Attempt<'_> {
    /// The trail's entry: the outcome, the address and the device, never the password.
    /// An attempt on no account names the username tried, as no account's name does.
    fn entry(&self, outcome: &str, now: i64) -> NewAuditEntry {
        let mut detail = serde_json::json!({
            "outcome": outcome,
            "address": self.addr.0.map(|ip| ip.to_string()),
        });
        if self.account.is_none() {
            detail["username"] = serde_json::json!(self.username.map(Username::as_str));
        }
        NewAuditEntry {
            at: now,
            user_id: self.account,
            device_id: Some(self.device),
            action: AuditAction::Login,
            record_kind: Some("user".into()),
            record_id: self.account,
            detail,
        }
    }
}

/// Stores a new session and words the answer with its token.
async fn open_session(
    state: &AppState,
    user: UserInfo,
    device_id: Uuid,
    now: i64,
) -> Result<LoginResponse, ApiError> {
    let token = auth::new_token();
    let expires_at = now + TOKEN_LIFETIME.whole_seconds();
    let session = NewSession {
        token_hash: auth::token_hash(&token),
        user_id: user.id,
        device_id,
        created_at: now,
        expires_at,
    };
    state.store.create_session(&session).await?;
    let expires_at = OffsetDateTime::from_unix_timestamp(expires_at)
        .map_err(ApiError::internal)?
        .format(&Rfc3339)
        .map_err(ApiError::internal)?;
    Ok(LoginResponse {
        token,
        expires_at,
        user,
    })
}

/// Revokes the token used: it stops working.
#[utoipa::path(
    post,
    path = "/logout",
    operation_id = "logout",
    tag = "sessions",
    security(("bearer" = ["officer", "supervisor", "viewer", "admin"])),
    responses((status = 204, description = "Logged out: the token no longer works."))
)]
pub async fn logout(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<StatusCode, ApiError> {
    let now = now_unix();
    state.store.revoke_session(&current.token_hash, now).await?;
    let detail = serde_json::json!({"change": "logout", "username": current.user.username});
    let entry = crate::routes::audit::account_change(current.user.id, current.user.id, detail);
    state.store.append_audit(&[entry]).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The message when the current password given to change it is wrong.
const WRONG_CURRENT: &str = "The current password is wrong.";
/// The message when a password change lacks the account's live key pair relocked.
const KEYS_NOT_RELOCKED: &str = "This account has a key pair: send it relocked under the new password, with the same public key.";
/// The message when a password change carries keys the account does not have.
const NO_KEYS_TO_RELOCK: &str = "This account has no live key pair to relock: send none.";

/// Changes the caller's own password. The current password is checked, and a wrong one is
/// counted like a failed login (10 per username, 50 per address in 15 minutes, then 429
/// `rate_limited`). When the account has a live key pair (issue #18), `keys` must carry it
/// relocked under the new password, with the same public key; otherwise `keys` must be
/// left out. Every other session of the account ends; this one goes on. Written to the
/// audit trail.
#[utoipa::path(
    post,
    path = "/account/password",
    operation_id = "changeOwnPassword",
    tag = "sessions",
    security(("bearer" = ["officer", "supervisor", "viewer", "admin"])),
    request_body = model::api::ChangePassword,
    responses(
        (status = 204, description = "Changed; the account's other sessions ended."),
        (status = 400, response = openapi::OwnPasswordRefused),
        (status = 429, response = openapi::RateLimited),
    )
)]
pub async fn change_password(
    State(state): State<AppState>,
    current: CurrentUser,
    addr: ClientAddr,
    ApiJson(request): ApiJson<model::api::ChangePassword>,
) -> Result<StatusCode, ApiError> {
    let refused = |code, message| ApiError::Refused { code, message };
    if let Some(keys) = &request.keys {
        keys.check()
            .map_err(|error| ApiError::BadRequest(format!("keys: {error}")))?;
    }
    let now = now_unix();
    let username = Username::parse(&current.user.username).ok();
    let limits = failure_keys(username.as_ref(), addr);
    if !state
        .store
        .take_login_attempt(&limits, now, now - FAILURE_WINDOW)
        .await?
    {
        return Err(ApiError::RateLimited {
            retry_after: FAILURE_WINDOW.unsigned_abs(),
        });
    }
    match verify(&state, username.as_ref(), request.current_password).await? {
        Verified::User(user) if user.id == current.user.id => {}
        _ => return Err(refused(Refusal::WrongPassword, WRONG_CURRENT)),
    }
    for (key, _) in &limits {
        state.store.forgive_login_attempt(key, now).await?;
    }
    let live = state
        .store
        .account_keys(current.user.id)
        .await?
        .filter(|stored| !stored.stale);
    match (&live, &request.keys) {
        (Some(_), None) => return Err(refused(Refusal::KeysNotRelocked, KEYS_NOT_RELOCKED)),
        (None, Some(_)) => return Err(refused(Refusal::KeysNotRelocked, NO_KEYS_TO_RELOCK)),
        _ => {}
    }
    let user = &current.user;
    let owner = [
        user.username.as_str(),
        user.name.as_str(),
        user.agency.as_str(),
    ];
    let hash = auth::new_password_hash(&request.new_password, owner)
        .await
        .map_err(|error| match error {
            auth::AccountError::WeakPassword(weakness) => ApiError::WeakPassword(weakness),
            other => ApiError::internal(other),
        })?;
    let detail = serde_json::json!({"change": "password_changed", "username": user.username});
    let entry = crate::routes::audit::account_change(user.id, user.id, detail);
    let changed = state
        .store
        .change_own_password(
            user.id,
            &hash,
            request.keys.as_ref(),
            &current.token_hash,
            &entry,
        )
        .await?;
    if changed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        // The pair changed between the check and the write (an admin's reset).
        Err(refused(Refusal::KeysNotRelocked, KEYS_NOT_RELOCKED))
    }
}

/// Who the token belongs to.
#[utoipa::path(
    get,
    path = "/me",
    operation_id = "me",
    tag = "sessions",
    security(("bearer" = ["officer", "supervisor", "viewer", "admin"])),
    responses((status = 200, description = "The caller.", body = UserInfo))
)]
pub async fn me(current: CurrentUser) -> Json<UserInfo> {
    Json(current.user)
}
