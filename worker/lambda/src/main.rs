//! `gugus-lambda`: the worker's API as an AWS Lambda function (`docs/api.md`, "The Lambda
//! function"). Its configuration is its environment: `DATABASE_URL` (postgres://, required),
//! `GUGUS_DB_MAX_CONNECTIONS`, `GUGUS_TRUSTED_PROXIES`, `GUGUS_HTTPS`, `GUGUS_NOW`,
//! `RUST_LOG`.
#![forbid(unsafe_code)]

use gugus_lambda::{app, with_client_addr, Settings};
use std::process::ExitCode;
use tower::ServiceExt;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    // The allocator tuned before the runtime's threads, as the worker binary's.
    match gugus_worker::memory::runtime() {
        Ok((runtime, tuned)) => runtime.block_on(start(started, tuned)),
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn start(started: std::time::Instant, tuned: bool) -> ExitCode {
    // As the worker binary logs, without colours: the function's output goes to its log
    // group, which stamps each line itself.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .without_time()
        .init();
    if !tuned {
        tracing::warn!("the allocator did not take its memory limits (worker/src/memory.rs)");
    }
    match run(started).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // An init that fails ends the process, as the binary's start does: Lambda logs
            // it and tries a cold start again on the next request.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The init phase (the clock, the settings, the store checked), then the requests.
async fn run(started: std::time::Instant) -> anyhow::Result<()> {
    match gugus_model::clock::pin_from_env() {
        Ok(Some(at)) => {
            tracing::warn!(%at, "the clock is pinned ({})", gugus_model::clock::PIN_VAR)
        }
        Ok(None) => {}
        Err(error) => anyhow::bail!("{error}"),
    }
    let settings = Settings::from_env()?;
    let router = app(&settings).await?;
    // The cold start's own part (Lambda's "Init Duration" adds the process's loading).
    tracing::info!(
        max_connections = settings.max_connections,
        init_ms = started.elapsed().as_millis() as u64,
        "the store is open; serving"
    );
    let handler = tower::service_fn(move |request: lambda_http::Request| {
        router.clone().oneshot(with_client_addr(request))
    });
    lambda_http::run(handler)
        .await
        .map_err(|error| anyhow::anyhow!("the Lambda runtime stopped: {error}"))
}
