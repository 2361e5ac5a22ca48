//! The worker's HTTP API, as the app calls it: the only code that sends requests.

use gugus_model::api::{ErrorBody, LoginRequest, LoginResponse};
use gugus_model::stats::ActivityStats;
use gugus_model::sync::{PullRequest, PullResponse, PushRequest, PushResponse};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;

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

    /// `POST /api/v1/sync/push`.
    pub async fn push(&self, token: &str, request: &PushRequest) -> Result<PushResponse, ApiError> {
        self.post_json("sync/push", token, request).await
    }

    /// `POST /api/v1/sync/pull`.
    pub async fn pull(&self, token: &str, request: &PullRequest) -> Result<PullResponse, ApiError> {
        self.post_json("sync/pull", token, request).await
    }

    /// `GET /api/v1/stats/activities?from=..&to=..` (dates as `YYYY-MM-DD`).
    pub async fn activity_stats(
        &self,
        token: &str,
        from: &str,
        to: &str,
    ) -> Result<ActivityStats, ApiError> {
        // Both dates are `YYYY-MM-DD`: nothing in them needs escaping.
        let path = format!("stats/activities?from={from}&to={to}");
        let builder = self.request(Method::GET, &path, Some(token));
        read(builder).await
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
    ApiError::Server {
        status: status.as_u16(),
        code: detail.map(|d| d.code).unwrap_or_default(),
    }
}
