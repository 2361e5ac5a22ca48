//! The worker's HTTP API, as the app calls it: the only code that sends requests.

use gloo::timers::callback::Timeout;
use gloo_net::http::{Method, RequestBuilder, Response};
use gugus_model::agency::{Agency, AgencyList};
use gugus_model::api::{
    Account, AccountList, AuditPage, ErrorBody, LoginRequest, LoginResponse, NewAccount,
    NewPassword, SessionList,
};
use gugus_model::e2e::{
    AccountKeys, IndexKeys, IndexWrappings, NikMatches, OwnKeys, PublicKeys, RecoveryKey,
};
use gugus_model::evaluation::{AreaGroup, Evaluation, GroupDraft, GroupList};
use gugus_model::referral::figures::ReferralTable;
use gugus_model::sync::{PullRequest, PullResponse, PushRequest, PushResponse};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;
use uuid::Uuid;
use wasm_bindgen::JsValue;

/// A phone on 3G can take a while; a request that hangs longer than this is given up.
const TIMEOUT: Duration = Duration::from_secs(45);

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The server could not be reached (no signal, server down, timeout).
    #[error("the server could not be reached")]
    Network,
    /// The token (or, at login, the username or password) was not accepted.
    #[error("not authorised")]
    Unauthorized,
    /// The role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Too many requests; try again later.
    #[error("rate limited")]
    RateLimited,
    /// The push skipped mutation ids; the server expects this one next.
    #[error("mutation gap, the server expects {0}")]
    MutationGap(u64),
    /// Any other error answer.
    #[error("the server answered {status}: {code}")]
    Server {
        /// The HTTP status.
        status: u16,
        /// The error code from the body.
        code: String,
        /// The body's sentence (English, for the log; pages show their own words).
        message: String,
        /// With `weak_password`: why, a [`gugus_model::password::Weakness`] code.
        reason: Option<String>,
    },
    /// A 2xx answer the app could not read.
    #[error("the answer could not be read")]
    BadResponse,
}

/// A request's deadline: when it passes, the fetch (and the reading of its answer) is
/// aborted. Dropped, it is called off.
struct Deadline {
    controller: web_sys::AbortController,
    _timer: Timeout,
}

impl Deadline {
    /// `None` only where the browser has no `AbortController` (then the request has no
    /// deadline of its own, as a plain fetch).
    fn start(after: Duration) -> Option<Deadline> {
        let controller = web_sys::AbortController::new().ok()?;
        let aborting = controller.clone();
        let millis = u32::try_from(after.as_millis()).unwrap_or(u32::MAX);
        let timer = Timeout::new(millis, move || abort(&aborting));
        Some(Deadline {
            controller,
            _timer: timer,
        })
    }

    fn signal(&self) -> web_sys::AbortSignal {
        self.controller.signal()
    }

    /// Aborts now, as the timer does when the deadline passes.
    #[cfg(test)]
    fn abort(&self) {
        abort(&self.controller);
    }
}

/// Aborts a request. The reason must be an `Error`: gloo-net reads a rejected fetch as one
/// and panics on anything else (and a panic aborts the app).
fn abort(controller: &web_sys::AbortController) {
    controller.abort_with_reason(&js_sys::Error::new("the request timed out").into());
}

/// A request body.
enum Body {
    Empty,
    /// JSON text, sent gzipped when it is large (`super::gzip`).
    Json(String),
}

/// A sent request's answer, with the deadline that still covers reading its body.
struct Answer {
    response: Response,
    _deadline: Option<Deadline>,
}

impl Answer {
    async fn json<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        let text = self.text().await?;
        serde_json::from_str(&text).map_err(|_| ApiError::BadResponse)
    }

    async fn text(self) -> Result<String, ApiError> {
        // A body cut off (timeout, lost signal) is a network failure, not a bad answer.
        self.response.text().await.map_err(|_| ApiError::Network)
    }
}

/// The worker's API at this page's origin.
#[derive(Debug, Clone)]
pub struct Api {
    /// Where the API is: `/api/v1` at the page's own origin.
    base: String,
}

impl Api {
    /// The API of the server that served the page.
    pub fn here() -> Api {
        Api {
            base: "/api/v1".to_owned(),
        }
    }

