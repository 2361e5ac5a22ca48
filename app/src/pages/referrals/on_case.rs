//! A case's referrals on the case page (`#case-referrals`): to which agency, for what, by
//! when, where each stands with its timeline, and what the officer can do next: cancel
//! while it is not closed, refer elsewhere after a decline.

use super::logic::{replaced, Referral};
use super::parts::{role_now, CancelReferral, ReferralStatus, Timeline};
use crate::agencies::use_agencies;
use crate::app::{use_ctx, Page};
use crate::i18n::{self, tr, use_i18n};
use crate::pages::cases::CasePage;
use gugus_model::api::Role;
use gugus_model::referral::{Action, Status};
use gugus_model::vocab::{REFERRAL_URGENCIES, SERVICE_TYPES};
use leptos::prelude::*;

/// The referrals of a case's victims (`victims`: each one's id and pseudonym).
#[component]
pub fn CaseReferrals(
    /// The case's id.
    case_id: String,
    /// Its referrals, the earliest first.
    referrals: Vec<Referral>,
    /// Its victims: (id, pseudonym).
    victims: Vec<(String, String)>,
) -> impl IntoView {
    let done = replaced(&referrals);
    let none = referrals.is_empty();
    let items = referrals
        .into_iter()
        .map(|referral| {
            let victim = referral.text("victim_id");
            let pseudonym = victims
                .iter()
                .find(|(id, _)| *id == victim)
                .map(|(_, pseudonym)| pseudonym.clone())
                .unwrap_or_default();
            let again = done.contains(referral.id());
            view! { <CaseReferralItem case_id=case_id.clone() referral pseudonym again /> }
        })
        .collect_view();
    view! {
        <section id="case-referrals">
            <h2>{tr(i18n::REFERRALS_TITLE)}</h2>
            {none.then(|| view! { <p class="empty">{tr(i18n::REFERRALS_NONE)}</p> })}
            <ul class="referral-list">{items}</ul>
        </section>
    }
}

#[component]
fn CaseReferralItem(
    case_id: String,
    referral: Referral,
    pseudonym: String,
    /// Whether another referral already replaces it.
    again: bool,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let agencies = use_agencies();
    let id = referral.id().to_owned();
    let status = referral.life.status;
    let agency = referral.text("agency");
    let service = referral.text("service");
    let urgency = referral.text("urgency");
    let needed = referral.date("needed_by");
    let refers = role_now(ctx).is_some_and(Role::refers);
    let cancels = refers && referral.allows(Action::Cancel);
    let refers_again = refers && status == Status::Declined && !again && !referral.refused();
    let again_page = Page::Case(CasePage::ReferAgain(case_id, id.clone()));
    view! {
        <li class="referral-item card" data-id=id.clone() data-status=status.as_str()>
            <div class="card-head">
                <span class="item-title referral-agency">
                    {move || agencies.label(&agency, i18n.lang())}
                </span>
            </div>
            <p class="referral-line">
                <span class="referral-service">{move || SERVICE_TYPES.label(&service, i18n.lang()).to_owned()}</span>
                " · "
                <span class="referral-urgency">{move || REFERRAL_URGENCIES.label(&urgency, i18n.lang()).to_owned()}</span>
            </p>
            <p class="referral-line">
                <span class="referral-needed">
                    {move || needed.map(|d| i18n::needed_by(d, i18n.lang())).unwrap_or_default()}
                </span>
                {(!pseudonym.is_empty()).then(|| view! {
                    " · "
                    <span class="referral-victim">{tr(i18n::REFERRAL_FOR_VICTIM)} ": " {pseudonym}</span>
                })}
            </p>
            <p class="referral-state"><ReferralStatus referral=referral.clone() /></p>
            <Timeline referral=referral.clone() />
            <div class="row-actions">
                {cancels.then(|| view! { <CancelReferral id=id.clone() /> })}
                {refers_again.then(|| view! {
                    <button type="button" class="secondary referral-rerefer"
                        on:click=move |_| ctx.go(again_page.clone())>
                        {tr(i18n::REFERRAL_REREFER)}
                    </button>
                })}
                <a class="link-button referral-open" href=Page::Referral(id.clone()).hash()>
                    {tr(i18n::REFERRAL_OPEN_PAGE)}
                </a>
            </div>
        </li>
    }
}
