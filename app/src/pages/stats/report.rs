//! The periodic report for the provincial task force (`#/laporan`): the selected period's
//! figures on A4 (the print stylesheet leaves out the app's frame), with the task force's
//! narrative: achievements, obstacles and follow-up. What is typed is kept on the device
//! for that period and area, through a reload.

use super::charts::figure;
use super::referrals::ReferralsReport;
use super::{label, period_text, words, Figures};
use crate::app::{use_ctx, Page};
use crate::clock;
use crate::i18n::{self, tr, use_i18n};
use gugus_model::evaluation::{Cell, Evaluation};
use gugus_model::regions::{self, REGENCY_CODE};
use gugus_model::vocab;
use gugus_model::Text;
use leptos::prelude::*;

/// The device's key for a narrative field of one period and area.
fn draft_key(evaluation: &Evaluation, field: &str) -> String {
    format!(
        "gugus.report.{}.{}.{}.{field}",
        evaluation.period.from_text(),
        evaluation.period.to_text(),
        evaluation.area
    )
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The device's keys of the chair's name and NIP under the report's signature.
const CHAIR_NAME_KEY: &str = "gugus.report.chair.name";
const CHAIR_NIP_KEY: &str = "gugus.report.chair.nip";

/// The signature block ending the report, as Indonesian official letters end: the place
/// and date, the chair's title, room to sign, the name and NIP (typed once, kept on the
/// device for the next report).
#[component]
fn Signature() -> impl IntoView {
    let i18n = use_i18n();
    let kept = |key: &str| {
        storage()
            .and_then(|s| s.get_item(key).ok().flatten())
            .unwrap_or_default()
    };
    let name = RwSignal::new(kept(CHAIR_NAME_KEY));
    let nip = RwSignal::new(kept(CHAIR_NIP_KEY));
    let keep = move |key: &'static str, value: RwSignal<String>| {
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            if let Some(s) = storage() {
                let _ = s.set_item(key, &text);
            }
            value.set(text);
        }
    };
    view! {
        <section id="report-signature" class="signature">
            <div class="no-print signature-inputs">
                <div class="field">
                    <label for="report-chair-name">{tr(words::CHAIR_NAME)}</label>
                    <input id="report-chair-name" type="text" autocomplete="name" prop:value=name
                        on:input=keep(CHAIR_NAME_KEY, name) />
                </div>
                <div class="field">
                    <label for="report-chair-nip">{tr(words::CHAIR_NIP)}</label>
                    <input id="report-chair-nip" type="text" inputmode="numeric" prop:value=nip
                        on:input=keep(CHAIR_NIP_KEY, nip) />
                </div>
            </div>
            <div class="signature-block">
                <p>{move || format!("{}, {}", words::PLACE, i18n::date_long(clock::today(), i18n.lang()))}</p>
                <p>{tr(words::CHAIR_TITLE)}</p>
                <div class="signature-space"></div>
                <p id="report-chair-signed" class="chair-name">
                    {move || match name.get().trim() {
                        "" => i18n.t(words::CHAIR_NAME_MISSING).to_owned(),
                        typed => typed.to_owned(),
                    }}
                </p>
                <p class="chair-nip">{move || format!("NIP. {}", nip.get().trim())}</p>
            </div>
        </section>
    }
}

/// The printable report.
#[component]
pub fn ReportPage() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let figures = Figures::new(ctx.role().is_some_and(|r| r.suppressed_figures()));
    figures.load(ctx);
    view! {
        <section class="page report">
            <p class="no-print">
                <a id="report-back" href=Page::Stats.hash()>{tr(words::BACK)}</a>
            </p>
            {move || figures.problem.get().map(|text| view! {
                <p id="stats-error" class="form-error" role="alert">{move || i18n.t(text)}</p>
            })}
            <Show when=move || figures.busy.get() && figures.evaluation.with(Option::is_none)>
                <p class="loading">{tr(i18n::LOADING)}</p>
            </Show>
            {move || figures.evaluation.get().map(|e| view! { <Report evaluation=e figures /> })}
        </section>
    }
}

