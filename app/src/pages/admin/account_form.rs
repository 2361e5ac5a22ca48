//! The form that makes an account: checked on the device with the worker's rules first, so
//! most mistakes are told at once and in words; the worker's refusals are told beside it.

use super::account_error_text;
use crate::agencies::use_agencies;
use crate::app::use_ctx;
use crate::i18n::{self, tr, use_i18n};
use crate::sync::engine::online;
use crate::sync::Api;
use gugus_model::agency::AgencyList;
use gugus_model::api::{NewAccount, Role};
use gugus_model::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The roles an admin may give, in the order offered.
const ROLES: [Role; 5] = [
    Role::Officer,
    Role::Supervisor,
    Role::Viewer,
    Role::Admin,
    Role::Liaison,
];

/// Whether the role named `role` (a wire name) must belong to one agency.
fn needs_agency(role: &str) -> bool {
    Role::parse(role).is_some_and(Role::needs_agency)
}

/// The worker's own rules for a new account (`docs/api.md`, `POST /users`), with the
/// deployment's `agencies` as the device has them: what is wrong first, or `None`.
pub fn check_account(account: &NewAccount, agencies: &AgencyList) -> Option<Text> {
    let username_ok = (1..=64).contains(&account.username.len())
        && account
            .username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if !username_ok {
        Some(i18n::ACCOUNT_BAD_USERNAME)
    } else if account.name.trim().is_empty() {
        Some(i18n::ACCOUNT_NO_NAME)
    } else if account.agency.is_empty() && needs_agency(&account.role) {
        Some(i18n::LIAISON_NEEDS_AGENCY)
    } else if agencies
        .find(&account.agency)
        .is_some_and(|agency| !agency.active)
    {
        Some(i18n::AGENCY_NOT_ACTIVE)
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
    let agencies = use_agencies();
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
        if let Some(problem) = agencies.with_untracked(|list| check_account(&account, list)) {
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
    let liaison = move || needs_agency(&role.get());
    // The active agencies, and the one chosen when it was deactivated since.
    let agency_options = move || agencies.choices(&[agency.get()], i18n.lang());
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
                    aria-required=move || liaison().then_some("true")
                    on:change=move |ev| agency.set(event_target_value(&ev))>
                    <option value="" prop:selected=move || agency.get().is_empty()>
                        {tr(i18n::AGENCY_NONE)}
                    </option>
                    <For each=agency_options key=|option| option.clone() let((code, label))>
                        <option value=code.clone() prop:selected=move || agency.get() == code>
                            {label}
                        </option>
                    </For>
                </select>
                <Show when=liaison>
                    <p class="hint" id="account-agency-hint">{tr(i18n::LIAISON_AGENCY_HINT)}</p>
                </Show>
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
    use gugus_model::agency::Agency;
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

    fn check(account: &NewAccount) -> Option<Text> {
        check_account(account, &AgencyList::default())
    }

    #[test]
    fn a_new_account_is_checked_like_the_worker_does() {
        assert_eq!(check(&account("petugas.2", "Sari", "12345678")), None);
        assert_eq!(
            check(&account("Petugas 2", "Sari", "12345678")),
            Some(i18n::ACCOUNT_BAD_USERNAME)
        );
        assert_eq!(
            check(&account("", "Sari", "12345678")),
            Some(i18n::ACCOUNT_BAD_USERNAME)
        );
        assert_eq!(
            check(&account("sari", "  ", "12345678")),
            Some(i18n::ACCOUNT_NO_NAME)
        );
        assert_eq!(
            check(&account("sari", "Sari", "1234567")),
            Some(i18n::ACCOUNT_SHORT_PASSWORD)
        );
    }

    #[test]
    fn a_liaison_belongs_to_one_active_agency() {
        assert!(ROLES.contains(&Role::Liaison));
        let liaison = |agency: &str| NewAccount {
            role: "liaison".into(),
            agency: agency.into(),
            ..account("penghubung.bp3mi", "Dwi Lestari", "kopi-pagi-di-alun-alun")
        };
        assert_eq!(check(&liaison("")), Some(i18n::LIAISON_NEEDS_AGENCY));
        assert_eq!(check(&liaison("bp3mi")), None);
        let mut agencies = AgencyList {
            agencies: gugus_model::agency::seed(),
        };
        agencies.agencies.push(Agency {
            code: "lsm_lama".into(),
            name_id: "LSM Lama".into(),
            name_en: "Old NGO".into(),
            kind: "ngo".into(),
            active: false,
        });
        assert_eq!(check_account(&liaison("bp3mi"), &agencies), None);
        assert_eq!(
            check_account(&liaison("lsm_lama"), &agencies),
            Some(i18n::AGENCY_NOT_ACTIVE)
        );
        // Other roles may name no agency.
        assert_eq!(
            check_account(
                &account("sari", "Sari", "kopi-pagi-di-alun-alun"),
                &agencies
            ),
            None
        );
    }
}
