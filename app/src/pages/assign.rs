//! Which officers handle which case (supervisors and admins): the cases on this device,
//! each with a checkbox per officer. A tick is an ordinary edit of the case's
//! `assigned_officers` (the record and its outbox entry in one transaction), so it works
//! offline and is sent by the sync loop like any change. The list of officers comes from
//! the worker; offline, the officers already assigned are shown.

use crate::app::use_ctx;
use crate::clock;
use crate::components::{line_badges, Rows};
use crate::i18n::{self, tr, use_i18n};
use crate::pages::audit::short_id;
use crate::pages::cases::case_list::{case_lines, CaseLine};
use crate::sync::engine::online;
use crate::sync::{Api, ApiError};
use gugus_model::api::{Account, Role};
use gugus_model::regions;
use gugus_model::vocab::{CASE_STATUSES, MODUS};
use gugus_model::{RecordKind, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Map, Value};
use std::cell::RefCell;

thread_local! {
    /// The officers last fetched, kept while the app is open so the page can name them
    /// after the network goes.
    static OFFICERS: RefCell<Vec<Account>> = const { RefCell::new(Vec::new()) };
}

/// The ids in a case's `assigned_officers`.
pub fn assigned_ids(fields: &Map<String, Value>) -> Vec<String> {
    fields
        .get("assigned_officers")
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// `fields` with `officer` added to (`on`) or taken from its `assigned_officers`.
pub fn with_officer(mut fields: Map<String, Value>, officer: &str, on: bool) -> Map<String, Value> {
    let mut ids = assigned_ids(&fields);
    ids.retain(|id| id != officer);
    if on {
        ids.push(officer.to_owned());
    }
    let ids = ids.into_iter().map(Value::String).collect();
    fields.insert("assigned_officers".into(), Value::Array(ids));
    fields
}

fn officers_problem(error: &ApiError) -> Text {
    match error {
        ApiError::Forbidden => i18n::ASSIGN_FORBIDDEN,
        ApiError::Unauthorized => i18n::ERR_SESSION,
        _ => i18n::ASSIGN_OFFLINE,
    }
}

/// The assignment page.
#[component]
pub fn AssignPage() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let officers = RwSignal::new(OFFICERS.with(|o| o.borrow().clone()));
    let problem = RwSignal::new(None::<Text>);
    match ctx.token() {
        Some(token) if online() => {
            spawn_local(async move {
                match Api::here().officers(&token).await {
                    Ok(list) => {
                        let active: Vec<Account> = list
                            .users
                            .into_iter()
                            .filter(|a| a.role == Role::Officer && a.active)
                            .collect();
                        OFFICERS.with(|o| o.replace(active.clone()));
                        officers.set(active);
                    }
                    Err(error) => problem.set(Some(officers_problem(&error))),
                }
            });
        }
        _ => problem.set(Some(i18n::ASSIGN_OFFLINE)),
    }
    let revision = ctx.revision;
    let records = LocalResource::new(move || {
        revision.track();
        let store = ctx.store();
        async move { store.list_records(RecordKind::Case).await }
    });
    let lines = move || match records.get() {
        Some(Ok(records)) => case_lines(&records, &[]),
        _ => Vec::new(),
    };
    let failed = move || matches!(records.get(), Some(Err(_)));
    let empty = move || matches!(records.get(), Some(Ok(r)) if r.is_empty());
    let no_officers = move || problem.get().is_none() && officers.with(Vec::is_empty);
    view! {
        <section class="page assign">
            <h1>{tr(i18n::ASSIGN_TITLE)}</h1>
            <p class="hint">{tr(i18n::ASSIGN_HINT)}</p>
            {move || problem.get().map(|text| view! {
                <p id="assign-problem" class="notice offline" role="status">{move || i18n.t(text)}</p>
            })}
            <Show when=no_officers>
                <p class="empty">{tr(i18n::ASSIGN_NO_OFFICERS)}</p>
            </Show>
            <Show when=failed>
                <p class="form-error" role="alert">{tr(i18n::ERR_STORAGE)}</p>
            </Show>
            <Show when=empty>
                <p class="empty">{tr(i18n::ASSIGN_EMPTY)}</p>
            </Show>
            <ul id="case-assign-list">
                <Rows lines=Signal::derive(lines) row=move |line| view! { <CaseItem line officers /> } />
            </ul>
            <Show when=move || ctx.role() == Some(Role::Supervisor)>
                <crate::pages::identity_access::IdentityAccess />
            </Show>
        </section>
    }
}

