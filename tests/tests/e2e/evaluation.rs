//! Issue #5 end to end, on SQLite and on PostgreSQL: generated cases and activities on the
//! real worker; a supervisor on a desktop-sized browser reads the evaluation (the figures
//! the worker answers, which the worker's story checks against the records), drills down
//! into a kecamatan, downloads
//! a table and writes the periodic report, which survives a reload; a viewer on a phone
//! sees the same period suppressed and cannot ask for a range of days; each CSV says what
//! its page says.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::postgres::FreshDatabase;
use gugus_e2e::sync::Api;
use gugus_e2e::{app, poll, Browser, Worker};
use gugus_model::evaluation::csv::parse;
use gugus_model::evaluation::{Cell, Evaluation};
use reqwest_native::StatusCode;
use serde_json::json;
use std::time::Duration;

const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");
const VIEWER: (&str, &str) = ("bupati1", "sandi-bupati-satu");
/// Generated data: a year of cases and activities up to this day.
const UNTIL: &str = "2026-06-30";
const YEAR: &str = "2026";
const KECAMATAN: &str = "33.03.08";

/// How the page writes a figure: Indonesian digit groups, "*" when suppressed.
fn shown(cell: Cell) -> String {
    match cell {
        None => "*".to_owned(),
        Some(n) => {
            let digits = n.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    out.push('.');
                }
                out.push(c);
            }
            out
        }
    }
}

async fn figures(api: &Api, token: &str, query: &str) -> Result<Evaluation> {
    let (status, body) = api.get_text(&format!("/stats?{query}"), token).await?;
    ensure!(status == StatusCode::OK, "{query}: {status} {body}");
    Ok(serde_json::from_str(&body)?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supervisors_and_viewers_read_the_evaluation_report_and_exports_on_sqlite() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    journeys(Worker::start(data.path())?).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supervisors_and_viewers_read_the_evaluation_report_and_exports_on_postgres() -> Result<()>
{
    let Some(database) = FreshDatabase::create("gugus_e2e_evaluation").await? else {
        return Ok(());
    };
    let outcome = match Worker::start_on(&database.url) {
        Ok(worker) => journeys(worker).await,
        Err(error) => Err(error),
    };
    database.drop_database().await?;
    outcome
}

/// A supervisor's and a viewer's journeys over generated data on the worker's store.
async fn journeys(worker: Worker) -> Result<()> {
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    worker.add_user(VIEWER.0, "Bupati", "viewer", VIEWER.1)?;
    worker.generate(&[
        "--seed",
        "5",
        "--cases",
        "300",
        "--activities",
        "200",
        "--months",
        "12",
        "--until",
        UNTIL,
        "--as",
        SUPERVISOR.0,
    ])?;
    let api = Api::new(&worker.api_url(), Duration::from_secs(30))?;

    let supervisor = Browser::start()
        .await?
        .run("evaluation-supervisor", async |desk| {
            supervisor_journey(desk, &worker, &api).await
        })
        .await;
    supervisor?;

    Browser::start_phone()
        .await?
        .run("evaluation-viewer", async |phone| {
            viewer_journey(phone, &worker, &api).await
        })
        .await
}

/// Asks the page for a calendar year and an area.
async fn load_year(browser: &Browser, area: &str) -> Result<()> {
    browser.select("#eval-kind", "year").await?;
    browser.select("#eval-year", YEAR).await?;
    browser.select("#eval-area", area).await?;
    browser.click("#stats-load").await?;
    Ok(())
}

/// The key figures the page shows, by key.
async fn keys(browser: &Browser) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for key in ["cases", "victims", "services", "activities", "participants"] {
        let text = browser
            .text(&format!("#eval-keys li[data-key={key}] .key-value"))
            .await?;
        out.push((key.to_owned(), text));
    }
    Ok(out)
}

fn expected_keys(e: &Evaluation) -> Vec<(String, String)> {
    [
        ("cases", e.cases.total),
        ("victims", e.victims.total),
        ("services", e.services.total.requested),
        ("activities", e.activities.total),
        ("participants", e.activities.participants.total),
    ]
    .into_iter()
    .map(|(k, c)| (k.to_owned(), shown(c)))
    .collect()
}

/// The page's monthly trend table, row by row (month code and three figures).
async fn trend_rows(browser: &Browser) -> Result<Vec<Vec<String>>> {
    let script = "return [...document.querySelectorAll('#eval-trend-table tbody tr')].map(tr =>
        [tr.dataset.month, ...[...tr.querySelectorAll('td')].map(td => td.textContent.trim())]);";
    let rows = browser.execute(script, vec![]).await?;
    Ok(serde_json::from_value(rows)?)
}

