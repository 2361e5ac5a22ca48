//! The one error type of the API: every non-2xx answer is built here, with the JSON shape
//! of `docs/sync-protocol.md` (`{"error": {"code", "message"}}`).

use crate::store::StoreError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use model::api::{ErrorBody, ErrorDetail};
use model::password::Weakness;

/// What went wrong with a request, as the client is told.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not JSON, has wrong types or misses a member, or the query is wrong.
    #[error("{0}")]
    BadRequest(String),
    /// 400 with its own code: a request the rules refuse, which a client tells apart by
    /// the code (`username_taken`, `own_account`, `groups_withheld`).
    #[error("{message}")]
    Refused {
        /// Which rule.
        code: Refusal,
        /// The sentence.
        message: &'static str,
    },
    /// 400 `weak_password`: a new password is too easy to guess; the body's `reason` says
    /// why (a [`Weakness`] code).
    #[error("The password is too easy to guess: {}", .0.text().en)]
    WeakPassword(Weakness),
    /// 401: no token, or an unknown, revoked or expired one; or wrong credentials.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 403: the role may not do this at all.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 404: no such endpoint.
    #[error("There is no such endpoint.")]
    NotFound,
    /// 404: the thing the path names does not exist, or is not the caller's to see
    /// (an account id unknown to an admin, a session that is not the caller's).
    #[error("{0}")]
    Missing(&'static str),
    /// 405: the endpoint does not take this method.
    #[error("This endpoint does not take this method.")]
    MethodNotAllowed,
    /// 409: the push skips mutation ids; the server expects `expected` next.
    #[error("The push skips mutation ids: the server expects mutation {expected} next.")]
    MutationGap {
        /// The mutation id the server expects next.
        expected: u64,
    },
    /// 413: the body is over 1 MiB or carries more than 1000 mutations.
    #[error("{0}")]
    TooLarge(String),
    /// 429: too many attempts; try again after `retry_after` seconds.
    #[error("Too many attempts. Please wait a few minutes and try again.")]
    RateLimited {
        /// Seconds until the client may try again.
        retry_after: u64,
    },
    /// 503: the request took longer than the worker allows (`timeout::REQUEST_TIMEOUT`).
    #[error("The server took too long to answer. Please try again.")]
    Timeout,
    /// 500: anything unexpected. The cause is logged, never sent.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The requests the rules refuse with a code of their own (400), beside `bad_request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A new account's username is in use.
    UsernameTaken,
    /// An admin would deactivate their own account.
    OwnAccount,
    /// A viewer asks for a group of kecamatan whose figures are withheld for the year.
    GroupsWithheld,
    /// An account sends a new key pair while its live one stands (issue #18).
    KeysExist,
    /// A user changing their own password gave a wrong current one.
    WrongPassword,
    /// A password change without the account's live key pair relocked (issue #18).
    KeysNotRelocked,
    /// A new agency's code is on the list already (issue #19).
    AgencyTaken,
    /// An account names an agency that is not on the list.
    UnknownAgency,
    /// An account names an agency that is no longer active.
    InactiveAgency,
    /// A liaison's account names no agency.
    AgencyRequired,
}

impl Refusal {
    /// Every refusal.
    pub const ALL: [Refusal; 10] = [
        Refusal::UsernameTaken,
        Refusal::OwnAccount,
        Refusal::GroupsWithheld,
        Refusal::KeysExist,
        Refusal::WrongPassword,
        Refusal::KeysNotRelocked,
        Refusal::AgencyTaken,
        Refusal::UnknownAgency,
        Refusal::InactiveAgency,
        Refusal::AgencyRequired,
    ];

    /// The error's `code`.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::UsernameTaken => "username_taken",
            Refusal::OwnAccount => "own_account",
            Refusal::GroupsWithheld => "groups_withheld",
            Refusal::KeysExist => "keys_exist",
            Refusal::WrongPassword => "wrong_password",
            Refusal::KeysNotRelocked => "keys_not_relocked",
            Refusal::AgencyTaken => "agency_taken",
            Refusal::UnknownAgency => "unknown_agency",
            Refusal::InactiveAgency => "inactive_agency",
            Refusal::AgencyRequired => "agency_required",
        }
    }
}

