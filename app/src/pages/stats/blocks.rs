//! The blocks of the evaluation page, one component each: what every answer shows, in the
//! order it is shown.

use super::charts::{figure, Bars, Funnel, Series, Stage, Trend};
use super::{axis_month, bars, label, short_month, words, Figures, Heading};
use crate::i18n::{self, tr, use_i18n};
use gugus_model::evaluation::csv::Table;
use gugus_model::evaluation::{Cell, Evaluation};
use gugus_model::regions;
use gugus_model::vocab;
use gugus_model::{Lang, Text};
use leptos::prelude::*;

/// A table of figures as every block shows one: scrollable by itself on a narrow screen
/// and named for screen readers by `label`, a header row of `columns` (after an empty
/// corner cell when the rows are named and the columns are not), and the rows.
#[component]
fn FiguresTable(
    /// The table's id.
    id: &'static str,
    /// What the table holds, for screen readers.
    label: Text,
    /// The column headings.
    columns: Vec<Text>,
    /// Whether the first column is the rows' names, under an empty corner cell.
    #[prop(optional)]
    corner: bool,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let heads = columns
        .into_iter()
        .map(|column| view! { <th scope="col">{i18n.t(column)}</th> })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=i18n.t(label)>
            <table id=id class="figures">
                <thead><tr>{corner.then(|| view! { <th></th> })}{heads}</tr></thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// The key figures at the top, and whether some are hidden.
#[component]
pub(super) fn KeyFigures(e: StoredValue<Evaluation>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang();
    let get = move |f: fn(&Evaluation) -> Cell| e.with_value(f);
    let key = move |id: &'static str, text: Text, cell: Cell| {
        view! {
            <li data-key=id>
                <span class="key-value" class:suppressed=cell.is_none()>{move || figure(cell, lang())}</span>
                <span class="key-label">{move || i18n.t(text)}</span>
            </li>
        }
    };
    let villages = e.with_value(|e| e.coverage.villages);
    let reached = get(|e| e.coverage.reached);
    view! {
        <ul id="eval-keys" class="keys">
            {key("cases", words::KEY_CASES, get(|e| e.cases.total))}
            {key("victims", words::KEY_VICTIMS, get(|e| e.victims.total))}
            {key("services", words::KEY_SERVICES, get(|e| e.services.total.requested))}
            {key("activities", words::KEY_ACTIVITIES, get(|e| e.activities.total))}
            {key("participants", words::KEY_PARTICIPANTS, get(|e| e.activities.participants.total))}
            <li data-key="villages">
                <span class="key-value" class:suppressed=reached.is_none()>
                    {move || format!("{} {} {}", figure(reached, lang()), i18n.t(words::OF), i18n::number(villages, lang()))}
                </span>
                <span class="key-label">{tr(words::KEY_VILLAGES)}</span>
            </li>
        </ul>
        <Show when=move || e.with_value(|e| e.suppressed)>
            <p id="stats-suppressed" class="hint">{tr(words::SUPPRESSED)}</p>
        </Show>
    }
}

/// The cases: by status, modus, destination and form of exploitation.
#[component]
pub(super) fn CasesBlock(e: StoredValue<Evaluation>, figures: Figures) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang();
    view! {
        <section id="eval-cases" class="block">
            <Heading text=words::CASES table=Table::Cases figures />
            {move || e.with_value(|e| {
                let l = lang();
                view! {
                    <h3>{i18n.t(words::BY_STATUS)}</h3>
                    <Bars id="chart-status".into() title=i18n.t(words::BY_STATUS).into()
                        rows=bars(vocab::CASE_STATUSES, &e.cases.by_status, l, true) lang=l />
                    <h3>{i18n.t(words::BY_MODUS)}</h3>
                    <Bars id="chart-modus".into() title=i18n.t(words::BY_MODUS).into()
                        rows=bars(vocab::MODUS, &e.cases.by_modus, l, false) lang=l />
                    <h3>{i18n.t(words::BY_DESTINATION)}</h3>
                    <Bars id="chart-destination".into() title=i18n.t(words::BY_DESTINATION).into()
                        rows=bars(vocab::DESTINATIONS, &e.cases.by_destination, l, false) lang=l />
                    <h3>{i18n.t(words::BY_EXPLOITATION)}</h3>
                    <Bars id="chart-exploitation".into() title=i18n.t(words::BY_EXPLOITATION).into()
                        rows=bars(vocab::EXPLOITATION, &e.cases.by_exploitation, l, true) lang=l />
                    <p class="hint">{i18n.t(words::EXPLOITATION_NOTE)}</p>
                }
            })}
        </section>
    }
}