/// The CSV of the trend, as the page writes its figures.
async fn trend_csv(api: &Api, token: &str, query: &str) -> Result<Vec<Vec<String>>> {
    let (status, body) = api
        .get_text(
            &format!("/stats/export?{query}&table=tren-bulanan&lang=id"),
            token,
        )
        .await?;
    ensure!(status == StatusCode::OK, "{status} {body}");
    let rows = parse(&body);
    ensure!(rows.len() > 1, "{body}");
    Ok(rows[1..]
        .iter()
        .map(|row| {
            let mut out = vec![row[2].clone()];
            out.extend(row[3..].iter().map(|f| match f.as_str() {
                "disembunyikan" => "*".to_owned(),
                n => shown(n.parse().ok()),
            }));
            out
        })
        .collect())
}

async fn supervisor_journey(desk: &Browser, worker: &Worker, api: &Api) -> Result<()> {
    let device = api.login(SUPERVISOR.0, SUPERVISOR.1).await?;
    let query = format!("period={YEAR}&area=33.03");
    let want = figures(api, &device.token, &query).await?;
    ensure!(
        !want.suppressed && want.cases.total.unwrap_or(0) > 100,
        "{:?}",
        want.cases
    );

    desk.goto(&worker.base_url()).await?;
    app::log_in(desk, SUPERVISOR.0, SUPERVISOR.1).await?;
    desk.click("#nav-stats").await?;
    load_year(desk, "33.03").await?;
    let shown_keys = poll("the year's key figures", || async {
        let now = keys(desk).await.ok();
        Ok((now == Some(expected_keys(&want))).then_some(()))
    })
    .await;
    if shown_keys.is_err() {
        let now = keys(desk).await?;
        anyhow::bail!(
            "the page shows {now:?}, the worker {:?}",
            expected_keys(&want)
        );
    }
    let period = desk.text("#stats-period").await?;
    ensure!(
        period.contains("Tahun 2026")
            && period.contains("Kabupaten Purbalingga")
            && period.contains("31 Des 2026"),
        "#stats-period says {period:?}"
    );
    ensure!(
        desk.count("#stats-suppressed").await? == 0,
        "a supervisor's figures are exact"
    );
    // Every kecamatan's row, and the trend, as the worker answered.
    for row in &want.areas {
        let selector = format!("#stats-table tr[data-kecamatan=\"{}\"]", row.code);
        let cases = desk.text(&format!("{selector} td.cases")).await?;
        let activities = desk.text(&format!("{selector} td.activities")).await?;
        ensure!(
            (cases.as_str(), activities.as_str())
                == (shown(row.cases).as_str(), shown(row.activities).as_str()),
            "{}: the page shows {cases}/{activities}, the worker {:?}/{:?}",
            row.code,
            row.cases,
            row.activities
        );
    }
    let trend = trend_rows(desk).await?;
    let csv = trend_csv(api, &device.token, &query).await?;
    ensure!(
        trend == csv,
        "the trend table {trend:?} and its CSV {csv:?} differ"
    );
    ensure!(
        desk.count("#eval-funnel .stage").await? == 6,
        "the funnel has its six stages"
    );
    ensure!(desk.count("#eval-coverage details.coverage").await? == 18);
    ensure!(
        desk.count("#eval-coverage li[data-desa]").await? == 239,
        "every village is in the coverage view"
    );
    let not_reached: usize = want
        .coverage
        .kecamatan
        .iter()
        .map(|r| r.not_reached.as_ref().map_or(0, Vec::len))
        .sum();
    ensure!(desk.count("#eval-coverage li.not-reached").await? == not_reached);

    // A download in words: the file the button saves is the worker's export of the
    // same selection, and no error shows.
    let downloads = tempfile::tempdir()?;
    desk.download_to(downloads.path()).await?;
    desk.click("#eval-cases button.csv").await?;
    let file = downloads
        .path()
        .join(format!("gugus-kasus-period-{YEAR}.csv"));
    let saved = poll("the saved CSV of the cases", || async {
        Ok(std::fs::read_to_string(&file)
            .ok()
            .filter(|t| !t.is_empty()))
    })
    .await?;
    let (status, export) = api
        .get_text(
            &format!("/stats/export?period={YEAR}&area=33.03&table=kasus&lang=id&format=rfc4180"),
            &device.token,
        )
        .await?;
    ensure!(status == StatusCode::OK, "{status} {export}");
    ensure!(
        parse(&saved) == parse(&export) && parse(&saved).len() > 1,
        "the saved file {saved:?} is not the export {export:?}"
    );
    ensure!(
        desk.count("#eval-cases .form-error").await? == 0,
        "the download failed"
    );

    // Drill down into one kecamatan.
    desk.click(&format!(
        "#stats-table tr[data-kecamatan=\"{KECAMATAN}\"] button.drill"
    ))
    .await?;
    let mrebet = figures(
        api,
        &device.token,
        &format!("period={YEAR}&area={KECAMATAN}"),
    )
    .await?;
    poll("Mrebet's figures", || async {
        let period = desk.text("#stats-period").await.unwrap_or_default();
        let now = keys(desk).await.ok();
        Ok(
            (period.contains("Kecamatan Mrebet") && now == Some(expected_keys(&mrebet)))
                .then_some(()),
        )
    })
    .await?;
    ensure!(desk.count("#eval-coverage details.coverage").await? == 1);
    ensure!(
        desk.count("#eval-regency").await? == 1,
        "a way back to the whole regency"
    );

    // The periodic report: the same period and area, its narrative kept through a reload.
    desk.click("#eval-report").await?;
    desk.wait_for("#report").await?;
    let report_period = desk.text("#report-period").await?;
    ensure!(
        report_period.contains("Kecamatan Mrebet") && report_period.contains("Tahun 2026"),
        "{report_period:?}"
    );
    let achievement = "Sosialisasi migrasi aman di 12 desa, bersama BP3MI.";
    desk.fill("#report-achievements", achievement).await?;
    app::reload_and_unlock(desk, SUPERVISOR.1).await?;
    desk.wait_for("#report").await?;
    let kept = desk.attr("#report-achievements", "value").await?;
    let kept = match kept {
        Some(v) if !v.is_empty() => v,
        _ => desk
            .execute(
                "return document.querySelector('#report-achievements').value",
                vec![],
            )
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    };
    ensure!(
        kept == achievement,
        "the narrative after a reload: {kept:?}"
    );
    stale_errors_go(desk).await?;
    prints_on_two_pages(desk).await
}

