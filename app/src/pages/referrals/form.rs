//! The form of a new referral (`#referral-form`): which agency, which service, why, how
//! urgent, when, which facts of the case the agency may see (none unless ticked; each
//! is copied from the victim or the case as the referral is saved), and whether its
//! liaison may open the victim's identity while the referral is open or accepted
//! (`#referral-share-identity`, unticked at first; the keys follow at the next sync,
//! `keyring::shares`). What is typed is kept as a draft at every change, so a reload
//! loses nothing; after a decline the form starts from the declined referral's service
//! and reason, and the new referral names it.

use super::logic::{fact, form_defaults, referral_fields, set_referred_on, SHARED};
use crate::agencies::use_agencies;
use crate::app::{use_ctx, Page};
use crate::clock;
use crate::components::fields::{FormErrors, RequiredFields, RequiredNote, SelectField, TextField};
use crate::components::notices::value_text_of;
use crate::components::record_form::draft::{self, Draft};
use crate::components::record_form::show_first_error;
use crate::i18n::{self, tr, use_i18n};
use crate::pages::cases::CasePage;
use crate::store::{LocalRecord, Store, StoreError};
use gugus_model::activity::format_date;
use gugus_model::referral::SHARE_IDENTITY_FIELD;
use gugus_model::schema::REFERRAL;
use gugus_model::vocab::{Vocab, REFERRAL_URGENCIES, SERVICE_TYPES};
use gugus_model::{FieldError, RecordKind, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Map, Value};

/// What the form needs from the device before it shows.
#[derive(Debug, Clone)]
struct Loaded {
    victim: LocalRecord,
    case: Map<String, Value>,
    previous: Option<LocalRecord>,
    kept: Option<Draft>,
}

/// The form's draft key: one per victim, and one per declined referral referred again.
fn draft_key(victim: &str, previous: Option<&str>) -> String {
    match previous {
        Some(previous) => format!("referral:new:{victim}:{previous}"),
        None => format!("referral:new:{victim}"),
    }
}

async fn load(
    store: Store,
    victim: Option<String>,
    previous: Option<String>,
) -> Result<Option<Loaded>, StoreError> {
    let previous = match previous {
        Some(id) => match store.record(RecordKind::Referral, &id).await? {
            Some(listed) if !listed.record.deleted => Some(listed.record),
            _ => return Ok(None),
        },
        None => None,
    };
    let victim = victim.or_else(|| {
        previous
            .as_ref()
            .and_then(|p| p.fields.get("victim_id")?.as_str().map(str::to_owned))
    });
    let Some(victim) = victim else {
        return Ok(None);
    };
    let Some(victim) = store
        .record(RecordKind::Victim, &victim)
        .await?
        .map(|listed| listed.record)
        .filter(|v| !v.deleted)
    else {
        return Ok(None);
    };
    let case_id = draft::text(&victim.fields, "case_id");
    let case = store
        .record(RecordKind::Case, &case_id)
        .await?
        .map(|listed| listed.record.fields)
        .unwrap_or_default();
    let key = draft_key(&victim.id, previous.as_ref().map(|p| p.id.as_str()));
    let kept = store.draft::<Draft>(&key).await?;
    Ok(Some(Loaded {
        victim,
        case,
        previous,
        kept,
    }))
}

/// The referral form page of a victim of case `case_id`: a new referral of `victim`, or
/// one that replaces the declined referral `previous` (its victim's).
#[component]
pub fn ReferralForm(
    /// The case, where the page goes back to.
    case_id: String,
    /// The victim referred (with `previous`: the declined referral's).
    victim: Option<String>,
    /// The declined referral this one replaces.
    previous: Option<String>,
) -> impl IntoView {
    let ctx = use_ctx();
    let back = Page::Case(CasePage::Detail(case_id.clone())).hash();
    let again = previous.is_some();
    let found = LocalResource::new(move || load(ctx.store(), victim.clone(), previous.clone()));
    let title = if again {
        i18n::REFERRAL_AGAIN_TITLE
    } else {
        i18n::REFERRAL_NEW_TITLE
    };
    let shown = {
        let back = back.clone();
        move || {
            let back = back.clone();
            Some(match found.get()? {
                Ok(Some(loaded)) => {
                    view! { <FormBody loaded case_id=case_id.clone() back /> }.into_any()
                }
                Ok(None) => view! {
                    <p class="form-error" role="alert">{tr(i18n::REFERRAL_VICTIM_MISSING)}</p>
                }
                .into_any(),
                Err(_) => view! {
                    <p class="form-error" role="alert">{tr(i18n::ERR_STORAGE)}</p>
                }
                .into_any(),
            })
        }
    };
    view! {
        <section class="page form referral-form-page">
            <a class="back" href=back>{tr(i18n::BACK_TO_CASE)}</a>
            <h1>{tr(title)}</h1>
            <Suspense fallback=|| view! { <p class="loading">{tr(i18n::LOADING)}</p> }>
                {shown}
            </Suspense>
        </section>
    }
}

