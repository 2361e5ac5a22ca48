//! The officer's case screens under `#/kasus`: the list, a case with its victims,
//! services, legal steps and notes, and the forms of each kind (all `RecordForm`s).
//!
//! | address | screen |
//! |---|---|
//! | `#/kasus` | the cases on the device |
//! | `#/kasus/baru` | a new case |
//! | `#/kasus/<case>` | the case and everything under it |
//! | `#/kasus/<case>/edit` | the case's form |
//! | `#/kasus/<case>/korban/baru`, `#/kasus/<case>/korban/<victim>` | a victim's form |
//! | `#/kasus/<case>/korban/<victim>/identitas` | the victim's identity (sealed on the device) |
//! | `#/kasus/<case>/korban/<victim>/layanan/baru`, `#/kasus/<case>/layanan/<service>` | a service's form |
//! | `#/kasus/<case>/hukum/baru`, `#/kasus/<case>/hukum/<step>` | a legal step's form |
//! | `#/kasus/<case>/catatan/baru` | a new note (notes are never edited) |
//! | `#/kasus/<case>/korban/<victim>/rujukan/baru` | a referral of the victim to an agency |
//! | `#/kasus/<case>/rujukan/<referral>/ulang` | a referral replacing a declined one |

pub mod case_detail;
pub mod case_list;
pub mod nik_check;
pub mod timeliness;

use crate::app::{use_ctx, Page};
use crate::clock;
use crate::components::record_form::draft::Draft;
use crate::components::record_form::RecordForm;
use crate::i18n::{self, tr};
use crate::pages::referrals::form::ReferralForm;
use gugus_model::activity::format_date;
use gugus_model::schema::{KindSpec, CASE, LEGAL_STEP, NOTE, SERVICE, VICTIM, VICTIM_IDENTITY};
use gugus_model::{RecordKind, Text};
use leptos::prelude::*;
use serde_json::Value;

/// A case screen, with its address after `#/kasus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CasePage {
    /// `#/kasus`.
    List,
    /// `#/kasus/baru`.
    NewCase,
    /// `#/kasus/<case>`.
    Detail(String),
    /// `#/kasus/<case>/edit`.
    EditCase(String),
    /// `#/kasus/<case>/korban/baru`.
    NewVictim(String),
    /// `#/kasus/<case>/korban/<victim>`.
    EditVictim(String, String),
    /// `#/kasus/<case>/korban/<victim>/identitas`.
    Identity(String, String),
    /// `#/kasus/<case>/korban/<victim>/layanan/baru`.
    NewService(String, String),
    /// `#/kasus/<case>/layanan/<service>`.
    EditService(String, String),
    /// `#/kasus/<case>/hukum/baru`.
    NewLegalStep(String),
    /// `#/kasus/<case>/hukum/<step>`.
    EditLegalStep(String, String),
    /// `#/kasus/<case>/catatan/baru`.
    NewNote(String),
    /// `#/kasus/<case>/korban/<victim>/rujukan/baru`: a referral to an agency (issue #19).
    NewReferral(String, String),
    /// `#/kasus/<case>/rujukan/<referral>/ulang`: a referral elsewhere after a decline.
    ReferAgain(String, String),
}

impl CasePage {
    /// The screen the segments after `kasus` name.
    pub fn from_segments(rest: &[&str]) -> Option<CasePage> {
        let own = |s: &&str| (*s).to_owned();
        Some(match rest {
            [] | [""] => CasePage::List,
            ["baru"] => CasePage::NewCase,
            [case] => CasePage::Detail(own(case)),
            [case, "edit"] => CasePage::EditCase(own(case)),
            [case, "korban", "baru"] => CasePage::NewVictim(own(case)),
            [case, "korban", victim] => CasePage::EditVictim(own(case), own(victim)),
            [case, "korban", victim, "identitas"] => CasePage::Identity(own(case), own(victim)),
            [case, "korban", victim, "layanan", "baru"] => {
                CasePage::NewService(own(case), own(victim))
            }
            [case, "layanan", id] => CasePage::EditService(own(case), own(id)),
            [case, "hukum", "baru"] => CasePage::NewLegalStep(own(case)),
            [case, "hukum", id] => CasePage::EditLegalStep(own(case), own(id)),
            [case, "catatan", "baru"] => CasePage::NewNote(own(case)),
            [case, "korban", victim, "rujukan", "baru"] => {
                CasePage::NewReferral(own(case), own(victim))
            }
            [case, "rujukan", id, "ulang"] => CasePage::ReferAgain(own(case), own(id)),
            _ => return None,
        })
        .filter(|page| page.ids().iter().all(|id| !id.is_empty() && *id != "baru"))
    }

    fn ids(&self) -> Vec<&str> {
        match self {
            CasePage::List | CasePage::NewCase => vec![],
            CasePage::Detail(c)
            | CasePage::EditCase(c)
            | CasePage::NewVictim(c)
            | CasePage::NewLegalStep(c)
            | CasePage::NewNote(c) => vec![c],
            CasePage::EditVictim(c, id)
            | CasePage::Identity(c, id)
            | CasePage::NewService(c, id)
            | CasePage::EditService(c, id)
            | CasePage::EditLegalStep(c, id)
            | CasePage::NewReferral(c, id)
            | CasePage::ReferAgain(c, id) => vec![c, id],
        }
    }

