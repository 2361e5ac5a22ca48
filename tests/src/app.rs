//! What a person does in the app, step by step, through the element contract of
//! `docs/api.md` (the selectors are the contract; the wording on screen is not).

use crate::{poll, Browser};
use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// An activity as an officer enters it in the form.
#[derive(Debug, Clone)]
pub struct ActivityForm<'a> {
    /// Activity type code (`outreach`, `training`, ...).
    pub kind: &'a str,
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    /// Kecamatan code.
    pub kecamatan: &'a str,
    /// Desa code, inside the kecamatan.
    pub desa: &'a str,
    /// Where it took place.
    pub venue: &'a str,
    /// Audience codes to tick.
    pub audience: &'a [&'a str],
    /// Female adults, male adults, girls, boys.
    pub participants: [u64; 4],
}

impl ActivityForm<'_> {
    /// Everyone who took part.
    pub fn total(&self) -> u64 {
        self.participants.iter().sum()
    }
}

/// The activity form's four participant counts, by input name.
pub const PARTICIPANT_FIELDS: [&str; 4] = [
    "participants_female_adult",
    "participants_male_adult",
    "participants_female_child",
    "participants_male_child",
];

/// Today minus `days` on the app's clock (the phone's, shifted as the test process's is
/// when `GUGUS_NOW` pins it), in the phone's time zone, `YYYY-MM-DD`.
pub async fn days_ago(browser: &Browser, days: u32) -> Result<String> {
    let script = "const [days, shift] = arguments;
        const d = new Date(Date.now() + shift - days * 86400000);
        const two = n => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;";
    let shift = gugus_model::clock::shift_ms();
    let value = browser
        .execute(script, vec![json!(days), json!(shift)])
        .await?;
    value.as_str().map(str::to_owned).context("a date")
}

/// Today minus `days` on the test process's clock (the one clock, pinned by `GUGUS_NOW`),
/// in WIB, `YYYY-MM-DD`: for what is set up before a browser opens (a generated
/// caseload's last day). Two days or more back it is in the past on the phone too.
pub fn days_before_today(days: i64) -> String {
    let day = gugus_model::clock::today_wib() - time::Duration::days(days);
    gugus_model::activity::format_date(day)
}

/// Logs in on the login form and waits for the header to show the user.
pub async fn log_in(browser: &Browser, username: &str, password: &str) -> Result<()> {
    browser.fill("input[name=username]", username).await?;
    browser.fill("input[name=password]", password).await?;
    browser.click("#login-submit").await?;
    browser.wait_for("#current-user").await?;
    Ok(())
}

/// Unlocks the app with `password` (every page load starts locked for officers and
/// supervisors: the key that seals identities lives only in memory) and waits until the
/// navigation is back.
pub async fn unlock(browser: &Browser, password: &str) -> Result<()> {
    browser.fill("#unlock-password", password).await?;
    browser.click("#unlock-submit").await?;
    browser.wait_for("nav.nav").await?;
    Ok(())
}

/// Reloads the page and waits until the app is open again: unlocked with `password` when
/// it asks (officers and supervisors after every load, and whoever holds records), or
/// straight on (viewers).
pub async fn reopen(browser: &Browser, password: &str) -> Result<()> {
    browser.reload().await?;
    let script = "return document.getElementById('unlock-password') ? 'locked'
        : document.querySelector('nav.nav') ? 'open' : null;";
    let state = crate::poll("the app to reopen", || async {
        Ok(browser
            .execute(script, vec![])
            .await?
            .as_str()
            .map(str::to_owned))
    })
    .await?;
    if state == "locked" {
        unlock(browser, password).await?;
    }
    Ok(())
}

/// Reloads the page and unlocks the app.
pub async fn reload_and_unlock(browser: &Browser, password: &str) -> Result<()> {
    browser.reload().await?;
    unlock(browser, password).await
}

