//! The home page (`#/beranda`) of the roles that sync records: what needs attention, read
//! only from the device's store so it opens at once without signal. Services still waiting
//! past the 7 days of UU 21/2007 art. 51, records with an open conflict, changes the server
//! refused, and how many changes wait to be sent with the last sync. Referrals (issue #19,
//! `referrals::home`): an agency's liaison sees its new, overdue and accepted referrals
//! first (and no services); those who refer see their declined and unanswered ones.

use super::cases::timeliness::overdue_days;
use super::cases::CasePage;
use super::referrals::home::{LiaisonReferrals, OfficerReferrals};
use crate::app::{use_ctx, Page};
use crate::clock::{self, local_date_time};
use crate::i18n::{self, tr, use_i18n};
use crate::store::{ListedRecord, LocalRecord};
use crate::sync::SyncState;
use gugus_model::activity::parse_date;
use gugus_model::schema::as_typed as text;
use gugus_model::vocab::{ACTIVITY_TYPES, LEGAL_STAGES, MODUS, SERVICE_TYPES};
use gugus_model::Lang;
use leptos::prelude::*;
use std::collections::BTreeMap;
use time::Date;

/// A service requested but not delivered, waiting longer than the law allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueService {
    /// The service's id.
    pub id: String,
    /// The case it belongs to (through its victim); empty when the device lacks them.
    pub case_id: String,
    /// Service type code.
    pub service_type: String,
    /// Provider agency code.
    pub provider: String,
    /// The victim's pseudonym.
    pub pseudonym: String,
    /// Days since the request.
    pub days: i64,
}

/// A record that needs the officer: a conflict to settle or a refused change to fix.
#[derive(Debug, Clone, PartialEq)]
pub struct Flagged {
    /// The record.
    pub record: LocalRecord,
    /// Where it is fixed: its form (or the case, for a note or an identity).
    pub href: String,
}

/// A case's overdue services, listed under it.
#[derive(Debug, Clone, PartialEq)]
pub struct OverdueCase {
    /// The case's id (empty when the device lacks the links up to it).
    pub case_id: String,
    /// The case itself, when the device has it (for its title).
    pub case: Option<LocalRecord>,
    /// Its overdue services, the longest waiting first.
    pub services: Vec<OverdueService>,
}

impl OverdueCase {
    /// How long its longest-waiting service has waited, in days.
    pub fn longest(&self) -> i64 {
        self.services.first().map_or(0, |s| s.days)
    }
}

/// What the home page lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attention {
    /// Overdue services by case, the case with the longest wait first.
    pub overdue: Vec<OverdueCase>,
    /// Records with an open conflict, latest change first.
    pub conflicts: Vec<Flagged>,
    /// Records whose last change the server refused, latest change first.
    pub rejected: Vec<Flagged>,
}

