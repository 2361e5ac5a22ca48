//! One process, one port: the built app at `/`, the API at `/api/v1/`.

use crate::timeout::{self, REQUEST_TIMEOUT};
use crate::AppState;
use crate::{headers, request_log, routes};
use axum::extract::ConnectInfo;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::Router;
use model::sync::MAX_BODY_BYTES;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The whole application: the API, and the static files of `static_dir` when it exists (a
/// missing folder is logged and the API still runs).
pub fn router(state: AppState, static_dir: Option<&Path>) -> Router {
    let app = Router::new().nest("/api/v1", compressed(headers::no_store(routes::api())));
    let app = match static_dir {
        // The build writes `.br` and `.gz` twins of each shell file: a phone on 3G
        // downloads the smaller one its browser takes.
        Some(dir) if dir.is_dir() => {
            app.fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        }
        Some(dir) => {
            tracing::warn!(
                dir = %dir.display(),
                "the static folder does not exist: serving the API only"
            );
            app.fallback(|| async { StatusCode::NOT_FOUND })
        }
        None => app.fallback(|| async { StatusCode::NOT_FOUND }),
    };
    let https = state.edge.https;
    let app = harden(app, REQUEST_TIMEOUT).with_state(state);
    // Served over HTTPS: browsers are told to come back only that way.
    match https {
        true => app.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        )),
        false => app,
    }
}

/// `Strict-Transport-Security` when the deployment says it is served over HTTPS: two years.
pub const HSTS: &str = "max-age=63072000; includeSubDomains";

/// The API's bodies compressed both ways: answers in brotli or gzip, as the client
/// accepts (a first pull shrinks to about a seventh), and requests sent with
/// `Content-Encoding: gzip` unzipped before they are read. The body limit
/// ([`MAX_BODY_BYTES`]) counts the unzipped bytes, so a small zip bomb gets 413 like any
/// body too large; another request encoding gets 415.
fn compressed<S: Clone + Send + Sync + 'static>(api: Router<S>) -> Router<S> {
    api.layer(RequestDecompressionLayer::new().gzip(true))
        .layer(CompressionLayer::new().gzip(true).br(true))
}

/// What wraps every request, inside out: the body limit, the time limit, the security
/// headers (so a cut request carries them too) and the request log.
///
/// The log never holds a header (`Authorization` carries the token), a query's values nor a
/// body (the login carries the password): see [`request_log`].
fn harden<S: Clone + Send + Sync + 'static>(app: Router<S>, time_limit: Duration) -> Router<S> {
    let app = app.layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let app = timeout::limit(app, time_limit);
    headers::secure(app).layer(axum::middleware::from_fn(request_log::log))
}

/// How long a connection may take to send a request's headers (a phone on 3G sends them
/// in well under a second; a slow-loris client holds a connection open by never finishing).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more wait in the listen backlog until one closes.
pub const MAX_CONNECTIONS: usize = 1024;

/// What bounds the connections [`serve_with`] accepts.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// See [`HEADER_READ_TIMEOUT`].
    pub header_read_timeout: Duration,
    /// See [`MAX_CONNECTIONS`].
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: HEADER_READ_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests in flight end.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, app, shutdown, ConnectionLimits::default()).await
}

