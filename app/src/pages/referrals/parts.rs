//! Pieces of a referral that the case page and the referral page both show: its status in
//! words with the "overdue" badge and, while it shares the victim's identity with the
//! agency's liaison, "Identitas dibagikan"; its timeline (a step the server refused stays on it,
//! marked, with the reason), the cancellation (asked twice), and the saving of a step.

use super::logic::{refusal, step_fields, Referral};
use crate::app::{use_ctx, Ctx};
use crate::clock;
use crate::components::badges_of;
use crate::components::record_form::draft::Draft;
use crate::i18n::{self, tr, use_i18n};
use crate::store::{ListedRecord, StoreError};
use gugus_model::activity::parse_date;
use gugus_model::api::Role;
use gugus_model::referral::Action;
use gugus_model::schema::as_typed as text;
use gugus_model::schema::REFERRAL_STEP;
use gugus_model::vocab::{DECLINE_REASONS, REFERRAL_ACTIONS};
use gugus_model::{FieldError, RecordKind, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The role of whoever is logged in, read once (the screens that ask are drawn again on
/// every change anyway).
pub fn role_now(ctx: Ctx) -> Option<Role> {
    ctx.session
        .with_untracked(|s| s.as_ref().map(|s| s.user.role))
}

/// The draft key of the form that takes `action` on referral `id`.
pub fn step_draft_key(id: &str, action: Action) -> String {
    format!("referral_step:new:{id}:{}", action.as_str())
}

/// Why a step was not saved.
#[derive(Debug, Clone, PartialEq)]
pub enum StepProblem {
    /// The form's fields, each with what is wrong.
    Invalid(Vec<FieldError>),
    /// The phone's storage failed.
    NotSaved(Text),
}

/// Saves the step `action` on referral `id` with the form's date, reason and note, with
/// its outbox entry (it is sent at the next sync); the screens reload.
pub async fn save_step(
    ctx: Ctx,
    id: String,
    action: Action,
    form: Draft,
) -> Result<(), StepProblem> {
    let today = clock::today();
    let fields = step_fields(&id, action, &form, today);
    REFERRAL_STEP
        .validate(&fields, today)
        .map_err(StepProblem::Invalid)?;
    let saved = ctx
        .store()
        .save_record(
            RecordKind::ReferralStep,
            None,
            fields,
            &step_draft_key(&id, action),
            clock::now_rfc3339(),
        )
        .await;
    match saved {
        Ok(_) => {
            ctx.engine().changed();
            Ok(())
        }
        Err(StoreError::QuotaExceeded) => Err(StepProblem::NotSaved(i18n::ERR_STORAGE)),
        Err(_) => Err(StepProblem::NotSaved(i18n::REFERRAL_STEP_FAILED)),
    }
}

/// A referral's status in words (`.referral-status[data-status]`), the "overdue" badge
/// when it is past its "needed by" date and not closed, and `.referral-identity-shared`
/// while it shares the victim's identity with the agency's liaison (open or accepted).
#[component]
pub fn ReferralStatus(
    /// The referral.
    referral: Referral,
) -> impl IntoView {
    let status = referral.life.status;
    let overdue = referral.overdue(clock::today());
    let shared = referral.shares_identity();
    view! {
        <span class="referral-status" data-status=status.as_str()>
            {tr(i18n::referral_status(status))}
        </span>
        {overdue.then(|| view! { <span class="badge overdue">{tr(i18n::BADGE_OVERDUE)}</span> })}
        {shared.then(|| view! {
            <span class="badge referral-identity-shared">{tr(i18n::REFERRAL_IDENTITY_SHARED)}</span>
        })}
    }
}

/// A line saying why the server refused a record, when it did.
fn refusal_line(record: &ListedRecord, class: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let record = record.record.clone();
    record.rejection.is_some().then(|| {
        view! {
            <p class=format!("refusal {class}") role="alert">
                {move || refusal(&record, i18n.lang()).unwrap_or_default()}
            </p>
        }
    })
}

/// A referral's timeline: the referral itself, then each step in the server's order; a
/// step not sent yet or refused is marked, a refused one with the reason.
#[component]
pub fn Timeline(
    /// The referral.
    referral: Referral,
) -> impl IntoView {
    let i18n = use_i18n();
    let referred_on = referral.date("referred_on");
    let sent = referral.listed.clone();
    view! {
        <ol class="referral-timeline timeline">
            <li class="referral-sent">
                <span class="item-date">
                    {move || referred_on.map(|d| i18n::date_short(d, i18n.lang())).unwrap_or_default()}
                </span>
                " "
                <span class="step-action">{tr(i18n::REFERRAL_SENT)}</span>
                {badges_of(&sent)}
                {refusal_line(&sent, "referral-refusal")}
            </li>
            {referral.steps.into_iter().map(|step| view! { <StepItem step /> }).collect_view()}
        </ol>
    }
}

#[component]
fn StepItem(step: ListedRecord) -> impl IntoView {
    let i18n = use_i18n();
    let fields = step.record.fields.clone();
    let action = text(&fields, "action");
    let date = parse_date(&text(&fields, "date"));
    let reason = text(&fields, "decline_reason");
    let note = text(&fields, "note");
    let pending = step.pending;
    let refused = step.record.rejection.is_some();
    let label = action.clone();
    view! {
        <li class="referral-step" class:refused=refused data-id=step.record.id.clone() data-action=action>
            <span class="item-date">
                {move || date.map(|d| i18n::date_short(d, i18n.lang())).unwrap_or_default()}
            </span>
            " "
            <span class="step-action">{move || REFERRAL_ACTIONS.label(&label, i18n.lang()).to_owned()}</span>
            {(!reason.is_empty()).then(|| view! {
                <span class="step-reason">{move || DECLINE_REASONS.label(&reason, i18n.lang()).to_owned()}</span>
            })}
            {(!note.is_empty()).then(|| view! { <p class="step-note">{note}</p> })}
            {(pending || refused).then(|| view! {
                <span class="badges">
                    {pending.then(|| view! { <span class="badge pending">{tr(i18n::BADGE_PENDING)}</span> })}
                    {refused.then(|| view! { <span class="badge rejected">{tr(i18n::REFERRAL_STEP_REFUSED)}</span> })}
                </span>
            })}
            {refusal_line(&step, "step-refusal")}
        </li>
    }
}

/// "Batalkan rujukan", asked again before the cancellation is saved.
#[component]
pub fn CancelReferral(
    /// The referral's id.
    id: String,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<Text>);
    let id = StoredValue::new(id);
    let cancel = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failed.set(None);
        spawn_local(async move {
            let saved = save_step(ctx, id.get_value(), Action::Cancel, Draft::new()).await;
            busy.set(false);
            match saved {
                Ok(()) => asking.set(false),
                Err(StepProblem::NotSaved(text)) => failed.set(Some(text)),
                Err(StepProblem::Invalid(_)) => failed.set(Some(i18n::REFERRAL_STEP_FAILED)),
            }
        });
    };
    view! {
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <button type="button" class="secondary referral-cancel"
                    on:click=move |_| { failed.set(None); asking.set(true); }>
                    {tr(i18n::REFERRAL_CANCEL)}
                </button>
            }
        >
            <div class="confirm" role="alertdialog">
                <p>{tr(i18n::REFERRAL_CANCEL_CONFIRM)}</p>
                <div class="row-actions">
                    <button type="button" class="danger referral-cancel-confirm" disabled=busy on:click=cancel>
                        {tr(i18n::REFERRAL_CANCEL_YES)}
                    </button>
                    <button type="button" class="secondary referral-cancel-back" on:click=move |_| asking.set(false)>
                        {tr(i18n::REFERRAL_CANCEL_NO)}
                    </button>
                </div>
            </div>
        </Show>
        {move || failed.get().map(|text| view! {
            <p class="form-error" role="alert">{move || i18n.t(text)}</p>
        })}
    }
}
