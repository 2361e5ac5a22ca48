use super::*;
use proptest::prelude::*;
use serde_json::json;
use time::macros::date;

const TODAY: Date = date!(2026 - 11 - 29);
const CASE_ID: &str = "0193a1b2-0000-7000-8000-000000000001";
const VICTIM_ID: &str = "0193a1b2-0000-7000-8000-000000000002";

fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

fn valid(kind: RecordKind) -> Map<String, Value> {
    object(match kind {
        RecordKind::Case => json!({
            "date_reported": "2026-11-20", "source": "hotline", "status": "reported",
            "kecamatan": "33.03.08", "desa": "33.03.08.2001", "modus": "fake_job_offer",
            "exploitation": ["forced_labour"], "means": ["fraud", "debt_bondage"],
            "recruitment": ["broker"], "destination": "MY", "summary": "Dijanjikan kerja di kebun",
            "assigned_officers": ["0193a1b2-0000-7000-8000-0000000000aa"], "sensitive": false
        }),
        RecordKind::Victim => json!({
            "case_id": CASE_ID, "pseudonym": "S.", "sex": "female", "age": 17,
            "kecamatan": "33.03.08", "desa": "33.03.08.2001", "former_migrant": false,
            "vulnerabilities": ["poverty"], "consent": true, "consent_date": "2026-11-21"
        }),
        RecordKind::VictimIdentity => json!({
            "victim_id": VICTIM_ID, "full_name": "Siti Aminah", "nik": "3303084501090001",
            "phone": "+62 812-2700-1234", "address": "RT 02 RW 01", "family_contact": "Ibu"
        }),
        RecordKind::Service => json!({
            "victim_id": VICTIM_ID, "type": "shelter", "provider": "uptd_ppa",
            "requested_on": "2026-11-21", "delivered_on": "2026-11-23", "status": "delivered"
        }),
        RecordKind::LegalStep => json!({
            "case_id": CASE_ID, "stage": "police_report", "date": "2026-11-22",
            "reference": "LP/B/123/XI/2026", "suspects": 2, "articles": "Pasal 4 UU 21/2007"
        }),
        RecordKind::Note => json!({"case_id": CASE_ID, "text": "Korban sudah dihubungi."}),
        RecordKind::CaseKey => json!({
            "case_id": CASE_ID, "key_id": "0193a1b2-0000-7000-8000-0000000000c1",
            "reader": "0193a1b2-0000-7000-8000-0000000000aa",
            "ephemeral": format!("04{}", "5a".repeat(64)), "nonce": "01".repeat(12),
            "wrapped": "ee".repeat(48)
        }),
        RecordKind::Activity => json!({}),
        RecordKind::Referral => json!({
            "victim_id": VICTIM_ID, "agency": "uptd_ppa", "service": "shelter",
            "reason": "Korban butuh rumah aman malam ini", "urgency": "urgent",
            "referred_on": "2026-11-28", "needed_by": "2026-12-05", "sex": "female",
            "age_group": "child", "kecamatan": "33.03.08", "modus": "fake_job_offer"
        }),
        RecordKind::ReferralStep => json!({
            "referral_id": "0193a1b2-0000-7000-8000-0000000000d1", "action": "decline",
            "date": "2026-11-29", "decline_reason": "no_capacity", "note": "Rumah aman penuh"
        }),
    })
}

const SPEC_KINDS: [RecordKind; 9] = [
    RecordKind::Case,
    RecordKind::Victim,
    RecordKind::VictimIdentity,
    RecordKind::Service,
    RecordKind::LegalStep,
    RecordKind::Note,
    RecordKind::CaseKey,
    RecordKind::Referral,
    RecordKind::ReferralStep,
];

