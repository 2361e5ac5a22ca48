use super::*;
use proptest::prelude::*;
use serde_json::json;

fn envelope() -> impl Strategy<Value = Envelope> {
    (
        any::<u128>(),
        any::<[u8; NONCE_BYTES]>(),
        proptest::collection::vec(any::<u8>(), TAG_BYTES..TAG_BYTES + 200),
    )
        .prop_map(|(id, nonce, ciphertext)| Envelope {
            key_id: Uuid::from_u128(id),
            nonce,
            ciphertext,
        })
}

proptest! {
    #[test]
    fn an_envelope_reads_back_from_its_text(envelope in envelope()) {
        let text = envelope.to_text();
        prop_assert!(is_envelope(&json!(text)));
        prop_assert_eq!(Envelope::parse(&text), Ok(envelope));
    }

    /// Any change of one character of the text either fails to read or reads as another
    /// envelope: one text, one envelope.
    #[test]
    fn a_changed_character_is_another_envelope_or_none(
        envelope in envelope(),
        at in any::<prop::sample::Index>(),
        with in prop::char::range('0', 'z'),
    ) {
        let text = envelope.to_text();
        let at = at.index(text.len());
        let mut changed: Vec<char> = text.chars().collect();
        prop_assume!(changed[at] != with);
        changed[at] = with;
        let changed: String = changed.into_iter().collect();
        if let Ok(other) = Envelope::parse(&changed) {
            prop_assert_ne!(other, envelope);
        }
    }

    #[test]
    fn any_text_is_read_or_refused_without_panicking(text in ".{0,200}") {
        let _ = Envelope::parse(&text);
        let _ = Envelope::parse(&format!("{ENVELOPE_PREFIX}{text}"));
    }

    #[test]
    fn a_wrapped_key_reads_back_from_its_json(
        case in any::<u128>(),
        key in any::<u128>(),
        account in proptest::option::of(any::<u128>()),
        x in any::<[u8; 32]>(),
        y in any::<[u8; 32]>(),
        nonce in any::<[u8; NONCE_BYTES]>(),
        wrapped in any::<[u8; 32]>(),
    ) {
        let wrapped = WrappedKey {
            case_id: Uuid::from_u128(case),
            key_id: Uuid::from_u128(key),
            reader: account.map_or(Reader::Recovery, |id| Reader::Account(Uuid::from_u128(id))),
            ephemeral: [&[4u8][..], &x, &y].concat(),
            nonce: nonce.to_vec(),
            wrapped: [&wrapped[..], &[7u8; TAG_BYTES]].concat(),
            reader_key: account.map(|id| fingerprint(&[&[4u8][..], &id.to_be_bytes()].concat())),
        };
        prop_assert_eq!(wrapped.check(), Ok(()));
        let text = serde_json::to_string(&wrapped).unwrap();
        prop_assert_eq!(serde_json::from_str::<WrappedKey>(&text).unwrap(), wrapped);
    }
}

#[test]
fn plain_text_and_other_formats_are_not_envelopes() {
    for text in [
        "Siti Aminah",
        "3303010101900001",
        "gugus-sealed:v1:00",
        "gugus-e2e:v2:0190c0de-0000-7000-8000-000000000001:000000000000000000000000:00",
    ] {
        assert_eq!(
            Envelope::parse(text),
            Err(ShapeError::NotEnvelope),
            "{text}"
        );
    }
    assert!(!is_envelope(&json!(null)) && !is_envelope(&json!(16)));
}

#[test]
fn each_part_of_an_envelope_is_checked() {
    let good = Envelope {
        key_id: Uuid::from_u128(1),
        nonce: [9; NONCE_BYTES],
        ciphertext: vec![1; TAG_BYTES + 3],
    };
    let text = good.to_text();
    let parts: Vec<&str> = text
        .strip_prefix(ENVELOPE_PREFIX)
        .unwrap()
        .split(':')
        .collect();
    let with = |key: &str, nonce: &str, data: &str| {
        Envelope::parse(&format!("{ENVELOPE_PREFIX}{key}:{nonce}:{data}"))
    };
    assert_eq!(with(parts[0], parts[1], parts[2]), Ok(good));
    let simple = Uuid::from_u128(1).simple().to_string();
    assert_eq!(with(&simple, parts[1], parts[2]), Err(ShapeError::KeyId));
    assert_eq!(with("nope", parts[1], parts[2]), Err(ShapeError::KeyId));
    assert_eq!(with(parts[0], "0011", parts[2]), Err(ShapeError::Nonce));
    assert_eq!(
        with(
            parts[0],
            &parts[1].to_uppercase().replace('9', "A"),
            parts[2]
        ),
        Err(ShapeError::Nonce),
        "lower-case hex only"
    );
    assert_eq!(with(parts[0], parts[1], "00"), Err(ShapeError::Ciphertext));
    let huge = "00".repeat(MAX_PLAIN_BYTES + TAG_BYTES + 1);
    assert_eq!(with(parts[0], parts[1], &huge), Err(ShapeError::Ciphertext));
    let largest = "00".repeat(MAX_PLAIN_BYTES + TAG_BYTES);
    assert!(with(parts[0], parts[1], &largest).is_ok());
    assert_eq!(
        Envelope::parse(&format!("{text}:00")),
        Err(ShapeError::NotEnvelope)
    );
}

