//! Issue #16 item 13 (groups of kecamatan), at 360x640 over generated data: a supervisor
//! sets two groups on the evaluation page (a refused list says why in Indonesian, and
//! what was typed survives a reload), and a viewer compares them in the regency's table
//! of groups, suppressed like every other figure, and opens one group's own figures.
#![forbid(unsafe_code)]

use anyhow::{ensure, Result};
use gugus_e2e::{app, poll, Browser, Worker};

const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");
const VIEWER: (&str, &str) = ("bupati", "sandi-bupati-satu");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_sets_groups_and_a_viewer_compares_them() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    worker.add_user(VIEWER.0, "Bupati", "viewer", VIEWER.1)?;
    let until = app::days_before_today(30);
    worker.generate(&[
        "--as",
        SUPERVISOR.0,
        "--seed",
        "7",
        "--cases",
        "150",
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
        .run("area-groups-supervisor", async |phone| {
            set_groups(phone, &worker).await
        })
        .await?;
    Browser::start_phone()
        .await?
        .run("area-groups-viewer", async |phone| {
            compare_groups(phone, &worker, &year).await
        })
        .await
}

async fn set_groups(phone: &Browser, worker: &Worker) -> Result<()> {
    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, SUPERVISOR.0, SUPERVISOR.1).await?;
    phone.click("#nav-stats").await?;
    phone.wait_for("#groups-editor").await?;
    phone.click("#groups-editor > summary").await?;
    phone.click("#group-add").await?;
    phone.click("#group-add").await?;
    phone.wait_for_count(".group-draft", 2).await?;
    phone.fill("#group-name-0", "Zona Utara").await?;
    for code in ["33-03-05", "33-03-06", "33-03-07"] {
        phone.check(&format!("#group-0-{code}")).await?;
    }
    // What was typed survives a reload, before it is saved.
    app::reload_and_unlock(phone, SUPERVISOR.1).await?;
    phone.click("#nav-stats").await?;
    phone.wait_for("#group-name-0").await?;
    poll("the typed name after a reload", || async {
        let value = phone
            .execute(
                "return document.querySelector('#group-name-0').value;",
                vec![],
            )
            .await?;
        Ok((value == "Zona Utara").then_some(()))
    })
    .await?;
    // Kutasari in both groups is refused, in words, before anything is sent.
    phone.fill("#group-name-1", "Zona Selatan").await?;
    for code in ["33-03-07", "33-03-01", "33-03-02"] {
        phone.check(&format!("#group-1-{code}")).await?;
    }
    phone.click("#groups-save").await?;
    phone.wait_for("#groups-error").await?;
    let error = phone.text("#groups-error").await?;
    ensure!(
        error.contains("sudah masuk kelompok 1"),
        "the overlap is named: {error:?}"
    );
    phone
        .execute(
            "document.querySelector('#groups-error').scrollIntoView({ block: 'center' });",
            vec![],
        )
        .await?;
    phone.save_screenshot("area-groups-refused").await?;
    phone.click("#group-1-33-03-07").await?;
    phone.click("#groups-save").await?;
    phone.wait_for("#groups-saved").await?;
    poll("the groups in the area list", || async {
        Ok((phone.count("#eval-area option[value^='kelompok:']").await? == 2).then_some(()))
    })
    .await?;
    phone.save_screenshot("area-groups-supervisor").await?;
    Ok(())
}

async fn compare_groups(phone: &Browser, worker: &Worker, year: &str) -> Result<()> {
    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, VIEWER.0, VIEWER.1).await?;
    phone.wait_for("#eval-form").await?;
    ensure!(
        phone.count("#groups-editor").await? == 0,
        "a viewer cannot set groups"
    );
    phone.select("#eval-kind", "year").await?;
    phone.select("#eval-year", year).await?;
    phone.click("#stats-load").await?;
    phone.wait_for("#eval-groups").await?;
    let withheld = phone.count("#groups-withheld").await? > 0;
    if withheld {
        phone.save_screenshot("area-groups-withheld").await?;
        return Ok(());
    }
    phone.wait_for_count("#groups-table tbody tr", 2).await?;
    let first = phone
        .text("#groups-table tbody tr[data-group='kelompok:zona-utara'] .members")
        .await?;
    ensure!(
        first.contains("Purbalingga") && first.contains("Kalimanah") && first.contains("Kutasari"),
        "the group names its kecamatan: {first:?}"
    );
    // Every figure is a star or a number above ten (or zero).
    let cells = phone
        .execute(
            "return [...document.querySelectorAll('#groups-table td')].map(td => td.textContent.trim());",
            vec![],
        )
        .await?;
    for cell in cells.as_array().into_iter().flatten() {
        let text = cell.as_str().unwrap_or_default();
        let n: Option<u64> = text.replace('.', "").parse().ok();
        ensure!(
            text == "*" || n.is_some_and(|n| n == 0 || n > 10),
            "a small count shows in the table of groups: {text:?}"
        );
    }
    ensure!(
        phone
            .execute(
                "return getComputedStyle(document.querySelector('#eval-groups .star-note')).display;",
                vec![]
            )
            .await?
            != "none"
            || phone.count("#groups-table td.suppressed").await? == 0,
        "the star is explained beside the table that has one"
    );
    phone
        .execute(
            "document.querySelector('#eval-groups').scrollIntoView({ block: 'start' });",
            vec![],
        )
        .await?;
    phone.save_screenshot("area-groups-viewer").await?;
    phone
        .click("#groups-table tr[data-group='kelompok:zona-utara'] button.drill")
        .await?;
    poll("the group's own figures", || async {
        let title = phone.text("#stats-title").await?;
        Ok(title.contains("Kelompok Zona Utara").then_some(()))
    })
    .await?;
    Ok(())
}
