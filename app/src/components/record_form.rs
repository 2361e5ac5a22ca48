//! A form for any record kind described by a [`KindSpec`]: one input per field by its
//! type, validation with `KindSpec::validate` on save (every error beside its field), a
//! draft kept while the officer types, and the save with its outbox entry through
//! `Store::save_record` (a new record) or `Store::save_edit` (an edit, laid over the record
//! as it is now).

pub mod draft;
mod inputs;
mod sealing;

use crate::app::use_ctx;
use crate::clock;
use crate::components::fields::{FormErrors, RequiredFields, RequiredNote};
use crate::components::notices::RecordNotices;
use crate::i18n::{self, tr, use_i18n};
use crate::keyring::{sealed_anew, KeyringError};
use crate::store::{base_key, LocalRecord, StoreError};
use crate::timing;
use draft::Draft;
use gugus_model::schema::{required_by_state, KindSpec};
use gugus_model::RecordKind;
use gugus_model::{FieldError, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sealing::Keeping;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loading {
    Busy,
    Ready,
    Missing,
}

/// Brings the first field in error into view, so a long form on a small screen does not
/// hide why nothing was saved.
pub(crate) fn show_first_error() {
    let first = gloo::utils::document()
        .query_selector(".field.invalid")
        .ok()
        .flatten();
    if let Some(field) = first {
        field.scroll_into_view();
    }
}

/// The form of a new record (`id` = `None`) or of one to edit, for `spec`'s kind.
#[component]
pub fn RecordForm(
    /// The kind's fields.
    spec: &'static KindSpec,
    /// The record to edit.
    id: Option<String>,
    /// The parent record's id for a new record (the page knows it; the form never shows
    /// it); an edited record keeps its own.
    parent: Option<String>,
    /// What a new record starts with, as typed.
    defaults: Draft,
    /// The form's element id (`case-form`, ...); its save button is `<form id>-save`.
    form_id: &'static str,
    /// The heading.
    title: Text,
    /// Where cancelling goes.
    cancel_href: String,
    /// Called with the saved record's id.
    on_saved: Callback<String>,
    /// Called with the form's fields after each change the officer makes, and once they
    /// are loaded (the identity page checks the NIK against other cases).
    #[prop(optional)]
    on_edit: Option<Callback<Map<String, Value>>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let kind = spec.kind.as_str();
    let key = StoredValue::new(match (&id, &parent) {
        (Some(id), _) => format!("{kind}:{id}"),
        (None, Some(parent)) => format!("{kind}:new:{parent}"),
        (None, None) => format!("{kind}:new"),
    });
    let id = StoredValue::new(id);
    let parent = StoredValue::new(parent);
    let form = RwSignal::new(defaults.clone());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    provide_context(FormErrors(errors));
    // Required: what the kind always needs, and what it needs in the states that show it.
    provide_context(RequiredFields(std::sync::Arc::new(move |name: &str| {
        spec.field(name).is_some_and(|field| field.required)
            || required_by_state(spec.kind, name, &Map::new()).is_some()
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
    // A victim's identity is sealed wherever it is stored, the draft included.
    let keeping = StoredValue::new_local(Keeping::for_kind(
        kind,
        ctx.keyring.get_untracked(),
        id.get_value().as_deref(),
    ));
    let private = spec.kind.is_identity();

    let fields_now = move || {
        let original = existing.with_untracked(|r| r.as_ref().map(|r| r.fields.clone()));
        let parent = parent.get_value().or_else(|| {
            let (name, _) = spec.parent()?;
            original.as_ref()?.get(name)?.as_str().map(str::to_owned)
        });
        form.with_untracked(|f| draft::to_fields(spec, f, parent.as_deref(), original.as_ref()))
    };

    spawn_local(async move {
        let store = ctx.store();
        let keeping = keeping.get_value();
        let kept: Option<Draft> = keeping.draft(&store, &key.get_value()).await;
        let base = keeping.draft(&store, &base_key(&key.get_value())).await;
        base_kept.set(base.is_some());
        let record = match id.get_value() {
            Some(id) => store.record(spec.kind, &id).await.ok().flatten(),
            None => None,
        };
        let record = match record {
            Some(mut listed) => match keeping.for_screen(&store, listed.record).await {
                Ok(open) => {
                    listed.record = open;
                    Some(listed)
                }
                Err(KeyringError::NotShared) => {
                    notice.set(Some(i18n::IDENTITY_NOT_SHARED));
                    None
                }
                Err(_) => None,
            },
            None => None,
        };
        match record {
            Some(listed) if listed.record.kind == kind && !listed.record.deleted => {
                form.set(draft::from_fields(spec, &listed.record.fields));
                opened.set(Some(base.unwrap_or_else(|| listed.record.fields.clone())));
                if let Some(rejection) = &listed.record.rejection {
                    errors.set(rejection.fields.clone());
                }
                existing.set(Some(listed.record));
            }
            _ if id.with_value(Option::is_some) => {
                loading.set(Loading::Missing);
                return;
            }
            _ => {}
        }
        if let Some(kept) = kept {
            form.set(kept);
            restored.set(true);
        }
        loading.set(Loading::Ready);
        if let Some(on_edit) = on_edit {
            on_edit.run(fields_now());
        }
    });

    // Every change is kept as a draft at once, so a reload or a dead battery loses nothing.
    let edit = Callback::new(move |change: inputs::Change| {
        form.update(|f| change.apply(f));
        if let Some(on_edit) = on_edit {
            on_edit.run(fields_now());
        }
        if attempted.get_untracked() {
            errors.set(
                spec.validate(&fields_now(), clock::today())
                    .err()
                    .unwrap_or_default(),
            );
        }
        let store = ctx.store();
        let kept = form.get_untracked();
        let base = (!base_kept.get_untracked())
            .then(|| opened.get_untracked())
            .flatten();
        base_kept.set(true);
        let keeping = keeping.get_value();
        spawn_local(async move {
            // A lost draft write costs only the last keystroke if the page dies now.
            let _ = keeping.keep_draft(&store, &key.get_value(), &kept).await;
            if let Some(base) = base {
                let _ = keeping
                    .keep_draft(&store, &base_key(&key.get_value()), &base)
                    .await;
            }
        });
    });

    let discard = move |_| {
        let store = ctx.store();
        let defaults = defaults.clone();
        spawn_local(async move {
            let _ = store.discard_draft(&key.get_value()).await;
            let _ = store.discard_draft(&base_key(&key.get_value())).await;
            base_kept.set(false);
            opened.set(existing.get_untracked().map(|r| r.fields));
            let fresh = existing
                .get_untracked()
                .map_or(defaults, |r| draft::from_fields(spec, &r.fields));
            form.set(fresh);
            restored.set(false);
        });
    };

    // Settling a conflict is its own change: the record and a resolving outbox entry.
    let on_resolve = Callback::new(move |(field, value): (String, Value)| {
        let Some(record_id) = id.get_value() else {
            return;
        };
        spawn_local(async move {
            let store = ctx.store();
            let at = clock::now_rfc3339();
            let keeping = keeping.get_value();
            // One value sealed as a whole identity's would be: with its link to the victim.
            let mut one = fields_now();
            one.retain(|name, _| name == "victim_id");
            one.insert(field.clone(), value.clone());
            let stored = keeping.for_store(&store, one, &at).await;
            let Some(stored) = stored.ok().and_then(|mut one| one.remove(&field)) else {
                notice.set(Some(i18n::RESOLVE_FAILED));
                return;
            };
            match store
                .resolve_conflict(spec.kind, &record_id, &field, stored, at)
                .await
            {
                Ok(Some(record)) => {
                    let Ok(record) = keeping.for_screen(&store, record).await else {
                        notice.set(Some(i18n::RESOLVE_FAILED));
                        return;
                    };
                    let mut fields = fields_now();
                    fields.insert(field, value);
                    form.set(draft::from_fields(spec, &fields));
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
        let fields = fields_now();
        if let Err(problems) = spec.validate(&fields, clock::today()) {
            errors.set(problems);
            attempted.set(true);
            notice.set(Some(i18n::FORM_INVALID));
            request_animation_frame(show_first_error);
            return;
        }
        errors.set(Vec::new());
        notice.set(None);
        saving.set(true);
        spawn_local(async move {
            let store = ctx.store();
            let at = clock::now_rfc3339();
            let keeping = keeping.get_value();
            let sealed = match (
                keeping.for_store(&store, fields, &at).await,
                opened.get_untracked(),
            ) {
                (Ok(fields), Some(opened)) => match keeping.for_store(&store, opened, &at).await {
                    Ok(opened) => Ok((fields, Some(opened))),
                    Err(error) => Err(error),
                },
                (Ok(fields), None) => Ok((fields, None)),
                (Err(error), _) => Err(error),
            };
            let (fields, opened) = match sealed {
                Ok(sealed) => sealed,
                Err(error) => {
                    web_sys::console::warn_1(&format!("identity not sealed: {error}").into());
                    notice.set(Some(match error {
                        KeyringError::NotShared | KeyringError::NoKeyPair => {
                            i18n::IDENTITY_NOT_SHARED
                        }
                        _ => i18n::SAVE_FAILED,
                    }));
                    saving.set(false);
                    return;
                }
            };
            // An identity whose key rotated (or of an earlier build) is sent whole.
            let opened = match (&keeping, id.get_value(), opened) {
                (Keeping::Sealed(..), Some(id), Some(opened)) => {
                    let stored = store.record(spec.kind, &id).await.ok().flatten();
                    let anew = stored.is_some_and(|s| sealed_anew(&s.record.fields, &fields));
                    (!anew).then_some(opened)
                }
                (_, _, opened) => opened,
            };
            let saved = match (id.get_value(), opened) {
                (Some(id), Some(opened)) => {
                    store
                        .save_edit(spec.kind, &id, fields, &opened, &key.get_value(), at)
                        .await
                }
                (id, _) => {
                    // A new identity's id was made with the form: its envelopes bind it.
                    let id = id.or_else(|| keeping.record_id());
                    store
                        .save_record(spec.kind, id.as_deref(), fields, &key.get_value(), at)
                        .await
                }
            };
            match saved {
                Ok((record_id, _)) => {
                    timing::end(timing::SAVE);
                    ctx.engine().changed();
                    on_saved.run(record_id);
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

    // A field some states need only (a closed case's reason) is there in those states.
    let inputs = spec
        .fields
        .iter()
        .filter(|field| draft::shown(field.ty))
        .map(
            |field| match required_by_state(spec.kind, field.name, &Map::new()) {
                None => inputs::input(field, form, edit, private),
                Some(_) => {
                    let needed = move || form.with(|f| required_by_state(spec.kind, field.name, f));
                    (move || {
                        (needed() == Some(true)).then(|| inputs::input(field, form, edit, private))
                    })
                    .into_any()
                }
            },
        )
        .collect_view();

    view! {
        <section class="page form">
            <h1>{move || i18n.t(title)}</h1>
            <Show when=move || loading.get() == Loading::Missing>
                <p class="form-error" role="alert">{tr(i18n::NOT_FOUND)}</p>
            </Show>
            <RecordNotices record=existing on_resolve spec />
            <Show when=move || restored.get()>
                <p class="notice draft">
                    {tr(i18n::DRAFT_RESTORED)} " "
                    <button type="button" id="discard-draft" class="link-button" on:click=discard.clone()>
                        {tr(i18n::DISCARD_DRAFT)}
                    </button>
                </p>
            </Show>
            <form
                id=form_id
                novalidate
                class:hidden=move || loading.get() == Loading::Missing
                on:submit=save
            >
                <RequiredNote />
                {inputs}
                {(spec.kind == RecordKind::Note).then(|| view! {
                    <p class="notice note-final" id="note-final">{tr(i18n::NOTE_FINAL)}</p>
                })}
                {move || notice.get().map(|text| view! {
                    <p id="form-notice" class="form-error" role="alert">{move || i18n.t(text)}</p>
                })}
                <div class="actions">
                    <button
                        type="submit"
                        id=format!("{form_id}-save")
                        class="primary"
                        disabled=move || saving.get() || loading.get() != Loading::Ready
                    >
                        {move || i18n.t(if saving.get() { i18n::SAVING } else { i18n::SAVE })}
                    </button>
                    <a class="button secondary" href=cancel_href>{tr(i18n::CANCEL)}</a>
                </div>
            </form>
        </section>
    }
}
