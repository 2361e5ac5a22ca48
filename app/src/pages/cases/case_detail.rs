//! One case (`#/kasus/<id>`): its fields, its victims with their services (the days from
//! request to delivery, over 7 days highlighted: UU 21/2007 art. 51), its legal steps by
//! date, its notes (written once, never edited), and its referrals to member agencies
//! (issue #19; `pages::referrals`).

use super::timeliness::{service_days, SERVICE_DAYS};
use super::CasePage;
use crate::app::{use_ctx, Page};
use crate::clock;
use crate::components::badges_of;
use crate::i18n::{self, tr, use_i18n};
use crate::keyring::KeyringError;
use crate::pages::referrals::logic::{referrals, Referral};
use crate::pages::referrals::on_case::CaseReferrals;
use crate::store::{ListedRecord, Store, StoreError};
use gugus_model::activity::parse_date;
use gugus_model::regions;
use gugus_model::schema::as_typed as text;
use gugus_model::schema::{FieldType, CASE, LEGAL_STEP, VICTIM_IDENTITY};
use gugus_model::vocab::{LEGAL_STAGES, MODUS, SERVICE_STATUSES, SERVICE_TYPES, SEXES};
use gugus_model::{Lang, RecordKind, Text};
use leptos::prelude::*;
use serde_json::{Map, Value};

/// Everything the device holds under one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFile {
    /// The case.
    pub case: ListedRecord,
    /// Its victims, each with its services (by request date).
    pub victims: Vec<(ListedRecord, Vec<ListedRecord>)>,
    /// The identity records of its victims (values sealed).
    pub identities: Vec<ListedRecord>,
    /// Its legal steps, by date.
    pub legal_steps: Vec<ListedRecord>,
    /// Its notes, oldest first.
    pub notes: Vec<ListedRecord>,
    /// Its victims' referrals to agencies, with their steps, the earliest first.
    pub referrals: Vec<Referral>,
}

fn alive(records: Vec<ListedRecord>) -> impl Iterator<Item = ListedRecord> {
    records.into_iter().filter(|r| !r.record.deleted)
}

fn under(records: &[ListedRecord], link: &str, parent: &str) -> Vec<ListedRecord> {
    records
        .iter()
        .filter(|r| text(&r.record.fields, link) == parent)
        .cloned()
        .collect()
}

fn by_field(records: &mut [ListedRecord], name: &str) {
    records.sort_by(|a, b| {
        let key = |r: &ListedRecord| (text(&r.record.fields, name), r.record.changed_at.clone());
        key(a).cmp(&key(b))
    });
}

async fn load(store: Store, id: String) -> Result<Option<CaseFile>, StoreError> {
    let Some(case) = store
        .record(RecordKind::Case, &id)
        .await?
        .filter(|c| c.record.kind == "case" && !c.record.deleted)
    else {
        return Ok(None);
    };
    let victims: Vec<_> = alive(store.list_records(RecordKind::Victim).await?).collect();
    let services: Vec<_> = alive(store.list_records(RecordKind::Service).await?).collect();
    let mut victims = under(&victims, "case_id", &id);
    by_field(&mut victims, "pseudonym");
    let victims: Vec<_> = victims
        .into_iter()
        .map(|victim| {
            let mut own = under(&services, "victim_id", &victim.record.id);
            by_field(&mut own, "requested_on");
            (victim, own)
        })
        .collect();
    let identities: Vec<_> = alive(store.list_records(RecordKind::VictimIdentity).await?)
        .filter(|identity| {
            victims
                .iter()
                .any(|(victim, _)| text(&identity.record.fields, "victim_id") == victim.record.id)
        })
        .collect();
    let steps: Vec<_> = alive(store.list_records(RecordKind::LegalStep).await?).collect();
    let mut legal_steps = under(&steps, "case_id", &id);
    by_field(&mut legal_steps, "date");
    let notes: Vec<_> = alive(store.list_records(RecordKind::Note).await?).collect();
    let mut notes = under(&notes, "case_id", &id);
    notes.sort_by(|a, b| a.record.changed_at.cmp(&b.record.changed_at));
    let mut referred = store.list_records(RecordKind::Referral).await?;
    referred.extend(store.list_records(RecordKind::ReferralStep).await?);
    let referrals = referrals(&referred)
        .into_iter()
        .filter(|r| {
            victims
                .iter()
                .any(|(victim, _)| r.text("victim_id") == victim.record.id)
        })
        .collect();
    Ok(Some(CaseFile {
        case,
        victims,
        identities,
        legal_steps,
        notes,
        referrals,
    }))
}

