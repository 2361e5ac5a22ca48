//! The sync indicator (`#sync-status`): what the loop is doing, how many changes wait, when
//! it last finished, why it failed, and a button to sync now.

use crate::app::{use_ctx, Page};
use crate::clock::local_date_time;
use crate::i18n::{self, tr, use_i18n};
use crate::sync::{SyncProblem, SyncState};
use leptos::prelude::*;

/// The sync indicator.
#[component]
pub fn SyncIndicator() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let status = ctx.status;
    let state = move || status.with(|s| s.state);
    let pending = move || status.with(|s| s.pending);
    let state_text = move || {
        i18n.t(match state() {
            SyncState::Idle => i18n::SYNC_IDLE,
            SyncState::Syncing => i18n::SYNC_SYNCING,
            SyncState::Offline => i18n::SYNC_OFFLINE,
            SyncState::Error => i18n::SYNC_ERROR,
        })
    };
    let pending_text = move || match pending() {
        0 => String::new(),
        n => i18n::pending(n, i18n.lang()),
    };
    let synced_at = move || {
        status
            .with(|s| s.last_sync.clone())
            .as_deref()
            .and_then(local_date_time)
    };
    // In the line, only the time (and the day when not today); the whole sentence is its
    // title and what a screen reader says.
    let last = move || {
        let lang = i18n.lang();
        match synced_at() {
            Some((date, hour, minute)) => {
                i18n::last_sync_short(date, hour, minute, crate::clock::today(), lang)
            }
            None => String::new(),
        }
    };
    let last_full = move || {
        let lang = i18n.lang();
        match synced_at() {
            Some((date, hour, minute)) => i18n::last_sync(date, hour, minute, lang),
            None => i18n.t(i18n::NEVER_SYNCED).to_owned(),
        }
    };
    // Offline, "unreachable" only repeats the state: the line says it, and the home page
    // says the data is safe.
    let problem = move || {
        status.with(|s| match (s.state, s.problem) {
            (SyncState::Offline, Some(SyncProblem::Unreachable)) => None,
            (_, problem) => problem,
        })
    };
    let expired = move || problem() == Some(SyncProblem::SessionExpired);
    view! {
        <section
            id="sync-status"
            class="sync"
            data-state=move || state().as_str()
            data-pending=move || pending().to_string()
            aria-live="polite"
        >
            <div class="sync-line">
                <span class="sync-dot" aria-hidden="true"></span>
                <span class="sync-state">{state_text}</span>
                <span class="sync-pending">{pending_text}</span>
                <span class="sync-last" title=last_full aria-label=last_full>{last}</span>
                // Never disabled: a request during a sync runs right after it.
                <button type="button" id="sync-now" on:click=move |_| ctx.engine().request()>
                    {tr(i18n::SYNC_NOW)}
                </button>
            </div>
            {move || {
                problem()
                    .map(|p| {
                        view! {
                            <p class="sync-error" role="status">
                                {i18n.t(p.text())}
                            </p>
                        }
                    })
            }}
            <Show when=expired>
                <a id="sync-relogin" class="button" href="#/masuk" on:click=move |_| ctx.go(Page::Login)>
                    {tr(i18n::LOGIN_AGAIN_LINK)}
                </a>
            </Show>
        </section>
    }
}
