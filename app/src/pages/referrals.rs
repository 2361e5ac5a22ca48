//! Referrals between the task force's member agencies (issue #19), on the device.
//!
//! - [`logic`]: the pure side (a referral with its steps and its life, the home pages'
//!   lists, what a new referral copies from the case), with its tests;
//! - [`form`]: a new referral (`#referral-form`), from the case page;
//! - [`parts`]: the status, the timeline and the cancellation the case page shows too;
//! - [`home`]: the lists of the liaison's and the officer's home pages;
//! - [`on_case`]: a case's referrals on the case page (`#case-referrals`);
//! - [`identity`]: the victim's identity a referral shares with the agency's liaison;
//! - here: the referral page (`#/rujukan/<id>`): what was asked and shared, the timeline,
//!   and for the liaison of the agency addressed, the victim's identity when the referral
//!   shares it, and its answer (accept, decline with a reason, the service delivered).
//!   Every answer is a `referral_step` saved with its outbox entry: it works without
//!   signal and shows "not sent yet" until synced.

pub mod form;
pub mod home;
pub mod identity;
pub mod logic;
pub mod on_case;
pub mod parts;

use crate::agencies::use_agencies;
use crate::app::{use_ctx, Page};
use crate::clock;
use crate::components::fields::{FormErrors, RequiredFields, SelectField, TextField};
use crate::components::notices::value_text_of;
use crate::components::record_form::draft::{self, Draft};
use crate::components::record_form::show_first_error;
use crate::i18n::{self, tr, use_i18n};
use crate::pages::cases::CasePage;
use crate::store::{ListedRecord, LocalRecord, Store, StoreError};
use gugus_model::activity::{format_date, parse_date};
use gugus_model::api::Role;
use gugus_model::referral::Action;
use gugus_model::schema::{as_typed as text, REFERRAL, REFERRAL_STEP};
use gugus_model::vocab::DECLINE_REASONS;
use gugus_model::{FieldError, Lang, RecordKind, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;
use logic::{referrals, Referral, SHARED};
use parts::{save_step, step_draft_key, CancelReferral, ReferralStatus, StepProblem, Timeline};
use serde_json::Value;

/// What the referral page shows.
#[derive(Debug, Clone, PartialEq)]
struct Found {
    /// The referral with its steps.
    referral: Referral,
    /// Its case's id, when the device holds its victim (a liaison's never does).
    case: Option<String>,
    /// The victim's identity record (values sealed), when the referral shares it now and
    /// it has reached the device.
    identity: Option<LocalRecord>,
}

/// The referral `id` with its steps, its case and the identity it shares.
async fn load(store: Store, id: String) -> Result<Option<Found>, StoreError> {
    let Some(listed) = store
        .record(RecordKind::Referral, &id)
        .await?
        .filter(|r| r.record.kind == "referral" && !r.record.deleted)
    else {
        return Ok(None);
    };
    let victim = text(&listed.record.fields, "victim_id");
    let case = store
        .record(RecordKind::Victim, &victim)
        .await?
        .map(|v| text(&v.record.fields, "case_id"))
        .filter(|case| !case.is_empty());
    let mut records: Vec<ListedRecord> = store
        .list_records(RecordKind::ReferralStep)
        .await?
        .into_iter()
        .filter(|step| text(&step.record.fields, "referral_id") == id)
        .collect();
    records.push(listed);
    let Some(referral) = referrals(&records).pop() else {
        return Ok(None);
    };
    let identity = match referral.shares_identity() {
        true => store.identity_of(&victim).await?.map(|i| i.record),
        false => None,
    };
    Ok(Some(Found {
        referral,
        case,
        identity,
    }))
}

/// The referral page.
#[component]
pub fn ReferralPage(
    /// The referral's id.
    id: String,
) -> impl IntoView {
    let ctx = use_ctx();
    let revision = ctx.revision;
    let id = StoredValue::new(id);
    let found = LocalResource::new(move || {
        revision.track();
        load(ctx.store(), id.get_value())
    });
    // Kept here, above what a sync redraws: an answer being typed stays open.
    let answer = AnswerState {
        open: RwSignal::new(None),
        form: RwSignal::new(Draft::new()),
    };
    let shown = move || match found.get() {
        None => view! { <p class="loading">{tr(i18n::LOADING)}</p> }.into_any(),
        Some(Err(_)) => {
            view! { <p class="form-error" role="alert">{tr(i18n::ERR_STORAGE)}</p> }.into_any()
        }
        Some(Ok(None)) => view! {
            <p class="form-error" role="alert">{tr(i18n::REFERRAL_NOT_FOUND)}</p>
        }
        .into_any(),
        Some(Ok(Some(found))) => view! { <ReferralView found answer /> }.into_any(),
    };
    view! {
        <section class="page referral-page">
            <a class="back" href=Page::Home.hash()>{tr(i18n::BACK_HOME)}</a>
            {shown}
        </section>
    }
}

/// A field of a referral in words: agencies by name, codes and regions by label, dates in
/// full.
fn field_words(referral: &Referral, name: &str, agency: &str, lang: Lang) -> String {
    let value = referral.text(name);
    match name {
        "agency" => agency.to_owned(),
        "referred_on" | "needed_by" => {
            parse_date(&value).map_or(value, |date| i18n::date_long(date, lang))
        }
        _ => value_text_of(Some(&REFERRAL), name, &Value::String(value), lang),
    }
}

/// Rows of a definition list: one `.record-field[data-field]` per filled field.
fn rows(referral: &Referral, names: &'static [&'static str]) -> impl IntoView {
    let i18n = use_i18n();
    let agencies = use_agencies();
    let referral = referral.clone();
    move || {
        let lang = i18n.lang();
        let agency = agencies.label(&referral.text("agency"), lang);
        names
            .iter()
            .filter(|name| !referral.text(name).trim().is_empty())
            .map(|name| {
                let label = REFERRAL.label(name, lang);
                let value = field_words(&referral, name, &agency, lang);
                view! {
                    <div class="record-field" data-field=*name>
                        <dt>{label}</dt>
                        <dd>{value}</dd>
                    </div>
                }
            })
            .collect_view()
    }
}