#[test]
fn a_referral_may_be_needed_after_today_but_not_before_it_was_made() {
    let mut referral = valid(RecordKind::Referral);
    assert_eq!(problems(RecordKind::Referral, &referral), vec![]);
    referral.insert("needed_by".into(), json!("2026-11-27"));
    referral.insert("agency".into(), json!("Polres!"));
    assert_eq!(
        problems(RecordKind::Referral, &referral),
        vec![("agency".into(), "unknown_code")]
    );
    referral.insert("agency".into(), json!("lsm_baru"));
    assert_eq!(
        problems(RecordKind::Referral, &referral),
        vec![("needed_by".into(), "before_referred")]
    );
    referral.insert("needed_by".into(), json!("besok"));
    assert_eq!(
        problems(RecordKind::Referral, &referral),
        vec![("needed_by".into(), "not_a_date")]
    );
}

#[test]
fn a_decline_needs_its_reason_and_only_a_decline_has_one() {
    let mut step = valid(RecordKind::ReferralStep);
    step.remove("decline_reason");
    assert_eq!(
        problems(RecordKind::ReferralStep, &step),
        vec![("decline_reason".into(), "required")]
    );
    step.insert("action".into(), json!("accept"));
    assert_eq!(problems(RecordKind::ReferralStep, &step), vec![]);
    step.insert("decline_reason".into(), json!("no_capacity"));
    assert_eq!(
        problems(RecordKind::ReferralStep, &step),
        vec![("decline_reason".into(), "unknown_field")]
    );
}

fn problems(kind: RecordKind, fields: &Map<String, Value>) -> Vec<(String, &'static str)> {
    match kind.validate(fields, TODAY) {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .map(|e| (e.field, e.problem.code()))
            .collect(),
    }
}

fn with(kind: RecordKind, field: &str, value: Value) -> Vec<(String, &'static str)> {
    let mut fields = valid(kind);
    fields.insert(field.into(), value);
    problems(kind, &fields)
}

fn one(field: &str, code: &'static str) -> Vec<(String, &'static str)> {
    vec![(field.to_owned(), code)]
}

#[test]
fn the_sample_of_every_kind_is_valid() {
    for kind in SPEC_KINDS {
        assert_eq!(problems(kind, &valid(kind)), Vec::new(), "{kind:?}");
    }
}

#[test]
fn every_required_field_is_named_when_missing() {
    for kind in SPEC_KINDS {
        let spec = kind.spec().expect("spec");
        for field in spec.fields.iter().filter(|f| f.required) {
            let mut fields = valid(kind);
            fields.remove(field.name);
            assert_eq!(
                problems(kind, &fields),
                one(field.name, "required"),
                "{kind:?}"
            );
        }
    }
}

#[test]
fn a_nik_is_sixteen_digits() {
    let kind = RecordKind::VictimIdentity;
    assert_eq!(
        with(kind, "nik", json!("330308450109000")),
        one("nik", "not_nik")
    );
    assert_eq!(
        with(kind, "nik", json!("33030845010900011")),
        one("nik", "not_nik")
    );
    assert_eq!(
        with(kind, "nik", json!("33030845010900a1")),
        one("nik", "not_nik")
    );
    assert_eq!(
        with(kind, "nik", json!(3303084501090001_u64)),
        one("nik", "wrong_type")
    );
    assert_eq!(with(kind, "nik", json!("")), Vec::new());
    assert_eq!(
        with(kind, "phone", json!("12345")),
        one("phone", "not_phone")
    );
    assert_eq!(with(kind, "phone", json!("0812 2700 1234")), Vec::new());
}

#[test]
fn ages_are_from_0_to_120() {
    let kind = RecordKind::Victim;
    assert_eq!(with(kind, "age", json!(0)), Vec::new());
    assert_eq!(with(kind, "age", json!(120)), Vec::new());
    assert_eq!(with(kind, "age", json!(121)), one("age", "too_large"));
    assert_eq!(with(kind, "age", json!(-1)), one("age", "negative"));
    assert_eq!(with(kind, "age", json!("17")), one("age", "wrong_type"));
}