#[test]
fn associated_data_tells_records_fields_cases_and_readers_apart() {
    let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
    assert_ne!(
        Envelope::associated_data(a, "nik"),
        Envelope::associated_data(b, "nik")
    );
    assert_ne!(
        Envelope::associated_data(a, "nik"),
        Envelope::associated_data(a, "phone")
    );
    let key = Uuid::from_u128(3);
    let of = |case, reader| WrappedKey::associated_data(case, key, reader);
    assert_ne!(of(a, Reader::Account(b)), of(b, Reader::Account(b)));
    assert_ne!(of(a, Reader::Account(b)), of(a, Reader::Recovery));
    assert_ne!(
        of(a, Reader::Account(b)),
        WrappedKey::associated_data(a, a, Reader::Account(b))
    );
}

#[test]
fn a_wrapped_key_of_the_wrong_shape_is_refused() {
    let good = WrappedKey {
        case_id: Uuid::from_u128(1),
        key_id: Uuid::from_u128(2),
        reader: Reader::Recovery,
        ephemeral: [&[4u8][..], &[1u8; 64]].concat(),
        nonce: vec![0; NONCE_BYTES],
        wrapped: vec![0; KEY_BYTES + TAG_BYTES],
        reader_key: None,
    };
    assert_eq!(good.check(), Ok(()));
    let mut compressed = good.clone();
    compressed.ephemeral = [&[2u8][..], &[1u8; 32]].concat();
    assert_eq!(compressed.check(), Err(ShapeError::PublicKey));
    let mut short = good.clone();
    short.nonce.pop();
    assert_eq!(short.check(), Err(ShapeError::Nonce));
    let mut long = good.clone();
    long.wrapped.push(0);
    assert_eq!(long.check(), Err(ShapeError::Wrapped));
    assert_eq!(
        serde_json::to_value(&good).unwrap()["reader"],
        json!({"kind": "recovery"})
    );
    assert!(serde_json::from_value::<WrappedKey>(json!({
        "case_id": good.case_id, "key_id": good.key_id, "reader": {"kind": "recovery"},
        "ephemeral": "XYZ", "nonce": "00", "wrapped": "00"
    }))
    .is_err());
}

#[test]
fn account_keys_are_checked_and_read_back_from_json() {
    let good = AccountKeys {
        public: [&[4u8][..], &[1u8; 64]].concat(),
        private: LockedPrivateKey {
            salt: vec![1; 16],
            iterations: MIN_PBKDF2_ITERATIONS,
            nonce: vec![2; NONCE_BYTES],
            wrapped: vec![3; 154],
        },
    };
    assert_eq!(good.check(), Ok(()));
    let text = serde_json::to_string(&good).unwrap();
    assert_eq!(serde_json::from_str::<AccountKeys>(&text).unwrap(), good);
    let changed = |change: fn(&mut AccountKeys)| {
        let mut keys = good.clone();
        change(&mut keys);
        keys.check()
    };
    assert_eq!(
        changed(|k| k.public.truncate(33)),
        Err(ShapeError::PublicKey)
    );
    assert_eq!(
        changed(|k| k.private.salt.pop().map_or((), drop)),
        Err(ShapeError::Lock)
    );
    assert_eq!(
        changed(|k| k.private.iterations = MIN_PBKDF2_ITERATIONS - 1),
        Err(ShapeError::Lock),
        "a tampered record cannot weaken the key"
    );
    assert_eq!(
        changed(|k| k.private.iterations = MAX_PBKDF2_ITERATIONS + 1),
        Err(ShapeError::Lock)
    );
    assert_eq!(changed(|k| k.private.nonce.clear()), Err(ShapeError::Nonce));
    assert_eq!(
        changed(|k| k.private.wrapped = vec![0; MAX_WRAPPED_PRIVATE_BYTES + 1]),
        Err(ShapeError::Wrapped)
    );
    assert_ne!(
        AccountKeys::associated_data(Uuid::from_u128(1)),
        AccountKeys::associated_data(Uuid::from_u128(2))
    );
}

proptest! {
    #[test]
    fn a_recovery_code_reads_back_however_it_is_typed(secret in any::<[u8; KEY_BYTES]>()) {
        let code = recovery_code(&secret);
        prop_assert_eq!(parse_recovery_code(&code), Ok(secret));
        let typed = code.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        prop_assert_eq!(parse_recovery_code(&typed), Ok(secret));
    }

    /// Any one symbol typed wrong is caught, never read as another secret.
    #[test]
    fn one_wrong_symbol_is_caught(
        secret in any::<[u8; KEY_BYTES]>(),
        at in any::<prop::sample::Index>(),
        with in 0usize..32,
    ) {
        let code = recovery_code(&secret);
        let mut symbols: Vec<u8> = code.bytes().collect();
        let positions: Vec<usize> = (0..symbols.len()).filter(|i| symbols[*i] != b'-').collect();
        let at = positions[at.index(positions.len())];
        let replacement = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"[with];
        prop_assume!(symbols[at] != replacement);
        symbols[at] = replacement;
        let changed = String::from_utf8(symbols).unwrap();
        prop_assert!(parse_recovery_code(&changed).is_err(), "{}", changed);
    }
}

#[test]
fn a_recovery_code_is_groups_of_four_and_refuses_what_is_not_one() {
    let code = recovery_code(&[7; KEY_BYTES]);
    let groups: Vec<&str> = code.split('-').collect();
    assert_eq!(groups.concat().len(), 55, "272 bits, 5 a symbol");
    assert!(groups[..groups.len() - 1].iter().all(|g| g.len() == 4));
    assert_eq!(parse_recovery_code("ABCD-EFGH"), Err(CodeError::Length));
    assert_eq!(
        parse_recovery_code(&format!("U{}", &code[1..])),
        Err(CodeError::Symbol)
    );
    assert_eq!(
        parse_recovery_code(&format!("{code}0")),
        Err(CodeError::Length)
    );
}