/// The case a record sits under (a case is its own), following victim links.
fn case_of(record: &LocalRecord, by_id: &BTreeMap<&str, &LocalRecord>) -> String {
    match record.kind.as_str() {
        "case" => record.id.clone(),
        "victim" | "legal_step" | "note" => text(&record.fields, "case_id"),
        "service" | "victim_identity" => by_id
            .get(text(&record.fields, "victim_id").as_str())
            .map(|victim| text(&victim.fields, "case_id"))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// Where a flagged record is fixed.
fn fix_href(record: &LocalRecord, by_id: &BTreeMap<&str, &LocalRecord>) -> String {
    let id = record.id.clone();
    let case = case_of(record, by_id);
    let page = match record.kind.as_str() {
        "activity" => return Page::EditActivity(id).hash(),
        // A referral and its steps show on its own page, for the liaison too.
        "referral" => return Page::Referral(id).hash(),
        "referral_step" => return Page::Referral(text(&record.fields, "referral_id")).hash(),
        "case" => CasePage::EditCase(id),
        _ if case.is_empty() => CasePage::List,
        "victim" => CasePage::EditVictim(case, id),
        "service" => CasePage::EditService(case, id),
        "legal_step" => CasePage::EditLegalStep(case, id),
        _ => CasePage::Detail(case),
    };
    Page::Case(page).hash()
}

/// Sorts the latest change first.
fn latest_first(list: &mut [Flagged]) {
    list.sort_by(|a, b| {
        (&b.record.changed_at, &b.record.id).cmp(&(&a.record.changed_at, &a.record.id))
    });
}

/// What needs attention among `records` on `today`.
pub fn attention(records: &[ListedRecord], today: Date) -> Attention {
    let alive: Vec<&LocalRecord> = records
        .iter()
        .map(|listed| &listed.record)
        .filter(|record| !record.deleted)
        .collect();
    let by_id: BTreeMap<&str, &LocalRecord> = alive.iter().map(|r| (r.id.as_str(), *r)).collect();
    let mut overdue: Vec<OverdueService> = alive
        .iter()
        .filter(|r| r.kind == "service")
        .filter_map(|service| {
            let days = overdue_days(&service.fields, today)?;
            let victim = by_id.get(text(&service.fields, "victim_id").as_str());
            Some(OverdueService {
                id: service.id.clone(),
                case_id: case_of(service, &by_id),
                service_type: text(&service.fields, "type"),
                provider: text(&service.fields, "provider"),
                pseudonym: victim
                    .map(|v| text(&v.fields, "pseudonym"))
                    .unwrap_or_default(),
                days,
            })
        })
        .collect();
    overdue.sort_by(|a, b| (b.days, &a.id).cmp(&(a.days, &b.id)));
    let mut by_case: Vec<OverdueCase> = Vec::new();
    for service in overdue {
        match by_case.iter_mut().find(|c| c.case_id == service.case_id) {
            Some(case) => case.services.push(service),
            None => by_case.push(OverdueCase {
                case_id: service.case_id.clone(),
                case: by_id.get(service.case_id.as_str()).map(|c| (*c).clone()),
                services: vec![service],
            }),
        }
    }
    let flagged = |keep: fn(&LocalRecord) -> bool| {
        let mut list: Vec<Flagged> = alive
            .iter()
            .filter(|r| keep(r))
            .map(|r| Flagged {
                record: (*r).clone(),
                href: fix_href(r, &by_id),
            })
            .collect();
        latest_first(&mut list);
        list
    };
    Attention {
        overdue: by_case,
        conflicts: flagged(LocalRecord::has_conflict),
        rejected: flagged(|r| r.rejection.is_some()),
    }
}

/// A record's kind and what tells it apart, in words ("Kasus: Awak kapal ikan").
pub fn record_title(record: &LocalRecord, lang: Lang) -> String {
    let fields = &record.fields;
    let date = |name: &str| {
        parse_date(&text(fields, name))
            .map(|d| i18n::date_short(d, lang))
            .unwrap_or_default()
    };
    let what = match record.kind.as_str() {
        "activity" => format!(
            "{}, {}",
            ACTIVITY_TYPES.label(&text(fields, "type"), lang),
            date("date")
        ),
        "case" => format!(
            "{}, {}",
            MODUS.label(&text(fields, "modus"), lang),
            date("date_reported")
        ),
        "victim" => text(fields, "pseudonym"),
        "service" => SERVICE_TYPES.label(&text(fields, "type"), lang).to_owned(),
        "legal_step" => LEGAL_STAGES.label(&text(fields, "stage"), lang).to_owned(),
        "note" => text(fields, "text").chars().take(40).collect(),
        "referral" => SERVICE_TYPES
            .label(&text(fields, "service"), lang)
            .to_owned(),
        "referral_step" => gugus_model::vocab::REFERRAL_ACTIONS
            .label(&text(fields, "action"), lang)
            .to_owned(),
        _ => String::new(),
    };
    let kind = i18n::kind_label(&record.kind).map_or(record.kind.as_str(), |k| k.get(lang));
    if what.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {what}")
    }
}

/// The home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let revision = ctx.revision;
    let records = LocalResource::new(move || {
        revision.track();
        let store = ctx.store();
        async move { store.all_records().await }
    });
    let found = Memo::new(move |_| match records.get() {
        Some(Ok(records)) => Some(attention(&records, clock::today())),
        _ => None,
    });
    let failed = move || matches!(records.get(), Some(Err(_)));
    let overdue = move || found.with(|a| a.as_ref().map(|a| a.overdue.clone()).unwrap_or_default());
    let conflicts =
        move || found.with(|a| a.as_ref().map(|a| a.conflicts.clone()).unwrap_or_default());
    let rejected =
        move || found.with(|a| a.as_ref().map(|a| a.rejected.clone()).unwrap_or_default());
    let loaded = move || found.with(Option::is_some);
    // A liaison's device holds only its agency's referrals: its lists come first; those who
    // refer see their declined and unanswered referrals after the late services.
    // Read once: a logout takes the page away, and its lists must not be rebuilt (from a
    // resource the logout disposes) as the session goes.
    let role = ctx
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.user.role));
    let liaison = move || role == Some(gugus_model::api::Role::Liaison);
    let refers = move || role.is_some_and(gugus_model::api::Role::refers);
    let pending = move || ctx.status.with(|s| s.pending);
    let pending_text = move || match pending() {
        0 => i18n.t(i18n::HOME_ALL_SENT).to_owned(),
        n => i18n::pending_changes(n, i18n.lang()),
    };
    let last = move || {
        let lang = i18n.lang();
        match ctx
            .status
            .with(|s| s.last_sync.clone())
            .as_deref()
            .and_then(local_date_time)
        {
            Some((date, hour, minute)) => i18n::last_sync(date, hour, minute, lang),
            None => i18n.t(i18n::NEVER_SYNCED).to_owned(),
        }
    };
    view! {
        <section class="page home">
            <h1 id="home-title">{tr(i18n::HOME_TITLE)}</h1>
            <Show when=failed>
                <p class="form-error" role="alert">{tr(i18n::ERR_STORAGE)}</p>
            </Show>
            <Show when=move || loaded() && liaison()>
                <LiaisonReferrals records />
            </Show>
            // The officer's own work that did not go through comes first; then what waits
            // to be sent; then the services late by law, by case.
            <Show when=loaded fallback=move || view! { <p class="loading">{tr(i18n::LOADING)}</p> }>
                <section id="home-conflicts" class="home-section">
                    <h2>{tr(i18n::HOME_CONFLICTS)}</h2>
                    <Show when=move || conflicts().is_empty()>
                        <p class="empty">{tr(i18n::HOME_CONFLICTS_NONE)}</p>
                    </Show>
                    <ul class="attention-list">
                        {move || conflicts().into_iter().map(|flagged| view! {
                            <FlaggedItem flagged note=i18n::HOME_CONFLICT_HINT class="conflict-item" />
                        }).collect_view()}
                    </ul>
                </section>
                <section id="home-rejected" class="home-section">
                    <h2>{tr(i18n::HOME_REJECTED)}</h2>
                    <Show when=move || rejected().is_empty()>
                        <p class="empty">{tr(i18n::HOME_REJECTED_NONE)}</p>
                    </Show>
                    <ul class="attention-list">
                        {move || rejected().into_iter().map(|flagged| view! {
                            <FlaggedItem flagged note=i18n::HOME_REJECTED_HINT class="rejected-item" />
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
            <section id="home-sync" class="home-section">
                <h2>{tr(i18n::HOME_SYNC)}</h2>
                <p id="home-pending" class="home-figure" data-pending=move || pending().to_string()>
                    {pending_text}
                </p>
                <Show when=move || { pending() > 0 && ctx.status.with(|s| s.state == SyncState::Offline) }>
                    <p id="home-offline-safe" class="home-note">{tr(i18n::OFFLINE_SAFE)}</p>
                </Show>
                <p id="home-last-sync" class="home-note">{last}</p>
            </section>
            <Show when=move || loaded() && !liaison()>
                <section id="home-overdue" class="home-section">
                    <h2>{tr(i18n::HOME_OVERDUE)}</h2>
                    <p class="section-hint">{tr(i18n::HOME_OVERDUE_HINT)}</p>
                    <Show when=move || overdue().is_empty()>
                        <p class="empty">{tr(i18n::HOME_OVERDUE_NONE)}</p>
                    </Show>
                    <ul class="attention-list">
                        {move || {
                            let cases = overdue();
                            // One case shows its services at once; several, a line each to open.
                            let open = cases.len() == 1;
                            cases.into_iter().map(|case| view! { <OverdueCaseItem case open /> }).collect_view()
                        }}
                    </ul>
                </section>
            </Show>
            <Show when=move || loaded() && refers()>
                <OfficerReferrals records />
            </Show>
        </section>
    }
}

/// A case with overdue services: its title and how many, opening to the services.
#[component]
fn OverdueCaseItem(case: OverdueCase, open: bool) -> impl IntoView {
    let i18n = use_i18n();
    let href = if case.case_id.is_empty() {
        Page::Case(CasePage::List).hash()
    } else {
        Page::Case(CasePage::Detail(case.case_id.clone())).hash()
    };
    let (count, longest) = (case.services.len(), case.longest());
    let title = case.case.clone();
    let services = case.services.clone();
    view! {
        <li class="overdue-case" data-case=case.case_id.clone() data-count=count.to_string()>
            <details open=open>
                <summary>
                    <span class="item-title">
                        {move || title.as_ref().map_or_else(
                            || i18n.t(i18n::HOME_OVERDUE_NO_CASE).to_owned(),
                            |case| record_title(case, i18n.lang()),
                        )}
                    </span>
                    <span class="late-count">{move || i18n::overdue_count(count, longest, i18n.lang())}</span>
                </summary>
                <ul class="attention-list">
                    {services.into_iter().map(|service| view! { <OverdueItem service /> }).collect_view()}
                </ul>
                <a class="link-button open-case" href=href>{tr(i18n::HOME_OPEN_CASE)}</a>
            </details>
        </li>
    }
}

/// One overdue service: a link to its case.
#[component]
fn OverdueItem(service: OverdueService) -> impl IntoView {
    let i18n = use_i18n();
    let agencies = crate::agencies::use_agencies();
    let href = if service.case_id.is_empty() {
        Page::Case(CasePage::List).hash()
    } else {
        Page::Case(CasePage::Detail(service.case_id.clone())).hash()
    };
    let OverdueService {
        id,
        case_id,
        service_type,
        provider,
        pseudonym,
        days,
    } = service;
    view! {
        <li class="attention-item overdue-item" data-id=id data-case=case_id data-days=days.to_string()>
            <a href=href>
                <span class="item-title">
                    {move || SERVICE_TYPES.label(&service_type, i18n.lang()).to_owned()}
                </span>
                <span class="item-place">
                    {move || format!("{} · {}", pseudonym, agencies.label(&provider, i18n.lang()))}
                </span>
                <span class="late-note">{move || i18n::service_days(days, false, i18n.lang())}</span>
            </a>
        </li>
    }
}

/// One record with a conflict or a refused change: a link to where it is fixed.
#[component]
fn FlaggedItem(flagged: Flagged, note: gugus_model::Text, class: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let Flagged { record, href } = flagged;
    let id = record.id.clone();
    let kind = record.kind.clone();
    view! {
        <li class=format!("attention-item {class}") data-id=id data-kind=kind>
            <a href=href>
                <span class="item-title">{move || record_title(&record, i18n.lang())}</span>
                <span class="item-note">{move || i18n.t(note)}</span>
            </a>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use time::macros::date;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn listed(kind: &str, id: &str, fields: Value) -> ListedRecord {
        let fields = fields.as_object().cloned().unwrap_or_default();
        ListedRecord {
            record: LocalRecord::created(id.into(), kind, fields, "2026-11-01T00:00:00Z".into()),
            pending: false,
        }
    }

    #[test]
    fn overdue_services_link_to_their_case_and_wait_longest_first() {
        let records = vec![
            listed("case", "c1", json!({"modus": "ship_crew"})),
            listed(
                "victim",
                "v1",
                json!({"case_id": "c1", "pseudonym": "R.W."}),
            ),
            listed(
                "service",
                "s1",
                json!({"victim_id": "v1", "type": "shelter", "requested_on": "2026-11-09"}),
            ),
            listed(
                "service",
                "s2",
                json!({"victim_id": "v1", "type": "health", "requested_on": "2026-11-01"}),
            ),
            listed(
                "service",
                "s3",
                json!({"victim_id": "v1", "requested_on": "2026-11-01", "delivered_on": "2026-11-20"}),
            ),
            listed(
                "service",
                "s4",
                json!({"victim_id": "v1", "requested_on": "2026-11-25"}),
            ),
        ];
        let found = attention(&records, date!(2026 - 11 - 29));
        assert_eq!(found.overdue.len(), 1, "one case");
        let case = &found.overdue[0];
        assert_eq!(case.case_id, "c1");
        assert_eq!(case.case.as_ref().map(|c| c.id.as_str()), Some("c1"));
        assert_eq!(case.longest(), 28);
        let ids: Vec<(&str, &str, i64)> = case
            .services
            .iter()
            .map(|s| (s.id.as_str(), s.case_id.as_str(), s.days))
            .collect();
        assert_eq!(ids, vec![("s2", "c1", 28), ("s1", "c1", 20)]);
        assert_eq!(case.services[0].pseudonym, "R.W.");
        assert!(found.conflicts.is_empty() && found.rejected.is_empty());
    }

    #[test]
    fn conflicts_link_to_the_form_that_settles_them() {
        let mut victim = listed("victim", "v1", json!({"case_id": "c1"}));
        victim.record.open_conflict = true;
        let mut activity = listed("activity", "a1", json!({}));
        activity.record.open_conflict = true;
        let found = attention(&[victim, activity], date!(2026 - 11 - 29));
        let hrefs: Vec<&str> = found.conflicts.iter().map(|f| f.href.as_str()).collect();
        assert!(hrefs.contains(&"#/kasus/c1/korban/v1"), "{hrefs:?}");
        assert!(hrefs.contains(&"#/kegiatan/a1"), "{hrefs:?}");
    }

    #[test]
    fn a_refused_referral_step_links_to_its_referral() {
        let mut step = listed(
            "referral_step",
            "s1",
            json!({"referral_id": "r1", "action": "cancel", "date": "2026-11-20"}),
        );
        step.record.rejection = Some(gugus_model::sync::RejectError::invalid(vec![
            gugus_model::FieldError::new("action", gugus_model::Problem::ReferralDeclined),
        ]));
        let found = attention(&[step], date!(2026 - 11 - 29));
        assert_eq!(found.rejected.len(), 1);
        assert_eq!(found.rejected[0].href, "#/rujukan/r1");
        assert_eq!(
            record_title(&found.rejected[0].record, Lang::Id),
            "Langkah rujukan: Dibatalkan"
        );
    }
}
