//! Issue #18, sharing a case's identities: an officer records a victim's identity; a
//! supervisor assigns a second officer, and the supervisor's browser wraps the case's key
//! for that officer at its next sync, so the second officer's browser opens the identity;
//! once the second officer is taken off the case, the first officer's next identity edit
//! rotates the key, and the new key is not wrapped for the officer who left. A second case
//! whose victim has the same NIK is flagged on the officer's identity form, and the
//! supervisor links the two cases from the same notice.
//!
//! And restoring access: after an admin resets the officer's password, the officer's new
//! browser says the identity is not shared yet until the supervisor shares the keys again;
//! when the officer and the supervisor are both deactivated, a new supervisor restores the
//! case, and the NIK's index key, with the recovery code an admin printed.
//!
//! On PostgreSQL and on SQLite, after a generated load, an officer's browser records an
//! identity and a supervisor's reads it: neither a `pg_dump` of the database nor the SQLite
//! files, nor the worker's log at trace level, nor any answer to any role holds its name,
//! NIK, phone or address.
//!
//! And a password change: the officer changes it on the settings page; the old one opens
//! neither the account nor the phone, the new one opens both and the identity still reads;
//! the officer's second phone, whose session ended, logs in with the new password, asks
//! for the old one once to open its data, and from then on takes the new one.
//!
//! And the migration: a store from before issue #18 holds an identity in plain text; the
//! first supervisor's browser that syncs seals it, the server then holds only the
//! envelopes (in its files too, once compacted), the trail says so, and the supervisor
//! still reads the name.
#![forbid(unsafe_code)]

use anyhow::{ensure, Context, Result};
use gugus_e2e::sync::{now_rfc3339, push_body, push_case_and_victim, Api, Device, Victim};
use gugus_e2e::{app, poll, timeout, Browser, Worker};
use serde_json::{json, Value};
use uuid::Uuid;

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");
const SECOND: (&str, &str) = ("petugas2", "kunci-sepeda-kedua");
const SUPERVISOR: (&str, &str) = ("ketua1", "sandi-ketua-satu");
const ADMIN: (&str, &str) = ("admin1", "sandi-admin-satu");
const NEW_CHAIR: (&str, &str) = ("ketua2", "sandi-ketua-kedua");
const NEW_PASSWORD: &str = "gembok-baru-kantor";
const FULL_NAME: &str = "Dewi Lestari";
const NIK: &str = "3303084107980002";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assignment_shares_the_key_and_a_removal_rotates_it() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SECOND.0, "Petugas Dua", "officer", SECOND.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    let browsers = [
        Browser::start().await?,
        Browser::start().await?,
        Browser::start().await?,
    ];
    let outcome = journey(&browsers, &worker).await;
    finish(browsers, outcome).await
}

/// Closes the browsers, after printing their consoles when the journey failed; answers
/// the journey's outcome.
async fn finish(browsers: impl IntoIterator<Item = Browser>, outcome: Result<()>) -> Result<()> {
    for browser in browsers {
        if outcome.is_err() {
            if let Ok(log) = browser.console_log().await {
                eprintln!("browser console:\n{log}");
            }
        }
        browser.close().await?;
    }
    outcome
}

/// Logs `who` in on `browser` and waits until the server holds the account's key pair.
async fn log_in_with_keys(
    browser: &Browser,
    worker: &Worker,
    api: &Api,
    who: (&str, &str),
) -> Result<Device> {
    browser.goto(&worker.base_url()).await?;
    app::log_in(browser, who.0, who.1).await?;
    let device = api.login(who.0, who.1).await?;
    poll("the account's key pair", || async {
        let (status, _) = api.get_text("/keys/me", &device.token).await?;
        Ok(status.is_success().then_some(()))
    })
    .await?;
    Ok(device)
}

/// Syncs `browser` now and waits until nothing waits in its outbox.
async fn sync(browser: &Browser) -> Result<()> {
    browser.click("#sync-now").await?;
    app::wait_for_pending(browser, 0).await?;
    browser.wait_for("#sync-status[data-state=idle]").await?;
    Ok(())
}

/// The case's records as `device` pulls them.
async fn records(api: &Api, device: &Device) -> Result<Vec<Value>> {
    api.pull_all(device, 500).await
}

