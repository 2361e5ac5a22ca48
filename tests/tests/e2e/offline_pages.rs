//! The split build offline, on a phone's exact 360x640 screen: on a first visit each role
//! logs in, the service worker precaches the pages' chunks, then the server goes away (the
//! worker process stops: what a phone without signal sees). The app reopens from the service worker, and every page of
//! the role's menu opens, each page's own chunk served from the cache.
#![forbid(unsafe_code)]

use anyhow::{bail, ensure, Context, Result};
use gugus_e2e::{app, poll, precached_paths, Browser, Worker};
use serde_json::{json, Value};

/// A role's account (username, role, password) and its menu: each link with the split
/// module its page lives in.
type Role = (&'static str, &'static str, &'static str, Menu);
type Menu = &'static [(&'static str, &'static str)];

/// Each role, its password, the menu's links and the split module each link's page lives
/// in (`app/src/pages/on_demand.rs`'s groups; wasm-split-cli names their files
/// `split_<group>.wasm`).
const ROLES: [Role; 4] = [
    (
        "petugas1",
        "officer",
        "kunci-sepeda-satu",
        &[
            ("#nav-home", "records"),
            ("#nav-activities", "records"),
            ("#nav-new-activity", "records"),
            ("#nav-cases", "records"),
            ("#nav-settings", "settings"),
        ],
    ),
    (
        "ketua1",
        "supervisor",
        "sandi-ketua-satu",
        &[
            ("#nav-home", "records"),
            ("#nav-activities", "records"),
            ("#nav-new-activity", "records"),
            ("#nav-cases", "records"),
            ("#nav-stats", "reports"),
            ("#nav-assign", "oversight"),
            ("#nav-audit", "oversight"),
            ("#nav-settings", "settings"),
        ],
    ),
    (
        "bupati1",
        "viewer",
        "sandi-bupati-satu",
        &[("#nav-stats", "reports"), ("#nav-settings", "settings")],
    ),
    (
        "admin1",
        "admin",
        "sandi-admin-satu",
        &[
            ("#nav-assign", "oversight"),
            ("#nav-audit", "oversight"),
            ("#nav-admin", "oversight"),
            ("#nav-settings", "settings"),
        ],
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_of_every_menu_opens_offline_from_the_precached_chunks() -> Result<()> {
    let chunks = precached_chunks()?;
    ensure!(
        chunks.iter().any(|c| c.contains("/split_")),
        "dist/sw.js precaches no page chunk: {chunks:?}"
    );
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let mut worker = Worker::start(data.path())?;
    for (username, role, password, _) in ROLES {
        worker.add_user(username, username, role, password)?;
    }
    for (username, role, password, menu) in ROLES {
        let outcome = Browser::start_phone()
            .await?
            .run("offline-pages-the-{role}", async |phone| {
                journey(phone, &mut worker, username, password, menu, &chunks).await
            })
            .await;
        outcome.with_context(|| format!("the {role}'s menu offline"))?;
    }
    Ok(())
}

async fn journey(
    phone: &Browser,
    worker: &mut Worker,
    username: &str,
    password: &str,
    menu: &[(&str, &str)],
    chunks: &[String],
) -> Result<()> {
    worker.restart()?;
    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, username, password).await?;
    phone.wait_for("nav.nav").await?;
    phone.wait_for_service_worker_control().await?;
    wait_for_precache(phone, chunks).await?;

    // No signal at all from here on: the server is gone.
    worker.stop()?;
    app::reopen(phone, password).await?;
    for (link, module) in menu {
        let href = phone
            .execute(
                "return document.querySelector(arguments[0]).getAttribute('href');",
                vec![json!(link)],
            )
            .await?;
        let href = href.as_str().with_context(|| format!("{link}'s address"))?;
        phone.click(link).await?;
        let title = page_title(phone, href)
            .await
            .with_context(|| format!("{link} opens offline"))?;
        let from = poll(
            &format!("{link} ({title}) to load split_{module}.wasm"),
            || async {
                let loads = chunk_loads(phone, module).await?;
                Ok((!loads.is_empty()).then_some(loads))
            },
        )
        .await?;
        // The server is stopped: whatever loaded came from the service worker's cache.
        ensure!(
            from.iter().all(|entry| entry["status"] == json!(200)),
            "{link}: {from:?}"
        );
    }
    Ok(())
}

/// The chunks `dist/sw.js` precaches (the build writes them in its `SHELL` list).
fn precached_chunks() -> Result<Vec<String>> {
    let is_chunk =
        |path: &String| path.starts_with("/pkg/split_") || path.starts_with("/pkg/chunk_");
    Ok(precached_paths()?.into_iter().filter(is_chunk).collect())
}

/// Waits until the service worker's cache holds every chunk.
async fn wait_for_precache(phone: &Browser, chunks: &[String]) -> Result<()> {
    let script = "const [wanted, done] = arguments;
        caches.keys()
          .then((names) => Promise.all(names.map((n) => caches.open(n).then((c) => c.keys()))))
          .then((lists) => {
            const have = new Set(lists.flat().map((r) => new URL(r.url).pathname));
            done(wanted.filter((path) => !have.has(path)));
          })
          .catch((e) => done(['error: ' + e]));";
    poll("the service worker to precache every chunk", || async {
        let missing = phone
            .client()
            .execute_async(script, vec![json!(chunks)])
            .await?;
        Ok((missing.as_array().is_some_and(Vec::is_empty)).then_some(()))
    })
    .await
}

/// The heading of the page at `href`, once the app has gone there and the page's code has
/// loaded (not the "Memuat…" placeholder, nor the page before it).
async fn page_title(phone: &Browser, href: &str) -> Result<String> {
    let script = "if (location.hash !== arguments[0]) return null;
        const main = document.getElementById('main');
        if (!main || main.querySelector(':scope > .loading')) return null;
        const h1 = main.querySelector('h1');
        return h1 ? h1.textContent : null;";
    poll("the page's heading", || async {
        Ok(phone
            .execute(script, vec![json!(href)])
            .await?
            .as_str()
            .map(str::to_owned))
    })
    .await
}

/// The page loads of `split_<module>.wasm` since this document opened, with their
/// response status (Resource Timing).
async fn chunk_loads(phone: &Browser, module: &str) -> Result<Vec<Value>> {
    let script = "const path = '/pkg/split_' + arguments[0] + '.wasm';
        return performance.getEntriesByType('resource')
          .filter((e) => new URL(e.name).pathname === path)
          .map((e) => ({ name: e.name, status: e.responseStatus }));";
    match phone.execute(script, vec![json!(module)]).await? {
        Value::Array(entries) => Ok(entries),
        other => bail!("unexpected resource entries: {other}"),
    }
}