/// Issue #16 item 11: a quarter's report for the regency prints on two A4 pages, ending
/// with the signature block, read back from Chromium's PDF with pdftotext.
async fn prints_on_two_pages(desk: &Browser) -> Result<()> {
    desk.click("#nav-stats").await?;
    desk.wait_for("#eval-form").await?;
    desk.select("#eval-kind", "quarter").await?;
    desk.select("#eval-year", YEAR).await?;
    desk.select("#eval-quarter", "2").await?;
    desk.select("#eval-area", "33.03").await?;
    desk.click("#stats-load").await?;
    poll("the quarter's figures", || async {
        let period = desk.text("#stats-period").await?;
        Ok(period.contains("Triwulan II").then_some(()))
    })
    .await?;
    desk.click("#eval-report").await?;
    desk.wait_for("#report").await?;
    let words = "Sosialisasi bahaya tawaran kerja palsu di 14 desa bersama BP3MI dan kepolisian; \
        pelatihan pendamping korban untuk 30 kader PKK.";
    for field in ["achievements", "obstacles", "follow-up"] {
        desk.fill(&format!("#report-{field}"), words).await?;
    }
    desk.fill("#report-chair-name", "Drs. Sutrisno Wibowo, M.Si.")
        .await?;
    desk.fill("#report-chair-nip", "196805121994031007").await?;
    let pdf = desk
        .cdp(
            "Page.printToPDF",
            json!({ "preferCSSPageSize": true, "printBackground": false }),
        )
        .await?;
    let encoded = pdf["data"].as_str().context("the PDF")?;
    let dir = tempfile::tempdir()?;
    let (b64, file) = (dir.path().join("report.b64"), dir.path().join("report.pdf"));
    std::fs::write(&b64, encoded)?;
    let decoded = std::process::Command::new("base64")
        .arg("-d")
        .arg(&b64)
        .output()?;
    ensure!(decoded.status.success(), "base64 -d failed");
    std::fs::write(&file, &decoded.stdout)?;
    let _ = std::fs::copy(
        &file,
        gugus_e2e::target_dir().join("e2e-screenshots/report-quarter.pdf"),
    );
    let run = |program: &str, args: &[&str]| -> Result<String> {
        let mut command = std::process::Command::new(program);
        command.args(args).arg(&file);
        if program == "pdftotext" {
            command.arg("-"); // to stdout
        }
        let out = command
            .output()
            .with_context(|| format!("{program} (scripts/ensure-tools.sh browser installs it)"))?;
        ensure!(out.status.success(), "{program} failed");
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let info = run("pdfinfo", &[])?;
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .context("pdfinfo's page count")?;
    ensure!(pages <= 2, "a quarter's report on {pages} pages:\n{info}");
    let first = run("pdftotext", &["-layout", "-f", "1", "-l", "1"])?;
    ensure!(
        first.contains("Triwulan II 2026") && first.contains("Provinsi Jawa Tengah"),
        "page 1 opens the report:\n{first}"
    );
    let last = run(
        "pdftotext",
        &[
            "-layout",
            "-f",
            &pages.to_string(),
            "-l",
            &pages.to_string(),
        ],
    )?;
    for signed in [
        "Purbalingga,",
        "Ketua Harian Gugus Tugas PP-TPPO",
        "Drs. Sutrisno Wibowo, M.Si.",
        "NIP. 196805121994031007",
    ] {
        ensure!(
            last.contains(signed),
            "the last page is signed ({signed}):\n{last}"
        );
    }
    // The kecamatan table split over the pages has its header again on the second.
    if first.contains("Per kecamatan") && !first.contains("Kertanegara") {
        ensure!(
            last.lines()
                .take_while(|l| !l.contains("Kertanegara"))
                .any(|l| l.contains("Kasus") && l.contains("Kegiatan")),
            "the header comes again where the table goes on:\n{last}"
        );
    }
    let all = run("pdftotext", &["-layout"])?;
    ensure!(
        all.matches("Sosialisasi bahaya tawaran kerja palsu")
            .count()
            == 3,
        "the three narratives, whole:\n{all}"
    );
    ensure!(
        !all.contains("Unduh CSV") && !all.contains("Cetak / simpan PDF"),
        "no buttons in print:\n{all}"
    );
    Ok(())
}

/// Issue #16 item 10: each load replaces the last one's message.
async fn stale_errors_go(desk: &Browser) -> Result<()> {
    desk.click("#nav-stats").await?;
    desk.wait_for("#eval-form").await?;
    desk.select("#eval-kind", "range").await?;
    desk.set_value("#stats-from", "2026-06-30").await?;
    desk.set_value("#stats-to", "2026-01-01").await?;
    desk.click("#stats-load").await?;
    let error = desk.text("#stats-error").await?;
    ensure!(
        error.contains("tanggal awal"),
        "a reversed range: {error:?}"
    );
    desk.set_offline(true).await?;
    desk.set_value("#stats-from", "2026-01-01").await?;
    desk.set_value("#stats-to", "2026-06-30").await?;
    desk.click("#stats-load").await?;
    poll("the offline message in place of the range's", || async {
        let error = desk.text("#stats-error").await?;
        Ok((error.contains("butuh internet") && !error.contains("tanggal awal")).then_some(()))
    })
    .await?;
    desk.set_offline(false).await?;
    Ok(())
}

/// The last quarter that has ended on the app's date: `(year, quarter)`.
async fn last_complete_quarter(phone: &Browser) -> Result<(i64, i64)> {
    let today = app::days_ago(phone, 0).await?;
    let (year, month): (i64, i64) = (
        today[..4].parse().context("year")?,
        today[5..7].parse().context("month")?,
    );
    Ok(match (month - 1) / 3 + 1 {
        1 => (year - 1, 4),
        quarter => (year, quarter - 1),
    })
}

async fn viewer_journey(phone: &Browser, worker: &Worker, api: &Api) -> Result<()> {
    let device = api.login(VIEWER.0, VIEWER.1).await?;
    let query = format!("period={YEAR}&area=33.03");
    let want = figures(api, &device.token, &query).await?;
    ensure!(want.suppressed, "a viewer's figures are suppressed");
    let hidden = want.areas.iter().filter(|r| r.cases.is_none()).count();
    ensure!(
        hidden > 0,
        "some kecamatan's cases are suppressed in this data: {:?}",
        want.areas
    );

    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, VIEWER.0, VIEWER.1).await?;
    // Viewers land on the evaluation, on the last complete quarter (issue #16 item 13); a
    // range of days is not offered to them.
    phone.wait_for("#eval-form").await?;
    ensure!(phone.count("#eval-kind option[value=range]").await? == 0);
    let (year, quarter) = last_complete_quarter(phone).await?;
    let landed = phone
        .execute(
            "return ['#eval-kind', '#eval-year', '#eval-quarter']
                .map(s => document.querySelector(s)?.value);",
            vec![],
        )
        .await?;
    ensure!(
        landed == json!(["quarter", year.to_string(), quarter.to_string()]),
        "the last complete quarter, {quarter} of {year}: {landed}"
    );
    load_year(phone, "33.03").await?;
    poll("the year's suppressed key figures", || async {
        let now = keys(phone).await.ok();
        Ok((now == Some(expected_keys(&want))).then_some(()))
    })
    .await?;
    phone.wait_for("#stats-suppressed").await?;
    let stars = phone.count("#stats-table td.suppressed").await?;
    ensure!(
        stars >= hidden,
        "{stars} suppressed cells shown for {hidden} hidden kecamatan"
    );
    let small = phone
        .execute(
            "return [...document.querySelectorAll('#eval-result td:not(.days), #eval-keys .key-value')]
                .map(e => e.textContent.trim()).filter(t => /^([1-9]|10)$/.test(t));",
            vec![],
        )
        .await?;
    ensure!(
        small.as_array().is_some_and(Vec::is_empty),
        "counts from 1 to 10 show: {small}"
    );
    // What "*" means is beside every table that has one, and only there (item 13).
    let notes = phone
        .execute(
            "return [...document.querySelectorAll('#eval-result .block')].map(b => {
                const note = b.querySelector('.star-note');
                return [b.id, !!b.querySelector('.suppressed'), !!note && note.offsetParent !== null];
            });",
            vec![],
        )
        .await?;
    let notes = notes.as_array().context("the sections")?;
    ensure!(
        notes.iter().all(|b| b[1] == b[2]),
        "a note where a * is, none elsewhere: {notes:?}"
    );
    ensure!(
        notes.iter().filter(|b| b[1] == true).count() >= 2,
        "several sections hide a figure in this data: {notes:?}"
    );
    phone.save_screenshot("viewer-star-notes").await?;
    // No village is marked never reached for a viewer, and a kecamatan whose villages
    // reached are hidden lists none of them.
    ensure!(phone.count("#eval-coverage li.never").await? == 0);
    let coverage = &want.coverage.kecamatan;
    let lists = coverage.iter().filter(|r| r.not_reached.is_some()).count();
    ensure!(phone.count("#eval-coverage ul.villages").await? == lists);
    let villages: usize = coverage
        .iter()
        .filter(|r| r.not_reached.is_some())
        .map(|r| r.villages as usize)
        .sum();
    ensure!(phone.count("#eval-coverage li[data-desa]").await? == villages);
    let trend = trend_rows(phone).await?;
    let csv = trend_csv(api, &device.token, &query).await?;
    ensure!(
        trend == csv,
        "the viewer's trend {trend:?} and its CSV {csv:?} differ"
    );
    drill_down(phone).await?;
    installable_with_shortcuts(phone).await
}

