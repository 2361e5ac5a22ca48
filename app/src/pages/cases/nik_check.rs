//! "NIK ini sudah tercatat pada kasus lain" (issue #18): while an officer types a victim's
//! NIK, its blind index under the task force's index key (`Keyring::nik_index`) is looked
//! for among the other victims on the phone and, with signal, on the server
//! (`GET /identities/nik`), which learns the index only, never the NIK. A supervisor gets
//! a link to each other case, to open them side by side, and a button that links the two
//! cases (`linked_cases`, each to the other) once it is the same victim; an officer, how
//! many there are.

use crate::app::{use_ctx, Ctx, Page};
use crate::i18n::{self, use_i18n};
use crate::pages::cases::CasePage;
use gugus_model::api::Role;
use gugus_model::e2e::NIK_INDEX_FIELD;
use gugus_model::schema::LINKED_CASES;
use gugus_model::RecordKind;
use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;

/// Where the same NIK was found: the other cases this account may see, and how many
/// others; and the cases this one is linked to already.
#[derive(Debug, Clone, Default, PartialEq)]
struct Found {
    cases: Vec<String>,
    elsewhere: u32,
    linked: Vec<String>,
}

/// Links two cases of the same victim, each to the other (`linked_cases`; a supervisor's
/// phone holds every case): two edits through the outbox, like any other.
async fn link(ctx: Ctx, one: &str, other: &str) -> Result<(), crate::store::StoreError> {
    let store = ctx.store();
    for (this, that) in [(one, other), (other, one)] {
        let Some(listed) = store.record(RecordKind::Case, this).await? else {
            continue;
        };
        let opened = listed.record.fields;
        let mut linked = gugus_model::schema::linked_cases(&opened);
        let Ok(that) = that.parse::<Uuid>() else {
            continue;
        };
        if linked.contains(&that) {
            continue;
        }
        linked.push(that);
        let mut fields = opened.clone();
        fields.insert(LINKED_CASES.into(), serde_json::json!(linked));
        let at = crate::clock::now_rfc3339();
        store
            .save_edit(RecordKind::Case, this, fields, &opened, "tautan-kasus", at)
            .await?;
    }
    ctx.engine().changed();
    Ok(())
}

/// The check under the identity form.
#[component]
pub fn NikCheck(typed: RwSignal<String>, case: String, victim: String) -> impl IntoView {
    let ctx = use_ctx();
    let case_of_form = case.clone();
    let i18n = use_i18n();
    let found = RwSignal::new(None::<Found>);
    // Each change looks again; an answer to an older NIK than the one typed now is
    // dropped. An effect, not a resource: it must not make the form be drawn again.
    let asked = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let typed = typed.get();
        let (case, victim) = (case.clone(), victim.clone());
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        leptos::task::spawn_local(async move {
            let answer = look(ctx, &typed, &case, &victim).await;
            if asked.get_value() == this {
                found.set(answer);
            }
        });
    });
    let supervisor = move || ctx.role() == Some(Role::Supervisor);
    let this_case = StoredValue::new(case_of_form);
    let failed = RwSignal::new(false);
    let link_to = move |other: String| {
        failed.set(false);
        leptos::task::spawn_local(async move {
            match link(ctx, &this_case.get_value(), &other).await {
                Ok(()) => found.update(|f| {
                    if let Some(f) = f.as_mut() {
                        f.linked.push(other);
                    }
                }),
                Err(_) => failed.set(true),
            }
        });
    };
    move || {
        let found = found.get()?;
        if found.cases.is_empty() && found.elsewhere == 0 {
            return None;
        }
        let count = found.cases.len() + found.elsewhere as usize;
        let links = found
            .cases
            .into_iter()
            .filter(|_| supervisor())
            .map(|case| {
                let href = Page::Case(CasePage::Detail(case.clone())).hash();
                let short = case
                    .parse::<Uuid>()
                    .map(crate::pages::audit::short_id)
                    .unwrap_or_default();
                let linked = found.linked.contains(&case);
                let other = case.clone();
                view! {
                    <li>
                        <a class="nik-duplicate-case" href=href data-id=case.clone()>
                            {move || i18n.t(i18n::NIK_DUPLICATE_OPEN)} " " {short.clone()}
                        </a>
                        {if linked {
                            view! {
                                <span class="nik-linked" data-id=case.clone()>
                                    {move || i18n.t(i18n::NIK_LINKED)}
                                </span>
                            }
                                .into_any()
                        } else {
                            view! {
                                <button
                                    type="button"
                                    class="secondary nik-link-case"
                                    data-id=case.clone()
                                    on:click=move |_| link_to(other.clone())
                                >
                                    {move || i18n.t(i18n::NIK_LINK)}
                                </button>
                            }
                                .into_any()
                        }}
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <div id="nik-duplicate" class="notice nik-duplicate" role="status" data-count=count>
                <p>{move || i18n.t(i18n::NIK_DUPLICATE)}</p>
                <ul class="nik-duplicate-cases">{links}</ul>
                <Show when=move || failed.get()>
                    <p class="form-error" role="alert">{move || i18n.t(i18n::NIK_LINK_FAILED)}</p>
                </Show>
            </div>
        })
    }
}

/// The other cases holding NIK `typed` (`None`: not a whole NIK, or the index key is not
/// open on this phone).
async fn look(ctx: crate::app::Ctx, typed: &str, case: &str, victim: &str) -> Option<Found> {
    let keyring = ctx.keyring.get_untracked()?;
    let index = keyring.nik_index(typed).await.ok()??;
    let store = ctx.store();
    // On the phone: other victims' identities with the same index.
    let identities = store.list_records(RecordKind::VictimIdentity).await.ok()?;
    let victims: Vec<String> = identities
        .into_iter()
        .map(|listed| listed.record)
        .filter(|r| !r.deleted)
        .filter(|r| r.fields.get(NIK_INDEX_FIELD).and_then(Value::as_str) == Some(index.as_str()))
        .filter_map(|r| r.fields.get("victim_id")?.as_str().map(str::to_owned))
        .filter(|v| v != victim)
        .collect();
    let mut cases = Vec::new();
    for other in victims {
        if let Ok(Some(listed)) = store.record(RecordKind::Victim, &other).await {
            if let Some(id) = listed.record.fields.get("case_id").and_then(Value::as_str) {
                cases.push(id.to_owned());
            }
        }
    }
    let linked = match store.record(RecordKind::Case, case).await {
        Ok(Some(listed)) => gugus_model::schema::linked_cases(&listed.record.fields)
            .iter()
            .map(Uuid::to_string)
            .collect(),
        _ => Vec::new(),
    };
    let mut found = Found {
        cases,
        elsewhere: 0,
        linked,
    };
    // On the server, with signal: the cases beyond the phone's.
    if let (Some(token), true) = (ctx.token(), crate::sync::engine::online()) {
        if let Ok(matches) = crate::sync::Api::here().nik_matches(&token, &index).await {
            found
                .cases
                .extend(matches.cases.iter().map(Uuid::to_string));
            found.elsewhere = matches.elsewhere;
        }
    }
    found.cases.retain(|c| c != case);
    found.cases.sort();
    found.cases.dedup();
    Some(found)
}
