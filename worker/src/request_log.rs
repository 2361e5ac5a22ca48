//! The request log: one line per request at the default level (INFO), with the method,
//! the path, the names of the query's parameters (never their values), the status, the
//! time taken and the user the token belongs to. Never a header (`Authorization` carries
//! the token), a query value or a body (the login carries the password).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use uuid::Uuid;

/// Where the token's check leaves the caller's id for the log line (a request
/// extension; `auth::CurrentUser` fills it).
#[derive(Debug, Clone, Default)]
pub struct RequestUser(Arc<Mutex<Option<Uuid>>>);

impl RequestUser {
    /// The request is this user's.
    pub fn set(&self, id: Uuid) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(id);
        }
    }

    fn get(&self) -> Option<Uuid> {
        self.0.lock().ok().and_then(|slot| *slot)
    }
}

/// At most this many query parameter names are logged, each cut to this many characters.
const MAX_NAMES: usize = 8;
const MAX_NAME_CHARS: usize = 24;

/// The names of a query's parameters, without their values.
fn query_names(query: Option<&str>) -> String {
    let Some(query) = query else {
        return String::new();
    };
    query
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .filter(|name| !name.is_empty())
        .take(MAX_NAMES)
        .map(|name| name.chars().take(MAX_NAME_CHARS).collect::<String>())
        .collect::<Vec<_>>()
        .join(",")
}

/// Logs the request once its answer is ready.
pub async fn log(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = query_names(request.uri().query());
    let user = RequestUser::default();
    request.extensions_mut().insert(user.clone());
    let response = next.run(request).await;
    let user = user.get().map(|id| id.to_string()).unwrap_or_default();
    tracing::info!(
        target: "gugus_worker::request",
        %method,
        path,
        query,
        status = response.status().as_u16(),
        ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        user,
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use std::io::Write;
    use tower::ServiceExt;

    /// A writer the test reads back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut buffer) = self.0.lock() {
                buffer.extend_from_slice(bytes);
            }
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_request_is_logged_with_its_user_and_without_values() -> anyhow::Result<()> {
        let id = Uuid::now_v7();
        let app = Router::new()
            .route(
                "/api/v1/audit",
                get(move |request: Request| async move {
                    if let Some(user) = request.extensions().get::<RequestUser>() {
                        user.set(id);
                    }
                    "ok"
                }),
            )
            .layer(axum::middleware::from_fn(log));
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let request = Request::get("/api/v1/audit?user=ketua&token=RAHASIA&before=")
            .header("authorization", "Bearer 0123456789abcdef")
            .body(Body::empty())?;
        let response = app.oneshot(request).await?;
        assert_eq!(response.status(), 200);
        let line = String::from_utf8(captured.0.lock().map(|b| b.clone()).unwrap_or_default())?;
        for wanted in [
            "method=GET",
            "path=\"/api/v1/audit\"",
            "query=\"user,token,before\"",
            "status=200",
            &format!("user=\"{id}\""),
        ] {
            assert!(line.contains(wanted), "{wanted} in {line}");
        }
        for secret in ["ketua", "RAHASIA", "0123456789abcdef"] {
            assert!(!line.contains(secret), "{secret} in {line}");
        }
        Ok(())
    }
}
