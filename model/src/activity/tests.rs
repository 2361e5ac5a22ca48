use super::*;
use proptest::prelude::*;
use time::macros::date;

const TODAY: Date = date!(2026 - 11 - 29);

fn valid() -> Map<String, Value> {
    let value = json!({
        "type": "outreach",
        "date": "2026-11-02",
        "kecamatan": "33.03.08",
        "desa": "33.03.08.2001",
        "venue": "Balai desa",
        "audience": ["prospective_migrants", "village_officials"],
        "participants_female_adult": 21,
        "participants_male_adult": 14,
        "participants_female_child": 0,
        "participants_male_child": 3,
        "topics": ["safe_migration"],
        "partners": "",
        "follow_up": "",
        "notes": ""
    });
    value.as_object().cloned().unwrap_or_default()
}

fn errors_of(fields: Map<String, Value>) -> Vec<(String, &'static str)> {
    match Activity::parse(&fields, TODAY) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .map(|e| (e.field, e.problem.code()))
            .collect(),
    }
}

fn with(field: &str, value: Value) -> Map<String, Value> {
    let mut fields = valid();
    fields.insert(field.into(), value);
    fields
}

#[test]
fn a_valid_activity_parses_and_round_trips() {
    let activity = Activity::parse(&valid(), TODAY).expect("valid");
    assert_eq!(activity.total_participants(), 38);
    assert_eq!(activity.female(), 21);
    assert_eq!(activity.children(), 3);
    assert_eq!(Activity::parse(&activity.to_fields(), TODAY), Ok(activity));
}

#[test]
fn each_bad_field_is_named() {
    let cases = [
        ("type", json!("party"), "unknown_code"),
        ("type", json!(""), "required"),
        ("date", json!("2026-02-30"), "not_a_date"),
        ("date", json!("2026-11-30"), "in_future"),
        ("date", json!(20261102), "wrong_type"),
        ("kecamatan", json!("33.03.99"), "unknown_region"),
        ("kecamatan", json!("33.03.08.2001"), "unknown_region"),
        ("desa", json!("33.03.01.2001"), "village_not_in_kecamatan"),
        ("audience", json!([]), "required"),
        ("audience", json!(["aliens"]), "unknown_code"),
        ("topics", json!("law"), "wrong_type"),
        ("participants_female_adult", json!(-1), "negative"),
        ("participants_male_adult", json!(2.5), "not_whole"),
        ("participants_male_adult", json!("dua"), "not_whole"),
        ("participants_male_adult", json!("12"), "wrong_type"),
        ("participants_male_child", json!(5_001), "too_large"),
        ("notes", json!("x".repeat(2001)), "too_long"),
        ("colour", json!("red"), "unknown_field"),
    ];
    for (field, value, problem) in cases {
        assert_eq!(
            errors_of(with(field, value.clone())),
            vec![(field.to_string(), problem)],
            "{field} = {value}"
        );
    }
}

#[test]
fn nobody_attending_is_an_error_on_participants() {
    let mut fields = valid();
    for name in PARTICIPANT_FIELDS {
        fields.insert(name.into(), json!(0));
    }
    assert_eq!(
        errors_of(fields),
        vec![("participants".to_string(), "no_participants")]
    );
}

#[test]
fn an_empty_form_lists_every_required_field_in_form_order() {
    let fields: Vec<_> = errors_of(Map::new()).into_iter().map(|(f, _)| f).collect();
    let mut expected = vec!["type", "date", "kecamatan", "desa", "audience"];
    expected.extend(PARTICIPANT_FIELDS);
    assert_eq!(fields, expected);
}

#[test]
fn messages_name_the_field_in_both_languages() {
    let error = FieldError::new("date", Problem::InFuture);
    assert_eq!(
        error.message(field_label("date", Lang::Id), Lang::Id),
        "Tanggal: Tanggal tidak boleh melewati hari ini."
    );
    assert_eq!(
        error.to_string(),
        "date: The date cannot be later than today."
    );
}

proptest! {
    #[test]
    fn counts_are_accepted_exactly_in_range(n in -200_000i64..200_000) {
        let result = Activity::parse(&with("participants_female_adult", json!(n)), TODAY);
        prop_assert_eq!(result.is_ok(), (0..=MAX_PARTICIPANTS as i64).contains(&n));
    }

    #[test]
    fn any_text_never_panics(s in ".*") {
        let _ = Activity::parse(&with("date", json!(s.clone())), TODAY);
        let _ = Activity::parse(&with("desa", json!(s)), TODAY);
    }
}

/// What `time` makes of `[year]-[month]-[day]`, which `parse_date` and `format_date` copy.
mod dates_as_time_does_them {
    use super::*;
    use time::macros::format_description;

    fn time_parse(text: &str) -> Option<Date> {
        Date::parse(text, format_description!("[year]-[month]-[day]")).ok()
    }

    #[test]
    fn odd_dates_parse_as_time_parses_them() {
        for text in [
            "2026-11-29",
            "2024-02-29",
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-04-31",
            "0000-01-01",
            "-0000-01-01",
            "-0001-12-31",
            "+2026-11-29",
            "+02026-11-29",
            "-000001-01-01",
            "+0000001-01-01",
            "+10000-01-01",
            "-9999-01-01",
            "-10000-01-01",
            "20261-11-29",
            "226-11-29",
            "2026-1-29",
            "2026-11-9",
            "2026-11-290",
            "2026/11/29",
            " 2026-11-29",
            "2026-11-29 ",
            "",
            "-",
            "+",
            "2026",
            "2026-11",
            "2026-11-",
            "٢٠٢٦-11-29",
            "2026-+1-29",
            "2026-11--9",
            "++2026-11-29",
            "-+2026-11-29",
        ] {
            assert_eq!(parse_date(text), time_parse(text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn any_text_parses_as_time_parses_it(text in "[-+]?[0-9]{0,7}-[0-9]{0,3}-[0-9]{0,3}|.{0,14}") {
            prop_assert_eq!(parse_date(&text), time_parse(&text));
        }

        #[test]
        fn any_date_formats_as_time_formats_it(day in Date::MIN.to_julian_day()..=Date::MAX.to_julian_day()) {
            let date = Date::from_julian_day(day).unwrap();
            let by_time = date.format(format_description!("[year]-[month]-[day]")).unwrap();
            prop_assert_eq!(format_date(date), by_time.clone());
            prop_assert_eq!(parse_date(&by_time), Some(date));
        }
    }
}

#[test]
fn a_count_says_what_is_wrong_with_it() {
    let problem = |value: Value| {
        Activity::parse(&with("participants_female_adult", value), TODAY)
            .expect_err("refused")
            .into_iter()
            .find(|e| e.field == "participants_female_adult")
            .map(|e| e.problem.message(Lang::Id))
    };
    assert_eq!(
        problem(json!(2.5)).as_deref(),
        Some("Harus bilangan bulat, misalnya 12.")
    );
    assert_eq!(
        problem(json!("dua")).as_deref(),
        Some("Harus bilangan bulat, misalnya 12.")
    );
    assert_eq!(
        problem(json!(-1)).as_deref(),
        Some("Tidak boleh kurang dari 0.")
    );
    assert_eq!(
        problem(json!(99_999)).as_deref(),
        Some("Paling banyak 5.000.")
    );
    assert_eq!(
        problem(json!(true)).as_deref(),
        Some("Jenis isian tidak sesuai.")
    );
}
