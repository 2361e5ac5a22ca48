//! The device's storage: whether the browser keeps the app's data when the phone runs
//! short of space (`navigator.storage.persisted()`), a button to ask for that
//! (`navigator.storage.persist()`), the space used and allowed
//! (`navigator.storage.estimate()`), and how many records and unsent changes the device
//! holds. Everything here works without signal.

use crate::app::use_ctx;
use crate::i18n::{self, tr, use_i18n};
use gugus_model::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    // Old browsers have no `navigator.storage`: say "unknown" rather than fail.
    let present = js_sys::Reflect::has(&navigator, &"storage".into()).unwrap_or(false);
    present.then(|| navigator.storage())
}

/// Whether the browser keeps this origin's data under storage pressure (`None`: it does
/// not say).
async fn persisted() -> Option<bool> {
    let promise = storage_manager()?.persisted().ok()?;
    JsFuture::from(promise).await.ok()?.as_bool()
}

/// Asks the browser to keep this origin's data; answers whether it now does.
async fn persist() -> Option<bool> {
    let promise = storage_manager()?.persist().ok()?;
    JsFuture::from(promise).await.ok()?.as_bool()
}

/// The bytes used and allowed for this origin.
async fn estimate() -> Option<(f64, f64)> {
    let promise = storage_manager()?.estimate().ok()?;
    let estimate: web_sys::StorageEstimate = JsFuture::from(promise).await.ok()?.unchecked_into();
    Some((estimate.get_usage()?, estimate.get_quota()?))
}

/// The `data-persisted` value and the sentence for an answer of `persisted()`.
fn persisted_state(answer: Option<bool>) -> (&'static str, Text) {
    match answer {
        Some(true) => ("true", i18n::STORAGE_PERSISTED),
        Some(false) => ("false", i18n::STORAGE_NOT_PERSISTED),
        None => ("unknown", i18n::STORAGE_UNKNOWN),
    }
}

/// The storage section of the settings page.
#[component]
pub fn StorageSection() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    // `None` until asked; then the browser's answer (itself `None` when it gives none).
    let kept = RwSignal::new(None::<Option<bool>>);
    let asked = RwSignal::new(None::<Text>);
    let space = RwSignal::new(None::<Option<(f64, f64)>>);
    spawn_local(async move {
        kept.set(Some(persisted().await));
        space.set(Some(estimate().await));
    });
    let ask = move |_| {
        spawn_local(async move {
            let answer = persist().await;
            asked.set(Some(if answer == Some(true) {
                i18n::STORAGE_GRANTED
            } else {
                i18n::STORAGE_REFUSED
            }));
            kept.set(Some(persisted().await.or(answer)));
            space.set(Some(estimate().await));
        });
    };
    let revision = ctx.revision;
    let records = LocalResource::new(move || {
        revision.track();
        let store = ctx.store();
        async move { store.record_count().await.map(|n| n as usize) }
    });
    let state = move || kept.get().map(persisted_state);
    let usage = move || {
        space.get().map(|answer| match answer {
            Some((used, quota)) => i18n::usage(used, quota, i18n.lang()),
            None => i18n.t(i18n::UNKNOWN).to_owned(),
        })
    };
    let used_bytes = move || {
        space
            .get()
            .flatten()
            .map(|(used, _)| (used.round() as u64).to_string())
            .unwrap_or_default()
    };
    let count = move || match records.get() {
        Some(Ok(n)) => Some(n),
        _ => None,
    };
    let pending = move || ctx.status.with(|s| s.pending);
    view! {
        <section id="settings-storage" class="settings-section">
            <h2>{tr(i18n::SETTINGS_STORAGE)}</h2>
            <p
                id="storage-persisted"
                data-persisted=move || state().map(|(value, _)| value).unwrap_or("")
            >
                {move || state().map(|(_, text)| i18n.t(text))}
            </p>
            <button type="button" id="storage-persist" class="secondary" on:click=ask>
                {tr(i18n::STORAGE_ASK)}
            </button>
            {move || asked.get().map(|text| view! {
                <p id="storage-persist-result" class="notice" role="status">{move || i18n.t(text)}</p>
            })}
            <dl class="record-fields">
                <div class="record-field">
                    <dt>{tr(i18n::STORAGE_USED)}</dt>
                    <dd id="storage-usage" data-usage=used_bytes>{usage}</dd>
                </div>
                <div class="record-field">
                    <dt>{tr(i18n::STORAGE_RECORDS)}</dt>
                    <dd id="storage-records" data-count=move || count().map(|n| n.to_string()).unwrap_or_default()>
                        {move || count().map(|n| i18n::number(n as u64, i18n.lang()))}
                    </dd>
                </div>
                <div class="record-field">
                    <dt>{tr(i18n::STORAGE_PENDING)}</dt>
                    <dd id="storage-pending" data-pending=move || pending().to_string()>
                        {move || i18n::number(pending() as u64, i18n.lang())}
                    </dd>
                </div>
            </dl>
        </section>
    }
}