/// Issue #16 item 9: choosing a kecamatan at the foot of the page goes back to the top,
/// where the heading names it.
async fn drill_down(phone: &Browser) -> Result<()> {
    let button = "#stats-table button.drill";
    let name = phone.text(button).await?;
    phone.click(button).await?;
    poll("the heading to name the kecamatan", || async {
        let title = phone.text("#stats-title").await?;
        Ok((title.contains('·') && title.contains(name.trim())).then_some(()))
    })
    .await?;
    let scrolled = phone.execute("return window.scrollY;", vec![]).await?;
    ensure!(scrolled == json!(0), "back at the top: {scrolled}");
    phone.save_screenshot("drill-down").await?;
    Ok(())
}

/// Reads the manifest: its shortcuts `[name, url]`, and each screenshot's stated size, the
/// size it loads at, and its form factor.
const MANIFEST_SCRIPT: &str = "const done = arguments[arguments.length - 1];
                 fetch('/manifest.webmanifest').then(r => r.json()).then(async m => {
                     const sizes = await Promise.all((m.screenshots || []).map(s => new Promise(ok => {
                         const img = new Image();
                         img.onload = () => ok([s.sizes, `${img.naturalWidth}x${img.naturalHeight}`, s.form_factor]);
                         img.onerror = () => ok([s.sizes, 'broken', s.form_factor]);
                         img.src = s.src;
                     })));
                     done({ shortcuts: (m.shortcuts || []).map(s => [s.name, s.url]), sizes });
                 }, e => done(String(e)));";

/// Issue #16 item 14: the manifest offers the two shortcuts and phone screenshots that
/// load at their stated size, and Chromium still finds the app installable.
async fn installable_with_shortcuts(phone: &Browser) -> Result<()> {
    let found = phone
        .client()
        .execute_async(MANIFEST_SCRIPT, vec![])
        .await?;
    ensure!(
        found["shortcuts"]
            == json!([
                ["Catat kegiatan", "/#/kegiatan/baru"],
                ["Kasus", "/#/kasus"]
            ]),
        "the shortcuts: {found}"
    );
    let sizes = found["sizes"].as_array().context("the screenshots")?;
    ensure!(!sizes.is_empty(), "screenshots: {found}");
    for size in sizes {
        ensure!(
            size[0] == size[1] && size[2] == "narrow",
            "a phone screenshot at its stated size: {size}"
        );
    }
    let errors = phone.installability_errors().await?;
    ensure!(errors.is_empty(), "installability: {errors:?}");
    Ok(())
}
