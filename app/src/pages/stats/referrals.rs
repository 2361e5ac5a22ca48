//! The referrals between agencies on the evaluation (issue #19): for each agency, the
//! referrals it received in the period and what became of them, with the declines by
//! reason (`#stats-referrals`); its CSV downloads; and the same table in the printed
//! report. Read from `GET /api/v1/stats/referrals` with the evaluation, for the same
//! period; viewers get it with small cells hidden, shown as the page shows them ("*").
//! Without signal the table last read stays, as the rest of the page does.

use super::charts::figure;
use super::selection::period_query;
use super::{save_file, words, Figures};
use crate::agencies::use_agencies;
use crate::app::{use_ctx, Ctx};
use crate::i18n::{self, tr, use_i18n, I18n};
use crate::sync::Api;
use gugus_model::activity::format_date;
use gugus_model::evaluation::csv::Dialect;
use gugus_model::evaluation::{Cell, Period};
use gugus_model::referral::figures::{AgencyRow, ReferralTable, TOTAL};
use gugus_model::vocab::DECLINE_REASONS;
use gugus_model::{Lang, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The table's columns after the agency's name: each cell's `data-col` and heading.
pub const COLUMNS: [(&str, Text); 7] = [
    ("received", words::REF_RECEIVED),
    ("accepted", words::REF_ACCEPTED),
    ("declined", words::REF_DECLINED),
    ("delivered", words::REF_DELIVERED),
    ("overdue", words::REF_OVERDUE),
    ("answer_days", words::REF_ANSWER_DAYS),
    ("deliver_days", words::REF_DELIVER_DAYS),
];

/// One cell of a row as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// Its column (`data-col`).
    pub col: &'static str,
    /// The figure in the reader's format, "*" when hidden, "–" for a median of nothing.
    pub text: String,
    /// Hidden from a viewer.
    pub hidden: bool,
    /// A figure that calls for action (referrals overdue).
    pub alert: bool,
}

/// A median number of days as the reader writes it: whole ("3") or with one decimal
/// ("2,5"); "*" when hidden with its counts, "–" when there was nothing to count.
pub fn days(median: Option<f64>, hidden: bool, lang: Lang) -> String {
    match (median, hidden) {
        (Some(d), _) => {
            let text = match d.fract() == 0.0 {
                true => format!("{d:.0}"),
                false => format!("{d:.1}"),
            };
            match lang {
                Lang::Id => text.replace('.', ","),
                Lang::En => text,
            }
        }
        (None, true) => "*".to_owned(),
        (None, false) => "–".to_owned(),
    }
}

/// A row's cells in the order of [`COLUMNS`]. A median is hidden when the counts it comes
/// from are (the worker's rule: the answers' with the received, accepted and declined
/// counts, the deliveries' with the delivered count).
pub fn row_cells(row: &AgencyRow, lang: Lang) -> Vec<Shown> {
    let count = |col: &'static str, cell: Cell, alert: bool| Shown {
        col,
        text: figure(cell, lang),
        hidden: cell.is_none(),
        alert: alert && cell.is_some_and(|n| n > 0),
    };
    let answer_hidden = row.received.is_none() || row.accepted.is_none() || row.declined.is_none();
    let deliver_hidden = row.delivered.is_none();
    let median = |col: &'static str, median: Option<f64>, hidden: bool| Shown {
        col,
        text: days(median, hidden, lang),
        hidden: median.is_none() && hidden,
        alert: false,
    };
    vec![
        count("received", row.received, false),
        count("accepted", row.accepted, false),
        count("declined", row.declined, false),
        count("delivered", row.delivered, false),
        count("overdue", row.overdue, true),
        median("answer_days", row.median_days_to_answer, answer_hidden),
        median("deliver_days", row.median_days_to_deliver, deliver_hidden),
    ]
}

