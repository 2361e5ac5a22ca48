//! Issue #16 items 7, 8 and 12 (its buttons; the files are read back in the worker's
//! story tests), a supervisor at 360x640 over generated data: every table
//! scrolls sideways inside its own focusable region with a cue and a sticky first column,
//! no page scrolls sideways (the evaluation in each period mode, the report), and the
//! trend chart's month names are readable: apart, at least 12 px, without an outline.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::{app, poll, Browser, Worker};
use serde_json::Value;

const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_and_charts_fit_a_phone() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    // A year of cases up to a month ago; the page shows that last month's calendar year.
    let until = app::days_before_today(30);
    worker.generate(&[
        "--as",
        SUPERVISOR.0,
        "--seed",
        "5",
        "--cases",
        "120",
        "--activities",
        "80",
        "--months",
        "12",
        "--until",
        &until,
    ])?;
    let year = until[..4].to_owned();
    Browser::start_phone()
        .await?
        .run("evaluation-phone", async |phone| {
            journey(phone, &worker, &year).await
        })
        .await
}

async fn journey(phone: &Browser, worker: &Worker, year: &str) -> Result<()> {
    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, SUPERVISOR.0, SUPERVISOR.1).await?;
    phone.click("#nav-stats").await?;
    phone.wait_for("#eval-form").await?;
    phone.select("#eval-kind", "year").await?;
    phone.select("#eval-year", year).await?;
    phone.click("#stats-load").await?;
    phone.wait_for("#stats-table").await?;
    poll("the trend's table", || async {
        Ok((phone.count("#eval-trend-table tbody tr").await? > 0).then_some(()))
    })
    .await?;

    // The supervisor's eight pages do not fit the bottom bar: it scrolls, with a cue.
    let nav = phone
        .execute(
            "const nav = document.querySelector('nav.nav');
             return [nav.scrollWidth > nav.clientWidth, getComputedStyle(nav).overflowX,
                     getComputedStyle(nav).backgroundImage.includes('gradient')];",
            vec![],
        )
        .await?;
    ensure!(
        nav == serde_json::json!([true, "auto", true]),
        "the bottom bar scrolls with a cue at its edge: {nav}"
    );
    // A page reached by its address has its name in sight in the bar.
    phone.execute("location.hash = '#/audit';", vec![]).await?;
    poll("the audit page's name in the bottom bar", || async {
        let shown = phone
            .execute(
                "const a = document.querySelector('#nav-audit.active');
                 if (!a) return false;
                 const box = a.getBoundingClientRect();
                 return box.left >= -1 && box.right <= window.innerWidth + 1;",
                vec![],
            )
            .await?;
        Ok((shown == true).then_some(()))
    })
    .await?;
    phone
        .execute("location.hash = '#/evaluasi';", vec![])
        .await?;
    phone.wait_for("#stats-table").await?;

    // Item 7: each table in its own region.
    let tables = phone
        .execute(
            "return [...document.querySelectorAll('#eval-result .table-wrap')].map(w => {
                const first = w.querySelector('tbody tr > *:first-child');
                return {
                    id: w.querySelector('table').id,
                    tabindex: w.getAttribute('tabindex'),
                    role: w.getAttribute('role'),
                    label: w.getAttribute('aria-label') || '',
                    overflow: getComputedStyle(w).overflowX,
                    cue: getComputedStyle(w).backgroundImage.includes('gradient'),
                    sticky: first ? getComputedStyle(first).position : 'none',
                    wider: w.scrollWidth > w.clientWidth,
                    right: w.getBoundingClientRect().right,
                };
            });",
            vec![],
        )
        .await?;
    let tables = tables.as_array().context("the tables")?;
    ensure!(tables.len() >= 5, "every table: {tables:?}");
    for table in tables {
        ensure!(
            table["tabindex"] == "0"
                && table["role"] == "region"
                && !table["label"].as_str().unwrap_or_default().is_empty(),
            "a named region the keyboard reaches: {table}"
        );
        ensure!(
            table["overflow"] == "auto" && table["cue"] == true && table["sticky"] == "sticky",
            "scrolls in place, with a cue and its first column kept: {table}"
        );
        ensure!(
            table["right"].as_f64().unwrap_or(f64::MAX) <= 360.0,
            "inside the screen: {table}"
        );
    }
    ensure!(
        tables.iter().any(|t| t["wider"] == true),
        "some table is wider than the phone and scrolls in its region: {tables:?}"
    );
    page_fits(phone, "the year's evaluation").await?;
    // Item 12: beside each RFC 4180 download, the one for Excel set to Indonesian.
    let plain = phone.count("#eval-result button.csv:not(.excel)").await?;
    let excel = phone.count("#eval-result button.csv.excel").await?;
    ensure!(
        plain >= 5 && excel == plain,
        "{excel} Excel downloads beside {plain} CSV ones"
    );
    phone.save_screenshot("evaluation-tables").await?;

    // Item 8: the trend chart's month names.
    let labels = phone
        .execute(
            "const svg = document.querySelector('#eval-trend');
             const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
             return [...svg.querySelectorAll('text.axis')].filter(t => t.getAttribute('y') > 170)
                .map(t => {
                    const box = t.getBoundingClientRect();
                    return { text: t.textContent, left: box.left, right: box.right,
                             px: parseFloat(getComputedStyle(t).fontSize) * scale,
                             stroke: getComputedStyle(t).stroke };
                });",
            vec![],
        )
        .await?;
    let labels = labels.as_array().context("the month names")?;
    ensure!(labels.len() >= 3, "months are named: {labels:?}");
    for label in labels {
        ensure!(
            label["px"].as_f64().unwrap_or(0.0) >= 12.0,
            "at least 12 px: {label}"
        );
        ensure!(
            label["stroke"] == "none",
            "no outline over the text: {label}"
        );
    }
    for pair in labels.windows(2) {
        ensure!(
            pair[0]["right"].as_f64() < pair[1]["left"].as_f64(),
            "the names stay apart: {pair:?}"
        );
    }
    phone
        .execute(
            "document.querySelector('#eval-trend').scrollIntoView({ block: 'center' });",
            vec![],
        )
        .await?;
    phone.save_screenshot("evaluation-trend").await?;

    // No page scrolls sideways: a range of days, and the report.
    phone.select("#eval-kind", "range").await?;
    phone.wait_for("#stats-from").await?;
    page_fits(phone, "the range form").await?;
    let area = phone
        .execute(
            "return document.querySelector('#eval-area').getBoundingClientRect().right;",
            vec![],
        )
        .await?;
    ensure!(
        area.as_f64().unwrap_or(f64::MAX) <= 360.0,
        "the area list is whole on the screen: {area}"
    );
    phone.click("#eval-report").await?;
    phone.wait_for("#report").await?;
    page_fits(phone, "the report").await?;
    Ok(())
}

/// The page is no wider than the phone.
async fn page_fits(phone: &Browser, what: &str) -> Result<()> {
    let width: Value = phone
        .execute(
            "return [document.documentElement.scrollWidth, document.body.scrollWidth,
                [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > 360.5)
                    .slice(0, 5)
                    .map(e => `${e.tagName}#${e.id}.${e.className}`)];",
            vec![],
        )
        .await?;
    ensure!(
        width[0].as_f64().unwrap_or(f64::MAX) <= 360.0
            && width[1].as_f64().unwrap_or(f64::MAX) <= 360.0,
        "{what} scrolls sideways: {width}"
    );
    Ok(())
}
