//! Logging in: needs the network once; the session is then kept on the device so the app
//! opens logged in without signal.

use crate::app::{use_ctx, Page};
use crate::i18n::{self, tr, use_i18n};
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

/// The login form.
#[component]
pub fn LoginPage() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
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
                    if ctx.store().save_session(&session).await.is_err() {
                        error.set(Some(i18n::ERR_STORAGE));
                        busy.set(false);
                        return;
                    }
                    let home = Page::home(session.user.role);
                    ctx.session.set(Some(session));
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
                <div class="field">
                    <label for="login-password">{tr(i18n::PASSWORD)}</label>
                    <input
                        id="login-password"
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
                                <p id="login-error" class="form-error" role="alert">
                                    {move || i18n.t(text)}
                                </p>
                            }
                        })
                }}
                <button type="submit" id="login-submit" class="primary" disabled=busy>
                    {move || i18n.t(if busy.get() { i18n::LOGGING_IN } else { i18n::LOGIN_SUBMIT })}
                </button>
            </form>
            <p class="hint">{tr(i18n::LOGIN_HINT)}</p>
        </section>
    }
}
