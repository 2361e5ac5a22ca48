//! The header: who is logged in, the navigation, the language switch, logging out and the
//! sync indicator.

use super::sync_status::SyncIndicator;
use crate::app::{keeps_cases, oversees, use_ctx, Page};
use crate::i18n::{self, tr, use_i18n};
use crate::sync::engine::online;
use crate::sync::Api;
use gugus_model::api::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The header of every screen.
#[component]
pub fn Header() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let role = Memo::new(move |_| ctx.role());
    let name = move || {
        ctx.session
            .with(|s| s.as_ref().map(|s| s.user.name.clone()))
    };
    let syncs = move || role.get().is_some_and(|r| r.syncs_records());
    // A liaison syncs the referrals to its agency but keeps no cases or activities.
    let cases = move || role.get().is_some_and(keeps_cases);
    let evaluates = move || role.get().is_some_and(|r| r.sees_evaluation());
    let oversight = move || role.get().is_some_and(oversees);
    let admin = move || role.get() == Some(Role::Admin);
    let current = move |page: Page| move || ctx.page.get() == page;
    // The bottom bar scrolls when a role has more pages than fit: the page shown keeps
    // its name in sight there.
    Effect::new(move |_| {
        ctx.page.track();
        request_animation_frame(|| {
            let active = gloo::utils::document()
                .query_selector("nav.nav a.active")
                .ok()
                .flatten();
            if let Some(active) = active {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                options.set_inline(web_sys::ScrollLogicalPosition::Nearest);
                active.scroll_into_view_with_scroll_into_view_options(&options);
            }
        });
    });
    // One compact bar on top (who is logged in, lock, logout, language), the sync state in
    // one line under it, and the pages in a bar at the bottom of the screen, as phone apps
    // have them: the frame leaves most of a 640 px screen to the page.
    view! {
        <header class="app-header">
            <div class="bar">
                <div class="brand">
                    <span class="brand-name">
                        {move || i18n.t(match role.get() {
                            Some(_) => i18n::APP_SHORT,
                            None => i18n::APP_NAME,
                        })}
                    </span>
                    <Show
                        when=move || role.get().is_some()
                        fallback=move || view! { <span class="brand-place">{tr(i18n::REGENCY)}</span> }
                    >
                        <span id="current-user" class="brand-place">{name}</span>
                    </Show>
                </div>
                <div class="bar-actions">
                    <Show when=move || role.get().is_some() && ctx.vault.with(Option::is_some)>
                        <button
                            type="button"
                            id="lock-now"
                            title=tr(i18n::LOCK_NOW_TITLE)
                            on:click=move |_| ctx.lock()
                        >
                            {tr(i18n::LOCK_NOW)}
                        </button>
                    </Show>
                    <Show when=move || role.get().is_some()>
                        <LogoutButton />
                    </Show>
                    <button
                        type="button"
                        id="lang-switch"
                        class="lang"
                        title=tr(i18n::LANG_SWITCH_TITLE)
                        on:click=move |_| i18n.toggle()
                    >
                        {tr(i18n::LANG_SWITCH)}
                    </button>
                </div>
            </div>
            <Show when=move || role.get().is_some() && !ctx.locked()>
                <Show when=syncs>
                    <SyncIndicator />
                </Show>
                <nav class="nav" aria-label=tr(i18n::NAV_LABEL)>
                    <Show when=syncs>
                        <a id="nav-home" href="#/beranda" class:active=current(Page::Home)>
                            {tr(i18n::NAV_HOME)}
                        </a>
                    </Show>
                    <Show when=cases>
                        <a
                            id="nav-activities"
                            href="#/kegiatan"
                            class:active=current(Page::Activities)
                        >
                            {tr(i18n::NAV_ACTIVITIES)}
                        </a>
                        <a
                            id="nav-new-activity"
                            href="#/kegiatan/baru"
                            class:active=current(Page::NewActivity)
                        >
                            {tr(i18n::NAV_NEW_ACTIVITY)}
                        </a>
                        <a
                            id="nav-cases"
                            href="#/kasus"
                            class:active=move || matches!(ctx.page.get(), Page::Case(_))
                        >
                            {tr(i18n::NAV_CASES)}
                        </a>
                    </Show>
                    <Show when=evaluates>
                        <a id="nav-stats" href="#/evaluasi" class:active=current(Page::Stats)>
                            {tr(i18n::NAV_STATS)}
                        </a>
                    </Show>
                    <Show when=oversight>
                        <a id="nav-assign" href="#/penugasan" class:active=current(Page::Assign)>
                            {tr(i18n::NAV_ASSIGN)}
                        </a>
                        <a id="nav-audit" href="#/audit" class:active=current(Page::Audit)>
                            {tr(i18n::NAV_AUDIT)}
                        </a>
                    </Show>
                    <Show when=admin>
                        <a id="nav-admin" href="#/admin" class:active=current(Page::Admin)>
                            {tr(i18n::NAV_ADMIN)}
                        </a>
                    </Show>
                    <a id="nav-settings" href="#/pengaturan" class:active=current(Page::Settings)>
                        {tr(i18n::NAV_SETTINGS)}
                    </a>
                </nav>
            </Show>
        </header>
    }
}

