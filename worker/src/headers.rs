//! The security headers of every answer (`docs/api.md`, security headers).
//!
//! The app is same-origin and ships no inline script, so the content security policy allows
//! only the worker's own origin, plus `'wasm-unsafe-eval'` for compiling the app's wasm.
//! No CORS header is ever sent: a page on another origin cannot read any answer.

use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderName, HeaderValue};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

/// The content security policy of every answer.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
    script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The `Permissions-Policy` of every answer: the app uses no camera, microphone or location.
pub const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=()";

/// The headers set on every answer, API and static files alike (names in lower case).
pub const SECURITY_HEADERS: [(&str, &str); 6] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", PERMISSIONS_POLICY),
];

/// Sets [`SECURITY_HEADERS`] on every answer of `router` (replacing any a handler set).
pub fn secure<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    SECURITY_HEADERS
        .into_iter()
        .fold(router, |router, (name, value)| {
            router.layer(SetResponseHeaderLayer::overriding(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            ))
        })
}

/// Marks every answer of the API `router` `Cache-Control: no-store`: records and tokens
/// stay out of the browser's and any proxy's HTTP cache.
pub fn no_store<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.layer(SetResponseHeaderLayer::overriding(
        CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ))
}