    /// Sends one request and checks its status; error answers become [`ApiError`]s.
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Body,
    ) -> Result<Answer, ApiError> {
        let mut builder = RequestBuilder::new(&format!("{}/{path}", self.base)).method(method);
        if let Some(token) = token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        let payload: Option<JsValue> = match body {
            Body::Empty => None,
            Body::Json(text) => {
                builder = builder.header("Content-Type", "application/json");
                match super::gzip::compress_if_large(&text).await {
                    Some(gzipped) => {
                        builder = builder.header("Content-Encoding", "gzip");
                        Some(gzipped.into())
                    }
                    None => Some(JsValue::from_str(&text)),
                }
            }
        };
        // The deadline starts once the body is ready, and covers the answer's body too.
        dispatch(builder, payload, Deadline::start(TIMEOUT)).await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, token: &str) -> Result<T, ApiError> {
        self.call(Method::GET, path, Some(token), Body::Empty)
            .await?
            .json()
            .await
    }

    /// A POST without a body whose answer says nothing beyond its status.
    async fn post_empty(&self, path: &str, token: &str) -> Result<(), ApiError> {
        self.call(Method::POST, path, Some(token), Body::Empty)
            .await
            .map(drop)
    }

    /// `POST /api/v1/login`.
    pub async fn login(&self, request: &LoginRequest) -> Result<LoginResponse, ApiError> {
        let body = Body::Json(to_json(request)?);
        self.call(Method::POST, "login", None, body)
            .await?
            .json()
            .await
    }

    /// `POST /api/v1/logout`: the token stops working.
    pub async fn logout(&self, token: &str) -> Result<(), ApiError> {
        self.post_empty("logout", token).await
    }

    /// `GET /api/v1/sessions`: the caller's live sessions, newest first, the one asking
    /// marked `current`.
    pub async fn sessions(&self, token: &str) -> Result<SessionList, ApiError> {
        self.get("sessions", token).await
    }

    /// `POST /api/v1/sessions/{id}/end`: one of the caller's sessions stops working.
    pub async fn end_session(&self, token: &str, id: Uuid) -> Result<(), ApiError> {
        self.post_empty(&format!("sessions/{id}/end"), token).await
    }

    /// `POST /api/v1/sync/push`.
    pub async fn push(&self, token: &str, request: &PushRequest) -> Result<PushResponse, ApiError> {
        self.post_json("sync/push", token, request).await
    }

    /// `POST /api/v1/sync/pull`.
    pub async fn pull(&self, token: &str, request: &PullRequest) -> Result<PullResponse, ApiError> {
        let body = Body::Json(to_json(request)?);
        let answer = self
            .call(Method::POST, "sync/pull", Some(token), body)
            .await?;
        let text = answer.text().await?;
        let start = crate::timing::now();
        let page = serde_json::from_str(&text).map_err(|_| ApiError::BadResponse);
        crate::timing::measure(crate::timing::SYNC_PARSE, start, crate::timing::now(), None);
        page
    }

    /// `GET /api/v1/stats?…`: every figure of a period and an area (`query` is built by
    /// the evaluation page from checked values: digits, dashes, dots and `Q`).
    pub async fn evaluation(&self, token: &str, query: &str) -> Result<Evaluation, ApiError> {
        self.get(&format!("stats?{query}"), token).await
    }

    /// `GET /api/v1/stats/export?…`: one table as CSV text.
    pub async fn export(&self, token: &str, query: &str) -> Result<String, ApiError> {
        let path = format!("stats/export?{query}");
        self.call(Method::GET, &path, Some(token), Body::Empty)
            .await?
            .text()
            .await
    }

    /// `GET /api/v1/stats/referrals?…` (supervisors, admins; viewers suppressed): the
    /// period's referrals per agency (`query`: the period only, from checked values).
    pub async fn referral_table(
        &self,
        token: &str,
        query: &str,
    ) -> Result<ReferralTable, ApiError> {
        self.get(&format!("stats/referrals?{query}"), token).await
    }

    /// `GET /api/v1/stats/referrals/export?…`: the same table as CSV text.
    pub async fn referral_export(&self, token: &str, query: &str) -> Result<String, ApiError> {
        let path = format!("stats/referrals/export?{query}");
        self.call(Method::GET, &path, Some(token), Body::Empty)
            .await?
            .text()
            .await
    }

    /// `GET /api/v1/area-groups`: the current groups of kecamatan.
    pub async fn area_groups(&self, token: &str) -> Result<GroupList<AreaGroup>, ApiError> {
        self.get("area-groups", token).await
    }

    /// `PUT /api/v1/area-groups` (supervisors): a new list of groups; answers it as stored.
    pub async fn set_area_groups(
        &self,
        token: &str,
        groups: &GroupList<GroupDraft>,
    ) -> Result<GroupList<AreaGroup>, ApiError> {
        let body = Body::Json(to_json(groups)?);
        self.call(Method::PUT, "area-groups", Some(token), body)
            .await?
            .json()
            .await
    }

    /// `GET /api/v1/keys/me`: the caller's key pair, or `None` before its first.
    pub async fn own_keys(&self, token: &str) -> Result<Option<OwnKeys>, ApiError> {
        match self.get("keys/me", token).await {
            Err(ApiError::Server { status: 404, .. }) => Ok(None),
            answer => answer.map(Some),
        }
    }

    /// `PUT /api/v1/keys/me`: sets the caller's key pair (`keys_exist` when another pair is
    /// live: another phone made one first).
    pub async fn set_own_keys(&self, token: &str, keys: &AccountKeys) -> Result<(), ApiError> {
        let body = Body::Json(to_json(keys)?);
        self.call(Method::PUT, "keys/me", Some(token), body)
            .await
            .map(drop)
    }

    /// `POST /api/v1/account/password`: the user's own password change, with the key
    /// pair relocked under the new password when the account has one.
    pub async fn change_password(
        &self,
        token: &str,
        change: &gugus_model::api::ChangePassword,
    ) -> Result<(), ApiError> {
        let body = Body::Json(to_json(change)?);
        self.call(Method::POST, "account/password", Some(token), body)
            .await
            .map(drop)
    }

    /// `GET /api/v1/keys/public?accounts=`: the public keys of at most 100 accounts (those
    /// that are active and have live keys).
    pub async fn public_keys(
        &self,
        token: &str,
        accounts: &[Uuid],
    ) -> Result<PublicKeys, ApiError> {
        let ids: Vec<String> = accounts.iter().map(Uuid::to_string).collect();
        self.get(&format!("keys/public?accounts={}", ids.join(",")), token)
            .await
    }

    /// `GET /api/v1/keys/index`: the task force's index key as the caller has it, and who
    /// lacks it.
    pub async fn index_keys(&self, token: &str) -> Result<IndexKeys, ApiError> {
        self.get("keys/index", token).await
    }

    /// `PUT /api/v1/keys/index`: wrappings of the index key.
    pub async fn set_index_keys(
        &self,
        token: &str,
        wrappings: &[serde_json::Map<String, serde_json::Value>],
    ) -> Result<(), ApiError> {
        let body = Body::Json(to_json(&IndexWrappings {
            wrappings: wrappings.to_vec(),
        })?);
        self.call(Method::PUT, "keys/index", Some(token), body)
            .await
            .map(drop)
    }

    /// `GET /api/v1/identities/nik?index=`: the cases whose victim has this NIK index.
    pub async fn nik_matches(&self, token: &str, index: &str) -> Result<NikMatches, ApiError> {
        self.get(&format!("identities/nik?index={index}"), token)
            .await
    }

    /// `GET /api/v1/keys/public?role=supervisor`: every supervisor's public key.
    pub async fn supervisor_keys(&self, token: &str) -> Result<PublicKeys, ApiError> {
        self.get("keys/public?role=supervisor", token).await
    }

    /// `GET /api/v1/keys/public?agency=`: the public keys of agency `code`'s active
    /// liaisons (issue #19), the readers a referral that shares a victim's identity wraps
    /// the case's key for.
    pub async fn liaison_keys(&self, token: &str, code: &str) -> Result<PublicKeys, ApiError> {
        let code = String::from(js_sys::encode_uri_component(code));
        self.get(&format!("keys/public?agency={code}"), token).await
    }

    /// `GET /api/v1/keys/recovery`: the recovery key's public half, or `None` before an
    /// admin has made it.
    pub async fn recovery_key(&self, token: &str) -> Result<Option<RecoveryKey>, ApiError> {
        match self.get("keys/recovery", token).await {
            Err(ApiError::Server { status: 404, .. }) => Ok(None),
            answer => answer.map(Some),
        }
    }

    /// `PUT /api/v1/keys/recovery` (admins): sets the recovery key's public half, once
    /// (`keys_exist` after).
    pub async fn set_recovery_key(&self, token: &str, key: &RecoveryKey) -> Result<(), ApiError> {
        let body = Body::Json(to_json(key)?);
        self.call(Method::PUT, "keys/recovery", Some(token), body)
            .await
            .map(drop)
    }

    /// `GET /api/v1/users` (admins): every account, by username.
    pub async fn accounts(&self, token: &str) -> Result<AccountList, ApiError> {
        self.get("users", token).await
    }

    /// `GET /api/v1/agencies` (every role): the deployment's agencies, active or not, in
    /// its order.
    pub async fn agencies(&self, token: &str) -> Result<AgencyList, ApiError> {
        self.get("agencies", token).await
    }

    /// `POST /api/v1/agencies` (admins): a new agency; answers it as stored
    /// (`agency_taken` when its code is in use).
    pub async fn create_agency(&self, token: &str, agency: &Agency) -> Result<Agency, ApiError> {
        self.post_json("agencies", token, agency).await
    }

    /// `PUT /api/v1/agencies/{code}` (admins): an agency's names, kind and active flag;
    /// answers it as stored.
    pub async fn update_agency(&self, token: &str, agency: &Agency) -> Result<Agency, ApiError> {
        let path = format!("agencies/{}", js_sys::encode_uri_component(&agency.code));
        let body = Body::Json(to_json(agency)?);
        self.call(Method::PUT, &path, Some(token), body)
            .await?
            .json()
            .await
    }

    /// `GET /api/v1/officers` (supervisors and admins): the active officers.
    pub async fn officers(&self, token: &str) -> Result<AccountList, ApiError> {
        self.get("officers", token).await
    }

    /// `POST /api/v1/users` (admins): makes an account.
    pub async fn create_account(
        &self,
        token: &str,
        account: &NewAccount,
    ) -> Result<Account, ApiError> {
        self.post_json("users", token, account).await
    }

    /// `POST /api/v1/users/{id}/activate` or `.../deactivate` (admins). Deactivating ends
    /// every session of the account at once.
    pub async fn set_account_active(
        &self,
        token: &str,
        id: Uuid,
        active: bool,
    ) -> Result<(), ApiError> {
        let verb = if active { "activate" } else { "deactivate" };
        self.post_empty(&format!("users/{id}/{verb}"), token).await
    }

    /// `POST /api/v1/users/{id}/password` (admins): a new password; the account's
    /// sessions end.
    pub async fn reset_password(
        &self,
        token: &str,
        id: Uuid,
        password: &NewPassword,
    ) -> Result<(), ApiError> {
        let path = format!("users/{id}/password");
        let body = Body::Json(to_json(password)?);
        self.call(Method::POST, &path, Some(token), body)
            .await
            .map(drop)
    }

    /// `GET /api/v1/audit` (supervisors and admins): the newest entries that match
    /// `filter`, newest first.
    pub async fn audit(&self, token: &str, filter: &AuditFilter) -> Result<AuditPage, ApiError> {
        self.get(&format!("audit{}", filter.query()), token).await
    }

    async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let body = Body::Json(to_json(body)?);
        self.call(Method::POST, path, Some(token), body)
            .await?
            .json()
            .await
    }
}

