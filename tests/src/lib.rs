//! End-to-end test harness: the real worker binary and real headless Chromium, driven
//! over WebDriver the way an officer and a supervisor use Gugus.
//!
//! - [`Worker`] runs `gugus-worker serve` on a free port with a fresh SQLite store, and can
//!   stop and restart on the same port and store (the robust way to take the network away).
//! - [`Browser`] runs chromedriver in its own process group and drives a phone-sized
//!   headless Chromium with its own profile; the group is killed on drop, so a failing test
//!   leaves no browser behind.
//! - [`sync`] is a device's side of the sync API over plain HTTP (no browser), and
//!   [`postgres::FreshDatabase`] a PostgreSQL database made for one run: for the crash
//!   test and the sync benchmark (`src/bin/sync-bench.rs`).
//! - [`app`] holds the app's user-level steps (log in, record an activity, ...) written
//!   against the element contract in `docs/api.md`.
//!
//! The tests need the built app in `dist/` (`make build`; `make test` builds it first).
//! They build the worker themselves (`cargo build -p gugus-worker`, a no-op when it is up
//! to date) and run `target/debug/gugus-worker`, or `GUGUS_WORKER_BIN` when set.
//! Waits poll with a timeout (`GUGUS_E2E_TIMEOUT_SECS`, default 30 s), never sleep blindly.
#![forbid(unsafe_code)]

pub mod app;
mod browser;
mod command;
pub mod crash;
pub mod figures;
pub mod lambda;
pub mod load;
mod poll;
pub mod postgres;
pub mod skipped;
pub mod sync;
mod worker;

pub use browser::Browser;
pub use poll::{poll, timeout};
pub use worker::Worker;

use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// The root of the repository (the workspace).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits inside the workspace")
        .to_path_buf()
}

/// cargo's target directory: `CARGO_TARGET_DIR` when set, else `<root>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => repo_root().join(dir),
        None => repo_root().join("target"),
    }
}

/// The built app the worker serves, checked to be there.
pub fn dist_dir() -> Result<PathBuf> {
    let dist = repo_root().join("dist");
    for file in [
        "index.html",
        "sw.js",
        "pkg/gugus_app.js",
        "pkg/gugus_app_bg.wasm",
    ] {
        if !dist.join(file).is_file() {
            bail!(
                "{} is missing: build the app first with `make build` (`make test` does)",
                dist.join(file).display()
            );
        }
    }
    Ok(dist)
}

/// Every path the built service worker (`dist/sw.js`) precaches: its `SHELL` list, one
/// `'/path',` a line, the pages' chunks included (`scripts/build-app.sh` writes them in).
pub fn precached_paths() -> Result<Vec<String>> {
    let sw = std::fs::read_to_string(dist_dir()?.join("sw.js"))?;
    Ok(sw
        .lines()
        .map(str::trim)
        .filter_map(|line| line.strip_prefix('\'')?.strip_suffix("',"))
        .filter(|path| path.starts_with('/'))
        .map(str::to_owned)
        .collect())
}

/// Copies the folder `from` into `to` (created), recursively.
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