/// What the logout dialog must say: found out when "Keluar" is pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Leaving {
    /// Changes not yet sent, lost with the wipe.
    pending: usize,
    /// Whether the phone's data is this user's, so logging out removes it (a viewer on an
    /// officer's phone only ends their own session).
    owned: bool,
    /// No signal now: logging in again will have to wait for one.
    offline: bool,
}

/// Logs out, always after a dialog that says what it does: it wipes the device (records,
/// unsent changes, drafts, the session and the vault's lock) when the data is this
/// user's, so the next person to use the phone sees nothing of this account. The dialog
/// says how many unsent changes would be lost; without signal, that logging in again
/// needs one, and offers to lock the app instead (the data stays, the password opens it).
#[component]
fn LogoutButton() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let confirming = RwSignal::new(None::<Leaving>);
    let failed = RwSignal::new(false);
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    let leave = move |owned: bool| {
        let Some(session) = ctx.session.get_untracked() else {
            return;
        };
        let store = ctx.store();
        spawn_local(async move {
            let wiped = if owned {
                store.wipe().await
            } else {
                store.clear_session().await
            };
            if wiped.is_err() {
                failed.set(true);
                return;
            }
            if online() {
                // The token is gone from the device anyway; revoking it is a courtesy to
                // the server that fails harmlessly when the network does.
                let _ = Api::here().logout(&session.token).await;
            }
            confirming.set(None);
            failed.set(false);
            ctx.lock();
            ctx.session.set(None);
            ctx.rewrap_to.set_value(None);
            ctx.status.update(|s| {
                s.problem = None;
                s.pending = 0;
                s.last_sync = None;
            });
            ctx.revision.update(|r| *r += 1);
            ctx.go(Page::Login);
        });
    };
    let logout = move |_| {
        let Some(session) = ctx.session.get_untracked() else {
            return;
        };
        let store = ctx.store();
        spawn_local(async move {
            let me = session.user.id.to_string();
            let owned = match store.owner().await {
                Ok((owner, _)) => owner.is_none_or(|owner| owner == me),
                Err(_) => true,
            };
            let pending = match owned {
                true => store.pending_count().await,
                false => Ok(0),
            };
            match pending {
                Ok(pending) => confirming.set(Some(Leaving {
                    pending,
                    owned,
                    offline: !online(),
                })),
                Err(_) => failed.set(true),
            }
        });
    };
    // The safe choice has the focus when the dialog opens.
    Effect::new(move |_| {
        if confirming.get().is_some() {
            if let Some(button) = cancel_button.get() {
                let _ = button.focus();
            }
        }
    });
    let lock_instead = move |_| {
        confirming.set(None);
        ctx.lock();
    };
    view! {
        <button type="button" id="logout" on:click=logout>
            {tr(i18n::LOGOUT)}
        </button>
        {move || confirming.get().map(|leaving| {
            let can_lock = leaving.offline && ctx.vault.with_untracked(Option::is_some);
            view! {
                <div
                    id="logout-confirm"
                    class="dialog"
                    role="alertdialog"
                    aria-modal="true"
                    aria-labelledby="logout-title"
                    aria-describedby="logout-what"
                    on:keydown=move |event| {
                        if event.key() == "Escape" {
                            confirming.set(None);
                        }
                    }
                >
                    <h2 id="logout-title">{tr(i18n::LOGOUT_TITLE)}</h2>
                    <p id="logout-what">
                        {match leaving.owned {
                            true => tr(i18n::LOGOUT_WIPES),
                            false => tr(i18n::LOGOUT_ENDS_SESSION),
                        }}
                    </p>
                    <Show when=move || { leaving.pending > 0 }>
                        <p id="logout-warning" class="dialog-warning">
                            {move || i18n::logout_warning(leaving.pending, i18n.lang())}
                        </p>
                    </Show>
                    <Show when=move || leaving.offline>
                        <p id="logout-offline" class="dialog-warning">
                            {match can_lock {
                                true => tr(i18n::LOGOUT_OFFLINE_LOCK),
                                false => tr(i18n::LOGOUT_OFFLINE),
                            }}
                        </p>
                    </Show>
                    <div class="actions">
                        <button
                            type="button"
                            id="logout-cancel"
                            class="safe"
                            node_ref=cancel_button
                            on:click=move |_| confirming.set(None)
                        >
                            {tr(i18n::LOGOUT_KEEP)}
                        </button>
                        <Show when=move || can_lock>
                            <button
                                type="button"
                                id="logout-lock"
                                class="safe"
                                on:click=lock_instead
                            >
                                {tr(i18n::LOGOUT_LOCK)}
                            </button>
                        </Show>
                        <button
                            type="button"
                            id="logout-discard"
                            class="danger"
                            on:click=move |_| leave(leaving.owned)
                        >
                            {match (leaving.owned, leaving.pending) {
                                (true, 0) => tr(i18n::LOGOUT_CONFIRM),
                                (true, _) => tr(i18n::LOGOUT_DISCARD),
                                (false, _) => tr(i18n::LOGOUT),
                            }}
                        </button>
                    </div>
                </div>
            }
        })}
        <Show when=move || failed.get()>
            <p id="logout-error" class="form-error" role="alert">{tr(i18n::ERR_STORAGE)}</p>
        </Show>
    }
}