/// What a referral asks, in the form's order.
const ASKED: [&str; 6] = [
    "agency",
    "service",
    "urgency",
    "reason",
    "referred_on",
    "needed_by",
];

/// What a referral may share of the case, the officer's words last.
const FACTS: [&str; 5] = [SHARED[0], SHARED[1], SHARED[2], SHARED[3], "needs"];

#[component]
fn ReferralView(found: Found, answer: AnswerState) -> impl IntoView {
    let ctx = use_ctx();
    let Found {
        referral,
        case,
        identity,
    } = found;
    let i18n = use_i18n();
    let id = referral.id().to_owned();
    let status = referral.life.status;
    let service = referral.text("service");
    let (role, own_agency) = ctx
        .session
        .with_untracked(|s| {
            s.as_ref()
                .map(|s| (Some(s.user.role), s.user.agency.clone()))
        })
        .unwrap_or_default();
    // Only the liaison of the agency addressed answers, while the referral is open or
    // accepted; the referring side may cancel it until then.
    let answers = role == Some(Role::Liaison)
        && own_agency == referral.text("agency")
        && !referral.refused()
        && !status.is_closed();
    let cancels = role.is_some_and(Role::refers) && referral.allows(Action::Cancel);
    // The liaison sees the identity the referral shares with it; those who refer see it
    // on the case page.
    let sees_identity = role == Some(Role::Liaison) && referral.shares_identity();
    let shared_none = FACTS
        .iter()
        .all(|name| referral.text(name).trim().is_empty());
    view! {
        <div id="referral-detail" data-id=id.clone() data-status=status.as_str()>
            <h1>{move || gugus_model::vocab::SERVICE_TYPES.label(&service, i18n.lang()).to_owned()}</h1>
            <p class="referral-state"><ReferralStatus referral=referral.clone() /></p>
            <h2>{tr(i18n::REFERRAL_ASKED)}</h2>
            <dl id="referral-fields" class="record-fields">{rows(&referral, &ASKED)}</dl>
            <h2>{tr(i18n::REFERRAL_FACTS)}</h2>
            {if shared_none {
                view! { <p class="empty" id="referral-no-facts">{tr(i18n::REFERRAL_NO_FACTS)}</p> }.into_any()
            } else {
                view! { <dl id="referral-facts" class="record-fields">{rows(&referral, &FACTS)}</dl> }.into_any()
            }}
            {sees_identity.then(|| view! { <identity::SharedIdentity identity /> })}
            <h2>{tr(i18n::REFERRAL_HISTORY)}</h2>
            <Timeline referral=referral.clone() />
            {answers.then(|| view! { <Answers referral=referral.clone() state=answer /> })}
            {cancels.then(|| view! { <div class="row-actions"><CancelReferral id=id.clone() /></div> })}
            {case.map(|case| view! {
                <a class="link-button open-case" href=Page::Case(CasePage::Detail(case)).hash()>
                    {tr(i18n::HOME_OPEN_CASE)}
                </a>
            })}
        </div>
    }
}

