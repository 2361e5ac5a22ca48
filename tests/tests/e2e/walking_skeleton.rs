//! Issue #2, the walking skeleton, end to end: an officer records activities on a phone
//! with no signal, they sync when the signal returns, and the supervisor sees them in the
//! evaluation, counted per kecamatan.
#![forbid(unsafe_code)]

use anyhow::{Context, Result};
use gugus_e2e::app::{self, ActivityForm, StatsRow};
use gugus_e2e::{poll, Browser, Worker};

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");

/// Outreach to prospective migrant workers in Kedungbenda, Kemangkon.
const KEMANGKON: ActivityForm = ActivityForm {
    kind: "outreach",
    date: "2025-08-04",
    kecamatan: "33.03.01",
    desa: "33.03.01.2001",
    venue: "Balai Desa Kedungbenda",
    audience: &["prospective_migrants", "village_officials"],
    participants: [12, 8, 5, 3],
};

/// Training for students in Wirasaba, Bukateja.
const BUKATEJA: ActivityForm = ActivityForm {
    kind: "training",
    date: "2025-08-06",
    kecamatan: "33.03.02",
    desa: "33.03.02.2002",
    venue: "SMP Negeri 1 Bukateja",
    audience: &["students"],
    participants: [20, 15, 0, 0],
};

const PERIOD: (&str, &str) = ("2025-08-01", "2025-08-31");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_records_offline_and_the_supervisor_sees_it_after_sync() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let mut worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;

    let officer = Browser::start()
        .await?
        .run("walking-skeleton-officer", async |phone| {
            officer_journey(phone, &mut worker).await
        })
        .await;
    let officer = officer?;

    let supervisor = Browser::start()
        .await?
        .run("walking-skeleton-supervisor", async |desk| {
            supervisor_journey(desk, &worker.base_url()).await
        })
        .await;
    let supervisor = supervisor?;

    assert_eq!(officer.installability_errors, Vec::<String>::new());
    assert_eq!(officer.pending_after_invalid_save, Some(0));
    assert_eq!(officer.offline_after_reload.items, 2);
    assert_eq!(officer.offline_after_reload.pending, Some(2));
    assert_eq!(supervisor.kemangkon, expected_row(&KEMANGKON));
    assert_eq!(supervisor.bukateja, expected_row(&BUKATEJA));
    // "Periode 1 Agu 2025 – 31 Agu 2025": the first and last day, the month, the year.
    let words: Vec<&str> = supervisor
        .period
        .split(|c: char| !c.is_alphanumeric())
        .collect();
    let states = |word: &str| words.contains(&word);
    assert!(
        states("1") && states("31") && states("2025") && (states("Agu") || states("Aug")),
        "#stats-period should state the period {PERIOD:?}, says {:?}",
        supervisor.period
    );
    Ok(())
}

/// What the officer's phone showed along the way.
struct OfficerSaw {
    installability_errors: Vec<String>,
    pending_after_invalid_save: Option<u64>,
    offline_after_reload: ListSaw,
}

struct ListSaw {
    items: usize,
    pending: Option<u64>,
}

/// Logs in online, loses the network, records two activities (one save refused first),
/// reloads the app offline, then syncs when the network returns.
async fn officer_journey(phone: &Browser, worker: &mut Worker) -> Result<OfficerSaw> {
    phone.goto(&worker.base_url()).await?;
    app::log_in(phone, OFFICER.0, OFFICER.1).await?;
    phone.wait_for_service_worker_control().await?;
    let installability_errors = phone
        .installability_errors()
        .await?
        .iter()
        .map(|error| error.to_string())
        .collect();

    // No signal: the server is gone (what the service worker sees too) and the page
    // itself is offline (what navigator.onLine says).
    worker.stop()?;
    phone.set_offline(true).await?;

    // Nobody took part: the form refuses to save and says why.
    let mut form = KEMANGKON.clone();
    form.participants = [0; 4];
    app::fill_activity(phone, &form).await?;
    phone.click("#activity-save").await?;
    phone.wait_for("#error-participants").await?;
    let pending_after_invalid_save = app::pending(phone).await?;

    // The officer corrects the counts on the same form and saves.
    for (field, count) in ["female_adult", "male_adult", "female_child", "male_child"]
        .iter()
        .zip(KEMANGKON.participants)
    {
        let selector = format!("input[name=participants_{field}]");
        phone.fill(&selector, &count.to_string()).await?;
    }
    phone.click("#activity-save").await?;
    app::wait_for_pending(phone, 1).await?;
    app::record_activity(phone, &BUKATEJA).await?;

    // The app opens again without a network, from the service worker, with both records.
    app::reload_and_unlock(phone, OFFICER.1).await?;
    phone.wait_for("#current-user").await?;
    phone.click("#nav-activities").await?;
    phone
        .wait_for_count("#activity-list li.activity-item", 2)
        .await
        .context("the activity list after an offline reload")?;
    let offline_after_reload = ListSaw {
        items: phone.count("#activity-list li.activity-item").await?,
        pending: app::pending(phone).await?,
    };

    // The signal returns: same server, same port, same store.
    worker.restart()?;
    phone.set_offline(false).await?;
    phone.click("#sync-now").await?;
    app::wait_for_pending(phone, 0)
        .await
        .context("the outbox to empty once the worker is back")?;

    Ok(OfficerSaw {
        installability_errors,
        pending_after_invalid_save,
        offline_after_reload,
    })
}

/// What the supervisor's evaluation page showed.
struct SupervisorSaw {
    kemangkon: StatsRow,
    bukateja: StatsRow,
    period: String,
}

/// Logs in on another device and reads the evaluation for the period.
async fn supervisor_journey(desk: &Browser, base_url: &str) -> Result<SupervisorSaw> {
    desk.goto(base_url).await?;
    app::log_in(desk, SUPERVISOR.0, SUPERVISOR.1).await?;
    app::load_stats(desk, PERIOD.0, PERIOD.1).await?;
    // The table may show an earlier answer for a moment; wait for the period's figures.
    let expected = (expected_row(&KEMANGKON), expected_row(&BUKATEJA));
    let shown = poll("the period's figures in #stats-table", || async {
        let rows = (
            app::stats_row(desk, KEMANGKON.kecamatan).await?,
            app::stats_row(desk, BUKATEJA.kecamatan).await?,
        );
        Ok((rows == expected).then_some(rows))
    })
    .await;
    let (kemangkon, bukateja) = match shown {
        Ok(rows) => rows,
        // Report what the page shows; the assertions name the difference.
        Err(_) => (
            app::stats_row(desk, KEMANGKON.kecamatan).await?,
            app::stats_row(desk, BUKATEJA.kecamatan).await?,
        ),
    };
    Ok(SupervisorSaw {
        kemangkon,
        bukateja,
        period: desk.text("#stats-period").await?,
    })
}

fn expected_row(form: &ActivityForm) -> StatsRow {
    StatsRow {
        activities: "1".into(),
        participants: form.total().to_string(),
    }
}
