//! One process, one port: the built app at `/`, the API at `/api/v1/`.

use crate::routes;
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::Router;
use model::sync::MAX_BODY_BYTES;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use tokio::net::TcpListener;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

/// The whole application: the API, and the static files of `static_dir` when it exists (a
/// missing folder is logged and the API still runs).
pub fn router(state: AppState, static_dir: Option<&Path>) -> Router {
    let app = Router::new().nest("/api/v1", routes::api());
    let app = match static_dir {
        // The build writes a `.gz` twin of each shell file: a phone on 3G downloads that.
        Some(dir) if dir.is_dir() => app.fallback_service(ServeDir::new(dir).precompressed_gzip()),
        Some(dir) => {
            tracing::warn!(
                dir = %dir.display(),
                "the static folder does not exist: serving the API only"
            );
            app.fallback(|| async { StatusCode::NOT_FOUND })
        }
        None => app.fallback(|| async { StatusCode::NOT_FOUND }),
    };
    app.layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests in flight end.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
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

    #[tokio::test]
    async fn a_gzip_twin_is_served_to_a_client_that_accepts_it() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("index.html"), "<!doctype html>")?;
        std::fs::write(dir.path().join("index.html.gz"), b"gz-bytes")?;
        let url = format!("sqlite://{}", dir.path().join("db/gugus.db").display());
        let store = store::connect(&crate::config::DatabaseUrl::parse(&url)?).await?;
        let app = router(AppState::new(store), Some(dir.path()));
        let get = |gzip: bool| {
            let request = Request::get("/index.html");
            let request = match gzip {
                true => request.header(header::ACCEPT_ENCODING, "gzip"),
                false => request,
            };
            request.body(Body::empty())
        };
        let zipped = app.clone().oneshot(get(true)?).await?;
        assert_eq!(zipped.headers()[header::CONTENT_ENCODING], "gzip");
        let plain = app.oneshot(get(false)?).await?;
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let body = axum::body::to_bytes(plain.into_body(), 1024).await?;
        assert_eq!(&body[..], b"<!doctype html>");
        Ok(())
    }
}