#[test]
fn dates_are_real_and_not_in_the_future() {
    let kind = RecordKind::LegalStep;
    assert_eq!(
        with(kind, "date", json!("2026-02-30")),
        one("date", "not_a_date")
    );
    assert_eq!(
        with(kind, "date", json!("2026-11-30")),
        one("date", "in_future")
    );
    assert_eq!(with(kind, "date", json!("2026-11-29")), Vec::new());
}

#[test]
fn regions_must_exist_and_match() {
    let kind = RecordKind::Victim;
    assert_eq!(
        with(kind, "kecamatan", json!("33.03.99")),
        one("kecamatan", "unknown_region")
    );
    assert_eq!(
        with(kind, "desa", json!("33.03.01.2001")),
        one("desa", "village_not_in_kecamatan")
    );
}

#[test]
fn rules_that_span_fields() {
    assert_eq!(
        with(RecordKind::Case, "status", json!("closed")),
        one("closing_reason", "required")
    );
    assert_eq!(
        with(RecordKind::Service, "delivered_on", json!("2026-11-20")),
        one("delivered_on", "before_requested")
    );
    let mut service = valid(RecordKind::Service);
    service.remove("delivered_on");
    assert_eq!(
        problems(RecordKind::Service, &service),
        one("delivered_on", "required")
    );
    service.insert("status".into(), json!("in_progress"));
    assert_eq!(problems(RecordKind::Service, &service), Vec::new());
    let mut victim = valid(RecordKind::Victim);
    victim.remove("consent_date");
    assert_eq!(
        problems(RecordKind::Victim, &victim),
        one("consent_date", "required")
    );
}

#[test]
fn links_and_lists_of_ids_must_be_ids() {
    assert_eq!(
        with(RecordKind::Note, "case_id", json!("kasus-1")),
        one("case_id", "not_an_id")
    );
    assert_eq!(
        with(RecordKind::Case, "assigned_officers", json!(["x"])),
        one("assigned_officers", "not_an_id")
    );
    let case = valid(RecordKind::Case);
    assert_eq!(assigned_officers(&case).len(), 1);
    let note = valid(RecordKind::Note);
    assert_eq!(
        parent_id(RecordKind::Note, &note).map(|id| id.to_string()),
        Some(CASE_ID.into())
    );
    assert_eq!(parent_id(RecordKind::Case, &case), None);
}

#[test]
fn unknown_fields_and_codes_are_named() {
    assert_eq!(
        with(RecordKind::Case, "nama", json!("x")),
        one("nama", "unknown_field")
    );
    assert_eq!(
        with(RecordKind::Case, "modus", json!("x")),
        one("modus", "unknown_code")
    );
    assert_eq!(
        with(RecordKind::Case, "means", json!(["x"])),
        one("means", "unknown_code")
    );
}

#[test]
fn every_field_has_a_label_in_both_languages_and_the_parent_is_first() {
    for kind in SPEC_KINDS {
        let spec = kind.spec().expect("spec");
        for field in spec.fields {
            assert!(!field.label.id.is_empty() && !field.label.en.is_empty());
        }
        if let Some((name, _)) = spec.parent() {
            assert_eq!(spec.fields[0].name, name);
        }
    }
    assert!(RecordKind::Note.insert_only());
    assert!(RecordKind::CaseKey.insert_only());
    assert!(!RecordKind::Case.insert_only());
}

