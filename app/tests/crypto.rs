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
