//! Logging in: needs the network once; the session is then kept on the device so the app
//! opens logged in without signal. The password also opens (or, on the user's first login
//! on this device, makes) the vault that seals victims' identities on the device.

use crate::app::{use_ctx, Ctx, Page};
use crate::crypto::{CryptoError, Vault};
use crate::i18n::{self, tr, use_i18n};
use crate::pages::on_demand;
use crate::store::{Session, Store};
use crate::sync::{Api, ApiError, SyncProblem};
use crate::timing;
use gugus_model::api::LoginRequest;
use gugus_model::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn login_error_text(error: &ApiError) -> Text {
    match error {
        ApiError::Unauthorized => i18n::LOGIN_WRONG,
        ApiError::Network => i18n::LOGIN_OFFLINE,
        ApiError::RateLimited => i18n::LOGIN_RATE_LIMITED,
        _ => i18n::LOGIN_FAILED,
    }
}

/// Makes the device ready for the user who just logged in, and opens their vault
/// (`None`: the password does not open the data already on the device, which was locked
/// with the password of that first login; the unlock screen asks for it).
///
/// Another account's data is never shown: it is wiped first, and when it still has
/// changes not sent, the login is refused so they are not lost (that account must log in
/// and sync, or log out and confirm losing them). Viewers keep no records, so their login
/// leaves the device's data as it is.
async fn take_device(
    store: Store,
    session: &Session,
    password: &str,
) -> Result<Option<Vault>, Text> {
    let storage = |_| i18n::ERR_STORAGE;
    let me = session.user.id.to_string();
    let (owner, lock) = store.owner().await.map_err(storage)?;
    if !session.user.role.syncs_records() {
        store.save_session(session).await.map_err(storage)?;
        return Ok(None);
    }
    if owner.as_deref() == Some(me.as_str()) {
        store.save_session(session).await.map_err(storage)?;
        if let Some(lock) = lock {
            return match Vault::open(password, &lock).await {
                Ok(vault) => Ok(Some(vault)),
                Err(CryptoError::WrongKey) => Ok(None),
                Err(_) => Err(i18n::ERR_ENCRYPTION),
            };
        }
    } else {
        let pending = store.pending_count().await.map_err(storage)?;
        if owner.is_some() && pending > 0 {
            return Err(i18n::OTHER_OWNER_PENDING);
        }
        // An owner's data with nothing unsent, or an older build's records: away.
        if pending == 0 {
            store.wipe().await.map_err(storage)?;
        }
    }
    let (vault, lock) = Vault::create(password).await.map_err(|error| match error {
        CryptoError::ShortPassphrase => i18n::UNLOCK_SHORT,
        _ => i18n::ERR_ENCRYPTION,
    })?;
    store.claim(&me, &lock, session).await.map_err(storage)?;
    Ok(Some(vault))
}

/// Opens, in the background, the logged-in account's key pair (issue #18;
/// `e2e::account_key_pair`, from the `records` module) and adds it to the device's keys:
/// after a login (`online`: from the server, made there first if need be) and after an
/// unlock (from the device's copy). The screens never wait for it.
pub(crate) fn ensure_keys(ctx: Ctx, password: &str, online: bool) {
    if let Some(session) = ctx.session.get_untracked() {
        let role = session.user.role;
        let keys = on_demand::account_keys(ctx.store(), session, password.to_owned(), online);
        spawn_local(async move {
            if let Some(pair) = keys.await {
                ctx.keyring.update(|keyring| {
                    if let Some(open) = keyring.as_mut() {
                        *open = open.with_pair(pair);
                    }
                });
                // The case keys wrapped for this account, ready for the first identity,
                // and (not for a liaison, which holds none) the index key from the
                // device's copy; the next sync fetches it.
                if let Some(keyring) = ctx.keyring.get_untracked() {
                    let (store, wraps) = (ctx.store(), role.wraps_keys());
                    let _ = crate::sync::upkeep::index_from_device(keyring, store, wraps).await;
                }
            }
        });
    }
}

/// The login form.
#[component]
pub fn LoginPage() -> impl IntoView {
    let ctx = use_ctx();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    // The login form needs no data: it is the first screen as soon as it is drawn.
    timing::ready();
    let relogin = move || {
        ctx.status
            .with(|s| s.problem == Some(SyncProblem::SessionExpired))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let request = LoginRequest {
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            device_id: ctx.device_id,
        };
        if request.username.is_empty() || request.password.is_empty() {
            error.set(Some(i18n::FILL_BOTH));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match Api::here().login(&request).await {
                Ok(session) => {
                    let vault = match take_device(ctx.store(), &session, &request.password).await {
                        Ok(vault) => vault,
                        Err(text) => {
                            // This session is not used: revoking it is a courtesy.
                            let _ = Api::here().logout(&session.token).await;
                            error.set(Some(text));
                            busy.set(false);
                            return;
                        }
                    };
                    password.set(String::new());
                    let home = Page::home(session.user.role);
                    let behind = vault.is_none() && session.user.role.syncs_records();
                    ctx.rewrap_to
                        .set_value(behind.then(|| request.password.clone()));
                    ctx.open(vault);
                    ctx.session.set(Some(session));
                    ensure_keys(ctx, &request.password, true);
                    ctx.status.update(|s| s.problem = None);
                    ctx.go(home);
                    ctx.engine().request();
                }
                Err(e) => {
                    error.set(Some(login_error_text(&e)));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <section class="page login">
            <h1>{tr(i18n::LOGIN_TITLE)}</h1>
            <Show when=relogin>
                <p class="notice">{tr(i18n::LOGIN_AGAIN)}</p>
            </Show>
            <form id="login-form" on:submit=submit novalidate>
                <div class="field">
                    <label for="login-username">{tr(i18n::USERNAME)}</label>
                    <input
                        id="login-username"
                        name="username"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        prop:value=username
                        on:input=move |ev| username.set(event_target_value(&ev))
                    />
                </div>
                <PasswordAndSubmit
                    prefix="login"
                    password
                    error
                    busy
                    idle=i18n::LOGIN_SUBMIT
                    working=i18n::LOGGING_IN
                />
            </form>
            <p class="hint">{tr(i18n::LOGIN_HINT)}</p>
        </section>
    }
}

/// The password field of a form, its error line and its submit button, with the ids
/// `<prefix>-password`, `<prefix>-error` and `<prefix>-submit` (the login and the unlock
/// screens).
#[component]
pub fn PasswordAndSubmit(
    /// The form's id prefix.
    prefix: &'static str,
    /// The password as typed.
    password: RwSignal<String>,
    /// What went wrong, in words.
    error: RwSignal<Option<Text>>,
    /// Working: the button waits.
    busy: RwSignal<bool>,
    /// The button's words.
    idle: Text,
    /// The button's words while working.
    working: Text,
) -> impl IntoView {
    let i18n = use_i18n();
    let field = format!("{prefix}-password");
    view! {
        <div class="field">
            <label for=field.clone()>{tr(i18n::PASSWORD)}</label>
            <input
                id=field
                name="password"
                type="password"
                autocomplete="current-password"
                prop:value=password
                on:input=move |ev| password.set(event_target_value(&ev))
            />
        </div>
        {move || {
            error
                .get()
                .map(|text| {
                    view! {
                        <p id=format!("{prefix}-error") class="form-error" role="alert">
                            {move || i18n.t(text)}
                        </p>
                    }
                })
        }}
        <button type="submit" id=format!("{prefix}-submit") class="primary" disabled=busy>
            {move || i18n.t(if busy.get() { working } else { idle })}
        </button>
    }
}