/// A wrapped case key travels as a `case_key` record: its fields read back as the
/// wrapped key, and each part of the wrong shape is named.
#[test]
fn a_case_key_record_is_a_wrapped_key_of_its_shape() {
    use crate::e2e::{Reader, WrappedKey};
    let fields = valid(RecordKind::CaseKey);
    let key = WrappedKey::from_fields(&fields).expect("reads");
    assert_eq!(key.to_fields(), fields);
    let recovery = WrappedKey {
        reader: Reader::Recovery,
        ..key.clone()
    };
    assert_eq!(recovery.to_fields()["reader"], json!("recovery"));
    let fingerprinted = WrappedKey {
        reader_key: Some("04aa".repeat(4)),
        ..key.clone()
    };
    assert_eq!(
        WrappedKey::from_fields(&fingerprinted.to_fields()),
        Ok(fingerprinted)
    );
    assert_eq!(
        RecordKind::CaseKey.validate(&recovery.to_fields(), TODAY),
        Ok(())
    );
    for (field, value, code) in [
        ("key_id", json!("kunci-1"), "not_an_id"),
        ("reader", json!("semua"), "not_an_id"),
        (
            "ephemeral",
            json!(format!("02{}", "5a".repeat(64))),
            "wrong_type",
        ),
        ("ephemeral", json!("zz"), "wrong_type"),
        ("nonce", json!("01".repeat(11)), "wrong_type"),
        ("wrapped", json!("ee".repeat(47)), "wrong_type"),
        ("wrapped", json!("EE".repeat(48)), "wrong_type"),
        ("reader_key", json!("not-hex-at-all!!"), "wrong_type"),
        ("reader_key", json!(16), "wrong_type"),
    ] {
        assert_eq!(
            with(RecordKind::CaseKey, field, value),
            one(field, code),
            "{field}"
        );
    }
    assert!(RecordKind::CaseKey.reads_identity() && !RecordKind::CaseKey.is_identity());
}

/// Reads `fields` through the kind's typed view (`None`: the kind has no view).
fn view(kind: RecordKind, fields: &Map<String, Value>) -> Option<Result<(), FieldError>> {
    use super::view::*;
    Some(match kind {
        RecordKind::Case => CaseFields::from_fields(fields).map(drop),
        RecordKind::Victim => VictimFields::from_fields(fields).map(drop),
        RecordKind::Service => ServiceFields::from_fields(fields).map(drop),
        RecordKind::LegalStep => LegalStepFields::from_fields(fields).map(drop),
        _ => return None,
    })
}

proptest! {
    /// The views and the specs name the same fields: whatever a spec accepts, with any of
    /// its fields left out, its view reads.
    #[test]
    fn every_record_a_spec_accepts_reads_as_its_view(
        kind in prop::sample::select(SPEC_KINDS.to_vec()),
        keep in prop::collection::vec(any::<bool>(), 16),
    ) {
        let mut fields = valid(kind);
        let names: Vec<String> = fields.keys().cloned().collect();
        for (name, kept) in names.iter().zip(keep.iter().chain(std::iter::repeat(&true))) {
            if !kept {
                fields.remove(name);
            }
        }
        if kind.validate(&fields, TODAY).is_ok() {
            if let Some(read) = view(kind, &fields) {
                prop_assert!(read.is_ok(), "{kind:?} {fields:?}: {read:?}");
            }
        }
    }

    #[test]
    fn validation_never_panics_and_names_only_known_or_sent_fields(
        kind in prop::sample::select(SPEC_KINDS.to_vec()),
        name in "[a-z_]{1,12}",
        value in prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            ".{0,40}".prop_map(Value::String),
        ],
    ) {
        let mut fields = valid(kind);
        fields.insert(name.clone(), value);
        if let Err(errors) = kind.validate(&fields, TODAY) {
            let spec = kind.spec().expect("spec");
            for error in errors {
                prop_assert!(spec.field(&error.field).is_some() || error.field == name);
            }
        }
    }
}

#[test]
fn a_nik_as_printed_on_the_ktp_is_its_sixteen_digits() {
    for typed in [
        "3303084501070001",
        " 3303 0845 0107 0001 ",
        "3303.0845.0107.0001",
        "3303-0845-0107-0001",
    ] {
        assert_eq!(normalise_nik(typed), "3303084501070001", "{typed:?}");
    }
    assert_eq!(
        normalise_nik("3303O84501070001"),
        "3303O84501070001",
        "a letter O stays for the check to name"
    );
}

