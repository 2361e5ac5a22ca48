//! The evaluation's charts, drawn as SVG that scales to the screen: bars, the
//! law-enforcement funnel and the monthly trend. A suppressed figure draws no bar and reads
//! "*" (the page's note says why).

use crate::i18n;
use gugus_model::evaluation::Cell;
use gugus_model::Lang;
use leptos::prelude::*;

/// The text of a figure: the number in the reader's format, or "*" when suppressed.
pub fn figure(cell: Cell, lang: Lang) -> String {
    match cell {
        Some(n) => i18n::number(n, lang),
        None => "*".to_owned(),
    }
}

/// A percentage with one decimal, written as the reader writes it ("40,3%").
pub fn percent(value: f64, lang: Lang) -> String {
    let text = format!("{value:.1}");
    match lang {
        Lang::Id => format!("{}%", text.replace('.', ",")),
        Lang::En => format!("{text}%"),
    }
}

const WIDTH: f64 = 320.0;
const ROW: f64 = 34.0;
const BAR_SPACE: f64 = 250.0;

/// Horizontal bars, one per row: its label above, the figure at the bar's end.
#[component]
pub fn Bars(
    /// The chart's id.
    id: String,
    /// What the chart shows, for screen readers.
    title: String,
    /// Each bar's label and figure.
    rows: Vec<(String, Cell)>,
    /// The reader's language.
    lang: Lang,
) -> impl IntoView {
    let max = rows
        .iter()
        .filter_map(|(_, c)| *c)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = ROW * rows.len().max(1) as f64;
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, cell))| {
            let top = i as f64 * ROW;
            let width = cell.map_or(0.0, |n| {
                (n as f64 / max * BAR_SPACE).max(if n > 0 { 2.0 } else { 0.0 })
            });
            let value = figure(cell, lang);
            view! {
                <g class="bar" class:suppressed=cell.is_none()>
                    <text class="bar-label" x="0" y=top + 12.0>{label}</text>
                    <rect x="0" y=top + 16.0 width=width height="12" rx="2"></rect>
                    <text class="bar-value" x=width + 4.0 y=top + 26.0>{value}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg id=id class="chart bars" viewBox=format!("0 0 {WIDTH} {height}") role="img"
            preserveAspectRatio="xMinYMin meet">
            <title>{title}</title>
            {bars}
        </svg>
    }
}

/// One stage of the funnel: its label, its figure and its share of the period's cases.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// The stage's name.
    pub label: String,
    /// Cases that reached it.
    pub cases: Cell,
    /// Their share of the period's cases.
    pub percent: Option<f64>,
}

/// The law-enforcement funnel: each stage a centred bar as wide as its share.
#[component]
pub fn Funnel(
    /// What the chart shows, for screen readers.
    title: String,
    /// The stages, first to last.
    stages: Vec<Stage>,
    /// The reader's language.
    lang: Lang,
) -> impl IntoView {
    let max = stages
        .iter()
        .filter_map(|s| s.cases)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = 40.0 * stages.len() as f64;
    let bars = stages
        .into_iter()
        .enumerate()
        .map(|(i, stage)| {
            let top = i as f64 * 40.0;
            let width = stage.cases.map_or(0.0, |n| n as f64 / max * (WIDTH - 20.0));
            let x = (WIDTH - width) / 2.0;
            let share = stage.percent.map(|p| format!(" ({})", percent(p, lang)));
            let text = format!(
                "{}: {}{}",
                stage.label,
                figure(stage.cases, lang),
                share.unwrap_or_default()
            );
            view! {
                <g class="stage" class:suppressed=stage.cases.is_none()>
                    <rect x=x y=top + 16.0 width=width height="20" rx="3"></rect>
                    <text class="stage-label" x=WIDTH / 2.0 y=top + 12.0 text-anchor="middle">{text}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg id="eval-funnel" class="chart funnel" viewBox=format!("0 0 {WIDTH} {height}")
            role="img" preserveAspectRatio="xMinYMin meet">
            <title>{title}</title>
            {bars}
        </svg>
    }
}

/// One line of the trend chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its name, in the legend.
    pub name: String,
    /// Its CSS class (its colour).
    pub class: &'static str,
    /// One figure per month.
    pub points: Vec<Cell>,
}

/// The monthly trend: one line per series, a gap where a month is suppressed.
#[component]
pub fn Trend(
    /// What the chart shows, for screen readers.
    title: String,
    /// The months' names on the axis, oldest first.
    months: Vec<String>,
    /// The lines.
    series: Vec<Series>,
    /// The reader's language.
    lang: Lang,
) -> impl IntoView {
    let (left, right, top, bottom) = (34.0, 310.0, 10.0, 160.0);
    let n = months.len().max(1);
    let step = if n > 1 {
        (right - left) / (n - 1) as f64
    } else {
        0.0
    };
    let max = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|c| *c))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let x = move |i: usize| {
        if n > 1 {
            left + step * i as f64
        } else {
            (left + right) / 2.0
        }
    };
    let y = move |v: u64| bottom - (v as f64 / max) * (bottom - top);
    // At most four months are named (every third of a year), so the names stay apart and
    // readable at 360 px; the table below the chart has every month.
    let every = n.div_ceil(4);
    let labels = months
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, m)| {
            // The first name starts at its month, so it is not cut at the chart's edge.
            let anchor = if i == 0 { "start" } else { "middle" };
            view! { <text class="axis" x=x(i) y=bottom + 16.0 text-anchor=anchor>{m.clone()}</text> }
        })
        .collect_view();
    let lines = series
        .iter()
        .map(|s| {
            // Runs of shown months, each drawn as its own line.
            let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
            for (i, cell) in s.points.iter().enumerate() {
                match cell {
                    Some(v) => runs.last_mut().map(|r| r.push((x(i), y(*v)))).unwrap_or(()),
                    None => runs.push(Vec::new()),
                }
            }
            let class = s.class;
            let paths = runs
                .into_iter()
                .filter(|r| !r.is_empty())
                .map(|run| {
                    let points: Vec<String> = run
                        .iter()
                        .map(|(px, py)| format!("{px:.1},{py:.1}"))
                        .collect();
                    let dots = run
                        .iter()
                        .map(|(px, py)| view! { <circle cx=*px cy=*py r="2.5"></circle> })
                        .collect_view();
                    view! {
                        <polyline points=points.join(" ")></polyline>
                        {dots}
                    }
                })
                .collect_view();
            view! { <g class=format!("series {class}")>{paths}</g> }
        })
        .collect_view();
    let legend = series
        .iter()
        .map(|s| {
            view! { <li class=format!("series {}", s.class)><span class="swatch"></span>{s.name.clone()}</li> }
        })
        .collect_view();
    let top_label = i18n::number(max as u64, lang);
    view! {
        <figure class="trend">
            <svg id="eval-trend" class="chart trend" viewBox=format!("0 0 {WIDTH} 180") role="img"
                preserveAspectRatio="xMinYMin meet">
                <title>{title}</title>
                <line class="axis" x1=left y1=bottom x2=right y2=bottom></line>
                <line class="axis" x1=left y1=top x2=left y2=bottom></line>
                <text class="axis" x=left - 4.0 y=top + 4.0 text-anchor="end">{top_label}</text>
                <text class="axis" x=left - 4.0 y=bottom text-anchor="end">"0"</text>
                {labels}
                {lines}
            </svg>
            <ul class="legend">{legend}</ul>
        </figure>
    }
}
