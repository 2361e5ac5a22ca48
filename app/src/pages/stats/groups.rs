//! Groups of kecamatan on the evaluation page: the regency's table comparing them (every
//! role that sees figures), and the form where a supervisor sets them. The form keeps what
//! was typed through a reload until it is saved.

use super::charts::figure;
use super::words;
use super::Figures;
use crate::app::use_ctx;
use crate::i18n::{tr, use_i18n};
use crate::sync::engine::online;
use crate::sync::Api;
use gugus_model::evaluation::{
    kecamatan_codes, parse_groups, AreaGroup, Cell, Evaluation, GroupDraft, GroupList,
};
use gugus_model::regions;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where the supervisor's unsaved list waits (JSON), through a reload.
const DRAFT_KEY: &str = "gugus.area-groups.draft";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The kecamatan of a group, by name, comma-separated.
fn names(codes: &[String]) -> String {
    let names: Vec<&str> = codes.iter().map(|c| regions::name_of(c)).collect();
    names.join(", ")
}

/// A change to the supervisor's list.
type Edit = Box<dyn FnOnce(&mut Vec<GroupDraft>)>;

/// The regency's table of the current groups, or why it is withheld; nothing when no
/// group is set. `drill` opens a group's own figures.
#[component]
pub fn GroupsTable(evaluation: StoredValue<Evaluation>, drill: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang();
    let (rows, withheld) = evaluation.with_value(|e| (e.groups.clone(), e.groups_withheld));
    if rows.is_empty() && !withheld {
        return None;
    }
    let cell = move |class: &'static str, c: Cell| {
        view! { <td class=class class:suppressed=c.is_none()>{move || figure(c, lang())}</td> }
    };
    let table = (!rows.is_empty()).then(|| {
        let rows = rows
            .into_iter()
            .map(|row| {
                let code = row.code.clone();
                view! {
                    <tr data-group=row.code.clone()>
                        <th scope="row" class="name">
                            <button type="button" class="drill link" on:click=move |_| drill.run(code.clone())>
                                {row.name.clone()}
                            </button>
                            <span class="members">{names(&row.kecamatan)}</span>
                        </th>
                        {cell("cases", row.cases)}{cell("victims", row.victims)}
                        {cell("services", row.services)}{cell("activities", row.activities)}
                        {cell("participants", row.participants)}
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=move || i18n.t(words::GROUPS)>
                <table id="groups-table" class="figures">
                    <thead><tr>
                        <th scope="col">{tr(words::COL_GROUP)}</th>
                        <th scope="col">{tr(words::COL_CASES)}</th>
                        <th scope="col">{tr(words::COL_VICTIMS)}</th>
                        <th scope="col">{tr(words::COL_SERVICES)}</th>
                        <th scope="col">{tr(words::COL_ACTIVITIES)}</th>
                        <th scope="col">{tr(words::COL_PARTICIPANTS)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    Some(view! {
        <section id="eval-groups" class="block">
            <div class="section-head"><h2>{tr(words::GROUPS)}</h2></div>
            <p class="hint star-note">{tr(words::SUPPRESSED)}</p>
            {match withheld {
                true => view! { <p id="groups-withheld" class="hint">{tr(words::GROUPS_WITHHELD)}</p> }.into_any(),
                false => view! { <p class="hint">{tr(words::GROUPS_NOTE)}</p> }.into_any(),
            }}
            {table}
        </section>
    })
}

/// The supervisor's form: one name and a set of kecamatan per group, checked as the
/// worker checks them before it is sent.
#[component]
pub fn GroupEditor(figures: Figures) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let stored: Option<Vec<GroupDraft>> = storage()
        .and_then(|s| s.get_item(DRAFT_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok());
    let draft = RwSignal::new(stored.unwrap_or_default());
    let touched = RwSignal::new(draft.with_untracked(|d| !d.is_empty()));
    // The current groups fill the form until the supervisor changes it.
    Effect::new(move |_| {
        let current = figures.groups.get();
        if !touched.get_untracked() {
            let drafts = current
                .iter()
                .map(|g| GroupDraft {
                    name: g.name.clone(),
                    kecamatan: g.kecamatan.clone(),
                })
                .collect();
            draft.set(drafts);
        }
    });
    let problem = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let change = move |edit: Edit| {
        draft.update(|d| edit(d));
        touched.set(true);
        saved.set(false);
        if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(&draft.get_untracked())) {
            s.set_item(DRAFT_KEY, &text).ok();
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let groups = draft.get_untracked();
        if let Err(error) = parse_groups(&groups) {
            problem.set(Some(error.message(i18n.lang())));
            return;
        }
        let Some(token) = ctx.token() else {
            return;
        };
        problem.set(None);
        if !online() {
            problem.set(Some(i18n.t(words::GROUPS_SAVE_FAILED).to_owned()));
            return;
        }
        spawn_local(async move {
            match Api::here()
                .set_area_groups(&token, &GroupList { groups })
                .await
            {
                Ok(list) => {
                    if let Some(s) = storage() {
                        s.remove_item(DRAFT_KEY).ok();
                    }
                    touched.set(false);
                    figures.groups.set(list.groups);
                    saved.set(true);
                    figures.load(ctx);
                }
                Err(_) => problem.set(Some(i18n.t(words::GROUPS_SAVE_FAILED).to_owned())),
            }
        });
    };
    let groups = move || {
        let count = draft.with(Vec::len);
        (0..count)
            .map(|i| {
                let name = move || draft.with(|d| d.get(i).map(|g| g.name.clone()).unwrap_or_default());
                let boxes = kecamatan_codes()
                    .into_iter()
                    .map(|code| {
                        let held = move || draft.with(|d| d.get(i).is_some_and(|g| g.kecamatan.iter().any(|k| k == code)));
                        let id = format!("group-{i}-{}", code.replace('.', "-"));
                        let label_for = id.clone();
                        view! {
                            <label class="check" for=label_for>
                                <input type="checkbox" id=id class="group-kecamatan" value=code
                                    prop:checked=held
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        change(Box::new(move |d| {
                                            if let Some(g) = d.get_mut(i) {
                                                g.kecamatan.retain(|k| k != code);
                                                if on {
                                                    g.kecamatan.push(code.to_owned());
                                                }
                                            }
                                        }));
                                    } />
                                {regions::name_of(code).to_owned()}
                            </label>
                        }
                    })
                    .collect_view();
                let name_id = format!("group-name-{i}");
                let name_for = name_id.clone();
                view! {
                    <fieldset class="group-draft" data-index=i.to_string()>
                        <legend>{move || format!("{} {}", i18n.t(words::COL_GROUP), i + 1)}</legend>
                        <div class="field">
                            <label for=name_for>{tr(words::GROUP_NAME)}</label>
                            <input id=name_id class="group-name" type="text" maxlength="40" prop:value=name
                                on:input=move |ev| {
                                    let value = event_target_value(&ev);
                                    change(Box::new(move |d| {
                                        if let Some(g) = d.get_mut(i) {
                                            g.name = value;
                                        }
                                    }));
                                } />
                        </div>
                        <div class="checks">{boxes}</div>
                        <button type="button" class="group-remove link"
                            on:click=move |_| change(Box::new(move |d| {
                                if i < d.len() {
                                    d.remove(i);
                                }
                            }))>
                            {tr(words::GROUP_REMOVE)}
                        </button>
                    </fieldset>
                }
            })
            .collect_view()
    };
    view! {
        <details id="groups-editor" class="block" open=move || touched.get()>
            <summary>{tr(words::GROUPS_EDIT)}</summary>
            <p class="hint">{tr(words::GROUPS_EDIT_NOTE)}</p>
            <form id="groups-form" on:submit=save>
                {groups}
                <button type="button" id="group-add" class="secondary"
                    on:click=move |_| change(Box::new(|d| d.push(GroupDraft::default())))>
                    {tr(words::GROUP_ADD)}
                </button>
                {move || problem.get().map(|text| view! {
                    <p id="groups-error" class="form-error" role="alert">{text}</p>
                })}
                <Show when=move || saved.get()>
                    <p id="groups-saved" class="status" role="status">{tr(words::GROUPS_SAVED)}</p>
                </Show>
                <button type="submit" id="groups-save" class="primary">{tr(words::GROUPS_SAVE)}</button>
            </form>
        </details>
    }
}

/// Fetches the current groups for the area list and the form (online only).
pub fn load_groups(figures: Figures) {
    let ctx = use_ctx();
    let Some(token) = ctx.token() else {
        return;
    };
    if !online() {
        return;
    }
    spawn_local(async move {
        if let Ok(list) = Api::here().area_groups(&token).await {
            figures.groups.set(list.groups);
        }
    });
}

/// The area list's label of a group.
pub fn option_label(group: &AreaGroup, lang: gugus_model::Lang) -> String {
    format!("{} {}", words::GROUP_OPTION.get(lang), group.name)
}