#[test]
fn phone_numbers_are_digits_with_the_indonesian_prefix_dialled_at_home() {
    for typed in [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "+62 812-3456-7890",
        "+6281234567890",
    ] {
        assert_eq!(normalise_phone(typed), "081234567890", "{typed:?}");
    }
    assert_eq!(normalise_phone("(0281) 891234"), "0281891234");
    assert_eq!(
        normalise_phone("+60 12-345 6789"),
        "+60123456789",
        "Malaysia keeps its code"
    );
    assert_eq!(
        normalise_phone("0812 abc"),
        "0812 abc",
        "left for the check to name"
    );
    for typed in ["+62 812-3456-7890", "(0281) 891234", "+60 12-345 6789"] {
        assert!(is_phone(&normalise_phone(typed)), "{typed:?}");
    }
}

/// What the server checks of an identity (issue #18): its link as always, and every other
/// value an envelope of the right shape; a plain value, a broken envelope or a missing
/// name are named, and no other kind is checked differently.
#[test]
fn the_server_takes_an_identity_only_as_envelopes() {
    use crate::e2e::Envelope;
    let envelope = |byte: u8| {
        json!(Envelope {
            key_id: uuid::Uuid::from_u128(7),
            nonce: [byte; 12],
            ciphertext: vec![byte; 40],
        }
        .to_text())
    };
    let kind = RecordKind::VictimIdentity;
    let sealed = object(json!({
        "victim_id": VICTIM_ID, "full_name": envelope(1), "nik": envelope(2),
        "phone": envelope(3), "address": envelope(4), "family_contact": envelope(5),
    }));
    let received = |fields: &Map<String, Value>| -> Vec<(String, &'static str)> {
        match kind.validate_received(fields, TODAY) {
            Ok(()) => Vec::new(),
            Err(errors) => errors
                .into_iter()
                .map(|e| (e.field, e.problem.code()))
                .collect(),
        }
    };
    assert_eq!(received(&sealed), Vec::new());
    let mut indexed = sealed.clone();
    indexed.insert("nik_index".into(), json!("0f".repeat(16)));
    assert_eq!(
        received(&indexed),
        Vec::new(),
        "the NIK's blind index, unsealed"
    );
    // Plain text, as every device before issue #18 sent it.
    assert_eq!(
        received(&valid(kind)),
        ["full_name", "nik", "phone", "address", "family_contact"]
            .map(|name| (name.to_owned(), "not_encrypted"))
            .to_vec()
    );
    let broken = envelope(1)
        .as_str()
        .expect("text")
        .replace("gugus-e2e:v1", "gugus-e2e:v9");
    let short = format!(
        "gugus-e2e:v1:{}:{}:00",
        uuid::Uuid::from_u128(7),
        "00".repeat(12)
    );
    for (field, value, code) in [
        ("full_name", json!(broken), "not_encrypted"),
        ("nik", json!(short), "not_encrypted"),
        ("phone", json!(62812), "not_encrypted"),
        ("victim_id", json!("korban-1"), "not_an_id"),
        ("later", envelope(6), "unknown_field"),
        ("nik_index", json!("3303084501070001"), "wrong_type"),
        ("nik_index", json!("AB".repeat(16)), "wrong_type"),
    ] {
        let mut fields = sealed.clone();
        fields.insert(field.into(), value);
        assert_eq!(received(&fields), one(field, code), "{field}");
    }
    let mut nameless = sealed.clone();
    nameless.remove("full_name");
    nameless.insert("nik".into(), Value::Null);
    assert_eq!(received(&nameless), one("full_name", "required"));
    for other in SPEC_KINDS.into_iter().filter(|k| *k != kind) {
        assert_eq!(
            other.validate_received(&valid(other), TODAY),
            Ok(()),
            "{other:?}"
        );
    }
}
