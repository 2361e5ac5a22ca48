//! Issue #6: the app starts, logs in and installs its service worker under the worker's
//! content security policy, and the browser reports no violation of it.
#![forbid(unsafe_code)]

use anyhow::{Context, Result};
use gugus_e2e::{app, Browser, Worker};

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_runs_under_the_content_security_policy() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-csp-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;

    let page = reqwest_native::get(worker.base_url()).await?;
    let policy = page
        .headers()
        .get("content-security-policy")
        .context("the page has no content security policy")?
        .to_str()?
        .to_owned();
    assert!(
        policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{policy}"
    );

    let phone = Browser::start().await?;
    let journey = async {
        phone.goto(&worker.base_url()).await?;
        app::log_in(&phone, OFFICER.0, OFFICER.1).await?;
        phone.wait_for("#sync-status").await?;
        phone.wait_for_service_worker_control().await?;
        phone.console_log().await
    }
    .await;
    if journey.is_err() {
        if let Ok(log) = phone.console_log().await {
            eprintln!("browser console:\n{log}");
        }
    }
    phone.close().await?;
    let console = journey?;
    let violations: Vec<&str> = console
        .lines()
        .filter(|line| line.contains("Content Security Policy"))
        .collect();
    assert_eq!(
        violations,
        Vec::<&str>::new(),
        "browser console:\n{console}"
    );
    Ok(())
}