#[component]
fn Report(evaluation: Evaluation, figures: Figures) -> impl IntoView {
    let i18n = use_i18n();
    let period = evaluation.period;
    let regency = evaluation.area == REGENCY_CODE;
    let e = StoredValue::new(evaluation);
    let lang = move || i18n.lang();
    let row = move |text: Text, cell: Cell| {
        view! {
            <tr>
                <th scope="row">{move || i18n.t(text)}</th>
                <td class:suppressed=cell.is_none()>{move || figure(cell, lang())}</td>
            </tr>
        }
    };
    let get = move |f: fn(&Evaluation) -> Cell| e.with_value(f);
    let narrative = move |id: &'static str, text: Text| {
        let key = e.with_value(|e| draft_key(e, id));
        let kept = storage()
            .and_then(|s| s.get_item(&key).ok().flatten())
            .unwrap_or_default();
        let value = RwSignal::new(kept);
        view! {
            <div class="narrative">
                <label for=format!("report-{id}")>{move || i18n.t(text)}</label>
                <textarea id=format!("report-{id}") class="no-print" rows="5" prop:value=value
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        if let Some(s) = storage() {
                            // A full storage loses only the draft's later keystrokes.
                            let _ = s.set_item(&key, &text);
                        }
                        value.set(text);
                    }></textarea>
                <p class="print-only narrative-text">{move || value.get()}</p>
            </div>
        }
    };
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <article id="report" class="a4">
            <header class="report-head">
                <h1>{tr(words::REPORT_TITLE)}</h1>
                <p id="report-period" class="period-text">{move || e.with_value(|e| period_text(e, lang()))}</p>
                <p>{tr(words::REPORT_TO)}</p>
                <p>{tr(words::REPORT_FROM)}</p>
            </header>
            <Show when=move || e.with_value(|e| e.suppressed)>
                <p class="hint">{tr(words::SUPPRESSED)}</p>
            </Show>
            <h2>{tr(words::REPORT_FIGURES)}</h2>
            <table id="report-keys" class="figures">
                <tbody>
                    {row(words::KEY_CASES, get(|e| e.cases.total))}
                    {row(words::KEY_VICTIMS, get(|e| e.victims.total))}
                    {row(words::CHILDREN, get(|e| e.victims.children))}
                    {row(words::KEY_SERVICES, get(|e| e.services.total.requested))}
                    {row(words::COL_DELIVERED, get(|e| e.services.total.delivered))}
                    {row(words::COL_LATE, get(|e| e.services.total.late))}
                    {row(words::COL_WAITING, get(|e| e.services.total.waiting))}
                    {row(words::RESTITUTION, get(|e| e.legal.restitution_cases))}
                    {row(words::KEY_ACTIVITIES, get(|e| e.activities.total))}
                    {row(words::KEY_PARTICIPANTS, get(|e| e.activities.participants.total))}
                    {row(words::KEY_VILLAGES, get(|e| e.coverage.reached))}
                </tbody>
            </table>
            {move || e.with_value(|e| {
                let l = lang();
                let modus = e.cases.by_modus.iter().filter(|c| c.n != Some(0)).map(|c| view! {
                    <tr><th scope="row">{label(vocab::MODUS, &c.code, l)}</th>
                        <td class:suppressed=c.n.is_none()>{figure(c.n, l)}</td></tr>
                }).collect_view();
                view! {
                    <h2>{i18n.t(words::BY_MODUS)}</h2>
                    <table class="figures"><tbody>{modus}</tbody></table>
                }
            })}
            // The services' referrals between agencies, before the legal steps.
            <ReferralsReport period figures regency />
            {move || e.with_value(|e| {
                let l = lang();
                let funnel = e.legal.funnel.iter().map(|s| view! {
                    <tr><th scope="row">{label(vocab::LEGAL_STAGES, &s.code, l)}</th>
                        <td class:suppressed=s.cases.is_none()>{figure(s.cases, l)}</td></tr>
                }).collect_view();
                let areas = e.areas.iter().map(|r| view! {
                    <tr><th scope="row">{regions::name_of(&r.code).to_owned()}</th>
                        <td class:suppressed=r.cases.is_none()>{figure(r.cases, l)}</td>
                        <td class:suppressed=r.activities.is_none()>{figure(r.activities, l)}</td></tr>
                }).collect_view();
                let has_areas = !e.areas.is_empty();
                view! {
                    <h2>{i18n.t(words::LEGAL)}</h2>
                    <table class="figures"><tbody>{funnel}</tbody></table>
                    {has_areas.then(|| view! {
                        <h2>{i18n.t(words::AREAS)}</h2>
                        <table class="figures">
                            <thead><tr><th></th><th scope="col">{i18n.t(words::COL_CASES)}</th>
                                <th scope="col">{i18n.t(words::COL_ACTIVITIES)}</th></tr></thead>
                            <tbody>{areas}</tbody>
                        </table>
                    })}
                }
            })}
            <h2>{tr(words::NARRATIVE)}</h2>
            <p class="hint no-print">{tr(words::NARRATIVE_HINT)}</p>
            {narrative("achievements", words::ACHIEVEMENTS)}
            {narrative("obstacles", words::OBSTACLES)}
            {narrative("follow-up", words::FOLLOW_UP)}
            <Signature />
            <p class="printed">{move || format!("{} {}", i18n.t(words::PRINTED_ON), i18n::date_long(clock::today(), lang()))}</p>
            <button type="button" id="report-print" class="primary no-print" on:click=print>{tr(words::PRINT)}</button>
        </article>
    }
}
