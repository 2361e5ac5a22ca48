//! Issue #16 items 2 and 3, at 360x640: the participant counts start empty, an empty one
//! counts as 0 (the form says so), each wrong count gets its own words and a ceiling with
//! its reason; a NIK typed as printed on the KTP and a phone number written any usual way
//! are taken, normalised; the phone field looks like every other input.
#![forbid(unsafe_code)]

use anyhow::{ensure, Result};
use gugus_e2e::app;
use gugus_e2e::{Browser, Worker};
use serde_json::json;

const OFFICER: (&str, &str) = ("petugas1", "kunci-sepeda-satu");

/// Runs `journey` on a phone against a fresh worker with one officer, logged in.
async fn on_a_phone(name: &str, journey: impl AsyncFnOnce(&Browser) -> Result<()>) -> Result<()> {
    let data = tempfile::Builder::new()
        .prefix("gugus-e2e-data-")
        .tempdir()?;
    let worker = Worker::start(data.path())?;
    worker.add_user(OFFICER.0, "Petugas Satu", "officer", OFFICER.1)?;
    Browser::start_phone()
        .await?
        .run(name, async |phone| {
            phone.goto(&worker.base_url()).await?;
            app::log_in(phone, OFFICER.0, OFFICER.1).await?;
            journey(phone).await
        })
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn participant_counts_start_empty_and_say_what_is_wrong() -> Result<()> {
    on_a_phone("counts", counts).await
}

async fn counts(phone: &Browser) -> Result<()> {
    phone.click("#nav-new-activity").await?;
    phone.wait_for("#activity-form").await?;
    for field in app::PARTICIPANT_FIELDS {
        let value = phone
            .execute(
                "return document.querySelector(`input[name=${arguments[0]}]`).value;",
                vec![json!(field)],
            )
            .await?;
        ensure!(value == json!(""), "{field} starts empty, not {value}");
    }
    let hint = phone.text("#participants-hint").await?;
    ensure!(
        hint.contains("dihitung 0") && hint.contains("5.000"),
        "the form says an empty box is 0 and why there is a ceiling: {hint:?}"
    );
    phone.select("select[name=type]", "outreach").await?;
    phone.select("select[name=kecamatan]", "33.03.01").await?;
    phone.select("select[name=desa]", "33.03.01.2001").await?;
    phone
        .fill("input[name=venue]", "Balai Desa Kedungbenda")
        .await?;
    phone
        .check("input[name=audience][value=prospective_migrants]")
        .await?;
    phone
        .fill("input[name=participants_female_adult]", "12")
        .await?;
    for (typed, words) in [
        ("2.5", "Harus bilangan bulat"),
        ("dua", "Harus bilangan bulat"),
        ("-1", "Tidak boleh kurang dari 0"),
        ("99999", "Paling banyak 5.000"),
    ] {
        phone
            .fill("input[name=participants_male_adult]", typed)
            .await?;
        phone.click("#activity-save").await?;
        phone.wait_for("#error-participants_male_adult").await?;
        let error = phone.text("#error-participants_male_adult").await?;
        ensure!(error.contains(words), "{typed}: {error:?}");
        ensure!(
            app::pending(phone).await? == Some(0),
            "{typed}: nothing saved"
        );
    }
    phone.save_screenshot("participant-count-error").await?;
    // The three others left empty count as 0 (emptied as by the backspace key: WebDriver's
    // clear sends no input event).
    phone
        .set_value("input[name=participants_male_adult]", "")
        .await?;
    phone.click("#activity-save").await?;
    phone.wait_for("#activity-list li.activity-item").await?;
    let listed = phone.text("#activity-list li.activity-item").await?;
    ensure!(
        listed.contains("12 orang"),
        "12 people, not 120: {listed:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nik_and_a_phone_number_are_taken_as_people_write_them() -> Result<()> {
    on_a_phone("identity", identity).await
}

/// Fills the open case form (source, place, modus, exploitation, summary), saves it and
/// waits for the case's page.
async fn save_case(phone: &Browser) -> Result<()> {
    phone.select("select[name=source]", "police").await?;
    phone.select("select[name=kecamatan]", "33.03.08").await?;
    phone.select("select[name=desa]", "33.03.08.2001").await?;
    phone.select("select[name=modus]", "fake_job_offer").await?;
    phone
        .check("input[name=exploitation][value=forced_labour]")
        .await?;
    phone
        .fill(
            "textarea[name=summary]",
            "Ditawari kerja di Malaysia lewat media sosial.",
        )
        .await?;
    phone.click("#case-form-save").await?;
    phone.wait_for("#case-detail").await?;
    Ok(())
}

async fn identity(phone: &Browser) -> Result<()> {
    phone.click("#nav-cases").await?;
    phone.click("#case-new").await?;
    phone.wait_for("#case-form").await?;
    save_case(phone).await?;
    phone.click("#victim-add").await?;
    phone.wait_for("#victim-form").await?;
    phone.fill("input[name=pseudonym]", "S.A.").await?;
    phone.select("select[name=sex]", "female").await?;
    phone.fill("input[name=age]", "19").await?;
    phone.select("select[name=kecamatan]", "33.03.08").await?;
    phone.select("select[name=desa]", "33.03.08.2001").await?;
    phone.click("#victim-form-save").await?;
    phone.wait_for("li.victim-item .identity-edit").await?;
    phone.click("li.victim-item .identity-edit").await?;
    phone.wait_for("#identity-form").await?;

    // One input style for every type: the phone field is as tall and as wide as the name.
    let boxes = phone
        .execute(
            "return ['full_name', 'nik', 'phone'].map(name => {
                const box = document.querySelector(`input[name=${name}]`).getBoundingClientRect();
                return [box.width, box.height];
            });",
            vec![],
        )
        .await?;
    ensure!(
        boxes[0] == boxes[1] && boxes[0] == boxes[2] && boxes[2][1].as_f64() >= Some(44.0),
        "name, NIK and phone inputs the same size, 44 px tall at least: {boxes}"
    );

    phone.fill("input[name=full_name]", "Siti Aminah").await?;
    phone.fill("input[name=nik]", "3303 0845.0107-0001").await?;
    phone.fill("input[name=phone]", "+62 812-3456-7890").await?;
    phone.save_screenshot("identity-form").await?;
    phone.click("#identity-form-save").await?;
    phone.wait_for("li.victim-item .identity-show").await?;
    phone.click("li.victim-item .identity-show").await?;
    phone.wait_for(".identity-fields").await?;
    let nik = phone.text(".identity-fields [data-field=nik] dd").await?;
    let number = phone.text(".identity-fields [data-field=phone] dd").await?;
    ensure!(nik == "3303084501070001", "the NIK's digits: {nik:?}");
    ensure!(
        number == "081234567890",
        "the number as dialled at home: {number:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_say_what_they_need() -> Result<()> {
    on_a_phone("needs", needs).await
}

async fn needs(phone: &Browser) -> Result<()> {
    // Required fields are marked, and the form says what the mark means.
    phone.click("#nav-new-activity").await?;
    phone.wait_for("#activity-form .required-note").await?;
    let marked = |form: &'static str| async move {
        let found = phone
            .execute(
                "return [...document.querySelectorAll(`${arguments[0]} .required-mark`)]
                    .map(mark => (mark.closest('.field') || mark.parentElement)
                        .querySelector('[name]')?.getAttribute('name'));",
                vec![json!(form)],
            )
            .await?;
        anyhow::Ok(serde_json::from_value::<Vec<Option<String>>>(found)?)
    };
    let activity = marked("#activity-form").await?;
    for name in ["type", "date", "kecamatan", "desa", "audience"] {
        ensure!(
            activity.iter().any(|n| n.as_deref() == Some(name)),
            "{name} is marked required: {activity:?}"
        );
    }
    ensure!(
        !activity.iter().any(|n| n.as_deref() == Some("venue")),
        "the venue is not required: {activity:?}"
    );
    ensure!(
        phone.attr("#field-type", "aria-required").await?.as_deref() == Some("true"),
        "screen readers hear it too"
    );

    // The closing reason shows only for a closed case.
    phone.click("#nav-cases").await?;
    phone.click("#case-new").await?;
    phone.wait_for("#case-form").await?;
    ensure!(
        phone.count("[name=closing_reason]").await? == 0,
        "no closing reason for a case just reported"
    );
    phone.select("select[name=status]", "closed").await?;
    phone.wait_for("select[name=closing_reason]").await?;
    ensure!(
        marked("#case-form")
            .await?
            .iter()
            .any(|n| n.as_deref() == Some("closing_reason")),
        "and then it is required"
    );
    phone.select("select[name=status]", "reported").await?;
    phone.wait_for_count("[name=closing_reason]", 0).await?;
    save_case(phone).await?;

    // A new victim starts with the case's kecamatan and desa.
    phone.click("#victim-add").await?;
    phone.wait_for("#victim-form").await?;
    let place = phone
        .execute(
            "return ['kecamatan', 'desa'].map(n => document.querySelector(`#victim-form select[name=${n}]`).value);",
            vec![],
        )
        .await?;
    ensure!(
        place == json!(["33.03.08", "33.03.08.2001"]),
        "the case's place: {place}"
    );
    phone.save_screenshot("victim-form-from-case").await?;
    phone.click("#victim-form .button.secondary").await?;
    phone.wait_for("#case-detail").await?;

    // A note says before it is saved that it cannot be changed afterwards.
    phone.click("#note-add").await?;
    phone.wait_for("#note-form").await?;
    let warning = phone.text("#note-final").await?;
    ensure!(
        warning.contains("tidak bisa diubah"),
        "the note form warns: {warning:?}"
    );
    phone.save_screenshot("note-form").await?;
    Ok(())
}

