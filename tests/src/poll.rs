//! Waiting for something to become true, by polling with a deadline.

use anyhow::{anyhow, Result};
use std::future::Future;
use std::time::{Duration, Instant};

const INTERVAL: Duration = Duration::from_millis(100);
const DEFAULT_TIMEOUT_SECS: u64 = 30;

/// How long a wait may take: `GUGUS_E2E_TIMEOUT_SECS`, or 30 s.
pub fn timeout() -> Duration {
    let secs = std::env::var("GUGUS_E2E_TIMEOUT_SECS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(DEFAULT_TIMEOUT_SECS);
    Duration::from_secs(secs)
}

/// Calls `check` every 100 ms until it answers `Some`, for at most [`timeout`].
///
/// An error from `check` counts as "not yet" (an element being re-rendered, a server not
/// listening yet); if the deadline passes, the last error is part of the report.
pub async fn poll<T, F, Fut>(what: &str, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let limit = timeout();
    let deadline = Instant::now() + limit;
    let mut last_error = None;
    loop {
        match check().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(error) => last_error = Some(error),
        }
        if Instant::now() >= deadline {
            let why = match last_error {
                Some(error) => format!(" (last error: {error:#})"),
                None => String::new(),
            };
            return Err(anyhow!("timed out after {limit:?} waiting for {what}{why}"));
        }
        tokio::time::sleep(INTERVAL).await;
    }
}
