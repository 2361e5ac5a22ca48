//! Extractors whose rejection is an [`ApiError`], so a malformed request gets the same JSON
//! error shape as everything else.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// A JSON body. Not JSON, wrong types or a missing member answer 400 `bad_request`; a body
/// over the limit answers 413 `too_large`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge("The request body is larger than 1 MiB.".into())
                } else {
                    ApiError::BadRequest("The request body could not be read.".into())
                }
            })?;
        parse(&bytes).map(ApiJson)
    }
}

/// Whether `Content-Type` is `application/json` (any case, parameters such as `charset`
/// allowed). A browser sends a cross-site form or `text/plain` body without asking the
/// server first (a "simple request"), never a JSON one.
pub fn declared_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Parses a JSON body, wording the error for the client.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|error| {
        use serde_json::error::Category;
        match error.classify() {
            Category::Data => ApiError::BadRequest(format!(
                "The request body does not have the expected members and types: {error}."
            )),
            Category::Io | Category::Syntax | Category::Eof => {
                ApiError::BadRequest("The request body is not valid JSON.".into())
            }
        }
    })
}

/// A query string. A malformed one answers 400 `bad_request`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| {
                ApiError::BadRequest(format!(
                    "The query string is wrong: {}",
                    rejection.body_text()
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Thing {
        #[allow(dead_code)]
        count: u32,
    }

    #[test]
    fn only_a_body_declared_json_is_read() {
        use axum::http::{header::CONTENT_TYPE, HeaderMap, HeaderValue};
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
            headers
        };
        assert!(declared_json(&with("application/json")));
        assert!(declared_json(&with("Application/JSON; charset=utf-8")));
        for other in [
            "text/plain",
            "text/plain; charset=application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonp",
        ] {
            assert!(!declared_json(&with(other)), "{other}");
        }
        assert!(!declared_json(&HeaderMap::new()));
    }

    #[test]
    fn not_json_and_wrong_types_are_bad_requests() {
        for body in [&b"not json"[..], b"{\"count\": \"x\"}", b"{}", b""] {
            let error = parse::<Thing>(body).expect_err("rejected");
            assert!(matches!(error, ApiError::BadRequest(_)), "{error:?}");
        }
        assert!(parse::<Thing>(b"{\"count\": 3}").is_ok());
    }
}