/// The readers of key `key_id`'s wrappings in `records`.
fn readers(records: &[Value], key_id: &str) -> Vec<String> {
    let mut readers: Vec<String> = records
        .iter()
        .filter(|r| r["kind"] == "case_key" && r["fields"]["key_id"] == key_id)
        .filter_map(|r| r["fields"]["reader"].as_str().map(str::to_owned))
        .collect();
    readers.sort();
    readers
}

/// The key id an envelope names.
fn key_of(envelope: &Value) -> Result<String> {
    let text = envelope.as_str().context("an envelope")?;
    let parts: Vec<&str> = text.split(':').collect();
    ensure!(parts.len() == 5 && parts[0] == "gugus-e2e", "{text}");
    Ok(parts[2].to_owned())
}

/// Pushes an edit of the case's `assigned_officers` as the supervisor (from its own
/// device, as the assignment page's tick does).
async fn assign(
    api: &Api,
    supervisor: &Device,
    case: Uuid,
    mutation_id: u64,
    officers: &[Uuid],
) -> Result<()> {
    let at = now_rfc3339()?;
    let held = records(api, supervisor).await?;
    let version = held
        .iter()
        .find(|r| r["id"] == json!(case))
        .and_then(|r| r["version"].as_u64())
        .context("the case's version")?;
    let edit = json!({
        "id": mutation_id, "kind": "case", "record_id": case, "op": "upsert",
        "base_version": version, "fields": {"assigned_officers": officers},
        "at": at,
    });
    let answer = api
        .push(supervisor, push_body(supervisor.device_id, &[edit]))
        .await?;
    ensure!(
        answer.body["results"][0]["status"] == "applied",
        "{}",
        answer.body
    );
    Ok(())
}