/// The victims by sex and age.
#[component]
pub(super) fn VictimsBlock(e: StoredValue<Evaluation>, figures: Figures) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang();
    view! {
        <section id="eval-victims" class="block">
            <Heading text=words::VICTIMS table=Table::Victims figures />
            {move || e.with_value(|e| {
                let (l, v) = (lang(), &e.victims);
                let cell = |c: Cell| view! { <td class:suppressed=c.is_none()>{figure(c, l)}</td> };
                let rows = view! {
                    <tr data-row="female"><th scope="row">{i18n.t(words::FEMALE)}</th>
                        {cell(v.female_children)}{cell(v.female_adults)}{cell(v.female)}</tr>
                    <tr data-row="male"><th scope="row">{i18n.t(words::MALE)}</th>
                        {cell(v.male_children)}{cell(v.male_adults)}{cell(v.male)}</tr>
                    <tr data-row="total" class="total"><th scope="row">{i18n.t(words::TOTAL)}</th>
                        {cell(v.children)}{cell(v.adults)}{cell(v.total)}</tr>
                };
                view! {
                    <FiguresTable id="eval-victims-table" label=words::VICTIMS corner=true
                        columns=vec![words::CHILDREN, words::ADULTS, words::TOTAL]>
                        {rows}
                    </FiguresTable>
                }
            })}
        </section>
    }
}

/// The services: requested, delivered, late, waiting and how long they took.
#[component]
pub(super) fn ServicesBlock(e: StoredValue<Evaluation>, figures: Figures) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang();
    view! {
        <section id="eval-services" class="block">
            <Heading text=words::SERVICES table=Table::Services figures />
            <p class="hint">{tr(words::SERVICES_NOTE)}</p>
            {move || e.with_value(|e| {
                let l = lang();
                let cell = |c: Cell| view! { <td class:suppressed=c.is_none()>{figure(c, l)}</td> };
                let days = |d: Option<f64>, counted: Cell| match (d, counted) {
                    (Some(d), _) => format!("{d}").replace('.', if l == Lang::Id { "," } else { "." }),
                    (None, None) => "*".to_owned(),
                    (None, Some(_)) => "–".to_owned(),
                };
                let rows = e.services.rows.iter().chain([&e.services.total]).map(|r| {
                    let is_total = r.code == "total";
                    view! {
                        <tr data-service=r.code.clone() class:total=is_total>
                            <th scope="row">{label(vocab::SERVICE_TYPES, &r.code, l)}</th>
                            {cell(r.requested)}{cell(r.delivered)}
                            <td class="late" class:suppressed=r.late.is_none() class:alert=r.late.is_some_and(|n| n > 0)>
                                {figure(r.late, l)}
                            </td>
                            <td class="waiting" class:suppressed=r.waiting.is_none() class:alert=r.waiting.is_some_and(|n| n > 0)>
                                {figure(r.waiting, l)}
                            </td>
                            <td class="days">{days(r.median_days, r.delivered)}</td>
                            <td class="days">{days(r.longest_days.map(|d| d as f64), r.delivered)}</td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    <FiguresTable id="eval-services-table" label=words::SERVICES
                        columns=vec![words::COL_SERVICE, words::COL_REQUESTED, words::COL_DELIVERED,
                            words::COL_LATE, words::COL_WAITING, words::COL_MEDIAN, words::COL_LONGEST]>
                        {rows}
                    </FiguresTable>
                }
            })}
        </section>
    }
}

/// The cases through the police, the prosecutor and the court, and restitution.
#[component]
pub(super) fn LegalBlock(e: StoredValue<Evaluation>, figures: Figures) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang();
    view! {
        <section id="eval-legal" class="block">
            <Heading text=words::LEGAL table=Table::Legal figures />
            <p class="hint">{tr(words::LEGAL_NOTE)}</p>
            {move || e.with_value(|e| {
                let l = lang();
                let stages = e.legal.funnel.iter().map(|s| Stage {
                    label: label(vocab::LEGAL_STAGES, &s.code, l),
                    cases: s.cases,
                    percent: s.percent,
                }).collect();
                let rupiah = e.legal.restitution_rupiah.map_or("*".to_owned(), |r| format!("Rp {}", i18n::number(r, l)));
                view! {
                    <Funnel title=i18n.t(words::LEGAL).into() stages lang=l />
                    <p id="eval-restitution" class:suppressed=e.legal.restitution_cases.is_none() || e.legal.restitution_rupiah.is_none()>
                        {format!("{}: {} {} · {}", i18n.t(words::RESTITUTION),
                            figure(e.legal.restitution_cases, l), i18n.t(words::CASES_WORD), rupiah)}
                    </p>
                }
            })}
        </section>
    }
}