/// What `GET /api/v1/audit` is asked for; empty members are left out of the query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this user's entries (a username).
    pub user: String,
    /// Only entries about this record or account (a UUID).
    pub record: String,
    /// From this day (WIB), `YYYY-MM-DD`.
    pub from: String,
    /// To this day (WIB) inclusive, `YYYY-MM-DD`.
    pub to: String,
    /// Only entries older than this id (the next page).
    pub before: Option<u64>,
}

impl AuditFilter {
    /// The query string's pairs, trimmed, without the empty ones.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = [
            ("user", &self.user),
            ("record", &self.record),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .map(|(name, value)| (name, value.trim().to_owned()))
        .filter(|(_, value)| !value.is_empty())
        .collect();
        if let Some(before) = self.before {
            pairs.push(("before", before.to_string()));
        }
        pairs
    }

    /// `?user=..&before=..`, escaped; empty when nothing is asked for.
    pub fn query(&self) -> String {
        let pairs: Vec<String> = self
            .pairs()
            .into_iter()
            .map(|(name, value)| format!("{name}={}", js_sys::encode_uri_component(&value)))
            .collect();
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }
}

/// Sends a request under `deadline` and checks its status.
async fn dispatch(
    builder: RequestBuilder,
    payload: Option<JsValue>,
    deadline: Option<Deadline>,
) -> Result<Answer, ApiError> {
    let signal = deadline.as_ref().map(Deadline::signal);
    let builder = builder.abort_signal(signal.as_ref());
    // Building fails only for a malformed URL or header, which the app never makes; were
    // it to, the request could not be sent, as with no signal.
    let request = match payload {
        Some(payload) => builder.body(payload),
        None => builder.build(),
    }
    .map_err(|_| ApiError::Network)?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    check(Answer {
        response,
        _deadline: deadline,
    })
    .await
}