/// Every object store of the app's IndexedDB database, as JSON text: what someone holding
/// the phone's browser profile could read without the app.
pub async fn dump_indexed_db(browser: &Browser) -> Result<String> {
    let script = "return new Promise((done, fail) => {
        const open = indexedDB.open('gugus');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
            const db = open.result;
            const names = Array.from(db.objectStoreNames);
            const tx = db.transaction(names);
            const out = {};
            let left = names.length;
            for (const name of names) {
                const all = tx.objectStore(name).getAll();
                all.onerror = () => fail(all.error);
                all.onsuccess = () => {
                    out[name] = all.result;
                    if (--left === 0) { db.close(); done(JSON.stringify(out)); }
                };
            }
        };
    });";
    let dump = browser.execute(script, Vec::new()).await?;
    dump.as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("the dump is not text: {dump}"))
}

/// Waits until the phone keeps the readers every new case key is wrapped for, with
/// `supervisors` of them (`keyring::Directory`, fetched at each sync): a case key made
/// offline after that is wrapped for them.
pub async fn wait_for_key_directory(browser: &Browser, supervisors: usize) -> Result<()> {
    let script = "return new Promise((done, fail) => {
        const open = indexedDB.open('gugus');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
            const db = open.result;
            const get = db.transaction('meta').objectStore('meta').get('key_directory');
            get.onerror = () => fail(get.error);
            get.onsuccess = () => {
                db.close();
                const directory = get.result;
                done(directory ? directory.supervisors.length : -1);
            };
        };
    });";
    crate::poll("the phone to keep the supervisors' keys", || async {
        let held = browser.execute(script, Vec::new()).await?;
        Ok((held.as_u64() == Some(supervisors as u64)).then_some(()))
    })
    .await
}

/// The number of changes waiting to be sent, from `#sync-status[data-pending]`.
pub async fn pending(browser: &Browser) -> Result<Option<u64>> {
    let value = browser.attr("#sync-status", "data-pending").await?;
    Ok(value.and_then(|v| v.parse().ok()))
}

/// Waits until `#sync-status` says `n` changes are waiting.
pub async fn wait_for_pending(browser: &Browser, n: u64) -> Result<()> {
    poll(&format!("#sync-status[data-pending=\"{n}\"]"), || async {
        Ok((pending(browser).await? == Some(n)).then_some(()))
    })
    .await
}

/// Opens the new-activity form and fills every field of `form`, without saving.
pub async fn fill_activity(browser: &Browser, form: &ActivityForm<'_>) -> Result<()> {
    browser.click("#nav-new-activity").await?;
    browser.select("select[name=type]", form.kind).await?;
    browser.set_value("input[name=date]", form.date).await?;
    browser
        .select("select[name=kecamatan]", form.kecamatan)
        .await?;
    browser.select("select[name=desa]", form.desa).await?;
    browser.fill("input[name=venue]", form.venue).await?;
    for code in form.audience {
        browser
            .check(&format!("input[name=audience][value={code}]"))
            .await?;
    }
    for (field, count) in PARTICIPANT_FIELDS.iter().zip(form.participants) {
        browser
            .fill(&format!("input[name={field}]"), &count.to_string())
            .await?;
    }
    Ok(())
}

/// Records an activity: fills the form, saves, and waits for one more pending change.
pub async fn record_activity(browser: &Browser, form: &ActivityForm<'_>) -> Result<()> {
    let before = pending(browser).await?.unwrap_or(0);
    fill_activity(browser, form).await?;
    browser.click("#activity-save").await?;
    wait_for_pending(browser, before + 1).await
}

/// Figures of one kecamatan's row on the stats page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsRow {
    /// `td.activities`.
    pub activities: String,
    /// `td.participants`.
    pub participants: String,
}

/// Opens the evaluation page, asks for the period `from`..=`to` (a range of days) over
/// the whole regency and waits for the table of kecamatan.
pub async fn load_stats(browser: &Browser, from: &str, to: &str) -> Result<()> {
    browser.click("#nav-stats").await?;
    browser.select("#eval-kind", "range").await?;
    browser.select("#eval-area", "33.03").await?;
    browser.set_value("input[name=from]", from).await?;
    browser.set_value("input[name=to]", to).await?;
    browser.click("#stats-load").await?;
    // The page keeps the last period's figures until the new ones come: wait for these.
    browser
        .wait_for(&format!(
            "#eval-result[data-from=\"{from}\"][data-to=\"{to}\"] #stats-table"
        ))
        .await?;
    Ok(())
}

