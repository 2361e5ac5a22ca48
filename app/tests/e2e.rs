//! End-to-end identity encryption's keys in real headless Chromium (WebCrypto; issue #18):
//! an account's key pair locked under its password, case keys wrapped for readers, and
//! identity envelopes; round trips, wrong keys, altered bytes and wrong associated data.
#![forbid(unsafe_code)]

use gugus_app::crypto::{random_bytes, CryptoError};
use gugus_app::e2e::{AccountKeyPair, CaseKey, RecoveryCodeError, PBKDF2_ITERATIONS};
use gugus_model::e2e::{AccountKeys, Envelope, Reader, WrappedKey};
use serde_json::{json, Value};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PASSWORD: &str = "kunci-sepeda-satu";
const NIK: &str = "3303084501070001";

async fn account(password: &str) -> (AccountKeyPair, AccountKeys) {
    AccountKeyPair::generate(Uuid::now_v7(), password)
        .await
        .expect("a key pair")
}

#[wasm_bindgen_test]
async fn an_accounts_private_key_opens_with_its_password_only() {
    let (pair, keys) = account(PASSWORD).await;
    assert_eq!(keys.check(), Ok(()));
    assert_eq!(keys.private.iterations, PBKDF2_ITERATIONS);
    assert_eq!(keys.public, pair.public);
    let stored = serde_json::to_string(&keys).unwrap();
    assert!(!stored.contains(PASSWORD));

    let again = AccountKeyPair::unlock(pair.account, &keys, PASSWORD)
        .await
        .expect("unlock");
    // The unlocked key is the same: it opens what was wrapped for the first.
    let case = Uuid::now_v7();
    let key = CaseKey::generate().await.unwrap();
    let wrapped = key
        .wrap_for(case, Reader::Account(pair.account), &keys.public)
        .await
        .unwrap();
    let opened = CaseKey::unwrap(&wrapped, &again, Reader::Account(pair.account))
        .await
        .expect("the same key pair");
    assert_eq!(opened.raw().await.unwrap(), key.raw().await.unwrap());

    assert_eq!(
        AccountKeyPair::unlock(pair.account, &keys, "kunci-sepeda-dua")
            .await
            .err(),
        Some(CryptoError::WrongKey)
    );
    assert_eq!(
        AccountKeyPair::unlock(Uuid::now_v7(), &keys, PASSWORD)
            .await
            .err(),
        Some(CryptoError::WrongKey),
        "the account's id is bound to its key"
    );
    let mut altered = keys.clone();
    altered.private.wrapped[20] ^= 1;
    assert_eq!(
        AccountKeyPair::unlock(pair.account, &altered, PASSWORD)
            .await
            .err(),
        Some(CryptoError::WrongKey)
    );
    let mut weakened = keys.clone();
    weakened.private.iterations = 1_000;
    assert_eq!(
        AccountKeyPair::unlock(pair.account, &weakened, PASSWORD)
            .await
            .err(),
        Some(CryptoError::BadLock),
        "a tampered record cannot weaken the key"
    );
}

#[wasm_bindgen_test]
async fn a_password_change_relocks_the_same_key_pair() {
    let (pair, keys) = account(PASSWORD).await;
    let new = "gembok-baru-kantor";
    assert_eq!(
        AccountKeyPair::relock(pair.account, &keys, "salah-sandi-lama", new)
            .await
            .err(),
        Some(CryptoError::WrongKey)
    );
    let relocked = AccountKeyPair::relock(pair.account, &keys, PASSWORD, new)
        .await
        .expect("relock");
    assert_eq!(relocked.public, keys.public, "the same key pair");
    assert_ne!(relocked.private.salt, keys.private.salt, "its own salt");
    assert_eq!(
        AccountKeyPair::unlock(pair.account, &relocked, PASSWORD)
            .await
            .err(),
        Some(CryptoError::WrongKey),
        "the old password no longer opens it"
    );
    let unlocked = AccountKeyPair::unlock(pair.account, &relocked, new)
        .await
        .expect("the new password");
    let case = Uuid::now_v7();
    let key = CaseKey::generate().await.unwrap();
    let wrapped = key
        .wrap_for(case, Reader::Account(pair.account), &keys.public)
        .await
        .unwrap();
    assert!(
        CaseKey::unwrap(&wrapped, &unlocked, Reader::Account(pair.account))
            .await
            .is_ok(),
        "what was wrapped before the change still opens"
    );
}