    /// The screen's `location.hash`.
    pub fn hash(&self) -> String {
        let rest = match self {
            CasePage::List => String::new(),
            CasePage::NewCase => "/baru".into(),
            CasePage::Detail(c) => format!("/{c}"),
            CasePage::EditCase(c) => format!("/{c}/edit"),
            CasePage::NewVictim(c) => format!("/{c}/korban/baru"),
            CasePage::EditVictim(c, v) => format!("/{c}/korban/{v}"),
            CasePage::Identity(c, v) => format!("/{c}/korban/{v}/identitas"),
            CasePage::NewService(c, v) => format!("/{c}/korban/{v}/layanan/baru"),
            CasePage::EditService(c, s) => format!("/{c}/layanan/{s}"),
            CasePage::NewLegalStep(c) => format!("/{c}/hukum/baru"),
            CasePage::EditLegalStep(c, s) => format!("/{c}/hukum/{s}"),
            CasePage::NewNote(c) => format!("/{c}/catatan/baru"),
            CasePage::NewReferral(c, v) => format!("/{c}/korban/{v}/rujukan/baru"),
            CasePage::ReferAgain(c, r) => format!("/{c}/rujukan/{r}/ulang"),
        };
        format!("#/kasus{rest}")
    }
}

/// A form under a case: which kind, which record, under which parent.
struct FormFor {
    spec: &'static KindSpec,
    id: Option<String>,
    parent: Option<String>,
    title: Text,
    form_id: &'static str,
    defaults: Draft,
}

fn today_in(field: &str) -> Draft {
    let mut draft = Draft::new();
    draft.insert(field.into(), Value::String(format_date(clock::today())));
    draft
}

fn form_for(page: &CasePage) -> Option<(FormFor, Option<String>)> {
    let form =
        |spec, id: Option<&String>, parent: Option<&String>, title, form_id, defaults| FormFor {
            spec,
            id: id.cloned(),
            parent: parent.cloned(),
            title,
            form_id,
            defaults,
        };
    Some(match page {
        CasePage::List
        | CasePage::Detail(_)
        | CasePage::Identity(..)
        | CasePage::NewReferral(..)
        | CasePage::ReferAgain(..) => return None,
        CasePage::NewCase => {
            let mut defaults = today_in("date_reported");
            defaults.insert("status".into(), "reported".into());
            let form = form(&CASE, None, None, i18n::CASE_NEW, "case-form", defaults);
            (form, None)
        }
        CasePage::EditCase(c) => {
            let form = form(
                &CASE,
                Some(c),
                None,
                i18n::CASE_EDIT,
                "case-form",
                Draft::new(),
            );
            (form, Some(c.clone()))
        }
        CasePage::NewVictim(c) => {
            let form = form(
                &VICTIM,
                None,
                Some(c),
                i18n::VICTIM_NEW,
                "victim-form",
                Draft::new(),
            );
            (form, Some(c.clone()))
        }
        CasePage::EditVictim(c, v) => {
            let form = form(
                &VICTIM,
                Some(v),
                None,
                i18n::VICTIM_EDIT,
                "victim-form",
                Draft::new(),
            );
            (form, Some(c.clone()))
        }
        CasePage::NewService(c, v) => {
            let mut defaults = today_in("requested_on");
            defaults.insert("status".into(), "requested".into());
            let form = form(
                &SERVICE,
                None,
                Some(v),
                i18n::SERVICE_NEW,
                "service-form",
                defaults,
            );
            (form, Some(c.clone()))
        }
        CasePage::EditService(c, s) => {
            let form = form(
                &SERVICE,
                Some(s),
                None,
                i18n::SERVICE_EDIT,
                "service-form",
                Draft::new(),
            );
            (form, Some(c.clone()))
        }
        CasePage::NewLegalStep(c) => {
            let defaults = today_in("date");
            let form = form(
                &LEGAL_STEP,
                None,
                Some(c),
                i18n::LEGAL_STEP_NEW,
                "legal-step-form",
                defaults,
            );
            (form, Some(c.clone()))
        }
        CasePage::EditLegalStep(c, s) => {
            let form = form(
                &LEGAL_STEP,
                Some(s),
                None,
                i18n::LEGAL_STEP_EDIT,
                "legal-step-form",
                Draft::new(),
            );
            (form, Some(c.clone()))
        }
        CasePage::NewNote(c) => {
            let form = form(
                &NOTE,
                None,
                Some(c),
                i18n::NOTE_NEW,
                "note-form",
                Draft::new(),
            );
            (form, Some(c.clone()))
        }
    })
}

