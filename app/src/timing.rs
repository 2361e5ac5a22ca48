//! User Timing marks for the app benchmark (`scripts/bench.sh app`): a few
//! `performance.mark`/`performance.measure` entries that the benchmark reads with
//! `performance.getEntriesByName`. They cost a timestamp each and stay in the product, so
//! a phone's own DevTools show the same figures.
//!
//! - [`SAVE`] (measure): a record form's save press to the IndexedDB commit of the record
//!   and its outbox entry (activity form and the case record forms).
//! - [`SEARCH`] (measure): an `input` event in the case list's search box to the filtered
//!   list drawn and painted (a frame and a task later: layout and paint included).
//! - [`READY`] (mark, once per page load): the first interactive screen, painted (the
//!   login form, the unlock screen, or a list once its records are read). Its `startTime`
//!   is from navigation start.
//! - [`UNLOCK`] (measure): the unlock screen's submit to the first list drawn with its
//!   records behind it (the key derived from the password, PBKDF2 at 600,000 iterations,
//!   included).
//!
//! - [`SYNC`] (measure): a sync's first pull request to the last record it brought
//!   stored in IndexedDB, when it brought any; its `detail` is `{records, pages,
//!   wasm_bytes}` (the wasm linear memory at the end).
//! - [`SYNC_PAGE`] (measure, one per pull page): its request to its records stored;
//!   [`SYNC_FETCH`], its request to its body parsed (of which [`SYNC_PARSE`], the JSON
//!   text to the page's records); [`SYNC_STORE`], its records handed to IndexedDB to the
//!   transaction's commit, in three steps: [`SYNC_READ`] (the waiting changes and the
//!   records already on the phone), [`SYNC_MERGE`] (each record's new state, and the page
//!   made one JSON text for the browser to parse) and [`SYNC_WRITE`] (the writes asked for,
//!   to the commit). The next page is fetched while one is stored, so pages overlap.
//!
//! Every call is a no-op where the Performance API is missing; errors are ignored (a
//! missing start mark only loses one figure).

use leptos::prelude::{request_animation_frame, set_timeout};
use std::cell::Cell;
use std::time::Duration;

/// The measure of one save.
pub const SAVE: &str = "gugus:save";
/// The measure of one search in the case list.
pub const SEARCH: &str = "gugus:search";
/// The mark of the first screen with its data.
pub const READY: &str = "gugus:ready";
/// The measure of unlocking, to the list behind it drawn.
pub const UNLOCK: &str = "gugus:unlock";

/// The measure of one sync that brought records.
pub const SYNC: &str = "gugus:sync";
/// The measure of one pull page, request to stored.
pub const SYNC_PAGE: &str = "gugus:sync-page";
/// The measure of one pull page's request, to its body parsed.
pub const SYNC_FETCH: &str = "gugus:sync-fetch";
/// The measure of one pull page's storing, to the commit.
pub const SYNC_STORE: &str = "gugus:sync-store";
/// Of a page's fetch: its JSON parsed.
pub const SYNC_PARSE: &str = "gugus:sync-parse";
/// Of a page's storing: the waiting changes and the records on the phone read.
pub const SYNC_READ: &str = "gugus:sync-read";
/// Of a page's storing: each record's new state worked out and serialised.
pub const SYNC_MERGE: &str = "gugus:sync-merge";
/// Of a page's storing: the writes asked for, to the commit.
pub const SYNC_WRITE: &str = "gugus:sync-write";

fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}

/// The Performance API's clock (ms from navigation start), or 0 without it.
pub fn now() -> f64 {
    performance().map_or(0.0, |p| p.now())
}

/// Records the measure `name` from `start` to `end` (both from [`now`]), with `detail`.
pub fn measure(name: &str, start: f64, end: f64, detail: Option<&wasm_bindgen::JsValue>) {
    use wasm_bindgen::{JsCast, JsValue};
    let Some(performance) = performance() else {
        return;
    };
    let options = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&options, &key.into(), value);
    let _ = set("start", &start.into());
    let _ = set("end", &end.into());
    if let Some(detail) = detail {
        let _ = set("detail", detail);
    }
    // `measure(name, options)` (User Timing 3); web-sys has it only as an unstable API.
    let method = js_sys::Reflect::get(&performance, &"measure".into());
    if let Ok(method) = method.and_then(|m| m.dyn_into::<js_sys::Function>()) {
        let _ = method.call2(&performance, &name.into(), &options);
    }
}

/// The size of the app's wasm linear memory, in bytes.
pub fn wasm_bytes() -> f64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map_or(0.0, |memory| {
            memory
                .buffer()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map_or(0.0, |buffer| f64::from(buffer.byte_length()))
        })
}

fn start_mark(name: &str) -> String {
    format!("{name}:start")
}

/// Marks the start of the measure `name`.
pub fn start(name: &str) {
    if let Some(performance) = performance() {
        let _ = performance.mark(&start_mark(name));
    }
}

/// Ends the measure `name` now, from its latest [`start`].
pub fn end(name: &str) {
    if let Some(performance) = performance() {
        let _ = performance.measure_with_start_mark(name, &start_mark(name));
    }
}

/// Runs `then` once the DOM changes made so far are drawn: after the next animation frame
/// (reactive updates run before it) and the task that follows it (after its paint).
fn after_paint(then: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(then, Duration::ZERO));
}

/// Ends the measure `name` once the DOM changes made so far are painted.
pub fn end_after_paint(name: &'static str) {
    after_paint(move || end(name));
}

thread_local! {
    static READY_MARKED: Cell<bool> = const { Cell::new(false) };
    static UNLOCKING: Cell<bool> = const { Cell::new(false) };
}

/// The unlock screen's password was submitted: [`UNLOCK`] runs until [`list_shown`].
pub fn unlocking() {
    UNLOCKING.with(|u| u.set(true));
    start(UNLOCK);
}

/// A list is drawn with its records: marks [`READY`] (once) and ends [`UNLOCK`] when an
/// unlock is under way.
pub fn list_shown() {
    ready();
    if UNLOCKING.with(|u| u.replace(false)) {
        end_after_paint(UNLOCK);
    }
}

/// Marks [`READY`] once the screen is painted, the first time a screen asks on this page
/// load (later screens do not move it).
pub fn ready() {
    if READY_MARKED.with(|marked| marked.replace(true)) {
        return;
    }
    after_paint(|| {
        if let Some(performance) = performance() {
            let _ = performance.mark(READY);
        }
    });
}