#[wasm_bindgen_test]
async fn a_case_key_opens_only_for_its_reader_case_and_bytes() {
    let (officer, officer_keys) = account(PASSWORD).await;
    let (other, _) = account(PASSWORD).await;
    let case = Uuid::now_v7();
    let key = CaseKey::generate().await.unwrap();
    let me = Reader::Account(officer.account);
    let wrapped = key.wrap_for(case, me, &officer_keys.public).await.unwrap();
    assert_eq!(wrapped.check(), Ok(()));
    assert_eq!((wrapped.case_id, wrapped.key_id), (case, key.id));

    let wrong = |wrapped: WrappedKey, pair: AccountKeyPair, reader: Reader| async move {
        CaseKey::unwrap(&wrapped, &pair, reader).await.err()
    };
    assert_eq!(
        wrong(wrapped.clone(), other.clone(), me).await,
        Some(CryptoError::WrongKey),
        "another account's private key"
    );
    assert_eq!(
        wrong(
            wrapped.clone(),
            other.clone(),
            Reader::Account(other.account)
        )
        .await,
        Some(CryptoError::WrongKey),
        "wrapped for someone else"
    );
    let mut moved = wrapped.clone();
    moved.case_id = Uuid::now_v7();
    assert_eq!(
        wrong(moved, officer.clone(), me).await,
        Some(CryptoError::WrongKey),
        "moved to another case"
    );
    let mut renamed = wrapped.clone();
    renamed.reader = Reader::Recovery;
    assert_eq!(
        wrong(renamed, officer.clone(), Reader::Recovery).await,
        Some(CryptoError::WrongKey),
        "relabelled for another reader"
    );
    for at in [0, 20, 47] {
        let mut altered = wrapped.clone();
        altered.wrapped[at] ^= 0x80;
        assert_eq!(
            wrong(altered, officer.clone(), me).await,
            Some(CryptoError::WrongKey),
            "byte {at} altered"
        );
    }
    let mut nonce = wrapped.clone();
    nonce.nonce[0] ^= 1;
    assert_eq!(
        wrong(nonce, officer.clone(), me).await,
        Some(CryptoError::WrongKey)
    );
    let mut off_curve = wrapped.clone();
    off_curve.ephemeral[40] ^= 1;
    assert_eq!(
        wrong(off_curve, officer.clone(), me).await,
        Some(CryptoError::WrongKey),
        "an ephemeral key off the curve"
    );
}

#[wasm_bindgen_test]
async fn an_identity_envelope_opens_only_with_its_key_record_and_field() {
    let key = CaseKey::generate().await.unwrap();
    let record = Uuid::now_v7();
    let value = json!(NIK);
    let text = key.seal(record, "nik", &value).await.expect("seal");
    assert!(!text.contains(NIK));
    let envelope = Envelope::parse(&text).expect("an envelope");
    assert_eq!(envelope.key_id, key.id);
    assert_eq!(key.open(record, "nik", &text).await, Ok(value.clone()));
    let again = key.seal(record, "nik", &value).await.unwrap();
    assert_eq!(
        again, text,
        "the same value of the same field seals the same way"
    );
    let other_value = key
        .seal(record, "nik", &json!("3303084501070002"))
        .await
        .unwrap();
    let other_nonce = Envelope::parse(&other_value).expect("an envelope").nonce;
    assert_ne!(other_nonce, envelope.nonce, "another value, another nonce");
    let elsewhere = key.seal(Uuid::now_v7(), "nik", &value).await.unwrap();
    assert_ne!(elsewhere, text, "another record, another envelope");

    let other = CaseKey::generate().await.unwrap();
    assert_eq!(
        other.open(record, "nik", &text).await,
        Err(CryptoError::WrongKey),
        "another case key"
    );
    assert_eq!(
        key.open(Uuid::now_v7(), "nik", &text).await,
        Err(CryptoError::WrongKey),
        "another record: the record id is associated data"
    );
    assert_eq!(
        key.open(record, "phone", &text).await,
        Err(CryptoError::WrongKey),
        "another field"
    );
    let mut tampered = envelope.clone();
    tampered.ciphertext[0] ^= 1;
    assert_eq!(
        key.open(record, "nik", &tampered.to_text()).await,
        Err(CryptoError::WrongKey)
    );
    let mut relabelled = envelope.clone();
    relabelled.key_id = other.id;
    assert_eq!(
        other.open(record, "nik", &relabelled.to_text()).await,
        Err(CryptoError::WrongKey),
        "a relabelled key id does not make another key open it"
    );
    assert_eq!(
        key.open(record, "nik", NIK).await,
        Err(CryptoError::WrongKey),
        "plain text is not an envelope"
    );
}