/// The case screen `page`.
#[component]
pub fn CasePages(
    /// Which screen.
    page: CasePage,
) -> impl IntoView {
    let ctx = use_ctx();
    match page {
        CasePage::List => view! { <case_list::CaseList /> }.into_any(),
        CasePage::Detail(id) => view! { <case_detail::CaseDetail id /> }.into_any(),
        CasePage::Identity(case, victim) => view! { <IdentityForm case victim /> }.into_any(),
        CasePage::NewReferral(case_id, victim) => view! {
            <ReferralForm case_id victim=Some(victim) previous=None />
        }
        .into_any(),
        CasePage::ReferAgain(case_id, previous) => view! {
            <ReferralForm case_id victim=None previous=Some(previous) />
        }
        .into_any(),
        page => {
            let Some((form, case)) = form_for(&page) else {
                return ().into_any();
            };
            // After saving, the case shows what was added; a new case shows itself.
            let on_saved = Callback::new(move |saved: String| {
                let case = case.clone().unwrap_or(saved);
                ctx.go(Page::Case(CasePage::Detail(case)));
            });
            let cancel_href = match &page {
                CasePage::NewCase => CasePage::List.hash(),
                other => other.ids().first().map_or_else(
                    || CasePage::List.hash(),
                    |c| CasePage::Detail((*c).into()).hash(),
                ),
            };
            let FormFor {
                spec,
                id,
                parent,
                title,
                form_id,
                defaults,
            } = form;
            let CasePage::NewVictim(case) = &page else {
                return view! {
                    <RecordForm spec id parent defaults form_id title cancel_href on_saved />
                }
                .into_any();
            };
            // A new victim starts where the case happened: its kecamatan and desa.
            let case = case.clone();
            let found = LocalResource::new(move || {
                let store = ctx.store();
                let case = case.clone();
                async move { store.record(RecordKind::Case, &case).await }
            });
            (move || {
                let found = found.get()?;
                let mut defaults = defaults.clone();
                if let Ok(Some(listed)) = found {
                    for name in ["kecamatan", "desa"] {
                        if let Some(code) = listed.record.fields.get(name).and_then(Value::as_str) {
                            defaults.insert(name.into(), code.into());
                        }
                    }
                }
                let (id, parent) = (id.clone(), parent.clone());
                let cancel_href = cancel_href.clone();
                Some(view! {
                    <RecordForm spec id parent defaults form_id title cancel_href on_saved />
                })
            })
            .into_any()
        }
    }
}

/// The identity form of a victim: the victim's one identity record, or a new one.
#[component]
fn IdentityForm(case: String, victim: String) -> impl IntoView {
    let ctx = use_ctx();
    let owner = victim.clone();
    let found = LocalResource::new(move || {
        let store = ctx.store();
        let victim = owner.clone();
        async move { store.identity_of(&victim).await }
    });
    let on_saved = {
        let case = case.clone();
        Callback::new(move |_: String| ctx.go(Page::Case(CasePage::Detail(case.clone()))))
    };
    let cancel_href = CasePage::Detail(case.clone()).hash();
    let typed_nik = RwSignal::new(String::new());
    let on_edit = Callback::new(move |fields: serde_json::Map<String, serde_json::Value>| {
        let nik = fields
            .get("nik")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        if typed_nik.with_untracked(|t| t != nik) {
            typed_nik.set(nik.to_owned());
        }
    });
    let check = view! { <nik_check::NikCheck typed=typed_nik case victim=victim.clone() /> };
    let form = move || {
        let found = found.get()?;
        let Ok(id) = found else {
            return Some(
                view! { <p class="form-error" role="alert">{tr(i18n::ERR_STORAGE)}</p> }.into_any(),
            );
        };
        let id = id.map(|listed| listed.record.id);
        Some(
            view! {
                <RecordForm
                    spec=&VICTIM_IDENTITY
                    id
                    parent=Some(victim.clone())
                    defaults=Draft::new()
                    form_id="identity-form"
                    title=i18n::IDENTITY_TITLE
                    cancel_href=cancel_href.clone()
                    on_saved
                    on_edit
                />
            }
            .into_any(),
        )
    };
    // The check is made once, outside the form's closure: its resource reads what is
    // typed, which must not make the form itself be drawn again.
    view! { {form} {check} }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_case_page_round_trips_through_its_hash() {
        let c = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".to_owned();
        let v = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c".to_owned();
        let pages = [
            CasePage::List,
            CasePage::NewCase,
            CasePage::Detail(c.clone()),
            CasePage::EditCase(c.clone()),
            CasePage::NewVictim(c.clone()),
            CasePage::EditVictim(c.clone(), v.clone()),
            CasePage::Identity(c.clone(), v.clone()),
            CasePage::NewService(c.clone(), v.clone()),
            CasePage::EditService(c.clone(), v.clone()),
            CasePage::NewLegalStep(c.clone()),
            CasePage::EditLegalStep(c.clone(), v.clone()),
            CasePage::NewNote(c.clone()),
            CasePage::NewReferral(c.clone(), v.clone()),
            CasePage::ReferAgain(c.clone(), v.clone()),
        ];
        for page in pages {
            let hash = page.hash();
            let rest: Vec<&str> = hash
                .trim_start_matches("#/kasus")
                .split('/')
                .skip(1)
                .collect();
            assert_eq!(CasePage::from_segments(&rest), Some(page), "{hash}");
        }
        assert_eq!(CasePage::from_segments(&[&c, "tidak-ada"]), None);
    }
}
