//! The settings page (`#/pengaturan`, every role): the language, the account kept on the
//! device, changing the password, the user's login sessions from the worker (ending those of other devices), and
//! the device's storage (persistence, usage, records and unsent changes).

mod password;
mod sessions;
mod storage;

use crate::agencies::use_agencies;
use crate::app::use_ctx;
use crate::i18n::{self, tr, use_i18n};
use gugus_model::{Lang, Text};
use leptos::prelude::*;
use password::PasswordSection;
use sessions::SessionsSection;
use storage::StorageSection;

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <section class="page settings">
            <h1 id="settings-title">{tr(i18n::SETTINGS_TITLE)}</h1>
            <LanguageSection />
            <AccountSection />
            <PasswordSection />
            <SessionsSection />
            <StorageSection />
        </section>
    }
}

/// Two large buttons, one per language; the chosen one is pressed.
#[component]
fn LanguageSection() -> impl IntoView {
    let i18n = use_i18n();
    let choice = move |lang: Lang, id: &'static str, name: Text| {
        let chosen = move || i18n.lang() == lang;
        view! {
            <button
                type="button"
                id=id
                class="choice"
                class:chosen=chosen
                aria-pressed=move || chosen().to_string()
                on:click=move |_| i18n.set(lang)
            >
                {tr(name)}
            </button>
        }
    };
    view! {
        <section id="settings-language" class="settings-section">
            <h2>{tr(i18n::SETTINGS_LANGUAGE)}</h2>
            <div class="choices" role="group">
                {choice(Lang::Id, "settings-lang-id", i18n::LANG_NAME_ID)}
                {choice(Lang::En, "settings-lang-en", i18n::LANG_NAME_EN)}
            </div>
            <p class="section-hint">{tr(i18n::LANG_REMEMBERED)}</p>
        </section>
    }
}

/// Who is logged in, from the session kept on the device.
#[component]
fn AccountSection() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let agencies = use_agencies();
    let user = move || ctx.session.with(|s| s.as_ref().map(|s| s.user.clone()));
    let name = move || user().map(|u| u.name).unwrap_or_default();
    let username = move || user().map(|u| u.username).unwrap_or_default();
    let role = move || {
        user()
            .map(|u| i18n.t(i18n::role_label(u.role)))
            .unwrap_or_default()
    };
    let agency = move || {
        user()
            .filter(|u| !u.agency.is_empty())
            .map(|u| agencies.label(&u.agency, i18n.lang()))
            .unwrap_or_default()
    };
    view! {
        <section id="settings-account" class="settings-section">
            <h2>{tr(i18n::SETTINGS_ACCOUNT)}</h2>
            <dl class="record-fields">
                <div class="record-field">
                    <dt>{tr(i18n::FULL_NAME)}</dt>
                    <dd id="account-name">{name}</dd>
                </div>
                <div class="record-field">
                    <dt>{tr(i18n::USERNAME)}</dt>
                    <dd id="account-username">{username}</dd>
                </div>
                <div class="record-field">
                    <dt>{tr(i18n::ROLE)}</dt>
                    <dd id="account-role">{role}</dd>
                </div>
                <Show when=move || !agency().is_empty()>
                    <div class="record-field">
                        <dt>{tr(i18n::AGENCY)}</dt>
                        <dd id="account-agency">{agency}</dd>
                    </div>
                </Show>
            </dl>
        </section>
    }
}
