//! The worker's HTTP API, as the app calls it: the only code that sends requests.

use gugus_model::api::{
    Account, AccountList, AuditPage, ErrorBody, LoginRequest, LoginResponse, NewAccount,
    NewPassword, SessionList,
};
use gugus_model::evaluation::Evaluation;
use gugus_model::sync::{PullRequest, PullResponse, PushRequest, PushResponse};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;
use uuid::Uuid;

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
    },
    /// A 2xx answer the app could not read.
    #[error("the answer could not be read")]
    BadResponse,
}

/// The worker's API at this page's origin.
#[derive(Debug, Clone)]
pub struct Api {
    origin: String,
    client: reqwest::Client,
}

impl Api {
    /// The API of the server that served the page (reqwest in the browser needs absolute
    /// URLs).
    pub fn here() -> Api {
        let origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        Api {
            origin,
            client: reqwest::Client::new(),
        }
    }

    fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let url = format!("{}/api/v1/{path}", self.origin);
        let builder = self.client.request(method, url).timeout(TIMEOUT);
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    /// `POST /api/v1/login`.
    pub async fn login(&self, request: &LoginRequest) -> Result<LoginResponse, ApiError> {
        let builder = self.request(Method::POST, "login", None).json(request);
        read(builder).await
    }

    /// `POST /api/v1/logout`: the token stops working.
    pub async fn logout(&self, token: &str) -> Result<(), ApiError> {
        let response = send(self.request(Method::POST, "logout", Some(token))).await?;
        check(response).await.map(|_| ())
    }

    /// `GET /api/v1/sessions`: the caller's live sessions, newest first, the one asking
    /// marked `current`.
    pub async fn sessions(&self, token: &str) -> Result<SessionList, ApiError> {
        read(self.request(Method::GET, "sessions", Some(token))).await
    }

    /// `POST /api/v1/sessions/{id}/end`: one of the caller's sessions stops working.
    pub async fn end_session(&self, token: &str, id: Uuid) -> Result<(), ApiError> {
        let path = format!("sessions/{id}/end");
        let response = send(self.request(Method::POST, &path, Some(token))).await?;
        check(response).await.map(|_| ())
    }

    /// `POST /api/v1/sync/push`.
    pub async fn push(&self, token: &str, request: &PushRequest) -> Result<PushResponse, ApiError> {
        self.post_json("sync/push", token, request).await
    }

    /// `POST /api/v1/sync/pull`.
    pub async fn pull(&self, token: &str, request: &PullRequest) -> Result<PullResponse, ApiError> {
        self.post_json("sync/pull", token, request).await
    }

    /// `GET /api/v1/stats?…`: every figure of a period and an area (`query` is built by
    /// the evaluation page from checked values: digits, dashes, dots and `Q`).
    pub async fn evaluation(&self, token: &str, query: &str) -> Result<Evaluation, ApiError> {
        let path = format!("stats?{query}");
        read(self.request(Method::GET, &path, Some(token))).await
    }

    /// `GET /api/v1/stats/export?…`: one table as CSV text.
    pub async fn export(&self, token: &str, query: &str) -> Result<String, ApiError> {
        let path = format!("stats/export?{query}");
        let response = check(send(self.request(Method::GET, &path, Some(token))).await?).await?;
        response.text().await.map_err(|_| ApiError::BadResponse)
    }

    /// `GET /api/v1/users` (admins): every account, by username.
    pub async fn accounts(&self, token: &str) -> Result<AccountList, ApiError> {
        read(self.request(Method::GET, "users", Some(token))).await
    }

    /// `GET /api/v1/officers` (supervisors and admins): the active officers.
    pub async fn officers(&self, token: &str) -> Result<AccountList, ApiError> {
        read(self.request(Method::GET, "officers", Some(token))).await
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
        let path = format!("users/{id}/{verb}");
        let response = send(self.request(Method::POST, &path, Some(token))).await?;
        check(response).await.map(|_| ())
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
        let builder = self
            .request(Method::POST, &path, Some(token))
            .json(password);
        check(send(builder).await?).await.map(|_| ())
    }

    /// `GET /api/v1/audit` (supervisors and admins): the newest entries that match
    /// `filter`, newest first.
    pub async fn audit(&self, token: &str, filter: &AuditFilter) -> Result<AuditPage, ApiError> {
        let path = format!("audit{}", filter.query());
        read(self.request(Method::GET, &path, Some(token))).await
    }

    async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        read(self.request(Method::POST, path, Some(token)).json(body)).await
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

async fn send(builder: RequestBuilder) -> Result<reqwest::Response, ApiError> {
    builder.send().await.map_err(|_| ApiError::Network)
}

async fn read<T: DeserializeOwned>(builder: RequestBuilder) -> Result<T, ApiError> {
    let response = check(send(builder).await?).await?;
    response.json().await.map_err(|_| ApiError::BadResponse)
}

/// Turns an error answer into an [`ApiError`], reading the body's code.
async fn check(response: reqwest::Response) -> Result<reqwest::Response, ApiError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.json::<ErrorBody>().await.ok();
    Err(classify(status, body))
}

fn classify(status: StatusCode, body: Option<ErrorBody>) -> ApiError {
    let detail = body.map(|b| b.error);
    match status.as_u16() {
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

fn server(status: StatusCode, detail: Option<gugus_model::api::ErrorDetail>) -> ApiError {
    let (code, message) = detail.map(|d| (d.code, d.message)).unwrap_or_default();
    ApiError::Server {
        status: status.as_u16(),
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

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
