//! The Gugus app: the offline-first record of the anti-trafficking task force, rendered
//! client-side with Leptos.
//!
//! - [`store`] is the only code that touches IndexedDB;
//! - [`sync`] is the only code that talks to the worker;
//! - [`crypto`] seals a victim's identity under the officer's passphrase (WebCrypto), and
//!   [`identity`] says which values are sealed and where;
//! - [`pages`] and [`components`] draw the screens; [`i18n`] holds every visible string;
//! - [`timing`] leaves the User Timing marks the app benchmark reads.
#![forbid(unsafe_code)]

pub mod agencies;
pub mod app;
pub mod clock;
pub mod components;
pub mod crypto;
pub mod e2e;
pub mod i18n;
pub mod identity;
pub mod join;
pub mod keyring;
pub mod pages;
pub mod store;
pub mod sync;
pub mod timing;

pub use app::App;

// Unit tests run in headless Chromium too (`cargo test --target wasm32-unknown-unknown`).
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
