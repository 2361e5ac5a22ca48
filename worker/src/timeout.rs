//! The request time limit (`docs/api.md`, security headers): a request whose answer is not
//! ready after [`REQUEST_TIMEOUT`] is cut and answered 503 `timeout`.
//!
//! The limit runs from the request's arrival to the answer's head, so it covers reading the
//! request body (handlers read it themselves) but not sending the answer's body: a slow
//! phone still downloads the app's files to the end.

use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::time::Duration;

/// How long a request may take before it is cut.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Cuts every request of `router` that takes longer than `limit`.
///
/// This is tower-http's `TimeoutLayer` in a few lines, answering the API's JSON error
/// instead of an empty body.
pub fn limit<S: Clone + Send + Sync + 'static>(router: Router<S>, limit: Duration) -> Router<S> {
    router.layer(middleware::from_fn_with_state(limit, cut))
}

async fn cut(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%method, %path, ?limit, "request cut: it took too long");
            ApiError::Timeout.into_response()
        }
    }
}