/// The password section of the settings page at 360x640: it fits the screen, its button
/// is a large target, and without signal the change says so in words and changes nothing
/// (the old password still unlocks the app).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_password_change_fits_the_phone_and_says_when_there_is_no_signal() -> Result<()> {
    on_a_phone("password", password_offline).await
}

async fn password_offline(phone: &Browser) -> Result<()> {
    phone.click("#nav-settings").await?;
    phone.wait_for("#settings-password").await?;
    let layout = phone
        .execute(
            "const button = document.getElementById('password-submit').getBoundingClientRect();
             return [document.documentElement.scrollWidth, button.height,
                [...document.querySelectorAll('#settings-password *')]
                    .filter(e => e.getBoundingClientRect().right > 360.5).length];",
            vec![],
        )
        .await?;
    ensure!(layout[0].as_f64().unwrap_or(f64::MAX) <= 360.0, "{layout}");
    ensure!(
        layout[1].as_f64().unwrap_or(0.0) >= 44.0,
        "a large button: {layout}"
    );
    ensure!(
        layout[2] == json!(0),
        "nothing wider than the screen: {layout}"
    );

    phone.set_offline(true).await?;
    phone.fill("#password-current", OFFICER.1).await?;
    phone.fill("#password-new", "lonceng-balai-desa").await?;
    phone.fill("#password-repeat", "lonceng-balai-desa").await?;
    phone.click("#password-submit").await?;
    let said = phone.text("#password-error").await?;
    ensure!(said.contains("Tidak ada sinyal"), "{said:?}");
    ensure!(phone.count("#password-done").await? == 0);
    phone.set_offline(false).await?;
    app::reload_and_unlock(phone, OFFICER.1).await?;
    Ok(())
}
