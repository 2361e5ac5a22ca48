//! The user's own login sessions, from the worker (`GET /api/v1/sessions`): when each
//! logged in and was last used, which one is this device, and a large button to end each
//! other one (`POST /api/v1/sessions/{id}/end`). Online only: without signal, or with a
//! session that has ended, the section says so in words and nothing else changes.

use crate::app::use_ctx;
use crate::clock::unix_seconds;
use crate::i18n::{self, tr, use_i18n};
use crate::sync::engine::online;
use crate::sync::{Api, ApiError};
use gugus_model::api::SessionInfo;
use gugus_model::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// What a failed session request means, in words.
pub fn sessions_error_text(error: &ApiError) -> Text {
    match error {
        ApiError::Network => i18n::SESSIONS_OFFLINE,
        ApiError::Unauthorized => i18n::SESSIONS_EXPIRED,
        ApiError::Server { status: 404, .. } => i18n::SESSION_GONE,
        _ => i18n::SESSIONS_FAILED,
    }
}

/// The sessions section of the settings page.
#[component]
pub fn SessionsSection() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let sessions = RwSignal::new(None::<Vec<SessionInfo>>);
    let problem = RwSignal::new(None::<Text>);
    let notice = RwSignal::new(None::<Text>);
    let ending = RwSignal::new(None::<Uuid>);
    let load = move || {
        if !online() {
            problem.set(Some(i18n::SESSIONS_OFFLINE));
            return;
        }
        let Some(token) = ctx.token() else {
            return;
        };
        spawn_local(async move {
            match Api::here().sessions(&token).await {
                Ok(list) => {
                    sessions.set(Some(list.sessions));
                    problem.set(None);
                }
                Err(error) => problem.set(Some(sessions_error_text(&error))),
            }
        });
    };
    load();
    let end = Callback::new(move |id: Uuid| {
        notice.set(None);
        if !online() {
            problem.set(Some(i18n::SESSIONS_OFFLINE));
            return;
        }
        let Some(token) = ctx.token() else {
            return;
        };
        ending.set(Some(id));
        spawn_local(async move {
            match Api::here().end_session(&token, id).await {
                Ok(()) => {
                    notice.set(Some(i18n::SESSION_ENDED));
                    sessions.update(|list| {
                        if let Some(list) = list {
                            list.retain(|s| s.id != id);
                        }
                    });
                    problem.set(None);
                }
                Err(error) => {
                    let gone = matches!(error, ApiError::Server { status: 404, .. });
                    problem.set(Some(sessions_error_text(&error)));
                    if gone {
                        sessions.update(|list| {
                            if let Some(list) = list {
                                list.retain(|s| s.id != id);
                            }
                        });
                    }
                }
            }
            ending.set(None);
        });
    });
    let list = move || sessions.get().unwrap_or_default();
    let only_this = move || {
        sessions.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.iter().all(|session| session.current))
        })
    };
    view! {
        <section id="settings-sessions" class="settings-section">
            <h2>{tr(i18n::SETTINGS_SESSIONS)}</h2>
            <p class="section-hint">{tr(i18n::SESSIONS_HINT)}</p>
            {move || problem.get().map(|text| view! {
                <p id="sessions-problem" class="notice offline" role="alert">{move || i18n.t(text)}</p>
            })}
            {move || notice.get().map(|text| view! {
                <p id="sessions-notice" class="notice" role="status">{move || i18n.t(text)}</p>
            })}
            <ul id="session-list" class="cards">
                <For each=list key=|s| s.id let(session)>
                    <SessionItem session ending on_end=end />
                </For>
            </ul>
            <Show when=only_this>
                <p class="empty">{tr(i18n::SESSIONS_ONLY_THIS)}</p>
            </Show>
            <button type="button" id="sessions-reload" class="secondary" on:click=move |_| load()>
                {tr(i18n::SESSIONS_RELOAD)}
            </button>
        </section>
    }
}

/// One session: this device's says how it ends; another's has a button to end it.
#[component]
fn SessionItem(
    session: SessionInfo,
    ending: RwSignal<Option<Uuid>>,
    on_end: Callback<Uuid>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = session.id;
    let current = session.current;
    let created = unix_seconds(&session.created_at);
    let seen = unix_seconds(&session.last_seen_at);
    let when = move |unix: Option<i64>| {
        unix.map(|u| i18n::date_time_wib(u, i18n.lang()))
            .unwrap_or_default()
    };
    let device = session.device_id.simple().to_string();
    let device = device[device.len().saturating_sub(4)..].to_owned();
    let busy = move || ending.get() == Some(id);
    view! {
        <li
            class="session-item card"
            class:current=current
            data-id=id.to_string()
            data-current=current.to_string()
        >
            <span class="item-title">
                {move || i18n.t(if current { i18n::SESSION_THIS_DEVICE } else { i18n::SESSION_OTHER_DEVICE })}
                " · " {device}
            </span>
            <span class="session-created">
                {move || format!("{}: {}", i18n.t(i18n::SESSION_CREATED), when(created))}
            </span>
            <span class="session-seen">
                {move || format!("{}: {}", i18n.t(i18n::SESSION_LAST_SEEN), when(seen))}
            </span>
            {if current {
                view! { <p class="section-hint">{tr(i18n::SESSION_CURRENT_NOTE)}</p> }.into_any()
            } else {
                view! {
                    <button
                        type="button"
                        class="danger session-end"
                        disabled=busy
                        on:click=move |_| on_end.run(id)
                    >
                        {move || i18n.t(if busy() { i18n::SESSION_ENDING } else { i18n::SESSION_END })}
                    </button>
                }
                .into_any()
            }}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_failed_session_request_is_told_in_words() {
        assert_eq!(
            sessions_error_text(&ApiError::Network),
            i18n::SESSIONS_OFFLINE
        );
        assert_eq!(
            sessions_error_text(&ApiError::Unauthorized),
            i18n::SESSIONS_EXPIRED
        );
        let gone = ApiError::Server {
            status: 404,
            code: "not_found".into(),
            message: "You have no such open session.".into(),
            reason: None,
        };
        assert_eq!(sessions_error_text(&gone), i18n::SESSION_GONE);
        assert_eq!(
            sessions_error_text(&ApiError::RateLimited),
            i18n::SESSIONS_FAILED
        );
    }
}