/// The row of `kecamatan` in the stats table, once it is there.
pub async fn stats_row(browser: &Browser, kecamatan: &str) -> Result<StatsRow> {
    let row = format!("#stats-table tr[data-kecamatan=\"{kecamatan}\"]");
    Ok(StatsRow {
        activities: browser.text(&format!("{row} td.activities")).await?,
        participants: browser.text(&format!("{row} td.participants")).await?,
    })
}

/// A `gugus:sync` measure (`app/src/timing.rs`).
#[derive(Debug, Clone, Copy)]
pub struct SyncMeasure {
    /// Its start, ms from navigation start.
    pub start: f64,
    /// Its duration, ms.
    pub duration: f64,
    /// The detail: records stored, pages, the wasm memory at the end (bytes).
    pub records: Option<u64>,
    /// See `records`.
    pub pages: Option<u64>,
    /// See `records`.
    pub wasm_bytes: Option<u64>,
}

/// Every `gugus:sync` measure of the page, its `detail` made plain (a `Map` to an object,
/// `BigInt`s to numbers) so that WebDriver hands it over whole.
pub async fn sync_measures(browser: &Browser) -> Result<Vec<SyncMeasure>> {
    let script = "const plain = (d) => {
          if (d instanceof Map) d = Object.fromEntries(d);
          if (!d || typeof d !== 'object') return null;
          const out = {};
          for (const [k, v] of Object.entries(d)) out[k] = typeof v === 'bigint' ? Number(v) : v;
          return out;
        };
        return performance.getEntriesByName('gugus:sync', 'measure')
          .map((e) => ({ duration: e.duration, startTime: e.startTime, detail: plain(e.detail) }));";
    let answer = browser.execute(script, vec![]).await?;
    let Value::Array(entries) = answer else {
        bail!("unexpected gugus:sync entries: {answer}");
    };
    entries.iter().map(sync_measure).collect()
}

fn sync_measure(entry: &Value) -> Result<SyncMeasure> {
    let count = |name: &str| entry["detail"][name].as_f64().map(|n| n as u64);
    Ok(SyncMeasure {
        start: entry["startTime"].as_f64().context("a startTime")?,
        duration: entry["duration"].as_f64().context("a duration")?,
        records: count("records"),
        pages: count("pages"),
        wasm_bytes: count("wasm_bytes"),
    })
}

/// The page's JS heap in use (bytes) and where it was read: V8's own figure over the
/// DevTools protocol (`Runtime.getHeapUsage`), else `performance.memory.usedJSHeapSize`
/// (which Chromium, without `--enable-precise-memory-info`, rounds and refreshes only every
/// 20 minutes); `None` when neither answers. The wasm memory is not in it.
pub async fn js_heap(browser: &Browser) -> Option<(f64, &'static str)> {
    if let Ok(answer) = browser.cdp("Runtime.getHeapUsage", json!({})).await {
        if let Some(used) = answer["usedSize"].as_f64() {
            return Some((used, "Runtime.getHeapUsage"));
        }
    }
    let script = "return performance.memory ? performance.memory.usedJSHeapSize : null;";
    let used = browser.execute(script, vec![]).await.ok()?.as_f64()?;
    Some((used, "performance.memory"))
}

/// The JavaScript expression of the names of the app's record stores (one per kind,
/// `records.<kind>`) in the open database `db`.
pub const RECORD_STORES_JS: &str = "[...db.objectStoreNames].filter(n => n.startsWith('records.'))";

/// How many records the app's IndexedDB holds, in every kind's store.
pub async fn record_count(browser: &Browser) -> Result<u64> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
        const open = indexedDB.open('gugus');
        open.onerror = () => done(-1);
        open.onsuccess = () => {{
            const db = open.result;
            const names = {RECORD_STORES_JS};
            if (names.length === 0) {{ db.close(); done(-1); return; }}
            const tx = db.transaction(names);
            let total = 0;
            for (const name of names) {{
                const count = tx.objectStore(name).count();
                count.onsuccess = () => {{ total += count.result; }};
            }}
            tx.oncomplete = () => {{ db.close(); done(total); }};
            tx.onerror = () => {{ db.close(); done(-1); }};
        }};"
    );
    let script = script.as_str();
    let answer = browser.client().execute_async(script, vec![]).await?;
    answer
        .as_u64()
        .context("no record count (IndexedDB not open yet)")
}