/// The prevention activities and their participants.
#[component]
pub(super) fn ActivitiesBlock(e: StoredValue<Evaluation>, figures: Figures) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang();
    view! {
        <section id="eval-activities" class="block">
            <Heading text=words::ACTIVITIES table=Table::Activities figures />
            {move || e.with_value(|e| {
                let (l, p) = (lang(), &e.activities.participants);
                let cell = |c: Cell| view! { <td class:suppressed=c.is_none()>{figure(c, l)}</td> };
                let rows = view! {
                    <tr><th scope="row">{i18n.t(words::FEMALE)}</th>
                        {cell(p.female_children)}{cell(p.female_adults)}{cell(p.female)}</tr>
                    <tr><th scope="row">{i18n.t(words::MALE)}</th>
                        {cell(p.male_children)}{cell(p.male_adults)}{cell(p.male)}</tr>
                    <tr class="total"><th scope="row">{i18n.t(words::TOTAL)}</th>
                        {cell(p.children)}{cell(p.adults)}{cell(p.total)}</tr>
                };
                view! {
                    <h3>{i18n.t(words::BY_TYPE)}</h3>
                    <Bars id="chart-activities".into() title=i18n.t(words::BY_TYPE).into()
                        rows=bars(vocab::ACTIVITY_TYPES, &e.activities.by_type, l, true) lang=l />
                    <h3>{i18n.t(words::PARTICIPANTS)}</h3>
                    <FiguresTable id="eval-participants" label=words::ACTIVITIES corner=true
                        columns=vec![words::CHILDREN, words::ADULTS, words::TOTAL]>
                        {rows}
                    </FiguresTable>
                }
            })}
        </section>
    }
}

/// The trend month by month.
#[component]
pub(super) fn TrendBlock(e: StoredValue<Evaluation>, figures: Figures) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang();
    view! {
        <section id="eval-trend-block" class="block">
            <Heading text=words::TREND table=Table::Trend figures />
            {move || e.with_value(|e| {
                let l = lang();
                let months: Vec<String> = e.trend.iter().enumerate()
                    .map(|(i, m)| axis_month(&m.month, i == 0, l)).collect();
                let series = vec![
                    Series { name: i18n.t(words::NEW_CASES).into(), class: "cases",
                        points: e.trend.iter().map(|m| m.new_cases).collect() },
                    Series { name: i18n.t(words::SERVED).into(), class: "served",
                        points: e.trend.iter().map(|m| m.victims_served).collect() },
                    Series { name: i18n.t(words::KEY_ACTIVITIES).into(), class: "activities",
                        points: e.trend.iter().map(|m| m.activities).collect() },
                ];
                let rows = e.trend.iter().map(|m| view! {
                    <tr data-month=m.month.clone()>
                        <th scope="row">{short_month(&m.month, l)}</th>
                        <td class:suppressed=m.new_cases.is_none()>{figure(m.new_cases, l)}</td>
                        <td class:suppressed=m.victims_served.is_none()>{figure(m.victims_served, l)}</td>
                        <td class:suppressed=m.activities.is_none()>{figure(m.activities, l)}</td>
                    </tr>
                }).collect_view();
                view! {
                    <Trend title=i18n.t(words::TREND).into() months series lang=l />
                    <FiguresTable id="eval-trend-table" label=words::TREND
                        columns=vec![words::MONTH_COL, words::NEW_CASES, words::SERVED, words::KEY_ACTIVITIES]>
                        {rows}
                    </FiguresTable>
                }
            })}
        </section>
    }
}

