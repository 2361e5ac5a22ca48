//! The evaluation (`#/evaluasi`): every figure of a period for the regency or one
//! kecamatan, read from the worker (it needs the network), with charts, the village
//! coverage, a drill-down by kecamatan, the referrals between agencies (`referrals`), CSV
//! downloads and the printable periodic report (`#/laporan`, [`ReportPage`]). Viewers get
//! the worker's suppressed figures.

mod blocks;
mod charts;
mod groups;
mod referrals;
mod report;
mod selection;
mod words;

pub use report::ReportPage;
pub use selection::{Kind, Selection};

use crate::app::{use_ctx, Ctx, Page};
use crate::clock;
use crate::i18n::{self, tr, use_i18n};
use crate::sync::engine::online;
use crate::sync::{Api, ApiError};

use gugus_model::activity::format_date;
use gugus_model::api::Role;
use gugus_model::evaluation::csv::{self, Dialect, Table};
use gugus_model::evaluation::{kecamatan_codes, AreaGroup, Cell, Count, Evaluation};
use gugus_model::referral::figures::ReferralTable;
use gugus_model::regions::{self, REGENCY_CODE};
use gugus_model::vocab::Vocab;
use gugus_model::{Lang, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

fn error_text(error: &ApiError) -> Text {
    match error {
        ApiError::Network => i18n::STATS_OFFLINE,
        ApiError::Unauthorized => i18n::ERR_SESSION,
        ApiError::Forbidden => i18n::STATS_FORBIDDEN,
        _ => i18n::ERR_SERVER,
    }
}

/// The evaluation of the current selection, as the pages load it.
#[derive(Clone, Copy)]
pub struct Figures {
    /// The form's selection (remembered on the device).
    pub selection: RwSignal<Selection>,
    /// The last answer.
    pub evaluation: RwSignal<Option<Evaluation>>,
    /// Why the last load failed.
    pub problem: RwSignal<Option<Text>>,
    /// A load is on its way.
    pub busy: RwSignal<bool>,
    /// The current groups of kecamatan (for the area list and the supervisor's form).
    pub groups: RwSignal<Vec<AreaGroup>>,
    /// The last answer of the referrals between agencies (of its own period, which may
    /// still be an earlier one's while the period asked for is on its way or failed).
    pub referrals: RwSignal<Option<ReferralTable>>,
    /// Why the last load of the referrals failed.
    pub referral_problem: RwSignal<Option<Text>>,
    /// The referrals are on their way.
    pub referrals_busy: RwSignal<bool>,
    latest: StoredValue<u64>,
}

impl Default for Figures {
    fn default() -> Self {
        Figures::new(false)
    }
}

impl Figures {
    /// The remembered selection (see [`Selection::remembered`]), nothing loaded yet.
    pub fn new(viewer: bool) -> Figures {
        Figures {
            selection: RwSignal::new(Selection::remembered(clock::today(), viewer)),
            evaluation: RwSignal::new(None),
            problem: RwSignal::new(None),
            busy: RwSignal::new(false),
            groups: RwSignal::new(Vec::new()),
            referrals: RwSignal::new(None),
            referral_problem: RwSignal::new(None),
            referrals_busy: RwSignal::new(false),
            latest: StoredValue::new(0),
        }
    }

    /// Asks the worker for the selection's figures, and for the referrals between agencies
    /// of its period (side by side); only the latest request's answers are shown, so a
    /// slow earlier one never overwrites the period asked for last. Without signal nothing
    /// is asked and what is shown stays.
    pub fn load(self, ctx: Ctx) {
        let selection = self.selection.get_untracked();
        let (Some(query), Some(period)) = (selection.query(), selection.period()) else {
            self.problem.set(Some(i18n::STATS_BAD_PERIOD));
            return;
        };
        selection.remember();
        if !online() {
            self.problem.set(Some(i18n::STATS_OFFLINE));
            return;
        }
        let Some(token) = ctx.token() else {
            return;
        };
        let ticket = self.latest.get_value() + 1;
        self.latest.set_value(ticket);
        self.busy.set(true);
        self.problem.set(None);
        self.referrals_busy.set(true);
        self.referral_problem.set(None);
        let referrals_token = token.clone();
        spawn_local(async move {
            let answer = Api::here().evaluation(&token, &query).await;
            if self.latest.get_value() != ticket {
                return;
            }
            match answer {
                Ok(answer) => self.evaluation.set(Some(answer)),
                Err(error) => self.problem.set(Some(error_text(&error))),
            }
            self.busy.set(false);
        });
        let query = selection::period_query(period);
        spawn_local(async move {
            let answer = Api::here().referral_table(&referrals_token, &query).await;
            if self.latest.get_value() != ticket {
                return;
            }
            match answer {
                Ok(table) => self.referrals.set(Some(table)),
                Err(error) => self.referral_problem.set(Some(error_text(&error))),
            }
            self.referrals_busy.set(false);
        });
    }
}

/// "Triwulan III 2026 · Kabupaten Purbalingga (Periode 1 Jul 2026 – 30 Sep 2026)".
pub fn period_text(evaluation: &Evaluation, lang: Lang) -> String {
    let period = evaluation.period;
    format!(
        "{} · {} ({})",
        period.label(lang),
        evaluation.area_name(lang),
        i18n::period(period.from, period.to, lang)
    )
}

/// A vocabulary code's label (with the "not recorded" of destinations).
fn label(vocab: Vocab, code: &str, lang: Lang) -> String {
    csv::label(vocab, code, lang)
}

fn bars(vocab: Vocab, counts: &[Count], lang: Lang, keep_zero: bool) -> Vec<(String, Cell)> {
    counts
        .iter()
        .filter(|c| keep_zero || c.n != Some(0))
        .map(|c| (label(vocab, &c.code, lang), c.n))
        .collect()
}

/// Downloads one table of the selection as CSV (fetched with the session's token, saved
/// through a temporary link to the file).
fn download(
    ctx: Ctx,
    selection: Selection,
    table: Table,
    dialect: Dialect,
    lang: Lang,
    failed: RwSignal<bool>,
) {
    let (Some(query), Some(token)) = (selection.query(), ctx.token()) else {
        return;
    };
    failed.set(false);
    let query = format!(
        "{query}&table={}&lang={}&format={}",
        table.name(),
        lang.tag(),
        dialect.code()
    );
    let suffix = match dialect {
        Dialect::Rfc4180 => "",
        Dialect::ExcelIndonesia => "-excel",
    };
    let file = format!(
        "gugus-{}-{}{suffix}.csv",
        table.name(),
        query
            .split('&')
            .next()
            .unwrap_or_default()
            .replace(['=', '&'], "-")
    );
    spawn_local(async move {
        let saved = match Api::here().export(&token, &query).await {
            Ok(text) => save_file(&file, &text).is_some(),
            Err(_) => false,
        };
        failed.set(!saved);
    });
}

fn save_file(name: &str, text: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    web_sys::Url::revoke_object_url(&url).ok()
}

/// A section's heading with its CSV download.
#[component]
fn Heading(text: Text, table: Table, figures: Figures) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let failed = RwSignal::new(false);
    view! {
        <div class="section-head">
            <h2>{move || i18n.t(text)}</h2>
            <div class="csv-buttons">
                <button type="button" class="csv" data-table=table.name()
                    on:click=move |_| download(ctx, figures.selection.get_untracked(), table, Dialect::Rfc4180, i18n.lang(), failed)>
                    {move || i18n.t(words::DOWNLOAD)}
                </button>
                <button type="button" class="csv excel" data-table=table.name()
                    title=move || i18n.t(words::DOWNLOAD_EXCEL_TITLE)
                    on:click=move |_| download(ctx, figures.selection.get_untracked(), table, Dialect::ExcelIndonesia, i18n.lang(), failed)>
                    {move || i18n.t(words::DOWNLOAD_EXCEL)}
                </button>
            </div>
        </div>
        <Show when=move || failed.get()>
            <p class="form-error" role="alert">{move || i18n.t(words::DOWNLOAD_FAILED)}</p>
        </Show>
        // What "*" means, beside every table: shown (style.css) in a section holding one.
        <p class="hint star-note">{move || i18n.t(words::SUPPRESSED)}</p>
    }
}