/// A referral field's label.
fn label(name: &str) -> Text {
    REFERRAL
        .field(name)
        .map_or(i18n::KIND_REFERRAL, |field| field.label)
}

/// The `(code, label)` choices of a vocabulary (tracked).
fn vocab_choices(vocab: Vocab) -> Signal<Vec<(String, String)>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        let lang = i18n.lang();
        vocab
            .terms
            .iter()
            .map(|t| (t.code.to_owned(), t.label.get(lang).to_owned()))
            .collect()
    })
}

#[component]
fn FormBody(loaded: Loaded, case_id: String, back: String) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let agencies = use_agencies();
    let Loaded {
        victim,
        case,
        previous,
        kept,
    } = loaded;
    let today = clock::today();
    let defaults = form_defaults(today, previous.as_ref().map(|p| &p.fields));
    let restored = RwSignal::new(kept.is_some());
    let form = RwSignal::new(kept.unwrap_or_else(|| defaults.clone()));
    let key = StoredValue::new(draft_key(
        &victim.id,
        previous.as_ref().map(|p| p.id.as_str()),
    ));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    provide_context(FormErrors(errors));
    provide_context(RequiredFields(std::sync::Arc::new(|name: &str| {
        REFERRAL.field(name).is_some_and(|field| field.required)
    })));
    let attempted = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let notice = RwSignal::new(None::<Text>);
    let victim_id = victim.id.clone();
    let previous_id = previous.as_ref().map(|p| p.id.clone());
    let facts = StoredValue::new((victim.fields.clone(), case.clone()));
    let fields_now = {
        let (victim_id, previous_id) = (victim_id.clone(), previous_id.clone());
        move || {
            let (victim, case) = facts.get_value();
            form.with_untracked(|f| {
                referral_fields(f, &victim_id, previous_id.as_deref(), &victim, &case)
            })
        }
    };

    // Every change is kept as a draft at once, so a reload or a dead battery loses nothing.
    let edit = {
        let fields_now = fields_now.clone();
        move |change: Box<dyn FnOnce(&mut Draft)>| {
            form.update(|f| change(f));
            if attempted.get_untracked() {
                errors.set(
                    REFERRAL
                        .validate(&fields_now(), clock::today())
                        .err()
                        .unwrap_or_default(),
                );
            }
            let store = ctx.store();
            let kept = form.get_untracked();
            spawn_local(async move {
                // A lost draft write costs only the last change if the page dies now.
                let _ = store.save_draft(&key.get_value(), &kept).await;
            });
        }
    };
    let typed = |name: &'static str| {
        let edit = edit.clone();
        Callback::new(move |value: String| {
            edit(Box::new(move |f: &mut Draft| {
                f.insert(name.into(), value.into());
            }))
        })
    };
    let value =
        move |name: &'static str| Signal::derive(move || form.with(|f| draft::text(f, name)));
    let choose = Signal::derive(move || i18n.t(i18n::CHOOSE));
    let agency_value = value("agency");
    let agency_options =
        Signal::derive(move || agencies.choices(&[agency_value.get()], i18n.lang()));
    let on_referred_on = {
        let edit = edit.clone();
        Callback::new(move |value: String| {
            edit(Box::new(move |f: &mut Draft| set_referred_on(f, value)))
        })
    };

    let discard = move |_| {
        let store = ctx.store();
        let defaults = defaults.clone();
        spawn_local(async move {
            let _ = store.discard_draft(&key.get_value()).await;
            form.set(defaults);
            errors.set(Vec::new());
            restored.set(false);
        });
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let fields = fields_now();
        if let Err(problems) = REFERRAL.validate(&fields, clock::today()) {
            errors.set(problems);
            attempted.set(true);
            notice.set(Some(i18n::FORM_INVALID));
            request_animation_frame(show_first_error);
            return;
        }
        errors.set(Vec::new());
        notice.set(None);
        saving.set(true);
        let case_id = case_id.clone();
        spawn_local(async move {
            let saved = ctx
                .store()
                .save_record(
                    RecordKind::Referral,
                    None,
                    fields,
                    &key.get_value(),
                    clock::now_rfc3339(),
                )
                .await;
            match saved {
                Ok(_) => {
                    ctx.engine().changed();
                    ctx.go(Page::Case(CasePage::Detail(case_id)));
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

    let shares = SHARED
        .into_iter()
        .map(|name| {
            let (victim, case) = facts.get_value();
            let code = fact(name, &victim, &case);
            let known = code.is_some();
            let words = move || {
                let lang = i18n.lang();
                let label = REFERRAL.label(name, lang);
                let value = code.as_ref().map_or_else(
                    || i18n::REFERRAL_NOT_RECORDED.get(lang).to_owned(),
                    |code| value_text_of(Some(&REFERRAL), name, &Value::String(code.clone()), lang),
                );
                format!("{label}: {value}")
            };
            let toggle = edit.clone();
            view! {
                <label class="check" class:unknown=!known>
                    <input
                        type="checkbox"
                        name="share"
                        value=name
                        disabled=!known
                        prop:checked=move || form.with(|f| draft::codes(f, "share").iter().any(|c| c == name))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            toggle(Box::new(move |f: &mut Draft| draft::toggle(f, "share", name, on)));
                        }
                    />
                    <span>{words}</span>
                </label>
            }
        })
        .collect_view();

    let share_identity = {
        let toggle = edit.clone();
        let ticked = move || form.with(|f| f.get(SHARE_IDENTITY_FIELD) == Some(&Value::Bool(true)));
        view! {
            <div class="field yes-no referral-share-identity">
                <label class="check">
                    <input
                        type="checkbox"
                        id="referral-share-identity"
                        name=SHARE_IDENTITY_FIELD
                        aria-describedby="referral-share-identity-hint"
                        prop:checked=ticked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            toggle(Box::new(move |f: &mut Draft| {
                                f.insert(SHARE_IDENTITY_FIELD.into(), on.into());
                            }));
                        }
                    />
                    <span>{move || REFERRAL.label(SHARE_IDENTITY_FIELD, i18n.lang()).to_owned()}</span>
                </label>
                <p class="hint" id="referral-share-identity-hint">{tr(i18n::REFERRAL_SHARE_IDENTITY_HINT)}</p>
            </div>
        }
    };

    let pseudonym = draft::text(&victim.fields, "pseudonym");
    let replaces = previous.map(|p| draft::text(&p.fields, "agency"));
    view! {
        <p class="referral-victim">{tr(i18n::REFERRAL_FOR_VICTIM)} ": " {pseudonym}</p>
        {replaces.map(|agency| view! {
            <p class="notice referral-replaces">
                {move || i18n::replaces_declined(&agencies.label(&agency, i18n.lang()), i18n.lang())}
            </p>
        })}
        <Show when=move || restored.get()>
            <p class="notice draft">
                {tr(i18n::DRAFT_RESTORED)} " "
                <button type="button" id="discard-draft" class="link-button" on:click=discard.clone()>
                    {tr(i18n::DISCARD_DRAFT)}
                </button>
            </p>
        </Show>
        <form id="referral-form" novalidate on:submit=save>
            <RequiredNote />
            <SelectField name="agency" label=label("agency") options=agency_options
                value=agency_value placeholder=choose on_change=typed("agency") />
            <SelectField name="service" label=label("service") options=vocab_choices(SERVICE_TYPES)
                value=value("service") placeholder=choose on_change=typed("service") />
            <TextField name="reason" label=label("reason") kind="textarea"
                value=value("reason") on_input=typed("reason") />
            <SelectField name="urgency" label=label("urgency") options=vocab_choices(REFERRAL_URGENCIES)
                value=value("urgency") placeholder=choose on_change=typed("urgency") />
            <TextField name="referred_on" label=label("referred_on") kind="date"
                max=format_date(today) value=value("referred_on") on_input=on_referred_on />
            <TextField name="needed_by" label=label("needed_by") kind="date"
                value=value("needed_by") on_input=typed("needed_by") />
            <fieldset class="field checks referral-share">
                <legend>{tr(i18n::REFERRAL_SHARED)}</legend>
                <p class="hint">{tr(i18n::REFERRAL_SHARED_HINT)}</p>
                {shares}
                <TextField name="needs" label=label("needs") kind="textarea"
                    value=value("needs") on_input=typed("needs") />
                {share_identity}
            </fieldset>
            {move || notice.get().map(|text| view! {
                <p id="form-notice" class="form-error" role="alert">{move || i18n.t(text)}</p>
            })}
            <div class="actions">
                <button type="submit" id="referral-submit" class="primary" disabled=saving>
                    {move || i18n.t(if saving.get() { i18n::SAVING } else { i18n::REFERRAL_SUBMIT })}
                </button>
                <a class="button secondary" href=back>{tr(i18n::CANCEL)}</a>
            </div>
            <p class="hint">{tr(i18n::REFERRAL_SAVE_HINT)}</p>
        </form>
    }
}
