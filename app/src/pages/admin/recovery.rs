//! The task force's recovery key (issue #18), on the accounts page: an admin makes it once.
//! The code (its private half) is shown once, to be printed and kept in the daily chair's
//! safe, and leaves the screen once the public half is saved; the server never sees it.

use crate::app::use_ctx;
use crate::e2e::AccountKeyPair;
use crate::i18n::{self, tr, use_i18n};
use crate::sync::{Api, ApiError};
use gugus_model::e2e::RecoveryKey;
use gugus_model::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where the making of the recovery key stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    /// Asking the server whether there is one.
    Checking,
    /// There is one (made before, or just saved): nothing to do.
    Made,
    /// There is none yet.
    Missing,
    /// Made in this browser, its code on screen, its public half not saved yet.
    Shown { code: String, public: Vec<u8> },
    /// Could not tell or do (the words say what).
    Problem(Text),
}

/// The section of the accounts page.
#[component]
pub fn RecoveryKeySection() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let stage = RwSignal::new(Stage::Checking);
    let saved = RwSignal::new(false);
    let confirmed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failed_save = RwSignal::new(false);
    if let Some(token) = ctx.token() {
        spawn_local(async move {
            stage.set(match Api::here().recovery_key(&token).await {
                Ok(Some(_)) => Stage::Made,
                Ok(None) => Stage::Missing,
                Err(ApiError::Network) => Stage::Problem(i18n::ADMIN_OFFLINE),
                Err(_) => Stage::Problem(i18n::ERR_SERVER),
            });
        });
    }
    let make = move |_| {
        busy.set(true);
        spawn_local(async move {
            stage.set(match AccountKeyPair::generate_recovery().await {
                Ok((code, pair)) => Stage::Shown {
                    code,
                    public: pair.public,
                },
                Err(_) => Stage::Problem(i18n::ERR_ENCRYPTION),
            });
            confirmed.set(false);
            busy.set(false);
        });
    };
    let save = move |_| {
        let (Some(token), Stage::Shown { public, .. }) = (ctx.token(), stage.get_untracked())
        else {
            return;
        };
        busy.set(true);
        failed_save.set(false);
        spawn_local(async move {
            match Api::here()
                .set_recovery_key(&token, &RecoveryKey { public })
                .await
            {
                Ok(()) => {
                    // The NIK's index key, when this browser holds it, is wrapped for the
                    // new recovery key at once: this admin may not sync again.
                    if let Some(keyring) = ctx.keyring.get_untracked() {
                        let api = (&Api::here(), token.as_str());
                        if let Err(error) = keyring.keep_index_key(&ctx.store(), Some(api)).await {
                            let said = format!("index key not wrapped for recovery: {error}");
                            web_sys::console::warn_1(&said.into());
                        }
                    }
                    saved.set(true);
                    stage.set(Stage::Made);
                }
                Err(ApiError::Server { code, .. }) if code == "keys_exist" => {
                    stage.set(Stage::Problem(i18n::RECOVERY_TAKEN));
                }
                // The code stays on screen: pressing Save again saves the same key.
                Err(_) => failed_save.set(true),
            }
            busy.set(false);
        });
    };
    let print = move |_| {
        let _ = gloo::utils::window().print();
    };
    let body = move || {
        match stage.get() {
        Stage::Checking => view! { <p class="loading">{tr(i18n::LOADING)}</p> }.into_any(),
        Stage::Made => view! {
            <p id="recovery-made" class="notice">
                {move || i18n.t(if saved.get() { i18n::RECOVERY_SAVED } else { i18n::RECOVERY_EXISTS })}
            </p>
        }
        .into_any(),
        Stage::Missing => view! {
            <button type="button" id="recovery-make" class="primary" disabled=busy on:click=make>
                {tr(i18n::RECOVERY_MAKE)}
            </button>
        }
        .into_any(),
        Stage::Shown { code, .. } => view! {
            <p class="dialog-warning">{tr(i18n::RECOVERY_SHOWN_ONCE)}</p>
            <p id="recovery-code" class="recovery-code" translate="no">{code}</p>
            <button type="button" id="recovery-print" on:click=print>{tr(i18n::RECOVERY_PRINT)}</button>
            <label class="check">
                <input type="checkbox" id="recovery-confirm"
                    prop:checked=confirmed on:change=move |ev| confirmed.set(event_target_checked(&ev)) />
                {tr(i18n::RECOVERY_CONFIRM)}
            </label>
            <button type="button" id="recovery-save" class="primary"
                disabled=move || busy.get() || !confirmed.get() on:click=save>
                {tr(i18n::RECOVERY_SAVE)}
            </button>
            <Show when=move || failed_save.get()>
                <p class="form-error" role="alert">{tr(i18n::RECOVERY_FAILED)}</p>
            </Show>
        }
        .into_any(),
        Stage::Problem(text) => view! {
            <p id="recovery-problem" class="notice offline" role="alert">{move || i18n.t(text)}</p>
        }
        .into_any(),
    }
    };
    view! {
        <section id="recovery-key" class="block">
            <h2>{tr(i18n::RECOVERY_TITLE)}</h2>
            <p class="hint">{tr(i18n::RECOVERY_WHY)}</p>
            {body}
        </section>
    }
}