/// One case with its officers' checkboxes.
#[component]
fn CaseItem(line: Signal<CaseLine>, officers: RwSignal<Vec<Account>>) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let failed = RwSignal::new(false);
    let id = line.with_untracked(|l| l.id.clone());
    let assigned = move || line.with(|l| l.assigned.clone());
    // Every active officer, and whoever is assigned though not (or no longer) listed.
    let choices = move || {
        let known = officers.get();
        let mut choices: Vec<(String, String)> = known
            .iter()
            .map(|a| (a.id.to_string(), format!("{} ({})", a.name, a.username)))
            .collect();
        for officer in &assigned() {
            if !choices.iter().any(|(id, _)| id == officer) {
                let short = match uuid::Uuid::parse_str(officer) {
                    Ok(id) => short_id(id),
                    Err(_) => officer.clone(),
                };
                choices.push((officer.clone(), short));
            }
        }
        choices
    };
    let toggle = move |officer: String, on: bool| {
        let record_id = line.with_untracked(|l| l.id.clone());
        let store = ctx.store();
        spawn_local(async move {
            failed.set(false);
            let saved = match store.record(RecordKind::Case, &record_id).await {
                Ok(Some(listed)) => {
                    // Only the assignment changes, laid over the case as it is when saved.
                    let opened = listed.record.fields;
                    let fields = with_officer(opened.clone(), &officer, on);
                    store
                        .save_edit(
                            RecordKind::Case,
                            &record_id,
                            fields,
                            &opened,
                            "penugasan",
                            clock::now_rfc3339(),
                        )
                        .await
                        .map(drop)
                }
                Ok(None) => Ok(()),
                Err(error) => Err(error),
            };
            match saved {
                Ok(()) => ctx.engine().changed(),
                Err(_) => failed.set(true),
            }
        });
    };
    let text = move |read: fn(&CaseLine, gugus_model::Lang) -> String| {
        move || line.with(|l| read(l, i18n.lang()))
    };
    let none_assigned = move || line.with(|l| l.assigned.is_empty());
    view! {
        <li class="case-item" data-id=id>
            <div class="case-head">
                <span class="item-title">{text(|l, lang| MODUS.label(&l.modus, lang).to_owned())}</span>
                <span class="item-date">
                    {text(|l, lang| l.date.map(|d| i18n::date_short(d, lang)).unwrap_or_default())}
                </span>
                <span class="item-place">{text(|l, _| regions::name_of(&l.kecamatan).to_owned())}</span>
                <span class="case-status">{text(|l, lang| CASE_STATUSES.label(&l.status, lang).to_owned())}</span>
            </div>
            <fieldset class="officers">
                <legend class="visually-hidden">{move || field_legend(i18n.lang())}</legend>
                <For each=choices key=|choice| choice.clone() let((officer, label))>
                    <label class="check">
                        <input type="checkbox" name="officer" value=officer.clone()
                            prop:checked={
                                let officer = officer.clone();
                                move || line.with(|l| l.assigned.contains(&officer))
                            }
                            on:change={
                                let officer = officer.clone();
                                move |ev| toggle(officer.clone(), event_target_checked(&ev))
                            } />
                        <span>{label}</span>
                    </label>
                </For>
                <Show when=move || none_assigned() && officers.with(Vec::is_empty)>
                    <p class="hint">{tr(i18n::ASSIGNED_NONE)}</p>
                </Show>
            </fieldset>
            {line_badges(line)}
            <Show when=move || failed.get()>
                <p class="form-error" role="alert">{tr(i18n::SAVE_FAILED)}</p>
            </Show>
        </li>
    }
}

fn field_legend(lang: gugus_model::Lang) -> &'static str {
    gugus_model::schema::CASE.label("assigned_officers", lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn ticking_an_officer_adds_and_unticking_removes_only_that_one() {
        let mut fields = Map::new();
        fields.insert("status".into(), Value::String("open".into()));
        let fields = with_officer(fields, "a", true);
        let fields = with_officer(fields, "b", true);
        let fields = with_officer(fields, "a", true);
        assert_eq!(assigned_ids(&fields), vec!["b".to_owned(), "a".to_owned()]);
        let fields = with_officer(fields, "b", false);
        assert_eq!(assigned_ids(&fields), vec!["a".to_owned()]);
        assert_eq!(fields["status"], Value::String("open".into()));
    }
}