/// The evaluation page.
#[component]
pub fn StatsPage() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let viewer = ctx.role().is_some_and(|r| r.suppressed_figures());
    let figures = Figures::new(viewer);
    if viewer && figures.selection.get_untracked().kind == Kind::Range {
        figures.selection.update(|s| s.kind = Kind::Month);
    }
    figures.load(ctx);
    groups::load_groups(figures);
    let supervisor = ctx.role() == Some(Role::Supervisor);
    let selection = figures.selection;
    let today = clock::today();
    let this_year = today.year();
    let set = move |change: fn(&mut Selection, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            selection.update(|s| change(s, value));
        }
    };
    let kinds = move || {
        let mut kinds = vec![
            (Kind::Month, words::KIND_MONTH),
            (Kind::Quarter, words::KIND_QUARTER),
            (Kind::Year, words::KIND_YEAR),
        ];
        if !viewer {
            kinds.push((Kind::Range, words::KIND_RANGE));
        }
        kinds
            .into_iter()
            .map(|(kind, text)| {
                view! {
                    <option value=kind.code() selected=move || selection.with(|s| s.kind == kind)>
                        {move || i18n.t(text)}
                    </option>
                }
            })
            .collect_view()
    };
    let kind = move || selection.with(|s| s.kind);
    view! {
        <section class="page stats">
            <h1 id="stats-title">
                {tr(words::TITLE)}
                {move || figures.evaluation.with(|e| {
                    e.as_ref()
                        .filter(|e| e.area != REGENCY_CODE)
                        .map(|e| format!(" · {}", e.area_name(i18n.lang())))
                })}
            </h1>
            <form id="eval-form" class="period" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                figures.load(ctx);
            }>
                <div class="field">
                    <label for="eval-kind">{tr(words::KIND)}</label>
                    <select id="eval-kind" on:change=set(|s, v| s.kind = Kind::parse(&v))>{kinds}</select>
                </div>
                <Show when=move || kind() != Kind::Range>
                    <div class="field">
                        <label for="eval-year">{tr(words::YEAR)}</label>
                        <select id="eval-year" on:change=set(|s, v| s.year = v.parse().unwrap_or(s.year))>
                            {(2020..=this_year).rev().map(|y| view! {
                                <option value=y.to_string() selected=move || selection.with(|s| s.year == y)>{y}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </Show>
                <Show when=move || kind() == Kind::Month>
                    <div class="field">
                        <label for="eval-month">{tr(words::MONTH)}</label>
                        <select id="eval-month" on:change=set(|s, v| s.month = v.parse().unwrap_or(s.month))>
                            {(1..=12u8).map(|m| view! {
                                <option value=m.to_string() selected=move || selection.with(|s| s.month == m)>
                                    {move || i18n::month_name(m, i18n.lang())}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                </Show>
                <Show when=move || kind() == Kind::Quarter>
                    <div class="field">
                        <label for="eval-quarter">{tr(words::QUARTER)}</label>
                        <select id="eval-quarter" on:change=set(|s, v| s.quarter = v.parse().unwrap_or(s.quarter))>
                            {(1..=4u8).map(|q| view! {
                                <option value=q.to_string() selected=move || selection.with(|s| s.quarter == q)>
                                    {move || i18n.t(words::QUARTERS[usize::from(q) - 1])}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                </Show>
                <Show when=move || kind() == Kind::Range>
                    <div class="field">
                        <label for="stats-from">{tr(i18n::FROM)}</label>
                        <input id="stats-from" type="date" name="from" prop:value=move || selection.with(|s| s.from.clone())
                            on:input=set(|s, v| s.from = v) on:change=set(|s, v| s.from = v) />
                    </div>
                    <div class="field">
                        <label for="stats-to">{tr(i18n::TO)}</label>
                        <input id="stats-to" type="date" name="to" prop:value=move || selection.with(|s| s.to.clone())
                            on:input=set(|s, v| s.to = v) on:change=set(|s, v| s.to = v) />
                    </div>
                </Show>
                <div class="field">
                    <label for="eval-area">{tr(words::AREA)}</label>
                    <select id="eval-area" on:change=set(|s, v| s.area = v)>
                        <option value=REGENCY_CODE selected=move || selection.with(|s| s.area == REGENCY_CODE)>
                            {tr(words::WHOLE_REGENCY)}
                        </option>
                        {kecamatan_codes().into_iter().map(|code| view! {
                            <option value=code selected=move || selection.with(|s| s.area == code)>
                                {regions::name_of(code).to_owned()}
                            </option>
                        }).collect_view()}
                        {move || figures.groups.get().into_iter().map(|group| {
                            let area = group.area();
                            let here = area.clone();
                            view! {
                                <option value=area selected=move || selection.with(|s| s.area == here)>
                                    {move || groups::option_label(&group, i18n.lang())}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" id="stats-load" class="primary">
                    {move || i18n.t(if figures.busy.get() { i18n::LOADING } else { i18n::STATS_LOAD })}
                </button>
            </form>
            {move || figures.problem.get().map(|text| view! {
                <p id="stats-error" class="form-error" role="alert">{move || i18n.t(text)}</p>
            })}
            {move || figures.evaluation.get().map(|e| view! { <Dashboard evaluation=e figures /> })}
            <Show when=move || supervisor>
                <groups::GroupEditor figures />
            </Show>
        </section>
    }
}

/// Every figure of one answer.
#[component]
fn Dashboard(evaluation: Evaluation, figures: Figures) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let e = StoredValue::new(evaluation);
    let regency = e.with_value(|e| e.area == REGENCY_CODE);
    let lang = move || i18n.lang();
    // The page goes back to its top, where the heading names the area now shown.
    let drill = move |area: String| {
        figures.selection.update(|s| s.area = area);
        figures.load(ctx);
        gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
    };
    // The period shown, as data: a test tells it from the period asked for while the
    // answer to that is still on its way (the page keeps showing the last one meanwhile).
    let (from, to) = e.with_value(|e| (format_date(e.period.from), format_date(e.period.to)));
    view! {
        <div id="eval-result" data-from=from data-to=to>
            <p id="stats-period" class="period-text">{move || e.with_value(|e| period_text(e, lang()))}</p>
            <Show when=move || !regency>
                <button type="button" id="eval-regency" class="link"
                    on:click=move |_| drill(REGENCY_CODE.to_owned())>{tr(words::BACK_TO_REGENCY)}</button>
            </Show>
            <p class="report-link">
                <a id="eval-report" href=Page::Report.hash()>{tr(words::REPORT_LINK)}</a>
            </p>
            <blocks::KeyFigures e />

            <blocks::CasesBlock e figures />

            <blocks::VictimsBlock e figures />

            <blocks::ServicesBlock e figures />

            <referrals::ReferralsBlock period=e.with_value(|e| e.period) figures regency />

            <blocks::LegalBlock e figures />

            <blocks::ActivitiesBlock e figures />

            <blocks::TrendBlock e figures />

            <Show when=move || regency>
                <blocks::AreasBlock e figures drill=Callback::new(drill) />
            </Show>

            <Show when=move || regency>
                <groups::GroupsTable evaluation=e drill=Callback::new(drill) />
            </Show>

            <blocks::CoverageBlock e figures regency />
        </div>
    }
}

/// "Okt 2026" from "2026-10".
pub fn short_month(month: &str, lang: Lang) -> String {
    let (year, m) = month.split_once('-').unwrap_or((month, "1"));
    let m: u8 = m.parse().unwrap_or(1);
    format!("{} {year}", i18n::month_short(m, lang))
}

/// A month on the trend chart's axis: its short name, with the year on the first month
/// and on each January only ("Jan 2026", "Mar", "Mei", ...), so the names stay apart.
pub fn axis_month(month: &str, first: bool, lang: Lang) -> String {
    let (year, m) = month.split_once('-').unwrap_or((month, "1"));
    let m: u8 = m.parse().unwrap_or(1);
    match first || m == 1 {
        true => format!("{} {year}", i18n::month_short(m, lang)),
        false => i18n::month_short(m, lang).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::charts::{figure, percent};
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn months_read_short() {
        assert_eq!(short_month("2026-10", Lang::Id), "Okt 2026");
        assert_eq!(short_month("2026-05", Lang::En), "May 2026");
        assert_eq!(axis_month("2026-05", true, Lang::Id), "Mei 2026");
        assert_eq!(axis_month("2026-05", false, Lang::Id), "Mei");
        assert_eq!(axis_month("2027-01", false, Lang::Id), "Jan 2027");
    }

    #[test]
    fn suppressed_figures_read_as_a_star() {
        assert_eq!(figure(None, Lang::Id), "*");
        assert_eq!(figure(Some(1234), Lang::Id), "1.234");
        assert_eq!(percent(40.25, Lang::Id), "40,2%");
        assert_eq!(percent(40.3, Lang::En), "40.3%");
    }
}