/// [`serve`] with its limits: each connection (HTTP/1.1) must send a request's headers
/// within `header_read_timeout`, and at most `max_connections` are served at once. Each
/// request carries its connection's peer address (`ConnectInfo<SocketAddr>`).
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    limits: ConnectionLimits,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store;
    use axum::body::Body;
    use axum::http::{header, Request};
    use tower::ServiceExt;

    /// The answer's `Content-Encoding`, if any.
    fn content_encoding(response: &axum::response::Response) -> Option<&[u8]> {
        response
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.as_bytes())
    }

    #[tokio::test]
    async fn a_compressed_twin_is_served_to_a_client_that_accepts_it() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("index.html"), "<!doctype html>")?;
        std::fs::write(dir.path().join("index.html.gz"), b"gz-bytes")?;
        std::fs::write(dir.path().join("index.html.br"), b"br-bytes")?;
        let url = format!("sqlite://{}", dir.path().join("db/gugus.db").display());
        let store = store::connect(&crate::config::DatabaseUrl::parse(&url)?).await?;
        let app = router(AppState::new(store), Some(dir.path()));
        for (accepted, encoding, body) in [
            (Some("gzip, deflate, br"), Some("br"), &b"br-bytes"[..]),
            (Some("gzip"), Some("gzip"), &b"gz-bytes"[..]),
            (None, None, &b"<!doctype html>"[..]),
        ] {
            let request = Request::get("/index.html");
            let request = match accepted {
                Some(accepted) => request.header(header::ACCEPT_ENCODING, accepted),
                None => request,
            };
            let response = app.clone().oneshot(request.body(Body::empty())?).await?;
            assert_eq!(
                content_encoding(&response),
                encoding.map(str::as_bytes),
                "{accepted:?}"
            );
            let got = axum::body::to_bytes(response.into_body(), 1024).await?;
            assert_eq!(&got[..], body, "{accepted:?}");
        }
        Ok(())
    }

    /// The router over a temporary SQLite store, serving a static folder with `index.html`.
    async fn app_with_static_files() -> anyhow::Result<(Router, tempfile::TempDir)> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("index.html"), "<!doctype html>")?;
        let url = format!("sqlite://{}", dir.path().join("db/gugus.db").display());
        let store = store::connect(&crate::config::DatabaseUrl::parse(&url)?).await?;
        Ok((router(AppState::new(store), Some(dir.path())), dir))
    }

    fn assert_secured(response: &axum::response::Response, what: &str) {
        for (name, value) in headers::SECURITY_HEADERS {
            assert_eq!(
                response.headers().get(name).map(|v| v.to_str().ok()),
                Some(Some(value)),
                "{what}: header {name}"
            );
        }
    }

    #[tokio::test]
    async fn every_answer_carries_the_security_headers() -> anyhow::Result<()> {
        let (app, _dir) = app_with_static_files().await?;
        for (path, status, api) in [
            ("/api/v1/health", StatusCode::OK, true),
            ("/api/v1/no-such-endpoint", StatusCode::NOT_FOUND, true),
            ("/", StatusCode::OK, false),
            ("/index.html", StatusCode::OK, false),
            ("/no-such-file.js", StatusCode::NOT_FOUND, false),
        ] {
            let request = Request::get(path).body(Body::empty())?;
            let response = app.clone().oneshot(request).await?;
            assert_eq!(response.status(), status, "{path}");
            assert_secured(&response, path);
            let cache = response.headers().get(header::CACHE_CONTROL);
            match api {
                true => assert_eq!(
                    cache.map(|v| v.as_bytes()),
                    Some(&b"no-store"[..]),
                    "{path}"
                ),
                false => assert!(cache.is_none(), "{path}: {cache:?}"),
            }
        }
        Ok(())
    }

    /// Serves a one-route app with `limits`; answers its address and the shutdown switch.
    async fn serve_limited(
        limits: ConnectionLimits,
    ) -> anyhow::Result<(std::net::SocketAddr, tokio::sync::oneshot::Sender<()>)> {
        let app = Router::new().route("/", axum::routing::get(|| async { "ok" }));
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(serve_with(
            listener,
            app,
            async {
                let _ = stopped.await;
            },
            limits,
        ));
        Ok((addr, stop))
    }

    /// Sends a whole request on `stream` and reads the start of the answer.
    async fn ask(stream: &mut tokio::net::TcpStream) -> anyhow::Result<String> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .await?;
        let mut buffer = [0_u8; 64];
        let n = stream.read(&mut buffer).await?;
        Ok(String::from_utf8_lossy(&buffer[..n]).into_owned())
    }

    #[tokio::test]
    async fn a_connection_that_dawdles_over_its_headers_is_closed() -> anyhow::Result<()> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let limits = ConnectionLimits {
            header_read_timeout: Duration::from_millis(200),
            max_connections: 8,
        };
        let (addr, _stop) = serve_limited(limits).await?;
        let mut slow = tokio::net::TcpStream::connect(addr).await?;
        slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await?;
        let started = std::time::Instant::now();
        let mut buffer = [0_u8; 256];
        let read = tokio::time::timeout(Duration::from_secs(5), slow.read(&mut buffer)).await?;
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        // Closed (perhaps after a 408): no request of it was served.
        let text = String::from_utf8_lossy(&buffer[..read.unwrap_or(0)]).into_owned();
        assert!(!text.contains("200 OK"), "{text}");
        // A prompt client is served as ever.
        let mut prompt = tokio::net::TcpStream::connect(addr).await?;
        assert!(ask(&mut prompt).await?.starts_with("HTTP/1.1 200"));
        Ok(())
    }

    #[tokio::test]
    async fn connections_beyond_the_cap_wait_for_one_to_close() -> anyhow::Result<()> {
        let limits = ConnectionLimits {
            header_read_timeout: Duration::from_secs(30),
            max_connections: 2,
        };
        let (addr, _stop) = serve_limited(limits).await?;
        let mut first = tokio::net::TcpStream::connect(addr).await?;
        let mut second = tokio::net::TcpStream::connect(addr).await?;
        assert!(ask(&mut first).await?.starts_with("HTTP/1.1 200"));
        assert!(ask(&mut second).await?.starts_with("HTTP/1.1 200"));
        // Both stay open (keep-alive): a third waits.
        let mut third = tokio::net::TcpStream::connect(addr).await?;
        let waiting = tokio::time::timeout(Duration::from_millis(300), ask(&mut third)).await;
        assert!(waiting.is_err(), "served beyond the cap: {waiting:?}");
        drop(first);
        let served = tokio::time::timeout(Duration::from_secs(5), async {
            use tokio::io::AsyncReadExt;
            let mut buffer = [0_u8; 64];
            let n = third.read(&mut buffer).await?;
            anyhow::Ok(String::from_utf8_lossy(&buffer[..n]).into_owned())
        })
        .await??;
        assert!(served.starts_with("HTTP/1.1 200"), "{served}");
        Ok(())
    }

    #[tokio::test]
    async fn hsts_is_sent_only_when_the_site_is_served_over_https() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("gugus.db").display());
        let store = store::connect(&crate::config::DatabaseUrl::parse(&url)?).await?;
        for https in [false, true] {
            let edge = crate::edge::Edge {
                trusted_proxies: Vec::new(),
                https,
            };
            let app = router(AppState::with_edge(store.clone(), edge), None);
            for path in ["/api/v1/health", "/no-such-file"] {
                let response = app
                    .clone()
                    .oneshot(Request::get(path).body(Body::empty())?)
                    .await?;
                let hsts = response.headers().get(header::STRICT_TRANSPORT_SECURITY);
                assert_eq!(
                    hsts.map(|v| v.as_bytes()),
                    https.then_some(HSTS.as_bytes()),
                    "{path}"
                );
            }
        }
        Ok(())
    }

    #[tokio::test]
    async fn a_missing_static_folder_still_answers_with_the_headers() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("gugus.db").display());
        let store = store::connect(&crate::config::DatabaseUrl::parse(&url)?).await?;
        let app = router(AppState::new(store), None);
        let response = app.oneshot(Request::get("/").body(Body::empty())?).await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_secured(&response, "/ without static files");
        Ok(())
    }

    #[tokio::test]
    async fn a_cross_origin_preflight_gets_no_cors_header() -> anyhow::Result<()> {
        let (app, _dir) = app_with_static_files().await?;
        let preflight = Request::options("/api/v1/sync/push")
            .header(header::ORIGIN, "https://evil.example")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "authorization, content-type",
            )
            .body(Body::empty())?;
        let cross_get = Request::get("/api/v1/health")
            .header(header::ORIGIN, "https://evil.example")
            .body(Body::empty())?;
        for request in [preflight, cross_get] {
            let what = format!("{} {}", request.method(), request.uri());
            let preflight = request.method() == axum::http::Method::OPTIONS;
            let response = app.clone().oneshot(request).await?;
            if preflight {
                assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{what}");
            }
            assert!(
                response
                    .headers()
                    .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                    .is_none(),
                "{what}"
            );
            let cors: Vec<_> = response
                .headers()
                .keys()
                .filter(|name| name.as_str().starts_with("access-control-"))
                .collect();
            assert!(cors.is_empty(), "{what}: {cors:?}");
            assert_secured(&response, &what);
        }
        Ok(())
    }

    #[tokio::test]
    async fn a_slow_request_is_cut_with_a_json_timeout() -> anyhow::Result<()> {
        let app = Router::new()
            .route(
                "/slow",
                axum::routing::get(|| async {
                    tokio::time::sleep(Duration::from_secs(10)).await;
                    "too late"
                }),
            )
            .route("/fast", axum::routing::get(|| async { "in time" }));
        let app = harden(app, Duration::from_millis(50));
        let started = std::time::Instant::now();
        let slow = app
            .clone()
            .oneshot(Request::get("/slow").body(Body::empty())?)
            .await?;
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(slow.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_secured(&slow, "a cut request");
        let body = axum::body::to_bytes(slow.into_body(), 4096).await?;
        let body: serde_json::Value = serde_json::from_slice(&body)?;
        assert_eq!(body["error"]["code"], "timeout");
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
        let fast = app
            .oneshot(Request::get("/fast").body(Body::empty())?)
            .await?;
        assert_eq!(fast.status(), StatusCode::OK);
        Ok(())
    }

    fn gzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes)?;
        Ok(encoder.finish()?)
    }

    async fn post_login(
        app: &Router,
        body: Vec<u8>,
        encoding: Option<&str>,
    ) -> anyhow::Result<(StatusCode, serde_json::Value)> {
        let request =
            Request::post("/api/v1/login").header(header::CONTENT_TYPE, "application/json");
        let request = match encoding {
            Some(encoding) => request.header(header::CONTENT_ENCODING, encoding),
            None => request,
        };
        let response = app.clone().oneshot(request.body(Body::from(body))?).await?;
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
        Ok((
            status,
            serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        ))
    }

    #[tokio::test]
    async fn a_gzipped_request_is_read_unzipped_and_its_limit_counts_the_unzipped_bytes(
    ) -> anyhow::Result<()> {
        let (app, _dir) = app_with_static_files().await?;
        let login = serde_json::json!({
            "username": "tidak-ada",
            "password": "salah-sekali",
            "device_id": uuid::Uuid::nil(),
        });
        let plain = serde_json::to_vec(&login)?;
        // Read as the plain body is: the account is unknown (not "not JSON").
        let (status, body) = post_login(&app, gzip(&plain)?, Some("gzip")).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        // 4 MiB of blanks zip to a few KB, under the limit as sent, over it unzipped.
        let mut bomb = plain.clone();
        bomb.extend(std::iter::repeat_n(b' ', 4 * MAX_BODY_BYTES));
        let zipped = gzip(&bomb)?;
        assert!(
            zipped.len() < MAX_BODY_BYTES / 100,
            "{} bytes",
            zipped.len()
        );
        let (status, body) = post_login(&app, zipped, Some("gzip")).await?;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert_eq!(body["error"]["code"], "too_large");
        // A broken gzip body is a bad request; an encoding the API does not take, 415.
        let (status, body) = post_login(&app, b"not gzip at all".to_vec(), Some("gzip")).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, _) = post_login(&app, plain, Some("compress")).await?;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        Ok(())
    }

    #[tokio::test]
    async fn api_answers_are_compressed_as_the_client_accepts() -> anyhow::Result<()> {
        let (app, _dir) = app_with_static_files().await?;
        for (accepted, encoding) in [
            ("br", Some("br")),
            ("gzip", Some("gzip")),
            ("identity", None),
        ] {
            let request = Request::post("/api/v1/login")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT_ENCODING, accepted)
                .body(Body::from(r#"{"username":"x","password":"y"}"#))?;
            let response = app.clone().oneshot(request).await?;
            assert_eq!(
                content_encoding(&response),
                encoding.map(str::as_bytes),
                "{accepted}"
            );
            assert_secured(&response, accepted);
        }
        Ok(())
    }
}