/// Opens the victim's identity on the case page and answers the name it shows.
async fn read_name(browser: &Browser, worker: &Worker, case: Uuid) -> Result<String> {
    browser
        .goto(&format!("{}#/kasus/{case}", worker.base_url()))
        .await?;
    browser.wait_for("li.victim-item .identity-show").await?;
    poll("the identity to open", || async {
        if browser.count(".identity-fields").await? == 0 {
            browser.click("li.victim-item .identity-show").await?;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        Ok((browser
            .count(".identity-fields [data-field=full_name]")
            .await?
            > 0)
        .then_some(()))
    })
    .await?;
    browser
        .text(".identity-fields [data-field=full_name] dd")
        .await
}

/// A second case whose victim's NIK is typed as the first's: the identity form says the
/// NIK is on another case, from its blind index alone (the server holds the index beside
/// the envelopes, never the NIK).
async fn duplicate_nik_is_flagged(
    api: &Api,
    worker: &Worker,
    officer: &Device,
    phone: &Browser,
) -> Result<(Uuid, Uuid)> {
    let held = records(api, officer).await?;
    let first = held
        .iter()
        .find(|r| r["kind"] == "victim_identity")
        .context("the first identity")?;
    let index = first["fields"]["nik_index"]
        .as_str()
        .context("a NIK index")?;
    ensure!(index.len() == 32 && !index.contains(NIK), "{index}");
    let (case, victim) = push_case_and_victim(
        api,
        officer,
        3,
        Victim {
            pseudonym: "D.",
            age: 22,
        },
    )
    .await?;
    sync(phone).await?;
    phone
        .goto(&format!(
            "{}#/kasus/{case}/korban/{victim}/identitas",
            worker.base_url()
        ))
        .await?;
    phone.wait_for("#identity-form").await?;
    phone.fill("input[name=nik]", "3303 0841 0798 0003").await?;
    ensure!(
        phone.count("#nik-duplicate").await? == 0,
        "another NIK is not flagged"
    );
    phone.fill("input[name=nik]", "3303.0841.0798.0002").await?;
    phone.wait_for("#nik-duplicate").await?;
    let count = phone.attr("#nik-duplicate", "data-count").await?;
    ensure!(count.as_deref() == Some("1"), "one other case: {count:?}");
    ensure!(
        phone.count(".nik-link-case").await? == 0,
        "an officer does not link cases"
    );
    Ok((case, victim))
}

/// The supervisor types the same NIK on the second case's identity form, links the two
/// cases from the notice, and after a sync the server holds each linked to the other; the
/// case page links to the first.
async fn supervisor_links_the_cases(
    api: &Api,
    worker: &Worker,
    supervisor: &Device,
    desk: &Browser,
    (first, second, victim): (Uuid, Uuid, Uuid),
) -> Result<()> {
    sync(desk).await?;
    desk.goto(&format!(
        "{}#/kasus/{second}/korban/{victim}/identitas",
        worker.base_url()
    ))
    .await?;
    desk.wait_for("#identity-form").await?;
    desk.fill("input[name=nik]", NIK).await?;
    let button = format!(".nik-link-case[data-id='{first}']");
    desk.wait_for(&button).await?;
    desk.click(&button).await?;
    desk.wait_for(&format!(".nik-linked[data-id='{first}']"))
        .await?;
    sync(desk).await?;
    let held = records(api, supervisor).await?;
    let links = |case: Uuid| {
        held.iter()
            .find(|r| r["id"] == json!(case))
            .map(|r| r["fields"]["linked_cases"].clone())
    };
    ensure!(links(second) == Some(json!([first])), "{:?}", links(second));
    ensure!(links(first) == Some(json!([second])), "{:?}", links(first));
    desk.goto(&format!("{}#/kasus/{second}", worker.base_url()))
        .await?;
    desk.wait_for(&format!("#case-links a.case-link[data-id='{first}']"))
        .await?;
    Ok(())
}

/// The officer's case and victim (sent from another of its devices), then the identity
/// typed on its phone, synced: the case's and the victim's ids.
async fn case_with_identity(
    api: &Api,
    worker: &Worker,
    officer: &Device,
    phone: &Browser,
) -> Result<(Uuid, Uuid)> {
    let (case, victim) = push_case_and_victim(
        api,
        officer,
        1,
        Victim {
            pseudonym: "D. L.",
            age: 22,
        },
    )
    .await?;
    sync(phone).await?;
    let identity_form = format!(
        "{}#/kasus/{case}/korban/{victim}/identitas",
        worker.base_url()
    );
    phone.goto(&identity_form).await?;
    phone.wait_for("#identity-form").await?;
    phone.fill("input[name=full_name]", FULL_NAME).await?;
    phone.fill("input[name=nik]", NIK).await?;
    phone.click("#identity-form-save").await?;
    phone.wait_for("li.victim-item .identity-show").await?;
    sync(phone).await?;
    Ok((case, victim))
}

async fn journey(browsers: &[Browser; 3], worker: &Worker) -> Result<()> {
    let [desk, phone, second_phone] = browsers;
    let api = Api::new(&worker.api_url(), timeout())?;
    let supervisor = log_in_with_keys(desk, worker, &api, SUPERVISOR).await?;
    let second = log_in_with_keys(second_phone, worker, &api, SECOND).await?;
    let officer = log_in_with_keys(phone, worker, &api, OFFICER).await?;
    // The first phone to sync with its key pair open makes the task force's index key; a
    // phone that holds it wraps it, at its syncs, for whoever lacks it. Which of the
    // three phones syncs first depends on timing, so each syncs until the officer has it.
    poll("the index key, held by the officer's phone", || async {
        sync(phone).await?;
        sync(desk).await?;
        sync(second_phone).await?;
        sync(phone).await?;
        let (_, body) = api.get_text("/keys/index", &officer.token).await?;
        let held: Value = serde_json::from_str(&body)?;
        Ok((!held["mine"].is_null()).then_some(()))
    })
    .await?;
    let (case, victim) = case_with_identity(&api, worker, &officer, phone).await?;
    let (second_case, second_victim) =
        duplicate_nik_is_flagged(&api, worker, &officer, phone).await?;
    supervisor_links_the_cases(
        &api,
        worker,
        &supervisor,
        desk,
        (case, second_case, second_victim),
    )
    .await?;
    let identity_form = format!(
        "{}#/kasus/{case}/korban/{victim}/identitas",
        worker.base_url()
    );

    let held = records(&api, &supervisor).await?;
    let identity = held
        .iter()
        .find(|r| r["kind"] == "victim_identity")
        .context("the identity on the server")?;
    let first_key = key_of(&identity["fields"]["full_name"])?;
    let (me, boss, other) = (
        officer.user_id.to_string(),
        supervisor.user_id.to_string(),
        second.user_id.to_string(),
    );
    let mut expected = vec![me.clone(), boss.clone()];
    expected.sort();
    ensure!(readers(&held, &first_key) == expected, "{held:?}");

    // The supervisor assigns the second officer; its browser shares the key at its sync.
    assign(&api, &supervisor, case, 1, &[second.user_id]).await?;
    sync(desk).await?;
    poll("the key wrapped for the second officer", || async {
        let held = records(&api, &supervisor).await?;
        Ok(readers(&held, &first_key).contains(&other).then_some(()))
    })
    .await?;
    sync(second_phone).await?;
    let name = read_name(second_phone, worker, case).await?;
    ensure!(name == FULL_NAME, "the second officer reads {name:?}");

    // Taken off the case: the officer's next identity edit makes a new key.
    assign(&api, &supervisor, case, 2, &[]).await?;
    sync(phone).await?;
    phone.goto(&identity_form).await?;
    phone.wait_for("#identity-form").await?;
    poll("the form to show the identity", || async {
        let typed = phone
            .execute(
                "return document.querySelector('input[name=full_name]').value",
                vec![],
            )
            .await?;
        Ok((typed == json!(FULL_NAME)).then_some(()))
    })
    .await?;
    phone.fill("input[name=phone]", "081327770022").await?;
    phone.click("#identity-form-save").await?;
    phone.wait_for("li.victim-item .identity-show").await?;
    sync(phone).await?;
    let held = records(&api, &supervisor).await?;
    let identity = held
        .iter()
        .find(|r| r["kind"] == "victim_identity")
        .context("the identity on the server")?;
    let rotated = key_of(&identity["fields"]["phone"])?;
    ensure!(rotated != first_key, "the key rotated");
    ensure!(
        key_of(&identity["fields"]["full_name"])? == rotated,
        "the whole identity is sealed again under the new key"
    );
    ensure!(
        readers(&held, &rotated) == expected,
        "the new key is the officer's and the supervisor's only: {:?}",
        readers(&held, &rotated)
    );
    let name = read_name(desk, worker, case).await;
    ensure!(
        name.ok().as_deref() == Some(FULL_NAME),
        "the supervisor still reads it"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_keeps_the_identities_open_on_both_phones() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    let browsers = [Browser::start().await?, Browser::start().await?];
    let outcome = changing_password(&browsers, &worker).await;
    finish(browsers, outcome).await
}

async fn changing_password(browsers: &[Browser; 2], worker: &Worker) -> Result<()> {
    const CHANGED: &str = "lonceng-balai-desa";
    let [phone, tablet] = browsers;
    let api = Api::new(&worker.api_url(), timeout())?;
    let officer = log_in_with_keys(phone, worker, &api, OFFICER).await?;
    tablet.goto(&worker.base_url()).await?;
    app::log_in(tablet, OFFICER.0, OFFICER.1).await?;
    let (case, _) = case_with_identity(&api, worker, &officer, phone).await?;
    sync(tablet).await?;
    ensure!(read_name(tablet, worker, case).await? == FULL_NAME);
    let (_, before) = api.get_text("/keys/me", &officer.token).await?;
    let before: Value = serde_json::from_str(&before)?;

    // A wrong current password changes nothing; the right one changes it.
    phone
        .goto(&format!("{}#/pengaturan", worker.base_url()))
        .await?;
    phone
        .fill("#password-current", "bukan-sandinya-ini")
        .await?;
    phone.fill("#password-new", CHANGED).await?;
    phone.fill("#password-repeat", CHANGED).await?;
    phone.click("#password-submit").await?;
    let said = phone.text("#password-error").await?;
    ensure!(said.contains("salah"), "{said:?}");
    phone.fill("#password-current", OFFICER.1).await?;
    phone.click("#password-submit").await?;
    phone.wait_for("#password-done").await?;

    // The server: the old password no longer logs in, the new one does; the same key pair,
    // relocked.
    ensure!(api.login(OFFICER.0, OFFICER.1).await.is_err());
    let fresh = api.login(OFFICER.0, CHANGED).await?;
    let (_, after) = api.get_text("/keys/me", &fresh.token).await?;
    let after: Value = serde_json::from_str(&after)?;
    ensure!(after["stale"] == false, "{after}");
    ensure!(
        after["keys"]["public"] == before["keys"]["public"],
        "{after}"
    );
    ensure!(
        after["keys"]["private"]["salt"] != before["keys"]["private"]["salt"],
        "relocked under a new salt"
    );

    // The phone, with no signal: the old password no longer opens it, the new one does,
    // with the identity (the key pair the phone keeps was relocked too).
    phone.set_offline(true).await?;
    phone.reload().await?;
    phone.fill("#unlock-password", OFFICER.1).await?;
    phone.click("#unlock-submit").await?;
    phone.wait_for("#unlock-error").await?;
    app::unlock(phone, CHANGED).await?;
    ensure!(read_name(phone, worker, case).await? == FULL_NAME);
    phone.set_offline(false).await?;

    // The tablet's session ended with the change: it logs in with the new password, asks
    // for the old one once, then reads the identity; next time the new one opens it.
    tablet.click("#sync-now").await?;
    tablet.wait_for("#sync-relogin").await?;
    tablet.click("#sync-relogin").await?;
    tablet.fill("input[name=username]", OFFICER.0).await?;
    tablet.fill("input[name=password]", CHANGED).await?;
    tablet.click("#login-submit").await?;
    tablet.wait_for("#unlock-password").await?;
    let why = tablet.text("section.unlock").await?;
    ensure!(why.contains("kata sandi lama"), "{why:?}");
    app::unlock(tablet, OFFICER.1).await?;
    ensure!(read_name(tablet, worker, case).await? == FULL_NAME);
    tablet.reload().await?;
    tablet.fill("#unlock-password", OFFICER.1).await?;
    tablet.click("#unlock-submit").await?;
    tablet.wait_for("#unlock-error").await?;
    app::unlock(tablet, CHANGED).await?;
    ensure!(read_name(tablet, worker, case).await? == FULL_NAME);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_password_and_a_lost_holder_are_restored() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(ADMIN.0, "Admin Gugus", "admin", ADMIN.1)?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    worker.add_user(NEW_CHAIR.0, "Ketua Baru", "supervisor", NEW_CHAIR.1)?;
    let browsers = [
        Browser::start().await?,
        Browser::start().await?,
        Browser::start().await?,
    ];
    let outcome = restoring(&browsers, &worker).await;
    finish(browsers, outcome).await
}

/// The admin makes the recovery key on its browser: the printed code.
async fn make_recovery_key(browser: &Browser, worker: &Worker) -> Result<String> {
    browser.goto(&worker.base_url()).await?;
    app::log_in(browser, ADMIN.0, ADMIN.1).await?;
    browser.click("#nav-admin").await?;
    browser.click("#recovery-make").await?;
    let code = browser.text("#recovery-code").await?;
    browser.click("#recovery-confirm").await?;
    browser.click("#recovery-save").await?;
    browser.wait_for("#recovery-made").await?;
    browser.click("#logout").await?;
    browser.click("#logout-discard").await?;
    browser.wait_for("#login-form").await?;
    Ok(code)
}

/// Opens the identity on the case page expecting it not to be shared with this account.
async fn sees_not_shared(browser: &Browser, worker: &Worker, case: Uuid) -> Result<()> {
    browser
        .goto(&format!("{}#/kasus/{case}", worker.base_url()))
        .await?;
    browser.click("li.victim-item .identity-show").await?;
    browser.wait_for(".identity-not-shared").await?;
    ensure!(
        browser.count(".identity-fields").await? == 0,
        "nothing shown"
    );
    Ok(())
}

/// An admin's call on account `id` (`deactivate`, or `password` with a body).
async fn admin_call(api: &Api, admin: &Device, path: &str, body: Value) -> Result<()> {
    let answer = api
        .post(path, Some(&admin.token), serde_json::to_vec(&body)?)
        .await?;
    ensure!(
        answer.status.is_success(),
        "{path}: {} {}",
        answer.status,
        answer.body
    );
    Ok(())
}

async fn restoring(browsers: &[Browser; 3], worker: &Worker) -> Result<()> {
    let [desk, phone, other] = browsers;
    let api = Api::new(&worker.api_url(), timeout())?;
    let code = make_recovery_key(desk, worker).await?;
    let admin = api.login(ADMIN.0, ADMIN.1).await?;
    let supervisor = log_in_with_keys(desk, worker, &api, SUPERVISOR).await?;
    let officer = log_in_with_keys(phone, worker, &api, OFFICER).await?;
    let (case, _) = case_with_identity(&api, worker, &officer, phone).await?;
    let held = records(&api, &supervisor).await?;
    let mut expected = vec![
        officer.user_id.to_string(),
        supervisor.user_id.to_string(),
        "recovery".to_owned(),
    ];
    expected.sort();
    let identity = held
        .iter()
        .find(|r| r["kind"] == "victim_identity")
        .context("the identity")?;
    let key = key_of(&identity["fields"]["full_name"])?;
    ensure!(
        readers(&held, &key) == expected,
        "{:?}",
        readers(&held, &key)
    );

    // An admin resets the officer's password: the officer's next login makes a new key
    // pair, which holds no case key yet.
    let reset = format!("/users/{}/password", officer.user_id);
    admin_call(&api, &admin, &reset, json!({"password": NEW_PASSWORD})).await?;
    let again = log_in_with_keys(other, worker, &api, (OFFICER.0, NEW_PASSWORD)).await?;
    poll("the officer's new key pair", || async {
        let (_, body) = api.get_text("/keys/me", &again.token).await?;
        Ok(body.contains("\"stale\":false").then_some(()))
    })
    .await?;
    sync(other).await?;
    sees_not_shared(other, worker, case).await?;
    // The supervisor shares the keys again, for the officer's new pair.
    desk.goto(&format!("{}#/penugasan", worker.base_url()))
        .await?;
    desk.click("#identity-reshare").await?;
    desk.wait_for("#identity-access-done").await?;
    sync(desk).await?;
    sync(other).await?;
    let name = read_name(other, worker, case).await?;
    ensure!(
        name == FULL_NAME,
        "after the reset the officer reads {name:?}"
    );

    // The officer and the chair leave; a new chair, who was never given the key, restores
    // it with the recovery code.
    for gone in [officer.user_id, supervisor.user_id] {
        admin_call(
            &api,
            &admin,
            &format!("/users/{gone}/deactivate"),
            json!({}),
        )
        .await?;
    }
    let chair_browser = Browser::start().await?;
    let restored = restore_as_new_chair(&chair_browser, worker, &api, &code, case, &key).await;
    chair_browser.close().await?;
    restored
}

/// The new chair logs in, sees the identity is not shared, restores it with the code (a
/// mistyped code first), and reads it.
async fn restore_as_new_chair(
    chair_browser: &Browser,
    worker: &Worker,
    api: &Api,
    code: &str,
    case: Uuid,
    key: &str,
) -> Result<()> {
    let chair = log_in_with_keys(chair_browser, worker, api, NEW_CHAIR).await?;
    sync(chair_browser).await?;
    sees_not_shared(chair_browser, worker, case).await?;
    // Nobody who holds the NIK's index key is left to wrap it for the new chair: only the
    // recovery key's wrapping, which the first phone made, still opens it.
    let index_keys = || async {
        let (_, body) = api.get_text("/keys/index", &chair.token).await?;
        anyhow::Ok(serde_json::from_str::<Value>(&body)?)
    };
    let before = index_keys().await?;
    ensure!(
        before["mine"].is_null() && before["recovery"].is_object(),
        "{before}"
    );
    chair_browser
        .goto(&format!("{}#/penugasan", worker.base_url()))
        .await?;
    chair_browser
        .fill("#recovery-code-input", "AAAA-BBBB")
        .await?;
    chair_browser.click("#recovery-restore-submit").await?;
    chair_browser.wait_for("#identity-access-problem").await?;
    chair_browser.fill("#recovery-code-input", code).await?;
    chair_browser.click("#recovery-restore-submit").await?;
    chair_browser.wait_for("#identity-access-done").await?;
    let done = chair_browser.text("#identity-access-done").await?;
    ensure!(done.contains("Akses ke 1 kasus dipulihkan"), "{done}");
    sync(chair_browser).await?;
    let held = records(api, &chair).await?;
    ensure!(
        readers(&held, key).contains(&chair.user_id.to_string()),
        "the key is now wrapped for the new chair"
    );
    let name = read_name(chair_browser, worker, case).await?;
    ensure!(name == FULL_NAME, "the new chair reads {name:?}");
    let after = index_keys().await?;
    ensure!(
        after["mine"].is_object(),
        "the index key restored too: {after}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisors_browser_seals_the_identities_an_older_store_kept_in_plain_text() -> Result<()>
{
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let mut worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    Browser::start()
        .await?
        .run("identity-sharing", async |desk| {
            migrating(desk, &mut worker, data.path()).await
        })
        .await
}

async fn migrating(desk: &Browser, worker: &mut Worker, data: &std::path::Path) -> Result<()> {
    const OLD_NAME: &str = "Kartini Wulandari";
    let api = Api::new(&worker.api_url(), timeout())?;
    let officer = api.login(OFFICER.0, OFFICER.1).await?;
    let (case, victim, identity) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let at = now_rfc3339()?;
    // An envelope under a key wrapped for nobody here: the worker takes it.
    let key_id = Uuid::now_v7();
    let envelope = format!(
        "gugus-e2e:v1:{}:{}:{}",
        key_id,
        "00".repeat(12),
        "ab".repeat(30)
    );
    let created = [
        json!({"id": 1, "kind": "case", "record_id": case, "op": "upsert", "base_version": 0,
               "at": at,
               "fields": {"date_reported": app::days_before_today(14), "source": "hotline", "status": "reported",
                          "kecamatan": "33.03.08", "desa": "33.03.08.2001", "modus": "fake_job_offer"}}),
        json!({"id": 2, "kind": "victim", "record_id": victim, "op": "upsert", "base_version": 0,
               "at": at,
               "fields": {"case_id": case, "pseudonym": "K. W.", "sex": "female", "age": 30,
                          "kecamatan": "33.03.08", "desa": "33.03.08.2001",
                          "consent": true, "consent_date": app::days_before_today(13)}}),
        json!({"id": 3, "kind": "case_key", "record_id": Uuid::now_v7(), "op": "upsert",
               "base_version": 0, "at": at,
               "fields": {"case_id": case, "key_id": key_id, "reader": Uuid::now_v7(),
                          "ephemeral": format!("04{}", "5a".repeat(64)),
                          "nonce": "01".repeat(12), "wrapped": "ee".repeat(48)}}),
        json!({"id": 4, "kind": "victim_identity", "record_id": identity, "op": "upsert",
               "base_version": 0, "at": at,
               "fields": {"victim_id": victim, "full_name": envelope}}),
    ];
    let answer = api
        .push(&officer, push_body(officer.device_id, &created))
        .await?;
    ensure!(
        answer.body["results"][3]["status"] == "applied",
        "{}",
        answer.body
    );
    // What a store from before the upgrade held: the identity in plain text.
    worker.stop()?;
    let url = format!("sqlite://{}", data.join("gugus.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await?;
    let plain = json!({"victim_id": victim, "full_name": OLD_NAME, "nik": "3303084107980002"});
    sqlx::query("UPDATE records SET fields = ? WHERE id = ?")
        .bind(plain.to_string())
        .bind(identity.to_string())
        .execute(&pool)
        .await?;
    pool.close().await;
    worker.restart()?;

    let supervisor = log_in_with_keys(desk, worker, &api, SUPERVISOR).await?;
    // The first sync may run before the key pair is open; a later one seals.
    poll("the identity sealed on the server", || async {
        sync(desk).await?;
        let held = records(&api, &supervisor).await?;
        let sealed = held.iter().any(|r| {
            r["id"] == json!(identity)
                && r["fields"]["full_name"]
                    .as_str()
                    .is_some_and(|v| v.starts_with("gugus-e2e:v1:"))
                && r["fields"]["nik"]
                    .as_str()
                    .is_some_and(|v| v.starts_with("gugus-e2e:v1:"))
        });
        Ok(sealed.then_some(()))
    })
    .await?;
    for entry in std::fs::read_dir(data)? {
        let bytes = std::fs::read(entry?.path())?;
        let found = bytes
            .windows(OLD_NAME.len())
            .any(|w| w == OLD_NAME.as_bytes());
        ensure!(!found, "the old name is still in the store's files");
    }
    let (_, trail) = api.get_text("/audit", &supervisor.token).await?;
    ensure!(trail.contains("identity_migrated"), "{trail}");
    let name = read_name(desk, worker, case).await?;
    ensure!(name == OLD_NAME, "the supervisor reads {name:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_no_dump_log_or_answer_holds_an_identity() -> Result<()> {
    let Some(database) = gugus_e2e::postgres::FreshDatabase::create("gugus_at_rest").await? else {
        return Ok(());
    };
    let url = database.url.clone();
    let outcome = at_rest(&database.url, move || {
        let output = std::process::Command::new("pg_dump")
            .args(["--data-only", "--dbname", &url])
            .output()
            .context("running pg_dump")?;
        ensure!(
            output.status.success(),
            "pg_dump: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    })
    .await;
    database.drop_database().await?;
    outcome
}

/// The same on the embedded SQLite store: its files, read as raw bytes (the database, its
/// write-ahead log and shared memory), hold no identity either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_no_file_log_or_answer_holds_an_identity() -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let path = data.path().join("gugus.db");
    let url = format!("sqlite://{}", path.display());
    let dir = data.path().to_owned();
    at_rest(&url, move || {
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with("gugus.db") {
                bytes.extend(std::fs::read(entry.path())?);
            }
        }
        ensure!(!bytes.is_empty(), "no SQLite file in {}", dir.display());
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    })
    .await
}

/// After a generated load, an officer's browser records an identity and a supervisor's
/// reads it: `store_text` (what the store keeps at rest, as text), the worker's log at
/// trace level and every answer to every role hold no name, NIK, phone or address.
async fn at_rest(url: &str, store_text: impl Fn() -> Result<String>) -> Result<()> {
    const SECRETS: [&str; 4] = [FULL_NAME, NIK, "081327770099", "Dusun Karangsari"];
    let worker = Worker::start_traced(url)?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    worker.add_user(SUPERVISOR.0, "Ketua Gugus", "supervisor", SUPERVISOR.1)?;
    worker.add_user("bupati", "Bupati", "viewer", "sandi-bupati-satu")?;
    let until = app::days_before_today(1);
    worker.generate(&[
        "--as",
        SUPERVISOR.0,
        "--assign",
        OFFICER.0,
        "--seed",
        "18",
        "--cases",
        "40",
        "--activities",
        "20",
        "--months",
        "6",
        "--until",
        &until,
    ])?;
    let (desk, phone) = (Browser::start().await?, Browser::start().await?);
    let api = Api::new(&worker.api_url(), timeout())?;
    let outcome = async {
        let supervisor = log_in_with_keys(&desk, &worker, &api, SUPERVISOR).await?;
        let officer = log_in_with_keys(&phone, &worker, &api, OFFICER).await?;
        let (case, victim) = case_with_identity(&api, &worker, &officer, &phone).await?;
        // The phone number and the address too.
        phone
            .goto(&format!(
                "{}#/kasus/{case}/korban/{victim}/identitas",
                worker.base_url()
            ))
            .await?;
        phone.wait_for("#identity-form").await?;
        poll("the form to show the identity", || async {
            let typed = phone
                .execute(
                    "return document.querySelector('input[name=full_name]').value",
                    vec![],
                )
                .await?;
            Ok((typed == json!(FULL_NAME)).then_some(()))
        })
        .await?;
        phone.fill("input[name=phone]", SECRETS[2]).await?;
        phone.fill("textarea[name=address]", SECRETS[3]).await?;
        phone.click("#identity-form-save").await?;
        phone.wait_for("li.victim-item .identity-show").await?;
        sync(&phone).await?;
        sync(&desk).await?;
        let name = read_name(&desk, &worker, case).await?;
        ensure!(name == FULL_NAME, "the supervisor reads {name:?}");

        // Every answer to every role.
        let viewer = api.login("bupati", "sandi-bupati-satu").await?;
        let mut answers = String::new();
        for device in [&officer, &supervisor] {
            answers.push_str(&serde_json::to_string(&records(&api, device).await?)?);
        }
        for (device, path) in [
            (&supervisor, "/audit"),
            (&viewer, "/stats?from=2026-01-01&to=2026-12-31"),
            (&supervisor, "/stats?from=2026-01-01&to=2026-12-31"),
            (&officer, "/keys/index"),
        ] {
            answers.push_str(&api.get_text(path, &device.token).await?.1);
        }
        let dump = store_text()?;
        ensure!(
            dump.contains("gugus-e2e:v1:"),
            "the store holds the envelopes"
        );
        let log = worker.log();
        ensure!(
            log.contains(" DEBUG ") && log.contains("sqlx::query"),
            "the log has every statement (RUST_LOG=trace)"
        );
        for secret in SECRETS {
            ensure!(!dump.contains(secret), "{secret:?} is in the store");
            ensure!(!log.contains(secret), "{secret:?} is in the worker's log");
            ensure!(!answers.contains(secret), "{secret:?} is in an answer");
        }
        Ok(())
    }
    .await;
    if outcome.is_err() {
        for browser in [&desk, &phone] {
            if let Ok(log) = browser.console_log().await {
                eprintln!("browser console:\n{log}");
            }
        }
    }
    desk.close().await?;
    phone.close().await?;
    outcome
}
