//! Changing one's own password (`POST /api/v1/account/password`), every role. Online only:
//! the server checks the current password and ends the account's other sessions.
//!
//! The device keeps two things under the password, and both follow it so that nothing is
//! half done:
//! - the vault (drafts, and values an older server still holds in plain text): its lock is
//!   rewrapped for the new password (`Vault::rewrap`), nothing sealed under it changes;
//! - the account's key pair (issue #18): the same pair, its private key relocked under the
//!   new password, sent with the change so any phone opens it with the new one.
//!
//! Both are made first, the server changes next, and the device keeps them last, in one
//! transaction. A refusal, or no signal, changes nothing anywhere.

use crate::app::{use_ctx, Ctx};
use crate::crypto::{CryptoError, Vault};
use crate::e2e::AccountKeyPair;
use crate::i18n::{self, tr, use_i18n};
use crate::store::HeldKeys;
use crate::sync::{Api, ApiError};
use gugus_model::api::ChangePassword;
use gugus_model::password::Weakness;
use gugus_model::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What a refused change means, in words.
fn change_error_text(error: &ApiError) -> Text {
    match error {
        ApiError::Network => i18n::PASSWORD_OFFLINE,
        ApiError::Unauthorized => i18n::ERR_SESSION,
        ApiError::RateLimited => i18n::PASSWORD_TOO_MANY,
        ApiError::Server {
            status: 400,
            code,
            reason,
            ..
        } => match code.as_str() {
            "wrong_password" => i18n::PASSWORD_CURRENT_WRONG,
            "weak_password" => Weakness::reason_text(reason.as_deref()),
            _ => i18n::PASSWORD_NOT_CHANGED,
        },
        _ => i18n::PASSWORD_NOT_CHANGED,
    }
}

/// A wrong current password on the device, in words; anything else the browser failed at.
fn crypto_error_text(error: CryptoError) -> Text {
    match error {
        CryptoError::WrongKey => i18n::PASSWORD_CURRENT_WRONG,
        CryptoError::ShortPassphrase => i18n::UNLOCK_SHORT,
        _ => i18n::ERR_ENCRYPTION,
    }
}

/// Changes the logged-in user's password from `current` to `new` (see the module's notes).
pub async fn change_password(ctx: Ctx, current: &str, new: &str) -> Result<(), Text> {
    let session = ctx.session.get_untracked().ok_or(i18n::ERR_SESSION)?;
    let me = session.user.id;
    let store = ctx.store();
    let storage = |_| i18n::ERR_STORAGE;
    // The vault's lock, when this device keeps data for this user.
    let (owner, lock) = store.owner().await.map_err(storage)?;
    let lock = lock.filter(|_| owner.as_deref() == Some(me.to_string().as_str()));
    let new_lock = match &lock {
        Some(lock) => Some(
            Vault::rewrap(current, lock, new)
                .await
                .map_err(crypto_error_text)?,
        ),
        None => None,
    };
    // The account's live key pair as the server keeps it, relocked.
    let api = Api::here();
    let relocked = match api.own_keys(&session.token).await {
        Ok(Some(own)) if !own.stale => Some(
            AccountKeyPair::relock(me, &own.keys, current, new)
                .await
                .map_err(crypto_error_text)?,
        ),
        Ok(_) => None,
        Err(error) => return Err(change_error_text(&error)),
    };
    // The device's copy: the relocked pair, or a pair made here and not sent yet (it goes
    // out, under the new password, at the next sync).
    let held = store
        .held_account_keys()
        .await
        .map_err(storage)?
        .filter(|held| held.account == me);
    let held = match (held, &relocked) {
        (Some(held), keys)
            if held.unsent && keys.as_ref().is_none_or(|k| k.public != held.keys.public) =>
        {
            Some(HeldKeys {
                account: me,
                keys: AccountKeyPair::relock(me, &held.keys, current, new)
                    .await
                    .map_err(crypto_error_text)?,
                unsent: true,
            })
        }
        (_, Some(keys)) => Some(HeldKeys {
            account: me,
            keys: keys.clone(),
            unsent: false,
        }),
        (held, None) => held,
    };
    let change = ChangePassword {
        current_password: current.to_owned(),
        new_password: new.to_owned(),
        keys: relocked,
    };
    api.change_password(&session.token, &change)
        .await
        .map_err(|error| change_error_text(&error))?;
    store
        .set_password_locks(new_lock.as_ref(), held.as_ref())
        .await
        .map_err(|_| i18n::PASSWORD_SAVED_ONLY_ON_SERVER)
}

/// The password section of the settings page.
#[component]
pub fn PasswordSection() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Text>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (old, fresh, again) = (
            current.get_untracked(),
            new.get_untracked(),
            repeat.get_untracked(),
        );
        done.set(false);
        let problem = if old.is_empty() || fresh.is_empty() || again.is_empty() {
            Some(i18n::PASSWORD_FILL_ALL)
        } else if fresh != again {
            Some(i18n::PASSWORD_MISMATCH)
        } else if fresh == old {
            Some(i18n::PASSWORD_SAME)
        } else if fresh.chars().count() < crate::crypto::MIN_PASSPHRASE_CHARS {
            Some(i18n::UNLOCK_SHORT)
        } else {
            None
        };
        error.set(problem);
        if problem.is_some() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match change_password(ctx, &old, &fresh).await {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    repeat.set(String::new());
                    done.set(true);
                }
                Err(text) => error.set(Some(text)),
            }
            busy.set(false);
        });
    };
    let field =
        move |id: &'static str, label: Text, value: RwSignal<String>, auto: &'static str| {
            view! {
                <div class="field">
                    <label for=id>{tr(label)}</label>
                    <input
                        id=id
                        type="password"
                        autocomplete=auto
                        prop:value=value
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                </div>
            }
        };
    view! {
        <section id="settings-password" class="settings-section">
            <h2>{tr(i18n::SETTINGS_PASSWORD)}</h2>
            <p class="section-hint">{tr(i18n::PASSWORD_CHANGE_HINT)}</p>
            <form id="password-form" on:submit=submit novalidate>
                {field("password-current", i18n::PASSWORD_CURRENT, current, "current-password")}
                {field("password-new", i18n::PASSWORD_NEW, new, "new-password")}
                <p class="hint">{tr(i18n::PASSWORD_HINT)}</p>
                {field("password-repeat", i18n::PASSWORD_REPEAT, repeat, "new-password")}
                {move || {
                    error
                        .get()
                        .map(|text| {
                            view! {
                                <p id="password-error" class="form-error" role="alert">
                                    {move || i18n.t(text)}
                                </p>
                            }
                        })
                }}
                <Show when=move || done.get()>
                    <p id="password-done" class="notice" role="status">
                        {tr(i18n::PASSWORD_CHANGED)}
                    </p>
                </Show>
                <button type="submit" id="password-submit" class="primary" disabled=busy>
                    {move || {
                        i18n.t(if busy.get() { i18n::PASSWORD_CHANGING } else { i18n::PASSWORD_SUBMIT })
                    }}
                </button>
            </form>
        </section>
    }
}
