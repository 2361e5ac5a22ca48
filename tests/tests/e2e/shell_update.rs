//! The PWA shell's update path: a phone running one build learns of the next one, shows
//! the bar, and moves to the new build (and drops the old cache) only when the officer
//! taps "Muat ulang".
#![forbid(unsafe_code)]

use anyhow::{bail, Context, Result};
use gugus_e2e::{copy_dir, dist_dir, poll, Browser, Worker};
use serde_json::{json, Value};
use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_build_is_offered_and_taken_when_the_officer_accepts() -> Result<()> {
    let temp = tempfile::Builder::new()
        .prefix("gugus-e2e-shell-")
        .tempdir()?;
    let site = temp.path().join("dist");
    copy_dir(&dist_dir()?, &site)?;
    let first = build_id(&site)?;
    let next = format!("{first}next");
    let worker = Worker::start_serving(temp.path(), &site)?;
    let base_url = worker.base_url();

    let seen = Browser::start()
        .await?
        .run("shell-update", async |phone| {
            journey(phone, &base_url, &site, &first, &next).await
        })
        .await;
    let seen = seen?;

    assert_eq!(seen.caches_first, json!([format!("gugus-shell-{first}")]));
    assert_eq!(seen.bar_text, "Versi baru tersedia. Muat ulang");
    let mut both = seen.caches_waiting.as_array().cloned().unwrap_or_default();
    both.sort_by_key(|name| name.to_string());
    assert_eq!(
        both,
        vec![
            json!(format!("gugus-shell-{first}")),
            json!(format!("gugus-shell-{next}"))
        ],
        "while the new build waits, both caches exist"
    );
    assert_eq!(seen.caches_after, json!([format!("gugus-shell-{next}")]));
    drop(worker);
    Ok(())
}

struct Seen {
    caches_first: Value,
    bar_text: String,
    caches_waiting: Value,
    caches_after: Value,
}

async fn journey(
    phone: &Browser,
    base_url: &str,
    site: &Path,
    first: &str,
    next: &str,
) -> Result<Seen> {
    phone.goto(base_url).await?;
    phone.wait_for_service_worker_control().await?;
    let caches_first = cache_names(phone).await?;

    // The next build is deployed: only its service worker script differs here, as the
    // build stamps a new id into it whenever any file of the shell changes.
    let sw = site.join("sw.js");
    let script = std::fs::read_to_string(&sw)?.replace(first, next);
    std::fs::write(&sw, script)?;
    // Its compressed twins would still hold the old build for a server serving those.
    let _ = std::fs::remove_file(site.join("sw.js.gz"));
    let _ = std::fs::remove_file(site.join("sw.js.br"));
    // What the browser does on each navigation (and at least daily).
    phone
        .execute(
            "return navigator.serviceWorker.getRegistration().then((r) => r.update()).then(() => true);",
            vec![],
        )
        .await?;
    let bar_text = phone.text("#update-bar").await?;
    let caches_waiting = cache_names(phone).await?;

    phone
        .execute("window.__beforeUpdate = true; return true;", vec![])
        .await?;
    phone.click("#update-reload").await?;
    let reloaded =
        "return window.__beforeUpdate === undefined && !!navigator.serviceWorker.controller;";
    poll(
        "the page to reload under the new service worker",
        || async { Ok((phone.execute(reloaded, vec![]).await? == json!(true)).then_some(())) },
    )
    .await?;
    phone.wait_for_service_worker_control().await?;
    Ok(Seen {
        caches_first,
        bar_text,
        caches_waiting,
        caches_after: cache_names(phone).await?,
    })
}

async fn cache_names(phone: &Browser) -> Result<Value> {
    phone.execute("return caches.keys();", vec![]).await
}

/// The build id stamped into `site/sw.js`.
fn build_id(site: &Path) -> Result<String> {
    let script = std::fs::read_to_string(site.join("sw.js")).context("reading sw.js")?;
    let Some((_, rest)) = script.split_once("const CACHE = 'gugus-shell-") else {
        bail!("sw.js does not define its cache name as the build stamps it");
    };
    let id: String = rest.chars().take_while(|c| *c != '\'').collect();
    if id.is_empty() || id.contains("__BUILD_ID__") {
        bail!("sw.js was not stamped by the build: {id:?}");
    }
    Ok(id)
}