/// Wrap and unwrap, and seal and open, over random keys, readers, cases and values: every
/// round trip gives back what went in, and the key unwrapped for one reader opens what
/// another reader's copy sealed.
#[wasm_bindgen_test]
async fn every_random_round_trip_gives_back_what_went_in() {
    let (officer, officer_keys) = account(PASSWORD).await;
    let (supervisor, supervisor_keys) = account("sandi-ketua-harian").await;
    for round in 0..12 {
        let case = Uuid::now_v7();
        let key = CaseKey::generate().await.unwrap();
        let for_officer = key
            .wrap_for(case, Reader::Account(officer.account), &officer_keys.public)
            .await
            .unwrap();
        let for_supervisor = key
            .wrap_for(
                case,
                Reader::Account(supervisor.account),
                &supervisor_keys.public,
            )
            .await
            .unwrap();
        assert_ne!(for_officer.ephemeral, for_supervisor.ephemeral);
        let a = CaseKey::unwrap(&for_officer, &officer, Reader::Account(officer.account))
            .await
            .unwrap();
        let b = CaseKey::unwrap(
            &for_supervisor,
            &supervisor,
            Reader::Account(supervisor.account),
        )
        .await
        .unwrap();
        let bytes = random_bytes(1 + round * 37).unwrap();
        let value: Value = match round % 3 {
            0 => json!(bytes
                .iter()
                .map(|b| (b'a' + b % 26) as char)
                .collect::<String>()),
            1 => json!(bytes
                .iter()
                .map(|b| char::from_u32(0x4e00 + u32::from(*b)).unwrap())
                .collect::<String>()),
            _ => json!(null),
        };
        let record = Uuid::now_v7();
        let text = a.seal(record, "address", &value).await.unwrap();
        assert_eq!(
            b.open(record, "address", &text).await,
            Ok(value),
            "round {round}"
        );
        // A wrapped key travels as JSON: what the server stores and sends back.
        let travelled: WrappedKey =
            serde_json::from_str(&serde_json::to_string(&for_officer).unwrap()).unwrap();
        let c = CaseKey::unwrap(&travelled, &officer, Reader::Account(officer.account))
            .await
            .unwrap();
        assert_eq!(c.raw().await.unwrap(), key.raw().await.unwrap());
    }
}

/// The recovery key: made in the browser, its code shown once; the code and the public
/// key (all the server keeps) restore a pair that opens what was wrapped for
/// `Reader::Recovery`; a typing error and another key's code are told apart.
#[wasm_bindgen_test]
async fn the_recovery_code_and_its_public_key_open_what_was_wrapped_for_recovery() {
    let (code, pair) = AccountKeyPair::generate_recovery().await.expect("made");
    assert_eq!(code.split('-').count(), 14, "{code}");
    let case = Uuid::now_v7();
    let key = CaseKey::generate().await.unwrap();
    let wrapped = key
        .wrap_for(case, Reader::Recovery, &pair.public)
        .await
        .unwrap();

    // Typed back from the printed sheet, in lower case with spaces.
    let typed = code.to_lowercase().replace('-', " ");
    let restored = AccountKeyPair::from_recovery_code(&typed, &pair.public)
        .await
        .expect("restored");
    let opened = CaseKey::unwrap(&wrapped, &restored, Reader::Recovery)
        .await
        .expect("opens");
    assert_eq!(opened.raw().await.unwrap(), key.raw().await.unwrap());

    // One symbol wrong: a typing error, caught by the check.
    let mut symbols: Vec<char> = code.chars().collect();
    symbols[0] = if symbols[0] == '7' { '8' } else { '7' };
    let typo: String = symbols.into_iter().collect();
    assert!(matches!(
        AccountKeyPair::from_recovery_code(&typo, &pair.public).await,
        Err(RecoveryCodeError::Typo(_))
    ));
    // Another key's code, well typed: not this key.
    let (other, _) = AccountKeyPair::generate_recovery().await.unwrap();
    assert!(matches!(
        AccountKeyPair::from_recovery_code(&other, &pair.public).await,
        Err(RecoveryCodeError::NotThisKey)
    ));
    // The recovery pair does not open what was wrapped for an account.
    let (officer, officer_keys) = account(PASSWORD).await;
    let for_officer = key
        .wrap_for(case, Reader::Account(officer.account), &officer_keys.public)
        .await
        .unwrap();
    assert_eq!(
        CaseKey::unwrap(&for_officer, &restored, Reader::Account(officer.account))
            .await
            .err(),
        Some(CryptoError::WrongKey)
    );
}

#[wasm_bindgen_test]
async fn a_blind_index_tells_equal_niks_and_nothing_else() {
    let key = CaseKey::generate().await.unwrap();
    let index = key.blind_index(NIK).await.unwrap();
    assert!(gugus_model::e2e::check_nik_index(&index), "{index}");
    assert!(!index.contains(NIK));
    assert_eq!(key.blind_index(NIK).await.unwrap(), index, "the same NIK");
    assert_ne!(key.blind_index("3303084501070002").await.unwrap(), index);
    let other = CaseKey::generate().await.unwrap();
    assert_ne!(
        other.blind_index(NIK).await.unwrap(),
        index,
        "another task force's key"
    );
}
