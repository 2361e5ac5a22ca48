//! One account in the list, with its actions: deactivate (after a confirm step, since it
//! ends every session at once), activate, and a new password.

use super::account_error_text;
use crate::agencies::use_agencies;
use crate::app::use_ctx;
use crate::i18n::{self, tr, use_i18n};
use crate::sync::engine::online;
use crate::sync::Api;
use gugus_model::api::{Account, NewPassword};
use gugus_model::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the account's row shows under its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Only the buttons.
    Idle,
    /// "Deactivate this account?" with yes / cancel.
    ConfirmDeactivate,
    /// The new password's field.
    NewPassword,
}

/// One account (`li.account-item`).
#[component]
pub fn AccountItem(
    /// The account as the worker listed it.
    account: Account,
    /// Called after a change, to reload the list.
    on_changed: Callback<()>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let agencies = use_agencies();
    let step = RwSignal::new(Step::Idle);
    let new_password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Text>);
    let done = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    let id = account.id;
    let own = ctx
        .session
        .with_untracked(|s| s.as_ref().is_some_and(|s| s.user.id == id));

    // Runs one request; on success the list reloads (the row is then drawn afresh) or, for
    // a password, says it is done.
    let act = move |active: Option<bool>| {
        if busy.get_untracked() {
            return;
        }
        done.set(None);
        let password = new_password.get_untracked();
        if active.is_none() && password.chars().count() < gugus_model::password::MIN_CHARS {
            error.set(Some(i18n::ACCOUNT_SHORT_PASSWORD));
            return;
        }
        if !online() {
            error.set(Some(i18n::ADMIN_OFFLINE));
            return;
        }
        let Some(token) = ctx.token() else {
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let api = Api::here();
            let answer = match active {
                Some(active) => api.set_account_active(&token, id, active).await,
                None => {
                    api.reset_password(&token, id, &NewPassword { password })
                        .await
                }
            };
            busy.set(false);
            match answer {
                Ok(()) if active.is_some() => on_changed.run(()),
                Ok(()) => {
                    new_password.set(String::new());
                    step.set(Step::Idle);
                    done.set(Some(i18n::PASSWORD_RESET_DONE));
                }
                Err(problem) => error.set(Some(account_error_text(&problem))),
            }
        });
    };

    let Account {
        username,
        name,
        role,
        agency,
        active,
        ..
    } = account;
    let username_attr = username.clone();
    let agency_text = move || {
        if agency.is_empty() {
            String::new()
        } else {
            agencies.label(&agency, i18n.lang())
        }
    };
    view! {
        <li class="account-item" data-id=id.to_string() data-username=username_attr
            data-active=active.to_string() class:inactive=!active>
            <div class="account-head">
                <span class="account-name">{name}</span>
                <span class="account-username">{username}</span>
                <span class="account-role">{move || i18n.t(i18n::role_label(role))}</span>
                <span class="account-agency">{agency_text}</span>
                <span class="account-state badge" class:inactive=!active>
                    {move || i18n.t(if active { i18n::ACCOUNT_ACTIVE } else { i18n::ACCOUNT_INACTIVE })}
                </span>
            </div>
            <Show when=move || step.get() == Step::ConfirmDeactivate>
                <div class="confirm" role="alertdialog">
                    <p>{tr(i18n::ACCOUNT_DEACTIVATE_CONFIRM)}</p>
                    <div class="row-actions">
                        <button type="button" class="danger account-deactivate-confirm"
                            disabled=busy on:click=move |_| act(Some(false))>
                            {tr(i18n::ACCOUNT_YES_DEACTIVATE)}
                        </button>
                        <button type="button" class="secondary account-cancel"
                            on:click=move |_| step.set(Step::Idle)>
                            {tr(i18n::CANCEL)}
                        </button>
                    </div>
                </div>
            </Show>
            <Show when=move || step.get() == Step::NewPassword>
                <form class="new-password" novalidate
                    on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); act(None); }>
                    <label for=format!("password-{id}")>{tr(i18n::NEW_PASSWORD)}</label>
                    <input id=format!("password-{id}") name="new_password" type="password"
                        autocomplete="new-password" prop:value=new_password
                        on:input=move |ev| new_password.set(event_target_value(&ev)) />
                    <div class="row-actions">
                        <button type="submit" class="primary account-password-save" disabled=busy>
                            {tr(i18n::PASSWORD_SAVE)}
                        </button>
                        <button type="button" class="secondary account-cancel"
                            on:click=move |_| step.set(Step::Idle)>
                            {tr(i18n::CANCEL)}
                        </button>
                    </div>
                </form>
            </Show>
            {move || error.get().map(|text| view! {
                <p class="form-error account-error" role="alert">{move || i18n.t(text)}</p>
            })}
            {move || done.get().map(|text| view! {
                <p class="notice done account-done" role="status">{move || i18n.t(text)}</p>
            })}
            <Show when=move || step.get() == Step::Idle>
                <div class="row-actions">
                    // The worker refuses an admin's own deactivation: no button for it.
                    {if active && !own {
                        view! {
                            <button type="button" class="secondary account-deactivate"
                                on:click=move |_| { error.set(None); step.set(Step::ConfirmDeactivate); }>
                                {tr(i18n::ACCOUNT_DEACTIVATE)}
                            </button>
                        }.into_any()
                    } else if active {
                        ().into_any()
                    } else {
                        view! {
                            <button type="button" class="secondary account-activate"
                                disabled=busy on:click=move |_| act(Some(true))>
                                {tr(i18n::ACCOUNT_ACTIVATE)}
                            </button>
                        }.into_any()
                    }}
                    <button type="button" class="secondary account-reset"
                        on:click=move |_| { error.set(None); step.set(Step::NewPassword); }>
                        {tr(i18n::ACCOUNT_RESET)}
                    </button>
                </div>
            </Show>
        </li>
    }
}
