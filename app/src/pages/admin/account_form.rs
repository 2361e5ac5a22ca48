//! The form that makes an account: checked on the device with the worker's rules first, so
//! most mistakes are told at once and in words; the worker's refusals are told beside it.

use super::account_error_text;
use crate::app::use_ctx;
use crate::i18n::{self, tr, use_i18n};
use crate::sync::engine::online;
use crate::sync::Api;
use gugus_model::api::{NewAccount, Role};
use gugus_model::vocab::AGENCIES;
use gugus_model::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The roles an admin may give, in the order offered.
const ROLES: [Role; 4] = [Role::Officer, Role::Supervisor, Role::Viewer, Role::Admin];

/// The worker's own rules for a new account (`docs/api.md`, `POST /users`): what is wrong
/// first, or `None`.
pub fn check_account(account: &NewAccount) -> Option<Text> {
    let username_ok = (1..=64).contains(&account.username.len())
        && account
            .username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if !username_ok {
        Some(i18n::ACCOUNT_BAD_USERNAME)
    } else if account.name.trim().is_empty() {
        Some(i18n::ACCOUNT_NO_NAME)
    } else if account.password.chars().count() < gugus_model::password::MIN_CHARS {
        Some(i18n::ACCOUNT_SHORT_PASSWORD)
    } else {
        None
    }
}

/// The new-account form (`#account-form`).
#[component]
pub fn AccountForm(
    /// Called after an account was made, to reload the list.
    on_created: Callback<()>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let username = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Officer.as_str().to_owned());
    let agency = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Text>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        done.set(false);
        let account = NewAccount {
            username: username.get_untracked().trim().to_lowercase(),
            name: name.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
            agency: agency.get_untracked(),
            password: password.get_untracked(),
        };
        if let Some(problem) = check_account(&account) {
            error.set(Some(problem));
            return;
        }
        // Offline: say so and keep every entry for when the signal returns.
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
            match Api::here().create_account(&token, &account).await {
                Ok(_) => {
                    for field in [username, name, agency, password] {
                        field.set(String::new());
                    }
                    done.set(true);
                    on_created.run(());
                }
                Err(problem) => error.set(Some(account_error_text(&problem))),
            }
            busy.set(false);
        });
    };

    let text_input = move |id: &'static str,
                           field: &'static str,
                           kind: &'static str,
                           value: RwSignal<String>| {
        view! {
            <input id=id name=field type=kind autocomplete="off" autocapitalize="none"
                spellcheck="false" prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev)) />
        }
    };
    view! {
        <form id="account-form" class="card-form" on:submit=submit novalidate>
            <h2>{tr(i18n::ACCOUNT_NEW)}</h2>
            <div class="field">
                <label for="account-username">{tr(i18n::USERNAME)}</label>
                {text_input("account-username", "username", "text", username)}
            </div>
            <div class="field">
                <label for="account-name">{tr(i18n::FULL_NAME)}</label>
                {text_input("account-name", "name", "text", name)}
            </div>
            <div class="field">
                <label for="account-role">{tr(i18n::ROLE)}</label>
                <select id="account-role" name="role"
                    on:change=move |ev| role.set(event_target_value(&ev))>
                    {ROLES.into_iter().map(|r| view! {
                        <option value=r.as_str() prop:selected=move || role.get() == r.as_str()>
                            {move || i18n.t(i18n::role_label(r))}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="account-agency">{tr(i18n::AGENCY)}</label>
                <select id="account-agency" name="agency"
                    on:change=move |ev| agency.set(event_target_value(&ev))>
                    <option value="" prop:selected=move || agency.get().is_empty()>
                        {tr(i18n::AGENCY_NONE)}
                    </option>
                    {AGENCIES.terms.iter().map(|term| view! {
                        <option value=term.code prop:selected=move || agency.get() == term.code>
                            {move || term.label.get(i18n.lang())}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="account-password">{tr(i18n::INITIAL_PASSWORD)}</label>
                {text_input("account-password", "password", "password", password)}
                <p class="hint">{tr(i18n::PASSWORD_HINT)}</p>
            </div>
            {move || error.get().map(|text| view! {
                <p id="account-form-error" class="form-error" role="alert">{move || i18n.t(text)}</p>
            })}
            <Show when=move || done.get()>
                <p id="account-form-done" class="notice done" role="status">
                    {tr(i18n::ACCOUNT_CREATED)}
                </p>
            </Show>
            <button type="submit" id="account-create" class="primary" disabled=busy>
                {move || i18n.t(if busy.get() { i18n::SAVING } else { i18n::ACCOUNT_CREATE })}
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn account(username: &str, name: &str, password: &str) -> NewAccount {
        NewAccount {
            username: username.into(),
            name: name.into(),
            role: "officer".into(),
            agency: String::new(),
            password: password.into(),
        }
    }

    #[test]
    fn a_new_account_is_checked_like_the_worker_does() {
        assert_eq!(
            check_account(&account("petugas.2", "Sari", "12345678")),
            None
        );
        assert_eq!(
            check_account(&account("Petugas 2", "Sari", "12345678")),
            Some(i18n::ACCOUNT_BAD_USERNAME)
        );
        assert_eq!(
            check_account(&account("", "Sari", "12345678")),
            Some(i18n::ACCOUNT_BAD_USERNAME)
        );
        assert_eq!(
            check_account(&account("sari", "  ", "12345678")),
            Some(i18n::ACCOUNT_NO_NAME)
        );
        assert_eq!(
            check_account(&account("sari", "Sari", "1234567")),
            Some(i18n::ACCOUNT_SHORT_PASSWORD)
        );
    }
}