/// A field's value in words: labels for codes, names for regions, dates and yes/no.
fn shown_value(spec_field: FieldType, value: &Value, lang: Lang) -> String {
    match (spec_field, value) {
        (FieldType::Code(vocab), Value::String(code)) => vocab.label(code, lang).to_owned(),
        (FieldType::Codes(vocab), Value::Array(codes)) => codes
            .iter()
            .filter_map(Value::as_str)
            .map(|code| vocab.label(code, lang))
            .collect::<Vec<_>>()
            .join(", "),
        (FieldType::Kecamatan | FieldType::Desa, Value::String(code)) => {
            regions::name_of(code).to_owned()
        }
        (FieldType::Date, Value::String(date)) => {
            parse_date(date).map_or_else(|| date.clone(), |d| i18n::date_long(d, lang))
        }
        (FieldType::Bool, Value::Bool(yes)) => (if *yes { i18n::YES } else { i18n::NO })
            .get(lang)
            .to_owned(),
        (_, Value::Number(n)) => n
            .as_u64()
            .map_or_else(|| n.to_string(), |n| i18n::number(n, lang)),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// The filled fields of a record as (label, value) in form order, without links and
/// assignments.
fn described(
    spec: &'static gugus_model::schema::KindSpec,
    fields: &Map<String, Value>,
    lang: Lang,
) -> Vec<(&'static str, &'static str, String)> {
    spec.fields
        .iter()
        .filter(|f| {
            !matches!(
                f.ty,
                FieldType::Parent(_) | FieldType::UserIds | FieldType::CaseIds
            )
        })
        .filter_map(|f| {
            let value = fields.get(f.name).filter(|v| !v.is_null())?;
            Some((f.name, f.label.get(lang), shown_value(f.ty, value, lang)))
        })
        .collect()
}

/// The case page.
#[component]
pub fn CaseDetail(
    /// The case's id.
    id: String,
) -> impl IntoView {
    let ctx = use_ctx();
    let revision = ctx.revision;
    let case_id = StoredValue::new(id);
    let file = LocalResource::new(move || {
        revision.track();
        load(ctx.store(), case_id.get_value())
    });
    let shown = move || match file.get() {
        None => view! { <p class="loading">{tr(i18n::LOADING)}</p> }.into_any(),
        Some(Err(_)) => {
            view! { <p class="form-error" role="alert">{tr(i18n::ERR_STORAGE)}</p> }.into_any()
        }
        Some(Ok(None)) => {
            view! { <p class="form-error" role="alert">{tr(i18n::NOT_FOUND)}</p> }.into_any()
        }
        Some(Ok(Some(file))) => view! { <CaseFileView file /> }.into_any(),
    };
    view! {
        <section class="page case-detail">
            <a class="back" href=CasePage::List.hash()>{tr(i18n::BACK_TO_CASES)}</a>
            {shown}
        </section>
    }
}

#[component]
fn CaseFileView(file: CaseFile) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_ctx();
    let id = file.case.record.id.clone();
    let fields = file.case.record.fields.clone();
    let modus = text(&fields, "modus");
    let lines = move || described(&CASE, &fields, i18n.lang());
    let go = move |page: CasePage| move |_| ctx.go(Page::Case(page.clone()));
    let linked = gugus_model::schema::linked_cases(&file.case.record.fields);
    let victims = file.victims.clone();
    let identities = file.identities.clone();
    let steps = file.legal_steps.clone();
    let notes = file.notes.clone();
    let referrals = file.referrals.clone();
    let pseudonyms: Vec<(String, String)> = file
        .victims
        .iter()
        .map(|(v, _)| (v.record.id.clone(), text(&v.record.fields, "pseudonym")))
        .collect();
    view! {
        <div id="case-detail" data-id=id.clone()>
            <h1>{move || MODUS.label(&modus, i18n.lang()).to_owned()}</h1>
            {badges_of(&file.case)}
            <dl id="case-fields" class="record-fields">
                {move || lines().into_iter().map(|(name, label, value)| view! {
                    <div class="record-field" data-field=name>
                        <dt>{label}</dt>
                        <dd>{value}</dd>
                    </div>
                }).collect_view()}
            </dl>
            <div class="actions">
                <button type="button" id="case-edit" class="secondary" on:click=go(CasePage::EditCase(id.clone()))>
                    {tr(i18n::CASE_EDIT_BUTTON)}
                </button>
            </div>
            <CaseLinks linked />

            <h2>{tr(i18n::VICTIMS)}</h2>
            <Show when={let none = victims.is_empty(); move || none}>
                <p class="empty">{tr(i18n::VICTIMS_NONE)}</p>
            </Show>
            <ul id="victim-list" class="cards">
                {victims.into_iter().map(|(victim, services)| {
                    let identity = identities
                        .iter()
                        .find(|i| text(&i.record.fields, "victim_id") == victim.record.id)
                        .cloned();
                    view! { <VictimCard case_id=id.clone() victim services identity /> }
                }).collect_view()}
            </ul>
            <button type="button" id="victim-add" class="secondary" on:click=go(CasePage::NewVictim(id.clone()))>
                {tr(i18n::VICTIM_ADD)}
            </button>

            <CaseReferrals case_id=id.clone() referrals victims=pseudonyms />

            <h2>{tr(i18n::LEGAL_STEPS)}</h2>
            <Show when={let none = steps.is_empty(); move || none}>
                <p class="empty">{tr(i18n::LEGAL_STEPS_NONE)}</p>
            </Show>
            <ol id="legal-steps" class="timeline">
                {steps.into_iter().map(|step| view! { <LegalStepItem case_id=id.clone() step /> }).collect_view()}
            </ol>
            <button type="button" id="legal-step-add" class="secondary" on:click=go(CasePage::NewLegalStep(id.clone()))>
                {tr(i18n::LEGAL_STEP_ADD)}
            </button>

            <h2>{tr(i18n::NOTES)}</h2>
            <Show when={let none = notes.is_empty(); move || none}>
                <p class="empty">{tr(i18n::NOTES_NONE)}</p>
            </Show>
            <ul id="note-list" class="notes">
                {notes.into_iter().map(|note| view! { <NoteItem note /> }).collect_view()}
            </ul>
            <button type="button" id="note-add" class="secondary" on:click=go(CasePage::NewNote(id.clone()))>
                {tr(i18n::NOTE_ADD)}
            </button>
        </div>
    }
}

/// The cases linked to this one as of the same victim (a supervisor links them from the
/// identity form's NIK check, each to the other): a link to each.
#[component]
fn CaseLinks(linked: Vec<uuid::Uuid>) -> impl IntoView {
    (!linked.is_empty()).then(|| {
        let links = linked
            .into_iter()
            .map(|case| {
                let href = Page::Case(CasePage::Detail(case.to_string())).hash();
                let short = crate::pages::audit::short_id(case);
                view! {
                    <li>
                        <a class="case-link" href=href data-id=case.to_string()>
                            {tr(i18n::CASE_LINK_OPEN)} " " {short}
                        </a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section id="case-links">
                <h2>{tr(i18n::CASE_LINKS)}</h2>
                <ul class="case-links">{links}</ul>
            </section>
        }
    })
}

#[component]
fn VictimCard(
    case_id: String,
    victim: ListedRecord,
    services: Vec<ListedRecord>,
    identity: Option<ListedRecord>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_ctx();
    let fields = victim.record.fields.clone();
    let id = victim.record.id.clone();
    let sex = text(&fields, "sex");
    let age = fields.get("age").and_then(Value::as_u64);
    let place = format!(
        "{}, {}",
        regions::name_of(&text(&fields, "desa")),
        regions::name_of(&text(&fields, "kecamatan"))
    );
    let edit = CasePage::EditVictim(case_id.clone(), id.clone());
    let add = CasePage::NewService(case_id.clone(), id.clone());
    let refer = CasePage::NewReferral(case_id.clone(), id.clone());
    let refers =
        crate::pages::referrals::parts::role_now(ctx).is_some_and(gugus_model::api::Role::refers);
    let none = services.is_empty();
    view! {
        <li class="victim-item card" data-id=id>
            <div class="card-head">
                <span class="victim-pseudonym item-title">{text(&fields, "pseudonym")}</span>
                <a class="link-button victim-edit" href=edit.hash()>{tr(i18n::VICTIM_EDIT_BUTTON)}</a>
            </div>
            <span class="victim-sex">{move || SEXES.label(&sex, i18n.lang()).to_owned()}</span>
            " · "
            <span class="victim-age">{move || age.map(|a| i18n::age(a, i18n.lang())).unwrap_or_default()}</span>
            <span class="victim-desa item-place">{place}</span>
            {badges_of(&victim)}
            <IdentityBlock case_id=case_id.clone() victim_id=id.clone() identity />
            <Show when=move || none>
                <p class="empty">{tr(i18n::SERVICES_NONE)}</p>
            </Show>
            <ul class="service-list">
                {services.into_iter().map(|service| view! {
                    <ServiceItem case_id=case_id.clone() service />
                }).collect_view()}
            </ul>
            <button type="button" class="secondary service-add" on:click=move |_| ctx.go(Page::Case(add.clone()))>
                {tr(i18n::SERVICE_ADD)}
            </button>
            {refers.then(|| view! {
                <button type="button" class="secondary referral-new" data-victim=id.clone()
                    on:click=move |_| ctx.go(Page::Case(refer.clone()))>
                    {tr(i18n::REFERRAL_NEW_BUTTON)}
                </button>
            })}
        </li>
    }
}

/// A victim's identity: kept sealed and out of sight; shown only when the officer asks,
/// and hidden again when they leave the page.
#[component]
fn IdentityBlock(
    case_id: String,
    victim_id: String,
    identity: Option<ListedRecord>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let has = identity.is_some();
    let record = StoredValue::new(identity.map(|i| i.record));
    let shown = RwSignal::new(None::<Vec<(&'static str, Text, String)>>);
    let failed = RwSignal::new(None::<Text>);
    let reveal = move |_| {
        if shown.with_untracked(Option::is_some) {
            shown.set(None);
            return;
        }
        let (Some(record), Some(keyring)) = (record.get_value(), ctx.keyring.get_untracked())
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            match keyring.open_record(&ctx.store(), record).await {
                Ok(open) => {
                    let lines = VICTIM_IDENTITY
                        .fields
                        .iter()
                        .filter(|f| !matches!(f.ty, FieldType::Parent(_)))
                        .map(|f| (f.name, f.label, text(&open.fields, f.name)))
                        .filter(|(_, _, value)| !value.is_empty())
                        .collect();
                    failed.set(None);
                    shown.set(Some(lines));
                }
                // Not an error: a supervisor's device has still to share the case's key.
                Err(KeyringError::NotShared | KeyringError::NoKeyPair) => {
                    failed.set(Some(i18n::IDENTITY_NOT_SHARED));
                }
                Err(_) => failed.set(Some(i18n::ERR_ENCRYPTION)),
            }
        });
    };
    let href = CasePage::Identity(case_id, victim_id).hash();
    view! {
        <div class="identity">
            <Show
                when=move || has
                fallback=move || view! { <p class="empty identity-none">{tr(i18n::IDENTITY_NONE)}</p> }
            >
                <button type="button" class="secondary identity-show" on:click=reveal>
                    {move || i18n.t(if shown.with(Option::is_some) { i18n::IDENTITY_HIDE } else { i18n::IDENTITY_SHOW })}
                </button>
            </Show>
            {move || shown.get().map(|lines| view! {
                <dl class="record-fields identity-fields">
                    {lines.into_iter().map(|(name, label, value)| view! {
                        <div class="record-field" data-field=name>
                            <dt>{move || i18n.t(label)}</dt>
                            <dd>{value}</dd>
                        </div>
                    }).collect_view()}
                </dl>
            })}
            {move || failed.get().map(|text| {
                let class = if text == i18n::IDENTITY_NOT_SHARED { "notice identity-not-shared" } else { "form-error" };
                view! { <p class=class role="alert">{move || i18n.t(text)}</p> }
            })}
            <a class="link-button identity-edit" href=href>
                {tr(if has { i18n::IDENTITY_EDIT } else { i18n::IDENTITY_ADD })}
            </a>
        </div>
    }
}

#[component]
fn ServiceItem(case_id: String, service: ListedRecord) -> impl IntoView {
    let i18n = use_i18n();
    let agencies = crate::agencies::use_agencies();
    let fields = service.record.fields.clone();
    let id = service.record.id.clone();
    let days = service_days(&fields, clock::today());
    let late = days.is_some_and(|(d, _)| d > SERVICE_DAYS);
    let kind = text(&fields, "type");
    let provider = text(&fields, "provider");
    let status = text(&fields, "status");
    let href = CasePage::EditService(case_id, id.clone()).hash();
    view! {
        <li
            class="service-item"
            class:late=late
            data-id=id
            data-days=days.map(|(d, _)| d.to_string()).unwrap_or_default()
            data-late=late.to_string()
        >
            <a href=href>
                <span class="service-type item-title">{move || SERVICE_TYPES.label(&kind, i18n.lang()).to_owned()}</span>
                <span class="service-provider">{move || agencies.label(&provider, i18n.lang())}</span>
                <span class="service-status">{move || SERVICE_STATUSES.label(&status, i18n.lang()).to_owned()}</span>
                <span class="service-days">
                    {move || days.map(|(d, done)| i18n::service_days(d, done, i18n.lang())).unwrap_or_default()}
                </span>
                <Show when=move || late>
                    <span class="late-note">{tr(i18n::SERVICE_LATE)}</span>
                </Show>
                {badges_of(&service)}
            </a>
        </li>
    }
}

#[component]
fn LegalStepItem(case_id: String, step: ListedRecord) -> impl IntoView {
    let i18n = use_i18n();
    let fields = step.record.fields.clone();
    let id = step.record.id.clone();
    let stage = text(&fields, "stage");
    let date = parse_date(&text(&fields, "date"));
    let href = CasePage::EditLegalStep(case_id, id.clone()).hash();
    let details = move || {
        described(&LEGAL_STEP, &fields, i18n.lang())
            .into_iter()
            .filter(|(name, _, _)| !matches!(*name, "stage" | "date"))
            .map(|(_, label, value)| format!("{label}: {value}"))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    view! {
        <li class="legal-step" data-id=id>
            <a href=href>
                <span class="item-date">{move || date.map(|d| i18n::date_short(d, i18n.lang())).unwrap_or_default()}</span>
                <span class="legal-stage item-title">{move || LEGAL_STAGES.label(&stage, i18n.lang()).to_owned()}</span>
                <span class="legal-details">{details}</span>
                {badges_of(&step)}
            </a>
        </li>
    }
}

#[component]
fn NoteItem(note: ListedRecord) -> impl IntoView {
    let i18n = use_i18n();
    let id = note.record.id.clone();
    let written = text(&note.record.fields, "text");
    let at = note.record.changed_at.get(..10).and_then(parse_date);
    view! {
        <li class="note-item" data-id=id>
            <span class="item-date">{move || at.map(|d| i18n::date_short(d, i18n.lang())).unwrap_or_default()}</span>
            <p class="note-text">{written}</p>
            {badges_of(&note)}
        </li>
    }
}