/// Every `code` an error answer carries, with its status and what it means (the OpenAPI
/// description's list of codes, `crate::openapi`).
pub const CODES: [(&str, StatusCode, &str); 21] = [
    ("bad_request", StatusCode::BAD_REQUEST, "The body is not JSON, misses a member or has a wrong type, a query parameter is wrong, or the request breaks a rule the message names."),
    ("weak_password", StatusCode::BAD_REQUEST, "A new password is too easy to guess; `reason` says why."),
    ("username_taken", StatusCode::BAD_REQUEST, "The username is already taken."),
    ("own_account", StatusCode::BAD_REQUEST, "An admin cannot deactivate their own account."),
    ("groups_withheld", StatusCode::BAD_REQUEST, "A viewer asked for a group of kecamatan whose figures are withheld for the period's year."),
    ("keys_exist", StatusCode::BAD_REQUEST, "The account already has a live key pair; another replaces it only after an admin resets the password."),
    ("wrong_password", StatusCode::BAD_REQUEST, "The current password given to change it is wrong."),
    ("keys_not_relocked", StatusCode::BAD_REQUEST, "A password change must carry the account's live key pair relocked under the new password, and only then."),
    ("agency_taken", StatusCode::BAD_REQUEST, "A new agency's code is already on the list."),
    ("unknown_agency", StatusCode::BAD_REQUEST, "The account names an agency that is not on the list."),
    ("inactive_agency", StatusCode::BAD_REQUEST, "The account names an agency that is no longer active."),
    ("agency_required", StatusCode::BAD_REQUEST, "An agency liaison's account must name its agency."),
    ("unauthorized", StatusCode::UNAUTHORIZED, "No token, an unknown, revoked, expired or idle one, a deactivated user's; or, at login, a wrong username or password."),
    ("forbidden", StatusCode::FORBIDDEN, "The caller's role may not do this."),
    ("not_found", StatusCode::NOT_FOUND, "No such endpoint, or the id in the path names nothing the caller can reach."),
    ("method_not_allowed", StatusCode::METHOD_NOT_ALLOWED, "The endpoint does not take this method."),
    ("mutation_gap", StatusCode::CONFLICT, "The push skips mutation ids; `expected` is the id the server expects next."),
    ("too_large", StatusCode::PAYLOAD_TOO_LARGE, "The body is over 1 MiB (unzipped), or a push carries more than 1000 mutations."),
    ("rate_limited", StatusCode::TOO_MANY_REQUESTS, "Too many failed logins; try again after `Retry-After` seconds."),
    ("internal", StatusCode::INTERNAL_SERVER_ERROR, "Something unexpected went wrong on the server; the cause is logged, never sent."),
    ("timeout", StatusCode::SERVICE_UNAVAILABLE, "The answer was not ready within 30 s."),
];

impl ApiError {
    /// An internal error from any cause; the cause is only logged.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        ApiError::Internal(cause.into())
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Refused { code, .. } => (StatusCode::BAD_REQUEST, code.code()),
            ApiError::WeakPassword(_) => (StatusCode::BAD_REQUEST, "weak_password"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Missing(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::MutationGap { .. } => (StatusCode::CONFLICT, "mutation_gap"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            ApiError::Timeout => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        ApiError::internal(error)
    }
}

/// The whole cause chain of an error, for the log.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            ApiError::Internal(cause) => {
                tracing::error!(error = %chain(cause.as_ref()), "request failed");
                "Something went wrong on the server. Please try again later.".to_owned()
            }
            other => other.to_string(),
        };
        let expected = match self {
            ApiError::MutationGap { expected } => Some(expected),
            _ => None,
        };
        let reason = match self {
            ApiError::WeakPassword(weakness) => Some(weakness.code().to_owned()),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
                expected,
                reason,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let ApiError::RateLimited { retry_after } = self {
            if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_never_leak_their_cause() {
        let error = ApiError::internal(std::io::Error::other("SELECT secret FROM /var/db"));
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
            .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
            .expect("the body");
        let text = String::from_utf8(body.to_vec()).expect("UTF-8");
        for cause in ["SELECT", "secret", "/var/db"] {
            assert!(!text.contains(cause), "{cause:?} leaked into {text}");
        }
        let body: serde_json::Value = serde_json::from_str(&text).expect("a JSON body");
        assert_eq!(body["error"]["code"], "internal", "{text}");
        assert!(body["error"]["message"].is_string(), "{text}");
    }

    #[test]
    fn every_code_answered_is_listed_with_its_status() {
        let mut errors = vec![
            ApiError::BadRequest(String::new()),
            ApiError::WeakPassword(Weakness::Common),
            ApiError::Unauthorized(""),
            ApiError::Forbidden(""),
            ApiError::NotFound,
            ApiError::Missing(""),
            ApiError::MethodNotAllowed,
            ApiError::MutationGap { expected: 1 },
            ApiError::TooLarge(String::new()),
            ApiError::RateLimited { retry_after: 1 },
            ApiError::Timeout,
            ApiError::internal("x"),
        ];
        errors.extend(Refusal::ALL.map(|code| ApiError::Refused { code, message: "" }));
        for error in &errors {
            let (status, code) = error.status_and_code();
            let listed = CODES.iter().find(|(listed, ..)| *listed == code);
            assert_eq!(listed.map(|(_, status, _)| *status), Some(status), "{code}");
        }
        // Each listed once, and each answered by some error.
        for (code, ..) in CODES {
            assert_eq!(
                CODES.iter().filter(|(c, ..)| *c == code).count(),
                1,
                "{code}"
            );
            assert!(
                errors.iter().any(|e| e.status_and_code().1 == code),
                "{code} is listed but never answered"
            );
        }
    }

    #[test]
    fn a_gap_names_the_expected_id() {
        let error = ApiError::MutationGap { expected: 7 };
        assert!(error.to_string().contains('7'));
        assert_eq!(error.status_and_code().1, "mutation_gap");
    }
}
