//! The referrals on the home page (`#/beranda`), read from the device's store alone: for
//! an agency's liaison, its new, overdue and accepted referrals, each opening the referral
//! page; for those who refer, the declined referrals not referred elsewhere yet and those
//! left unanswered, each opening its case.

use super::logic::{liaison_lists, officer_lists, referrals, CaseReferral, Referral};
use crate::agencies::use_agencies;
use crate::app::Page;
use crate::clock;
use crate::i18n::{self, tr, use_i18n};
use crate::pages::cases::CasePage;
use crate::store::{ListedRecord, StoreError};
use gugus_model::regions;
use gugus_model::vocab::{DECLINE_REASONS, REFERRAL_URGENCIES, SERVICE_TYPES};
use gugus_model::Text;
use leptos::prelude::*;

/// What the home page read from the store: every record, or why not.
pub type Records = LocalResource<Result<Vec<ListedRecord>, StoreError>>;

/// One home section of referrals: its heading, a hint, the list, or in words that it is
/// empty.
fn section<T, V>(
    id: &'static str,
    title: Text,
    hint: Text,
    none: Text,
    items: Signal<Vec<T>>,
    item: impl Fn(T) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <section id=id class="home-section referral-section">
            <h2>{tr(title)}</h2>
            <p class="section-hint">{tr(hint)}</p>
            <Show when=move || items.with(Vec::is_empty)>
                <p class="empty">{tr(none)}</p>
            </Show>
            <ul class="attention-list">
                {move || items.get().into_iter().map(item).collect_view()}
            </ul>
        </section>
    }
}

/// A liaison's referrals: new, overdue, accepted.
#[component]
pub fn LiaisonReferrals(
    /// Every record on the device.
    records: Records,
) -> impl IntoView {
    let lists = Memo::new(move |_| {
        records.with(|found| match found {
            Some(Ok(records)) => liaison_lists(referrals(records), clock::today()),
            _ => Default::default(),
        })
    });
    let new = Signal::derive(move || lists.with(|l| l.new.clone()));
    let overdue = Signal::derive(move || lists.with(|l| l.overdue.clone()));
    let accepted = Signal::derive(move || lists.with(|l| l.accepted.clone()));
    let item = |referral| view! { <LiaisonItem referral /> };
    view! {
        {section("liaison-new", i18n::LIAISON_NEW, i18n::LIAISON_NEW_HINT, i18n::LIAISON_NEW_NONE, new, item)}
        {section("liaison-overdue", i18n::LIAISON_OVERDUE, i18n::LIAISON_OVERDUE_HINT, i18n::LIAISON_OVERDUE_NONE, overdue, item)}
        {section("liaison-accepted", i18n::LIAISON_ACCEPTED, i18n::LIAISON_ACCEPTED_HINT, i18n::LIAISON_ACCEPTED_NONE, accepted, item)}
    }
}

/// One referral on a liaison's home page: what is asked, how urgent, by when, and where
/// the victim lives when the officer shared it; never another agency's name.
#[component]
fn LiaisonItem(referral: Referral) -> impl IntoView {
    let i18n = use_i18n();
    let today = clock::today();
    let href = Page::Referral(referral.id().to_owned()).hash();
    let service = referral.text("service");
    let urgency = referral.text("urgency");
    let needed = referral.date("needed_by");
    let kecamatan = referral.text("kecamatan");
    let late = referral
        .overdue(today)
        .then(|| needed.map(|needed| (today - needed).whole_days()))
        .flatten();
    view! {
        <li class="attention-item referral-item" data-id=referral.id().to_owned()
            data-status=referral.life.status.as_str()>
            <a href=href>
                <span class="item-title">{move || SERVICE_TYPES.label(&service, i18n.lang()).to_owned()}</span>
                <span class="item-place referral-when">
                    {move || {
                        let lang = i18n.lang();
                        let by = needed.map(|d| i18n::needed_by(d, lang)).unwrap_or_default();
                        format!("{} · {by}", REFERRAL_URGENCIES.label(&urgency, lang))
                    }}
                </span>
                {(!kecamatan.is_empty()).then(|| view! {
                    <span class="item-place referral-kecamatan">{regions::name_of(&kecamatan).to_owned()}</span>
                })}
                {late.map(|days| view! {
                    <span class="late-note">{move || i18n::days_past_due(days, i18n.lang())}</span>
                })}
            </a>
        </li>
    }
}

/// The referrals that wait for those who refer: declined and not referred elsewhere yet,
/// and unanswered after two days.
#[component]
pub fn OfficerReferrals(
    /// Every record on the device.
    records: Records,
) -> impl IntoView {
    let lists = Memo::new(move |_| {
        records.with(|found| match found {
            Some(Ok(records)) => officer_lists(records, clock::today()),
            _ => Default::default(),
        })
    });
    let declined = Signal::derive(move || lists.with(|l| l.declined.clone()));
    let unanswered = Signal::derive(move || lists.with(|l| l.unanswered.clone()));
    let item = |found| view! { <OfficerItem found /> };
    view! {
        {section(
            "home-referrals-declined",
            i18n::HOME_REFERRALS_DECLINED,
            i18n::HOME_REFERRALS_DECLINED_HINT,
            i18n::HOME_REFERRALS_DECLINED_NONE,
            declined,
            item,
        )}
        {section(
            "home-referrals-unanswered",
            i18n::HOME_REFERRALS_UNANSWERED,
            i18n::HOME_REFERRALS_UNANSWERED_HINT,
            i18n::HOME_REFERRALS_UNANSWERED_NONE,
            unanswered,
            item,
        )}
    }
}

/// One referral on the officer's home page: the service and the agency, the victim, and
/// why it declined or how long it has waited; opening its case.
#[component]
fn OfficerItem(found: CaseReferral) -> impl IntoView {
    let i18n = use_i18n();
    let agencies = use_agencies();
    let today = clock::today();
    let CaseReferral {
        referral,
        case_id,
        pseudonym,
    } = found;
    let href = match case_id.is_empty() {
        true => Page::Case(CasePage::List).hash(),
        false => Page::Case(CasePage::Detail(case_id)).hash(),
    };
    let service = referral.text("service");
    let agency = referral.text("agency");
    let life = referral.life.clone();
    let referred = referral.date("referred_on");
    let state = move || {
        let lang = i18n.lang();
        match (&life.decline_reason, life.answered_on, referred) {
            (Some(reason), Some(on), _) => format!(
                "{} {}: {}",
                i18n.t(i18n::REFERRAL_DECLINED),
                i18n::date_short(on, lang),
                DECLINE_REASONS.label(reason, lang)
            ),
            (Some(reason), None, _) => DECLINE_REASONS.label(reason, lang).to_owned(),
            (None, _, Some(on)) => i18n::referred_days_ago(on, (today - on).whole_days(), lang),
            (None, _, None) => String::new(),
        }
    };
    view! {
        <li class="attention-item referral-item" data-id=referral.id().to_owned()
            data-status=referral.life.status.as_str()>
            <a href=href>
                <span class="item-title">
                    {move || {
                        let lang = i18n.lang();
                        format!("{} · {}", SERVICE_TYPES.label(&service, lang), agencies.label(&agency, lang))
                    }}
                </span>
                {(!pseudonym.is_empty()).then(|| view! {
                    <span class="item-place">{tr(i18n::REFERRAL_FOR_VICTIM)} ": " {pseudonym}</span>
                })}
                <span class="item-note referral-state">{state}</span>
            </a>
        </li>
    }
}
