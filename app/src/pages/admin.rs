//! The accounts page (admins): every account from the worker, a form to make one, per
//! account deactivate / activate and a new password, the deployment's agencies, and the task force's recovery key. Online only: when the network is
//! away the page says so and keeps what was typed.

mod account_form;
mod account_item;
mod agencies;
mod recovery;

use crate::app::use_ctx;
use crate::i18n::{self, tr, use_i18n};
use crate::sync::engine::online;
use crate::sync::{Api, ApiError};
use account_form::AccountForm;
use account_item::AccountItem;
use agencies::AgenciesSection;
use gugus_model::api::Account;
use gugus_model::password::Weakness;
use gugus_model::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use recovery::RecoveryKeySection;

/// What a failed account request means to the admin, with what to do.
pub fn account_error_text(error: &ApiError) -> Text {
    match error {
        ApiError::Network => i18n::ADMIN_OFFLINE,
        ApiError::Unauthorized => i18n::ERR_SESSION,
        ApiError::Forbidden => i18n::ADMIN_FORBIDDEN,
        ApiError::Server {
            status: 400,
            code,
            reason,
            ..
        } => match code.as_str() {
            "username_taken" => i18n::ACCOUNT_TAKEN,
            "own_account" => i18n::ACCOUNT_NOT_YOURSELF,
            "weak_password" => Weakness::reason_text(reason.as_deref()),
            "unknown_agency" => i18n::AGENCY_UNKNOWN,
            "inactive_agency" => i18n::AGENCY_NOT_ACTIVE,
            "agency_required" => i18n::LIAISON_NEEDS_AGENCY,
            _ => i18n::ACCOUNT_REFUSED,
        },
        ApiError::Server { status: 404, .. } => i18n::ACCOUNT_GONE,
        _ => i18n::ERR_SERVER,
    }
}

/// What makes a row drawn afresh: any change to the account.
type AccountKey = (uuid::Uuid, bool, String, String, String, &'static str);

fn account_key(account: &Account) -> AccountKey {
    (
        account.id,
        account.active,
        account.username.clone(),
        account.name.clone(),
        account.agency.clone(),
        account.role.as_str(),
    )
}

/// The accounts page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let accounts = RwSignal::new(None::<Vec<Account>>);
    let problem = RwSignal::new(None::<Text>);
    let reload = Callback::new(move |()| {
        if !online() {
            problem.set(Some(i18n::ADMIN_OFFLINE));
            return;
        }
        let Some(token) = ctx.token() else {
            return;
        };
        spawn_local(async move {
            match Api::here().accounts(&token).await {
                Ok(list) => {
                    accounts.set(Some(list.users));
                    problem.set(None);
                }
                Err(error) => problem.set(Some(account_error_text(&error))),
            }
        });
    });
    reload.run(());
    let list = move || accounts.get().unwrap_or_default();
    let empty = move || accounts.with(|a| a.as_ref().is_some_and(Vec::is_empty));
    view! {
        <section class="page admin">
            <h1>{tr(i18n::ADMIN_TITLE)}</h1>
            {move || problem.get().map(|text| view! {
                <p id="admin-problem" class="notice offline" role="alert">{move || i18n.t(text)}</p>
            })}
            <AccountForm on_created=reload />
            <Show when=empty>
                <p class="empty">{tr(i18n::ACCOUNTS_EMPTY)}</p>
            </Show>
            <ul id="account-list">
                <For each=list key=account_key let(account)>
                    <AccountItem account on_changed=reload />
                </For>
            </ul>
            <AgenciesSection />
            <RecoveryKeySection />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn refused(code: &str) -> ApiError {
        ApiError::Server {
            status: 400,
            code: code.into(),
            message: "Refused.".into(),
            reason: None,
        }
    }

    #[test]
    fn the_workers_refusals_are_told_in_words() {
        assert_eq!(
            account_error_text(&refused("username_taken")),
            i18n::ACCOUNT_TAKEN
        );
        assert_eq!(
            account_error_text(&refused("own_account")),
            i18n::ACCOUNT_NOT_YOURSELF
        );
        assert_eq!(
            account_error_text(&refused("bad_request")),
            i18n::ACCOUNT_REFUSED
        );
        assert_eq!(account_error_text(&ApiError::Network), i18n::ADMIN_OFFLINE);
        assert_eq!(
            account_error_text(&refused("unknown_agency")),
            i18n::AGENCY_UNKNOWN
        );
        assert_eq!(
            account_error_text(&refused("inactive_agency")),
            i18n::AGENCY_NOT_ACTIVE
        );
        assert_eq!(
            account_error_text(&refused("agency_required")),
            i18n::LIAISON_NEEDS_AGENCY
        );
        let weak = |reason: Option<&str>| ApiError::Server {
            status: 400,
            code: "weak_password".into(),
            message: "The password is too easy to guess.".into(),
            reason: reason.map(str::to_owned),
        };
        assert_eq!(
            account_error_text(&weak(Some("common"))).id,
            "Kata sandi ini termasuk yang paling banyak dipakai orang (atau mirip), jadi mudah ditebak."
        );
        assert_eq!(
            account_error_text(&weak(Some("personal"))),
            Weakness::Personal.text()
        );
        assert_eq!(
            account_error_text(&weak(None)),
            Weakness::Guessable.text(),
            "a reason this app does not know yet"
        );
    }
}
