//! Unlocking the device's data: every page load, and after ten minutes without a touch,
//! the officer's password opens the vault that seals victims' identities again. Works
//! offline: the password is checked against the vault's lock on the device, not the
//! server.

use super::login::PasswordAndSubmit;
use crate::app::{use_ctx, Ctx};
use crate::crypto::{CryptoError, Vault};
use crate::i18n::{self, tr};
use gugus_model::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Opens the vault with `password`: the device's lock when it has one; otherwise (a
/// device whose owner logged in before identities were kept) a new vault for the
/// logged-in user.
async fn open_vault(ctx: Ctx, password: &str) -> Result<Vault, Text> {
    let store = ctx.store();
    let (_, lock) = store.owner().await.map_err(|_| i18n::ERR_STORAGE)?;
    match lock {
        Some(lock) => Vault::open(password, &lock)
            .await
            .map_err(|error| match error {
                CryptoError::WrongKey => i18n::UNLOCK_WRONG,
                _ => i18n::ERR_ENCRYPTION,
            }),
        None => {
            let session = ctx.session.get_untracked().ok_or(i18n::ERR_STORAGE)?;
            let (vault, lock) = Vault::create(password).await.map_err(|error| match error {
                CryptoError::ShortPassphrase => i18n::UNLOCK_SHORT,
                _ => i18n::ERR_ENCRYPTION,
            })?;
            store
                .claim(&session.user.id.to_string(), &lock, &session)
                .await
                .map_err(|_| i18n::ERR_STORAGE)?;
            Ok(vault)
        }
    }
}

/// Rewraps the device's vault from `old` (which just opened it) to `login`, the password
/// the server took at this login; if that fails, the old one keeps opening it.
async fn follow_login(ctx: Ctx, old: &str, login: &str) {
    let store = ctx.store();
    if let Ok((_, Some(lock))) = store.owner().await {
        if let Ok(lock) = Vault::rewrap(old, &lock, login).await {
            let _ = store.set_password_locks(Some(&lock), None).await;
        }
    }
}

/// The unlock screen.
#[component]
pub fn UnlockPage() -> impl IntoView {
    let ctx = use_ctx();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    crate::timing::ready();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let typed = password.get_untracked();
        if typed.is_empty() {
            error.set(Some(i18n::UNLOCK_EMPTY));
            return;
        }
        busy.set(true);
        error.set(None);
        crate::timing::unlocking();
        spawn_local(async move {
            match open_vault(ctx, &typed).await {
                Ok(vault) => {
                    password.set(String::new());
                    // After a login with a newer password: the vault follows it.
                    let password = match ctx.rewrap_to.get_value() {
                        Some(login) if login != typed => {
                            follow_login(ctx, &typed, &login).await;
                            login
                        }
                        _ => typed,
                    };
                    ctx.rewrap_to.set_value(None);
                    ctx.open(Some(vault));
                    super::login::ensure_keys(ctx, &password, false);
                }
                Err(text) => {
                    error.set(Some(text));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <section class="page unlock">
            <h1>{tr(i18n::UNLOCK_TITLE)}</h1>
            <p>
                {tr(
                    if ctx.rewrap_to.with_value(Option::is_some) {
                        i18n::UNLOCK_OLD_WHY
                    } else {
                        i18n::UNLOCK_WHY
                    },
                )}
            </p>
            <form id="unlock-form" on:submit=submit novalidate>
                <PasswordAndSubmit
                    prefix="unlock"
                    password
                    error
                    busy
                    idle=i18n::UNLOCK_SUBMIT
                    working=i18n::UNLOCKING
                />
            </form>
            <p class="hint">{tr(i18n::UNLOCK_HINT)}</p>
        </section>
    }
}