/// A request body as JSON text (serialising the app's own types does not fail; were it to,
/// nothing could be sent).
fn to_json<B: Serialize + ?Sized>(body: &B) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|_| ApiError::Network)
}

/// Turns an error answer into an [`ApiError`], reading the body's code.
async fn check(answer: Answer) -> Result<Answer, ApiError> {
    let status = answer.response.status();
    if (200..300).contains(&status) {
        return Ok(answer);
    }
    let body = answer.json::<ErrorBody>().await.ok();
    Err(classify(status, body))
}

fn classify(status: u16, body: Option<ErrorBody>) -> ApiError {
    let detail = body.map(|b| b.error);
    match status {
        401 => ApiError::Unauthorized,
        403 => ApiError::Forbidden,
        429 => ApiError::RateLimited,
        409 => match detail.as_ref().and_then(|d| d.expected) {
            Some(expected) => ApiError::MutationGap(expected),
            None => server(status, detail),
        },
        // A proxy or the service worker answering for a server that is not there.
        502..=504 => ApiError::Network,
        _ => server(status, detail),
    }
}

fn server(status: u16, detail: Option<gugus_model::api::ErrorDetail>) -> ApiError {
    let (code, message, reason) = detail
        .map(|d| (d.code, d.message, d.reason))
        .unwrap_or_default();
    ApiError::Server {
        status,
        code,
        message,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    async fn a_request_past_its_deadline_is_a_network_failure_not_a_crash() {
        let deadline = Deadline::start(TIMEOUT).expect("an AbortController");
        deadline.abort();
        let builder = RequestBuilder::new("/api/v1/health").method(Method::GET);
        let answer = dispatch(builder, None, Some(deadline)).await;
        assert_eq!(answer.err(), Some(ApiError::Network));
    }

    #[test]
    async fn a_request_that_reaches_no_api_reads_its_error_answer() {
        // The test runner's server has no API: a 404 without an error body.
        let builder = RequestBuilder::new("/api/v1/health").method(Method::GET);
        let answer = dispatch(builder, None, Deadline::start(TIMEOUT)).await;
        assert!(
            matches!(answer.err(), Some(ApiError::Server { status: 404, .. })),
            "a 404 is the server's answer"
        );
    }

    #[test]
    fn an_audit_filter_sends_only_what_was_filled_in() {
        let filter = AuditFilter {
            user: " ketua1 ".into(),
            to: "2026-11-29".into(),
            before: Some(42),
            ..AuditFilter::default()
        };
        assert_eq!(
            filter.pairs(),
            vec![
                ("user", "ketua1".to_owned()),
                ("to", "2026-11-29".to_owned()),
                ("before", "42".to_owned()),
            ]
        );
        assert_eq!(filter.query(), "?user=ketua1&to=2026-11-29&before=42");
        assert_eq!(AuditFilter::default().query(), "");
        let odd = AuditFilter {
            user: "a&b".into(),
            ..AuditFilter::default()
        };
        assert_eq!(odd.query(), "?user=a%26b");
    }
}
