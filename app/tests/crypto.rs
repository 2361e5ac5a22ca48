//! Identity encryption in real headless Chromium (WebCrypto): a round trip, a wrong
//! passphrase refused, altered bytes refused, and no plaintext in what is stored.
#![forbid(unsafe_code)]

use gugus_app::crypto::{CryptoError, Sealed, Vault, PBKDF2_ITERATIONS};
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PASSPHRASE: &str = "kunci rahasia petugas";

#[wasm_bindgen_test]
async fn a_sealed_identity_opens_with_the_passphrase_and_holds_no_plaintext() {
    let (vault, lock) = Vault::create(PASSPHRASE).await.expect("create");
    assert_eq!(lock.iterations, PBKDF2_ITERATIONS);
    assert_eq!(lock.salt.len(), 16);
    let identity = json!({"full_name": "Siti Aminah", "nik": "3303084501070001"});
    let sealed = vault.seal_json(&identity).await.expect("seal");
    let stored = serde_json::to_string(&sealed).expect("serialise");
    assert!(!stored.contains("Siti") && !stored.contains("3303084501070001"));
    let bytes = sealed.data.windows(4).any(|w| w == b"Siti");
    assert!(!bytes, "no plaintext in the ciphertext");
    let again = vault.seal_json(&identity).await.expect("seal");
    assert_ne!(again.iv, sealed.iv, "a fresh nonce each time");

    let reopened = Vault::open(PASSPHRASE, &lock).await.expect("open");
    let back: serde_json::Value = reopened.unseal_json(&sealed).await.expect("unseal");
    assert_eq!(back, identity);
}

#[wasm_bindgen_test]
async fn a_wrong_passphrase_and_altered_bytes_are_refused() {
    let (vault, lock) = Vault::create(PASSPHRASE).await.expect("create");
    let wrong = Vault::open("kunci yang salah", &lock).await;
    assert_eq!(wrong.err(), Some(CryptoError::WrongKey));
    let sealed = vault.seal(b"NIK 3303084501070001").await.expect("seal");
    let mut altered = sealed.clone();
    altered.data[0] ^= 1;
    assert_eq!(vault.unseal(&altered).await, Err(CryptoError::WrongKey));
    let bad_iv = Sealed {
        iv: vec![0; 11],
        data: sealed.data.clone(),
    };
    assert_eq!(vault.unseal(&bad_iv).await, Err(CryptoError::WrongKey));
    let mut weak = lock.clone();
    weak.iterations = 1_000;
    assert_eq!(
        Vault::open(PASSPHRASE, &weak).await.err(),
        Some(CryptoError::BadLock)
    );
    assert_eq!(
        Vault::create("pendek").await.err(),
        Some(CryptoError::ShortPassphrase)
    );
}

/// A password change keeps the vault: what was sealed before opens after, under the new
/// password only; a second change works the same; a wrong old password changes nothing;
/// altered wrapped bits are refused.
#[wasm_bindgen_test]
async fn a_rewrapped_vault_opens_with_the_new_password_only_and_keeps_what_it_sealed() {
    let (vault, lock) = Vault::create(PASSPHRASE).await.expect("create");
    let draft = vault
        .seal(b"Siti Aminah, Desa Karangreja")
        .await
        .expect("seal");
    let value = json!("3303084501070001");
    let field = vault.seal_value("nik", &value).await.expect("seal value");

    assert_eq!(
        Vault::rewrap("kunci yang salah", &lock, "sandi baru lereng")
            .await
            .err(),
        Some(CryptoError::WrongKey)
    );
    assert_eq!(
        Vault::rewrap(PASSPHRASE, &lock, "pendek").await.err(),
        Some(CryptoError::ShortPassphrase)
    );
    let second = Vault::rewrap(PASSPHRASE, &lock, "sandi baru lereng")
        .await
        .expect("rewrap");
    assert_ne!(second.salt, lock.salt, "a new salt");
    assert!(second.wrapped.is_some());
    assert_eq!(
        Vault::open(PASSPHRASE, &second).await.err(),
        Some(CryptoError::WrongKey),
        "the old password no longer opens it"
    );
    let reopened = Vault::open("sandi baru lereng", &second)
        .await
        .expect("open");
    assert_eq!(
        reopened.unseal(&draft).await.expect("unseal"),
        b"Siti Aminah, Desa Karangreja"
    );
    assert_eq!(
        reopened
            .seal_value("nik", &value)
            .await
            .expect("seal value"),
        field,
        "the same keys: the same deterministic sealing"
    );
    assert_eq!(
        reopened.open_value("nik", &field).await.expect("open"),
        value
    );

    let third = Vault::rewrap("sandi baru lereng", &second, "sandi ketiga sungai")
        .await
        .expect("rewrap again");
    let again = Vault::open("sandi ketiga sungai", &third)
        .await
        .expect("open");
    assert_eq!(
        again.unseal(&draft).await.expect("unseal"),
        b"Siti Aminah, Desa Karangreja"
    );
    assert_eq!(
        Vault::open("sandi baru lereng", &third).await.err(),
        Some(CryptoError::WrongKey)
    );

    let mut altered = third.clone();
    if let Some(wrapped) = altered.wrapped.as_mut() {
        wrapped.data[3] ^= 1;
    }
    assert_eq!(
        Vault::open("sandi ketiga sungai", &altered).await.err(),
        Some(CryptoError::WrongKey)
    );
}