/// The `(code, label)` choices of the decline reasons (tracked).
fn decline_reasons() -> Signal<Vec<(String, String)>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        let lang = i18n.lang();
        DECLINE_REASONS
            .terms
            .iter()
            .map(|t| (t.code.to_owned(), t.label.get(lang).to_owned()))
            .collect()
    })
}

/// The answer form open on the referral page, and what is typed in it.
#[derive(Debug, Clone, Copy)]
struct AnswerState {
    /// The step whose form is open.
    open: RwSignal<Option<Action>>,
    /// What is typed in it (kept as a draft too).
    form: RwSignal<Draft>,
}

/// The liaison's answer: "Terima" at once; "Tolak" and "Layanan sudah diberikan" each
/// open a short form (kept as a draft while typed) before the step is saved.
#[component]
fn Answers(referral: Referral, state: AnswerState) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let id = StoredValue::new(referral.id().to_owned());
    let can = |action| referral.allows(action);
    let (accept, decline, deliver) = (
        can(Action::Accept),
        can(Action::Decline),
        can(Action::Deliver),
    );
    let AnswerState { open, form } = state;
    let errors = RwSignal::new(Vec::<FieldError>::new());
    provide_context(FormErrors(errors));
    provide_context(RequiredFields(std::sync::Arc::new(|name: &str| {
        matches!(name, "decline_reason" | "date")
    })));
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<Text>);
    let today = clock::today();

    let take = move |action: Action| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failed.set(None);
        let typed = form.get_untracked();
        spawn_local(async move {
            let saved = save_step(ctx, id.get_value(), action, typed).await;
            busy.set(false);
            match saved {
                Ok(()) => {
                    open.set(None);
                    errors.set(Vec::new());
                }
                Err(StepProblem::Invalid(problems)) => {
                    errors.set(problems);
                    request_animation_frame(show_first_error);
                }
                Err(StepProblem::NotSaved(text)) => failed.set(Some(text)),
            }
        });
    };
    // A form opens with what was typed in it before (a reload loses nothing); the date
    // of a delivery starts at today.
    let opening = move |action: Action| {
        let store = ctx.store();
        spawn_local(async move {
            let key = step_draft_key(&id.get_value(), action);
            let mut start: Draft = store.draft(&key).await.ok().flatten().unwrap_or_default();
            if action == Action::Deliver && draft::text(&start, "date").is_empty() {
                start.insert("date".into(), format_date(today).into());
            }
            form.set(start);
            errors.set(Vec::new());
            failed.set(None);
            open.set(Some(action));
        });
    };
    let edit = move |name: &'static str| {
        Callback::new(move |value: String| {
            form.update(|f| {
                f.insert(name.into(), value.into());
            });
            let Some(action) = open.get_untracked() else {
                return;
            };
            let store = ctx.store();
            let kept = form.get_untracked();
            spawn_local(async move {
                // A lost draft write costs only the last change if the page dies now.
                let _ = store
                    .save_draft(&step_draft_key(&id.get_value(), action), &kept)
                    .await;
            });
        })
    };
    let value =
        move |name: &'static str| Signal::derive(move || form.with(|f| draft::text(f, name)));
    let choose = Signal::derive(move || i18n.t(i18n::CHOOSE));
    let submit = move |action: Action| {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            take(action);
        }
    };
    let close = move |_| {
        open.set(None);
        errors.set(Vec::new());
    };
    let reason_label = REFERRAL_STEP
        .field("decline_reason")
        .map_or(i18n::REFERRAL_DECLINE, |f| f.label);
    view! {
        <section id="referral-answer" class="referral-answer">
            <h2>{tr(i18n::REFERRAL_ANSWER_TITLE)}</h2>
            <Show when=move || open.get().is_none()>
                <div class="row-actions answer-buttons">
                    {accept.then(|| view! {
                        <button type="button" id="referral-accept" class="primary" disabled=busy
                            on:click=move |_| take(Action::Accept)>
                            {tr(i18n::REFERRAL_ACCEPT)}
                        </button>
                    })}
                    {decline.then(|| view! {
                        <button type="button" id="referral-decline" class="secondary"
                            on:click=move |_| opening(Action::Decline)>
                            {tr(i18n::REFERRAL_DECLINE)}
                        </button>
                    })}
                    {deliver.then(|| view! {
                        <button type="button" id="referral-deliver" class="secondary"
                            on:click=move |_| opening(Action::Deliver)>
                            {tr(i18n::REFERRAL_DELIVER)}
                        </button>
                    })}
                </div>
            </Show>
            <Show when=move || open.get() == Some(Action::Decline)>
                <form id="referral-decline-form" class="answer-form" novalidate on:submit=submit(Action::Decline)>
                    <SelectField name="decline_reason" label=reason_label options=decline_reasons()
                        value=value("decline_reason") placeholder=choose on_change=edit("decline_reason") />
                    <TextField name="note" label=i18n::REFERRAL_NOTE kind="textarea"
                        value=value("note") on_input=edit("note") />
                    <div class="row-actions">
                        <button type="submit" id="referral-decline-submit" class="danger" disabled=busy>
                            {tr(i18n::REFERRAL_DECLINE_SUBMIT)}
                        </button>
                        <button type="button" class="secondary answer-back" on:click=close>
                            {tr(i18n::CANCEL)}
                        </button>
                    </div>
                </form>
            </Show>
            <Show when=move || open.get() == Some(Action::Deliver)>
                <form id="referral-deliver-form" class="answer-form" novalidate on:submit=submit(Action::Deliver)>
                    <TextField name="date" label=i18n::REFERRAL_DELIVER_DATE kind="date"
                        max=format_date(today) value=value("date") on_input=edit("date") />
                    <TextField name="note" label=i18n::REFERRAL_NOTE kind="textarea"
                        value=value("note") on_input=edit("note") />
                    <div class="row-actions">
                        <button type="submit" id="referral-deliver-submit" class="primary" disabled=busy>
                            {tr(i18n::REFERRAL_DELIVER_SUBMIT)}
                        </button>
                        <button type="button" class="secondary answer-back" on:click=close>
                            {tr(i18n::CANCEL)}
                        </button>
                    </div>
                </form>
            </Show>
            {move || failed.get().map(|text| view! {
                <p class="form-error" role="alert">{move || i18n.t(text)}</p>
            })}
            <p class="hint">{tr(i18n::REFERRAL_ANSWER_HINT)}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // Plain tests natively (`cargo test -p gugus-app --lib`), browser tests in wasm.
    #[cfg(target_family = "wasm")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_referral_page_has_its_address_and_is_for_every_role_that_syncs() {
        let id = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".to_owned();
        let page = Page::Referral(id.clone());
        assert_eq!(page.hash(), format!("#/rujukan/{id}"));
        assert_eq!(Page::from_hash(&page.hash()), Some(page.clone()));
        assert_eq!(Page::from_hash("#/rujukan/"), None);
        for role in [Role::Liaison, Role::Officer, Role::Supervisor, Role::Admin] {
            assert_eq!(page.clone().allowed_for(role), page, "{role:?}");
        }
        assert_eq!(page.allowed_for(Role::Viewer), Page::Stats);
    }

    #[test]
    fn the_referral_form_pages_round_trip_through_their_hash() {
        let c = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".to_owned();
        let v = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c".to_owned();
        for page in [
            CasePage::NewReferral(c.clone(), v.clone()),
            CasePage::ReferAgain(c.clone(), v.clone()),
        ] {
            let hash = Page::Case(page.clone()).hash();
            assert_eq!(Page::from_hash(&hash), Some(Page::Case(page)), "{hash}");
        }
        // Only those who refer open them: a liaison has no case.
        let new = Page::Case(CasePage::NewReferral(c, v));
        assert_eq!(new.clone().allowed_for(Role::Officer), new);
        assert_eq!(new.allowed_for(Role::Liaison), Page::Home);
    }
}