/// The kecamatan of the regency, each a drill-down.
#[component]
pub(super) fn AreasBlock(
    e: StoredValue<Evaluation>,
    figures: Figures,
    drill: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang();
    view! {
        <section id="eval-areas" class="block">
            <Heading text=words::AREAS table=Table::Areas figures />
            <p class="hint">{tr(words::AREAS_NOTE)}</p>
            {move || e.with_value(|e| {
                let l = lang();
                let cell = |class: &'static str, c: Cell| view! {
                    <td class=class class:suppressed=c.is_none()>{figure(c, l)}</td>
                };
                let rows = e.areas.iter().map(|row| {
                    let code = row.code.clone();
                    let coverage = e.coverage.kecamatan.iter().find(|c| c.code == row.code);
                    let reached = coverage.and_then(|c| c.reached);
                    let villages = coverage.map_or(0, |c| c.villages);
                    view! {
                        <tr data-kecamatan=row.code.clone()>
                            <th scope="row" class="name">
                                <button type="button" class="drill link" on:click=move |_| drill.run(code.clone())>
                                    {regions::name_of(&row.code).to_owned()}
                                </button>
                            </th>
                            {cell("cases", row.cases)}{cell("victims", row.victims)}
                            {cell("services", row.services)}{cell("activities", row.activities)}
                            {cell("participants", row.participants)}
                            <td class="villages" class:suppressed=reached.is_none()>
                                {format!("{}/{}", figure(reached, l), villages)}
                            </td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    <FiguresTable id="stats-table" label=words::AREAS
                        columns=vec![words::COL_KECAMATAN, words::COL_CASES, words::COL_VICTIMS,
                            words::COL_SERVICES, words::COL_ACTIVITIES, words::COL_PARTICIPANTS,
                            words::COL_VILLAGES]>
                        {rows}
                    </FiguresTable>
                }
            })}
        </section>
    }
}

/// The villages reached.
#[component]
pub(super) fn CoverageBlock(
    e: StoredValue<Evaluation>,
    figures: Figures,
    regency: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang();
    view! {
        <section id="eval-coverage" class="block">
            <Heading text=words::COVERAGE table=Table::Coverage figures />
            <p class="hint">{move || {
                let note = match e.with_value(|e| e.suppressed) {
                    true => words::COVERAGE_NOTE_VIEWER,
                    false => words::COVERAGE_NOTE,
                };
                i18n.t(note)
            }}</p>
            {move || e.with_value(|e| {
                let l = lang();
                e.coverage.kecamatan.iter().map(|row| {
                    let villages = regions::villages_of(&row.code).map(|v| {
                        let not_reached = row.not_reached.as_ref().map(|list| list.contains(&v.code));
                        let never = row.never_reached.as_ref().is_some_and(|list| list.contains(&v.code));
                        view! {
                            <li data-desa=v.code.clone() class:reached=not_reached == Some(false)
                                class:not-reached=not_reached == Some(true) class:never=never
                                title=(not_reached == Some(true)).then(|| i18n.t(words::NOT_REACHED))>
                                {v.name.clone()}
                                {never.then(|| view! { <span class="mark" title=i18n.t(words::NEVER_REACHED)>" ✕"</span> })}
                            </li>
                        }
                    }).collect_view();
                    let hidden = row.not_reached.is_none();
                    view! {
                        <details class="coverage" data-kecamatan=row.code.clone() open=!regency>
                            <summary>
                                {format!("{}: {} {} {} {}", regions::name_of(&row.code), figure(row.reached, l),
                                    i18n.t(words::OF), row.villages, i18n.t(words::KEY_VILLAGES).to_lowercase())}
                            </summary>
                            {match hidden {
                                true => view! { <p class="hint">{i18n.t(words::LIST_HIDDEN)}</p> }.into_any(),
                                false => view! { <ul class="villages">{villages}</ul> }.into_any(),
                            }}
                        </details>
                    }
                }).collect_view()
            })}
        </section>
    }
}