/// A row's name: the agency's (by `name_of`, the deployment's list), or "all agencies"
/// for the total.
pub fn agency_name(code: &str, lang: Lang, name_of: &dyn Fn(&str) -> String) -> String {
    match code == TOTAL {
        true => words::REF_ALL_AGENCIES.get(lang).to_owned(),
        false => name_of(code),
    }
}

/// A row's declines by reason: `(code, label, count)` in the order the worker gives them
/// (every `DECLINE_REASONS` code).
pub fn reasons(row: &AgencyRow, lang: Lang) -> Vec<(String, String, Cell)> {
    row.declined_by_reason
        .iter()
        .map(|c| {
            let label = DECLINE_REASONS.label(&c.code, lang).to_owned();
            (c.code.clone(), label, c.n)
        })
        .collect()
}

/// The declines by reason in one line, for the printed report: the reasons that count
/// one or more (or are hidden), or that nothing was declined.
pub fn reasons_line(row: &AgencyRow, lang: Lang) -> String {
    if row.declined == Some(0) {
        return words::REF_REASONS_NONE.get(lang).to_owned();
    }
    let all = reasons(row, lang);
    let counted: Vec<&(String, String, Cell)> = all.iter().filter(|r| r.2 != Some(0)).collect();
    let listed = match counted.is_empty() {
        true => all.iter().collect(),
        false => counted,
    };
    let parts: Vec<String> = listed
        .iter()
        .map(|(_, label, n)| format!("{label} {}", figure(*n, lang)))
        .collect();
    format!("{}: {}.", words::REF_REASONS.get(lang), parts.join(" · "))
}

/// "Triwulan I 2026 (Periode 1 Jan 2026 – 31 Mar 2026)": the table's period in words.
pub fn period_text(period: Period, lang: Lang) -> String {
    format!(
        "{} ({})",
        period.label(lang),
        i18n::period(period.from, period.to, lang)
    )
}

/// What the section says while it still shows another period's table than the page's.
pub fn stale_text(shown: Period, asked: Period, lang: Lang) -> String {
    match lang {
        Lang::Id => format!(
            "Tabel di bawah masih untuk {}; tabel {} belum termuat.",
            shown.label(lang),
            asked.label(lang)
        ),
        Lang::En => format!(
            "The table below is still for {}; the table for {} is not loaded yet.",
            shown.label(lang),
            asked.label(lang)
        ),
    }
}

/// The export's query: the period, the language and the CSV dialect.
pub fn export_query(period: Period, lang: Lang, dialect: Dialect) -> String {
    format!(
        "{}&lang={}&format={}",
        period_query(period),
        lang.tag(),
        dialect.code()
    )
}

/// The export's address (what the download link points to; it is fetched with the
/// session's token).
pub fn export_href(period: Period, lang: Lang, dialect: Dialect) -> String {
    format!(
        "/api/v1/stats/referrals/export?{}",
        export_query(period, lang, dialect)
    )
}

/// The downloaded file's name: the worker's (`model::referral::figures::file_name`,
/// `gugus-rujukan-2026-Q1.csv`; a range: its two days), with `-excel` for Excel's dialect.
pub fn file_name(period: Period, dialect: Dialect) -> String {
    let name = gugus_model::referral::figures::file_name(period);
    match dialect {
        Dialect::Rfc4180 => name,
        Dialect::ExcelIndonesia => {
            let stem = name.strip_suffix(".csv").unwrap_or(&name);
            format!("{stem}-excel.csv")
        }
    }
}

/// Downloads the period's table as CSV (fetched with the session's token, saved through a
/// temporary link to the file).
fn download(ctx: Ctx, period: Period, dialect: Dialect, lang: Lang, failed: RwSignal<bool>) {
    let Some(token) = ctx.token() else {
        return;
    };
    failed.set(false);
    let query = export_query(period, lang, dialect);
    let file = file_name(period, dialect);
    spawn_local(async move {
        let saved = match Api::here().referral_export(&token, &query).await {
            Ok(text) => save_file(&file, &text).is_some(),
            Err(_) => false,
        };
        failed.set(!saved);
    });
}

