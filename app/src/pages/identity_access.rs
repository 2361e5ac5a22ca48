//! Restoring access to victims' identities (issue #18), on a supervisor's device: share
//! the case keys it holds again (after an admin reset an officer's password, the officer's
//! new key pair gets them), or, when nobody holds a case's key any more, restore them
//! with the task force's recovery code and share them on.

use crate::app::use_ctx;
use crate::e2e::{AccountKeyPair, RecoveryCodeError};
use crate::i18n::{self, tr, use_i18n};
use crate::sync::Api;
use gugus_model::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the last action did: done (its words), or a problem.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Done(Option<usize>, usize),
    Problem(Text),
}

/// The panel.
#[component]
pub fn IdentityAccess() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = RwSignal::new(false);
    // Restores with `recovery_code` first when there is one, then shares.
    let run = move |recovery_code: Option<String>| {
        let (Some(keyring), Some(token)) = (ctx.keyring.get_untracked(), ctx.token()) else {
            outcome.set(Some(Outcome::Problem(i18n::IDENTITY_NOT_SHARED)));
            return;
        };
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let store = ctx.store();
            let api = Api::here();
            let at = crate::clock::now_rfc3339();
            let restored = match recovery_code {
                None => Ok(None),
                Some(typed) => match api.recovery_key(&token).await {
                    Ok(Some(public)) => {
                        match AccountKeyPair::from_recovery_code(&typed, &public.public).await {
                            Ok(recovery) => {
                                // The NIK's index key too, when only the recovery key
                                // still holds it: a lookup, not worth failing over.
                                let index =
                                    keyring.restore_index(&store, &api, &token, &recovery).await;
                                if let Err(error) = index {
                                    let said = format!("index key not restored: {error}");
                                    web_sys::console::warn_1(&said.into());
                                }
                                keyring
                                    .restore(&store, &recovery, &at)
                                    .await
                                    .map(Some)
                                    .map_err(|_| i18n::ACCESS_FAILED)
                            }
                            Err(RecoveryCodeError::Typo(_)) => Err(i18n::ACCESS_TYPO),
                            Err(RecoveryCodeError::NotThisKey) => Err(i18n::ACCESS_NOT_THIS),
                            Err(RecoveryCodeError::Crypto(_)) => Err(i18n::ERR_ENCRYPTION),
                        }
                    }
                    Ok(None) => Err(i18n::ACCESS_NO_RECOVERY),
                    Err(_) => Err(i18n::ACCESS_FAILED),
                },
            };
            let done = match restored {
                Ok(restored) => match keyring.share(&store, &api, &token, None, &at).await {
                    Ok(shared) => Outcome::Done(restored, shared),
                    Err(_) => Outcome::Problem(i18n::ACCESS_FAILED),
                },
                Err(text) => Outcome::Problem(text),
            };
            if matches!(done, Outcome::Done(..)) {
                code.set(String::new());
                ctx.engine().changed();
            }
            outcome.set(Some(done));
            busy.set(false);
        });
    };
    let restore = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = code.get_untracked();
        if typed.trim().is_empty() {
            outcome.set(Some(Outcome::Problem(i18n::ACCESS_TYPO)));
            return;
        }
        run(Some(typed));
    };
    view! {
        <section id="identity-access" class="identity-access">
            <h2>{tr(i18n::ACCESS_TITLE)}</h2>
            <p class="hint">{tr(i18n::ACCESS_WHY)}</p>
            <button
                type="button"
                id="identity-reshare"
                class="secondary"
                disabled=move || busy.get()
                on:click=move |_| run(None)
            >
                {tr(i18n::ACCESS_RESHARE)}
            </button>
            <form id="recovery-restore" on:submit=restore>
                <label for="recovery-code-input">{tr(i18n::ACCESS_CODE)}</label>
                <textarea
                    id="recovery-code-input"
                    name="recovery_code"
                    class="recovery-code"
                    rows="3"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev))
                ></textarea>
                <button type="submit" id="recovery-restore-submit" disabled=move || busy.get()>
                    {tr(i18n::ACCESS_RESTORE)}
                </button>
            </form>
            {move || outcome.get().map(|outcome| match outcome {
                Outcome::Done(restored, shared) => view! {
                    <p id="identity-access-done" class="notice" role="status">
                        {move || i18n::access_done(restored, shared, i18n.lang())}
                    </p>
                }.into_any(),
                Outcome::Problem(text) => view! {
                    <p id="identity-access-problem" class="form-error" role="alert">{move || i18n.t(text)}</p>
                }.into_any(),
            })}
        </section>
    }
}
