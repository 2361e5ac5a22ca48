//! The activity form: create or edit, validated with `model::activity::Activity::parse`
//! (every error beside its field), saved with its outbox entry in one transaction, and
//! kept as a draft while the officer types.

mod draft;

pub use crate::components::notices::value_text;
pub use draft::ActivityDraft;

use crate::app::{use_ctx, Page};
use crate::clock;
use crate::components::fields::{
    Checkboxes, CountField, FieldErrorText, FormErrors, RequiredFields, RequiredMark, RequiredNote,
    SelectField, TextField,
};
use crate::components::notices::RecordNotices;
use crate::i18n::{self, tr, use_i18n};
use crate::store::{base_key, LocalRecord, StoreError};
use crate::timing;
use gugus_model::activity::{format_date, Activity, PARTICIPANT_FIELDS};
use gugus_model::regions;
use gugus_model::vocab::{ACTIVITY_TYPES, AUDIENCES, TOPICS};
use gugus_model::{FieldError, RecordKind, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loading {
    Busy,
    Ready,
    Missing,
}

/// Brings the first field in error into view, so a long form on a small screen does not
/// hide why nothing was saved.
fn show_first_error() {
    let first = gloo::utils::document()
        .query_selector(".field.invalid")
        .ok()
        .flatten();
    if let Some(field) = first {
        field.scroll_into_view();
    }
}

/// The form for a new activity (`id` = `None`) or for editing one.
#[component]
pub fn ActivityForm(
    /// The record to edit.
    id: Option<String>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let today = clock::today();
    let editing = id.is_some();
    let key = StoredValue::new(format!("activity:{}", id.as_deref().unwrap_or("new")));
    let id = StoredValue::new(id);
    let form = RwSignal::new(ActivityDraft::blank(today));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    provide_context(FormErrors(errors));
    provide_context(RequiredFields(std::sync::Arc::new(|name: &str| {
        gugus_model::activity::REQUIRED.contains(&name)
    })));
    let loading = RwSignal::new(Loading::Busy);
    let restored = RwSignal::new(false);
    let existing = RwSignal::new(None::<LocalRecord>);
    // The record's fields when this edit began (kept beside the draft): saving sends only
    // what the officer changed since, never a stale value over a newer pulled one.
    let opened = RwSignal::new(None::<Map<String, Value>>);
    let base_kept = RwSignal::new(false);
    let notice = RwSignal::new(None::<Text>);
    let saving = RwSignal::new(false);
    let attempted = RwSignal::new(false);

    spawn_local(async move {
        let store = ctx.store();
        let draft: Option<ActivityDraft> = store.draft(&key.get_value()).await.ok().flatten();
        let base: Option<Map<String, Value>> = store
            .draft(&base_key(&key.get_value()))
            .await
            .ok()
            .flatten();
        base_kept.set(base.is_some());
        let record = match id.get_value() {
            Some(id) => store.record(RecordKind::Activity, &id).await.ok().flatten(),
            None => None,
        };
        if let Some(listed) = record {
            form.set(ActivityDraft::from_fields(&listed.record.fields));
            opened.set(Some(base.unwrap_or_else(|| listed.record.fields.clone())));
            if let Some(rejection) = &listed.record.rejection {
                errors.set(rejection.fields.clone());
            }
            existing.set(Some(listed.record));
        } else if editing && draft.is_none() {
            loading.set(Loading::Missing);
            return;
        }
        if let Some(draft) = draft {
            form.set(draft);
            restored.set(true);
        }
        loading.set(Loading::Ready);
    });

    // Every change is kept as a draft at once, so a reload or a dead battery loses nothing.
    let edit = move |change: &dyn Fn(&mut ActivityDraft)| {
        form.update(|f| change(f));
        let draft = form.get_untracked();
        if attempted.get_untracked() {
            errors.set(
                Activity::parse(&draft.to_fields(), clock::today())
                    .err()
                    .unwrap_or_default(),
            );
        }
        let store = ctx.store();
        let base = (!base_kept.get_untracked())
            .then(|| opened.get_untracked())
            .flatten();
        base_kept.set(true);
        spawn_local(async move {
            // A lost draft write costs only the last keystroke if the page dies now.
            let _ = store.save_draft(&key.get_value(), &draft).await;
            if let Some(base) = base {
                let _ = store.save_draft(&base_key(&key.get_value()), &base).await;
            }
        });
    };
    let text = move |get: fn(&ActivityDraft) -> &String| {
        Signal::derive(move || form.with(|f| get(f).clone()))
    };
    let set = move |put: fn(&mut ActivityDraft, String)| {
        Callback::new(move |value: String| edit(&|f| put(f, value.clone())))
    };

    let discard = move |_| {
        let store = ctx.store();
        spawn_local(async move {
            let _ = store.discard_draft(&key.get_value()).await;
            let _ = store.discard_draft(&base_key(&key.get_value())).await;
            base_kept.set(false);
            opened.set(existing.get_untracked().map(|r| r.fields));
            let fresh = existing.get_untracked().map_or_else(
                || ActivityDraft::blank(clock::today()),
                |r| ActivityDraft::from_fields(&r.fields),
            );
            form.set(fresh);
            restored.set(false);
        });
    };

    // Settling a conflict is its own change: the record and a resolving outbox entry.
    let on_resolve = Callback::new(move |(field, value): (String, serde_json::Value)| {
        let Some(record_id) = id.get_value() else {
            return;
        };
        spawn_local(async move {
            let store = ctx.store();
            let at = clock::now_rfc3339();
            match store
                .resolve_conflict(RecordKind::Activity, &record_id, &field, value.clone(), at)
                .await
            {
                Ok(Some(record)) => {
                    let mut fields = form.get_untracked().to_fields();
                    fields.insert(field, value);
                    form.set(ActivityDraft::from_fields(&fields));
                    existing.set(Some(record));
                    ctx.engine().changed();
                }
                Ok(None) => {}
                Err(_) => notice.set(Some(i18n::RESOLVE_FAILED)),
            }
        });
    });

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        timing::start(timing::SAVE);
        let draft = form.get_untracked();
        let activity = match Activity::parse(&draft.to_fields(), clock::today()) {
            Ok(activity) => activity,
            Err(problems) => {
                errors.set(problems);
                attempted.set(true);
                notice.set(Some(i18n::FORM_INVALID));
                request_animation_frame(show_first_error);
                return;
            }
        };
        errors.set(Vec::new());
        notice.set(None);
        saving.set(true);
        spawn_local(async move {
            let store = ctx.store();
            let (fields, at) = (activity.to_fields(), clock::now_rfc3339());
            let saved = match (id.get_value(), opened.get_untracked()) {
                (Some(id), Some(opened)) => {
                    store
                        .save_edit(
                            RecordKind::Activity,
                            &id,
                            fields,
                            &opened,
                            &key.get_value(),
                            at,
                        )
                        .await
                }
                (id, _) => {
                    store
                        .save_record(
                            RecordKind::Activity,
                            id.as_deref(),
                            fields,
                            &key.get_value(),
                            at,
                        )
                        .await
                }
            };
            match saved {
                Ok(_) => {
                    timing::end(timing::SAVE);
                    ctx.engine().changed();
                    ctx.go(Page::Activities);
                }
                Err(error) => {
                    notice.set(Some(match error {
                        StoreError::QuotaExceeded => i18n::ERR_STORAGE,
                        _ => i18n::SAVE_FAILED,
                    }));
                    saving.set(false);
                }
            }
        });
    };

    let type_options = Signal::derive(move || {
        let lang = i18n.lang();
        ACTIVITY_TYPES
            .terms
            .iter()
            .map(|t| (t.code.to_owned(), t.label.get(lang).to_owned()))
            .collect::<Vec<_>>()
    });
    let kecamatan_options = Signal::derive(|| {
        regions::kecamatan()
            .map(|r| (r.code.clone(), r.name.clone()))
            .collect::<Vec<_>>()
    });
    let desa_options = Signal::derive(move || {
        let kecamatan = form.with(|f| f.kecamatan.clone());
        regions::villages_of(&kecamatan)
            .map(|r| (r.code.clone(), r.name.clone()))
            .collect::<Vec<_>>()
    });
    let desa_placeholder = Signal::derive(move || {
        i18n.t(if form.with(|f| f.kecamatan.is_empty()) {
            i18n::CHOOSE_KECAMATAN_FIRST
        } else {
            i18n::CHOOSE
        })
    });
    let choose = Signal::derive(tr(i18n::CHOOSE));
    let counts = PARTICIPANT_FIELDS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let value = Signal::derive(move || form.with(|f| f.participants[i].clone()));
            let on_input = Callback::new(move |v: String| edit(&|f| f.participants[i] = v.clone()));
            view! { <CountField name=name value on_input /> }
        })
        .collect_view();
    let toggle = move |pick: fn(&mut ActivityDraft) -> &mut Vec<String>| {
        Callback::new(move |(code, on): (String, bool)| {
            edit(&|f| ActivityDraft::toggle(pick(f), code.clone(), on))
        })
    };

    let fields = view! {
        <SelectField
            name="type"
            options=type_options
            value=text(|f| &f.activity_type)
            placeholder=choose
            on_change=set(|f, v| f.activity_type = v)
        />
        <TextField
            name="date"
            kind="date"
            max=format_date(today)
            value=text(|f| &f.date)
            on_input=set(|f, v| f.date = v)
        />
        <SelectField
            name="kecamatan"
            options=kecamatan_options
            value=text(|f| &f.kecamatan)
            placeholder=choose
            on_change=set(|f, v| f.set_kecamatan(v))
        />
        <SelectField
            name="desa"
            options=desa_options
            value=text(|f| &f.desa)
            placeholder=desa_placeholder
            on_change=set(|f, v| f.desa = v)
        />
        <TextField name="venue" value=text(|f| &f.venue) on_input=set(|f, v| f.venue = v) />
        <Checkboxes
            name="audience"
            vocab=AUDIENCES
            selected=Signal::derive(move || form.with(|f| f.audience.clone()))
            on_toggle=toggle(|f| &mut f.audience)
        />
        <fieldset class="field participants" class:invalid=move || errors.with(|e| e.iter().any(|e| e.field == "participants"))>
            <legend>
                {move || gugus_model::activity::field_label("participants", i18n.lang())}
                <RequiredMark name="participants" />
            </legend>
            <p class="hint" id="participants-hint">{move || i18n::participants_hint(i18n.lang())}</p>
            <div class="count-grid">{counts}</div>
            <FieldErrorText name="participants" />
        </fieldset>
        <Checkboxes
            name="topics"
            vocab=TOPICS
            selected=Signal::derive(move || form.with(|f| f.topics.clone()))
            on_toggle=toggle(|f| &mut f.topics)
        />
        <TextField name="partners" value=text(|f| &f.partners) on_input=set(|f, v| f.partners = v) />
        <TextField
            name="follow_up"
            kind="textarea"
            value=text(|f| &f.follow_up)
            on_input=set(|f, v| f.follow_up = v)
        />
        <TextField
            name="notes"
            kind="textarea"
            value=text(|f| &f.notes)
            on_input=set(|f, v| f.notes = v)
        />
    };

    view! {
        <section class="page form">
            <h1>{move || i18n.t(if editing { i18n::FORM_EDIT } else { i18n::FORM_NEW })}</h1>
            <Show when=move || loading.get() == Loading::Missing>
                <p class="form-error" role="alert">{tr(i18n::NOT_FOUND)}</p>
            </Show>
            <RecordNotices record=existing on_resolve />
            <Show when=move || restored.get()>
                <p class="notice draft">
                    {tr(i18n::DRAFT_RESTORED)} " "
                    <button type="button" id="discard-draft" class="link-button" on:click=discard>
                        {tr(i18n::DISCARD_DRAFT)}
                    </button>
                </p>
            </Show>
            <form
                id="activity-form"
                novalidate
                class:hidden=move || loading.get() == Loading::Missing
                on:submit=save
            >
                <RequiredNote />
                {fields}
                {move || notice.get().map(|text| view! {
                    <p id="form-notice" class="form-error" role="alert">{move || i18n.t(text)}</p>
                })}
                <div class="actions">
                    <button type="submit" id="activity-save" class="primary" disabled=move || saving.get() || loading.get() != Loading::Ready>
                        {move || i18n.t(if saving.get() { i18n::SAVING } else { i18n::SAVE })}
                    </button>
                    <a class="button secondary" href="#/kegiatan">{tr(i18n::CANCEL)}</a>
                </div>
            </form>
        </section>
    }
}