/// The header row: the agency, then [`COLUMNS`].
fn head(i18n: I18n) -> impl IntoView {
    let heads = COLUMNS
        .iter()
        .map(|(col, text)| view! { <th scope="col" data-col=*col>{i18n.t(*text)}</th> })
        .collect_view();
    view! { <thead><tr><th scope="col">{i18n.t(words::REF_AGENCY)}</th>{heads}</tr></thead> }
}

/// The rows: one per agency, then the total.
fn body(table: &ReferralTable, lang: Lang, name_of: &dyn Fn(&str) -> String) -> impl IntoView {
    let rows = table
        .rows
        .iter()
        .chain([&table.total])
        .map(|row| {
            let cells = row_cells(row, lang)
                .into_iter()
                .map(|c| {
                    let days = c.col.ends_with("_days");
                    view! {
                        <td data-col=c.col class:suppressed=c.hidden class:alert=c.alert class:days=days>
                            {c.text}
                        </td>
                    }
                })
                .collect_view();
            let total = row.agency == TOTAL;
            view! {
                <tr class="referral-row" class:total=total data-agency=row.agency.clone()>
                    <th scope="row">{agency_name(&row.agency, lang, name_of)}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! { <tbody>{rows}</tbody> }
}

/// One row's declines by reason, as a table of two columns.
fn reasons_table(id: Option<&'static str>, row: &AgencyRow, i18n: I18n) -> impl IntoView {
    let lang = i18n.lang();
    let rows = reasons(row, lang)
        .into_iter()
        .map(|(code, label, n)| {
            view! {
                <tr data-reason=code>
                    <th scope="row">{label}</th>
                    <td data-col="declined" class:suppressed=n.is_none()>{figure(n, lang)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table id=id class="figures referral-reasons">
            <thead><tr>
                <th scope="col">{i18n.t(words::REF_REASON)}</th>
                <th scope="col">{i18n.t(words::REF_DECLINED)}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The declines by reason: every agency's together, then each agency's that declined
/// any, folded (a table per agency side by side would not fit a phone).
fn declines(table: &ReferralTable, i18n: I18n, name_of: &dyn Fn(&str) -> String) -> AnyView {
    let lang = i18n.lang();
    if table.total.declined == Some(0) {
        return view! {
            <h3>{i18n.t(words::REF_REASONS)}</h3>
            <p id="referral-reasons-none" class="hint">{i18n.t(words::REF_REASONS_NONE)}</p>
        }
        .into_any();
    }
    let each = table
        .rows
        .iter()
        .filter(|row| row.declined != Some(0))
        .map(|row| {
            let summary = format!(
                "{}: {} {}",
                agency_name(&row.agency, lang, name_of),
                figure(row.declined, lang),
                i18n.t(words::REF_DECLINED_WORD)
            );
            view! {
                <details class="referral-reasons" data-agency=row.agency.clone()>
                    <summary>{summary}</summary>
                    {reasons_table(None, row, i18n)}
                </details>
            }
        })
        .collect_view();
    view! {
        <h3>{format!("{} · {}", i18n.t(words::REF_REASONS), i18n.t(words::REF_ALL_AGENCIES))}</h3>
        {reasons_table(Some("referral-reasons"), &table.total, i18n)}
        <p class="hint">{i18n.t(words::REF_REASONS_BY_AGENCY)}</p>
        {each}
    }
    .into_any()
}

/// What the section or the report says when it has no table of its period: why, or that
/// it is on its way.
fn missing(figures: Figures, i18n: I18n) -> &'static str {
    match (figures.referral_problem.get(), figures.referrals_busy.get()) {
        (_, true) => i18n.t(i18n::LOADING),
        (Some(problem), false) => i18n.t(problem),
        (None, false) => i18n.t(words::REFERRALS_NOT_LOADED),
    }
}

/// The section of the evaluation page, for the `period` it shows.
#[component]
pub(super) fn ReferralsBlock(period: Period, figures: Figures, regency: bool) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let agencies = use_agencies();
    let failed = RwSignal::new(false);
    let link = move |dialect: Dialect| {
        let (id, class, text) = match dialect {
            Dialect::Rfc4180 => ("referral-csv", "csv", words::DOWNLOAD),
            Dialect::ExcelIndonesia => ("referral-csv-excel", "csv excel", words::DOWNLOAD_EXCEL),
        };
        let excel = dialect == Dialect::ExcelIndonesia;
        view! {
            <a id=id class=class data-format=dialect.code()
                href=move || export_href(period, i18n.lang(), dialect)
                download=file_name(period, dialect)
                title=move || excel.then(|| i18n.t(words::DOWNLOAD_EXCEL_TITLE))
                on:click=move |ev: leptos::ev::MouseEvent| {
                    ev.prevent_default();
                    download(ctx, period, dialect, i18n.lang(), failed);
                }>
                {move || i18n.t(text)}
            </a>
        }
    };
    let shown = move || {
        let lang = i18n.lang();
        let name_of = move |code: &str| agencies.label(code, lang);
        let problem = figures.referral_problem.get().map(|text| {
            view! { <p id="referral-error" class="form-error" role="alert">{i18n.t(text)}</p> }
        });
        figures.referrals.with(|kept| {
            let Some(table) = kept else {
                return view! { {problem}<p id="referral-missing" class="hint">{missing(figures, i18n)}</p> }
                    .into_any();
            };
            let stale = (table.period != period).then(|| {
                let text = match figures.referrals_busy.get() {
                    true => i18n.t(i18n::LOADING).to_owned(),
                    false => stale_text(table.period, period, lang),
                };
                view! { <p id="referral-stale" class="hint">{text}</p> }
            });
            let figures_view = match table.rows.is_empty() {
                true => view! {
                    <p id="referral-none" class="empty">{i18n.t(words::REFERRALS_NONE)}</p>
                }
                .into_any(),
                false => view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label=i18n.t(words::REFERRALS)>
                        <table id="referral-table" class="figures"
                            data-from=format_date(table.period.from) data-to=format_date(table.period.to)>
                            {head(i18n)}
                            {body(table, lang, &name_of)}
                        </table>
                    </div>
                    {declines(table, i18n, &name_of)}
                }
                .into_any(),
            };
            view! {
                {problem}
                {stale}
                <p id="referral-period" class="period-text">{period_text(table.period, lang)}</p>
                {figures_view}
            }
            .into_any()
        })
    };
    view! {
        <section id="stats-referrals" class="block">
            <div class="section-head">
                <h2>{tr(words::REFERRALS)}</h2>
                <div class="csv-buttons">
                    {link(Dialect::Rfc4180)}
                    {link(Dialect::ExcelIndonesia)}
                </div>
            </div>
            <Show when=move || failed.get()>
                <p class="form-error" role="alert">{tr(words::DOWNLOAD_FAILED)}</p>
            </Show>
            <p class="hint star-note">{tr(words::SUPPRESSED)}</p>
            <p class="hint">{tr(words::REFERRALS_NOTE)}</p>
            {(!regency).then(|| view! { <p class="hint">{tr(words::REFERRALS_REGENCY)}</p> })}
            {shown}
        </section>
    }
}

/// The same table in the printed report, for the report's `period`: the per-agency table
/// and every agency's declines by reason in one line.
#[component]
pub(super) fn ReferralsReport(period: Period, figures: Figures, regency: bool) -> impl IntoView {
    let i18n = use_i18n();
    let agencies = use_agencies();
    move || {
        let lang = i18n.lang();
        let name_of = move |code: &str| agencies.label(code, lang);
        figures.referrals.with(|kept| {
            let shown = match kept.as_ref().filter(|t| t.period == period) {
                None => view! {
                    <p id="report-referrals-missing" class="hint">{missing(figures, i18n)}</p>
                }
                .into_any(),
                Some(table) if table.rows.is_empty() => view! {
                    <p id="report-referrals-none">{i18n.t(words::REFERRALS_NONE)}</p>
                }
                .into_any(),
                Some(table) => view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label=i18n.t(words::REFERRALS)>
                        <table id="report-referrals" class="figures">
                            {head(i18n)}
                            {body(table, lang, &name_of)}
                        </table>
                    </div>
                    <p id="report-referral-reasons" class="referral-reasons-line">
                        {reasons_line(&table.total, lang)}
                    </p>
                }
                .into_any(),
            };
            view! {
                <h2>{i18n.t(words::REFERRALS)}</h2>
                {(!regency).then(|| view! { <p class="hint">{i18n.t(words::REFERRALS_REGENCY)}</p> })}
                {shown}
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gugus_model::evaluation::Count;
    // Pure functions: the same tests run natively (`cargo test -p gugus-app --lib`) and in
    // the browser suite.
    use wasm_bindgen_test::wasm_bindgen_test;

    fn row(agency: &str, counts: [Cell; 5], medians: [Option<f64>; 2]) -> AgencyRow {
        let [received, accepted, declined, delivered, overdue] = counts;
        AgencyRow {
            agency: agency.into(),
            received,
            accepted,
            declined,
            declined_by_reason: DECLINE_REASONS
                .terms
                .iter()
                .map(|term| Count {
                    code: term.code.to_owned(),
                    n: match term.code {
                        "no_capacity" => declined,
                        _ => Some(0),
                    },
                })
                .collect(),
            delivered,
            overdue,
            median_days_to_answer: medians[0],
            median_days_to_deliver: medians[1],
        }
    }

    fn texts(cells: &[Shown]) -> Vec<&str> {
        cells.iter().map(|c| c.text.as_str()).collect()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn medians_read_whole_or_with_one_decimal() {
        assert_eq!(days(Some(3.0), false, Lang::Id), "3");
        assert_eq!(days(Some(2.5), false, Lang::Id), "2,5");
        assert_eq!(days(Some(2.5), false, Lang::En), "2.5");
        assert_eq!(days(Some(14.0), true, Lang::En), "14");
        assert_eq!(days(None, true, Lang::Id), "*");
        assert_eq!(days(None, false, Lang::Id), "–");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_row_reads_in_the_columns_order() {
        let shelter = row(
            "uptd_ppa",
            [Some(1200), Some(40), Some(3), Some(35), Some(2)],
            [Some(1.0), Some(6.5)],
        );
        let cells = row_cells(&shelter, Lang::Id);
        let cols: Vec<&str> = cells.iter().map(|c| c.col).collect();
        let expected: Vec<&str> = COLUMNS.iter().map(|(col, _)| *col).collect();
        assert_eq!(cols, expected);
        assert_eq!(texts(&cells), ["1.200", "40", "3", "35", "2", "1", "6,5"]);
        assert!(cells.iter().all(|c| !c.hidden));
        let alerts: Vec<&str> = cells.iter().filter(|c| c.alert).map(|c| c.col).collect();
        assert_eq!(
            alerts,
            ["overdue"],
            "only overdue referrals call for action"
        );
        let none_late = row(
            "police",
            [Some(12), Some(12), Some(0), Some(12), Some(0)],
            [None, None],
        );
        let cells = row_cells(&none_late, Lang::En);
        assert!(cells.iter().all(|c| !c.alert));
        assert_eq!(texts(&cells)[5..], ["–", "–"], "a median of nothing");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_viewer_sees_hidden_cells_and_their_medians_as_a_star() {
        let police = row(
            "police",
            [Some(25), Some(20), None, Some(18), None],
            [None, Some(4.0)],
        );
        let cells = row_cells(&police, Lang::Id);
        assert_eq!(texts(&cells), ["25", "20", "*", "18", "*", "*", "4"]);
        let hidden: Vec<&str> = cells.iter().filter(|c| c.hidden).map(|c| c.col).collect();
        assert_eq!(hidden, ["declined", "overdue", "answer_days"]);
        let no_deliveries = row(
            "police",
            [Some(25), Some(20), Some(0), None, Some(0)],
            [Some(2.0), None],
        );
        let cells = row_cells(&no_deliveries, Lang::Id);
        assert_eq!(texts(&cells)[5..], ["2", "*"]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_total_row_is_named_for_all_agencies() {
        let name_of = |code: &str| format!("[{code}]");
        assert_eq!(agency_name(TOTAL, Lang::Id, &name_of), "Semua instansi");
        assert_eq!(agency_name(TOTAL, Lang::En, &name_of), "All agencies");
        assert_eq!(agency_name("uptd_ppa", Lang::Id, &name_of), "[uptd_ppa]");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn declines_read_by_reason() {
        let total = row(
            TOTAL,
            [Some(40), Some(30), Some(12), Some(20), Some(0)],
            [None, None],
        );
        let listed = reasons(&total, Lang::Id);
        assert_eq!(listed.len(), DECLINE_REASONS.terms.len());
        assert_eq!(listed[0].1, "Bukan kewenangan instansi kami");
        assert_eq!(
            listed[1],
            (
                "no_capacity".into(),
                "Tidak ada kapasitas (tempat, petugas, anggaran)".into(),
                Some(12)
            )
        );
        assert_eq!(
            reasons_line(&total, Lang::Id),
            "Penolakan menurut alasan: Tidak ada kapasitas (tempat, petugas, anggaran) 12."
        );
        let hidden = row(
            TOTAL,
            [Some(40), Some(30), None, Some(20), Some(0)],
            [None, None],
        );
        assert_eq!(
            reasons_line(&hidden, Lang::En),
            "Declines by reason: No capacity (places, staff, budget) *."
        );
        let none = row(
            TOTAL,
            [Some(40), Some(30), Some(0), Some(20), Some(0)],
            [None, None],
        );
        assert_eq!(
            reasons_line(&none, Lang::Id),
            "Tidak ada rujukan yang ditolak pada periode ini."
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_export_asks_for_the_period_language_and_dialect() {
        let quarter = Period::parse("2026-Q1").expect("a quarter");
        assert_eq!(
            export_href(quarter, Lang::Id, Dialect::Rfc4180),
            "/api/v1/stats/referrals/export?period=2026-Q1&lang=id&format=rfc4180"
        );
        assert_eq!(
            export_query(quarter, Lang::En, Dialect::ExcelIndonesia),
            "period=2026-Q1&lang=en&format=excel-id"
        );
        assert_eq!(
            file_name(quarter, Dialect::Rfc4180),
            "gugus-rujukan-2026-Q1.csv"
        );
        assert_eq!(
            file_name(quarter, Dialect::ExcelIndonesia),
            "gugus-rujukan-2026-Q1-excel.csv"
        );
        let range = Period::new(
            time::macros::date!(2026 - 03 - 05),
            time::macros::date!(2026 - 04 - 20),
        )
        .expect("a range");
        assert_eq!(
            export_query(range, Lang::Id, Dialect::Rfc4180),
            "from=2026-03-05&to=2026-04-20&lang=id&format=rfc4180"
        );
        assert_eq!(
            file_name(range, Dialect::Rfc4180),
            "gugus-rujukan-2026-03-05_2026-04-20.csv"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_period_is_said_in_words() {
        let quarter = Period::parse("2026-Q1").expect("a quarter");
        assert_eq!(
            period_text(quarter, Lang::Id),
            "Triwulan I 2026 (Periode 1 Jan 2026 – 31 Mar 2026)"
        );
        let month = Period::parse("2026-02").expect("a month");
        assert_eq!(
            stale_text(month, quarter, Lang::Id),
            "Tabel di bawah masih untuk Februari 2026; tabel Triwulan I 2026 belum termuat."
        );
    }
}
