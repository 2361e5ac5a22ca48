//! End-to-end encryption of victims' identities (issue #18), in the browser's WebCrypto:
//! the keys that let the central store hold only ciphertext. The shapes are
//! `gugus_model::e2e`'s; this module makes and uses the keys.
//!
//! - **An account's key pair** ([`AccountKeyPair`]): ECDH on P-256, made on the device.
//!   The private key leaves it only wrapped (AES-256-GCM, PKCS #8) under a key derived
//!   from the account's password (PBKDF2-SHA256, 600,000 iterations, its own salt), so any
//!   phone the account logs in on can unwrap it and the server cannot.
//! - **A case key** ([`CaseKey`]): a random AES-256-GCM key. Each identity field's value
//!   is encrypted with it into an envelope, with a nonce derived from the value (see
//!   [`CaseKey::seal`]) and the record's id and the field's name as associated data.
//! - **Wrapping a case key for a reader** ([`CaseKey::wrap_for`]): an ephemeral P-256 key
//!   pair, ECDH with the reader's public key, HKDF-SHA256 (salt: the ephemeral public key;
//!   info: the format) to an AES-256-GCM key that encrypts the case key's 32 bytes, with
//!   the case, the key's id and the reader as associated data.
//! - **The task force's recovery key** ([`AccountKeyPair::generate_recovery`]): a P-256
//!   pair an admin makes once; its private scalar exists only as a printed code, which
//!   with the public half the server keeps restores the pair
//!   ([`AccountKeyPair::from_recovery_code`]) to open what was wrapped for
//!   [`Reader::Recovery`].
//!
//! Why ECDH P-256 and not RSA-OAEP 3072: a P-256 key pair is made in milliseconds on a
//! cheap phone where an RSA-3072 one takes a second or more; a public key is 65 bytes, not
//! 400; and a wrapped case key is 125 bytes, not 384, which matters when every case's key
//! is wrapped for each of its readers and the recovery key and travels over 3G. WebCrypto
//! has both in every browser the app supports.

use crate::crypto::{call, describe, object, random_bytes, subtle, usages, CryptoError};
use gugus_model::e2e::{
    AccountKeys, Envelope, LockedPrivateKey, Reader, WrappedKey, KEY_BYTES, NONCE_BYTES,
};
use js_sys::{Reflect, Uint8Array};
use serde_json::Value;
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::CryptoKey;

/// PBKDF2-SHA256 iterations for a newly locked private key.
pub const PBKDF2_ITERATIONS: u32 = 600_000;
/// HKDF's info for a case key's wrapping key.
const WRAP_INFO: &[u8] = b"gugus-case-key:v1";
/// HKDF's info for a case key's nonce key.
const NONCE_INFO: &[u8] = b"gugus-e2e:v1:nonce";
/// HKDF's info for the index key's HMAC key.
const INDEX_INFO: &[u8] = b"gugus-nik-index:v1";

/// An account's key pair, unwrapped in memory (see the module's text).
#[derive(Debug, Clone)]
pub struct AccountKeyPair {
    /// The account it belongs to.
    pub account: Uuid,
    /// ECDH P-256, for `deriveBits`; extractable only right after it is made, so that it
    /// can be locked under the password.
    private: CryptoKey,
    /// The public key, uncompressed (65 bytes).
    pub public: Vec<u8>,
}

impl AccountKeyPair {
    /// Makes a new key pair for `account`, and its record for the server: the public key
    /// and the private key locked under `password`.
    pub async fn generate(
        account: Uuid,
        password: &str,
    ) -> Result<(AccountKeyPair, AccountKeys), CryptoError> {
        let pair =
            call(subtle()?.generate_key_with_object(&ec_params(), true, &usages(&["deriveBits"])))
                .await?;
        let private: CryptoKey = property(&pair, "privateKey")?;
        let public: CryptoKey = property(&pair, "publicKey")?;
        let public = bytes(call(subtle()?.export_key("raw", &public)).await?);
        let locked = lock_private(account, &private, password).await?;
        let keys = AccountKeys {
            public: public.clone(),
            private: locked,
        };
        Ok((
            AccountKeyPair {
                account,
                private,
                public,
            },
            keys,
        ))
    }

    /// Unwraps the private key of `keys` with `password`, or [`CryptoError::WrongKey`].
    /// The key stays in WebCrypto, not extractable.
    pub async fn unlock(
        account: Uuid,
        keys: &AccountKeys,
        password: &str,
    ) -> Result<AccountKeyPair, CryptoError> {
        let private = unlock_private(account, keys, password, false).await?;
        Ok(AccountKeyPair {
            account,
            private,
            public: keys.public.clone(),
        })
    }

    /// The same key pair locked under a new password (a password change), or
    /// [`CryptoError::WrongKey`] when `old` does not open it.
    pub async fn relock(
        account: Uuid,
        keys: &AccountKeys,
        old: &str,
        new: &str,
    ) -> Result<AccountKeys, CryptoError> {
        let private = unlock_private(account, keys, old, true).await?;
        Ok(AccountKeys {
            public: keys.public.clone(),
            private: lock_private(account, &private, new).await?,
        })
    }
}

impl AccountKeyPair {
    /// Makes the task force's recovery key pair (issue #18): its code, the private scalar
    /// as `gugus_model::e2e::recovery_code` writes it, to be shown once, printed and kept
    /// in the chair's safe; and the pair, whose public key is the only half the server
    /// keeps. The pair's `account` is nil: it reads what was wrapped for
    /// [`Reader::Recovery`].
    pub async fn generate_recovery() -> Result<(String, AccountKeyPair), CryptoError> {
        let pair =
            call(subtle()?.generate_key_with_object(&ec_params(), true, &usages(&["deriveBits"])))
                .await?;
        let private: CryptoKey = property(&pair, "privateKey")?;
        let public: CryptoKey = property(&pair, "publicKey")?;
        let public = bytes(call(subtle()?.export_key("raw", &public)).await?);
        let jwk = call(subtle()?.export_key("jwk", &private)).await?;
        let d: String = Reflect::get(&jwk, &JsValue::from_str("d"))
            .ok()
            .and_then(|d| d.as_string())
            .ok_or_else(|| CryptoError::Unavailable("no private scalar".into()))?;
        let scalar: [u8; KEY_BYTES] = base64url_decode(&d)
            .and_then(|d| d.try_into().ok())
            .ok_or_else(|| CryptoError::Unavailable("a private scalar of another size".into()))?;
        let code = gugus_model::e2e::recovery_code(&scalar);
        // The extractable key is not kept: the pair in memory is imported again from the code.
        let pair = AccountKeyPair::from_recovery_code(&code, &public)
            .await
            .map_err(|_| CryptoError::Unavailable("the recovery code does not read back".into()))?;
        Ok((code, pair))
    }

    /// The recovery key pair from its typed `code` and the public key the server keeps;
    /// [`RecoveryCodeError::Typo`] when the code has a typing error,
    /// [`RecoveryCodeError::NotThisKey`] when it is another key's code.
    pub async fn from_recovery_code(
        code: &str,
        public: &[u8],
    ) -> Result<AccountKeyPair, RecoveryCodeError> {
        let scalar =
            gugus_model::e2e::parse_recovery_code(code).map_err(RecoveryCodeError::Typo)?;
        gugus_model::e2e::check_public_key(public).map_err(|_| RecoveryCodeError::NotThisKey)?;
        let jwk = object(&[
            ("kty", "EC".into()),
            ("crv", "P-256".into()),
            ("d", base64url_encode(&scalar).into()),
            ("x", base64url_encode(&public[1..33]).into()),
            ("y", base64url_encode(&public[33..65]).into()),
        ]);
        // The browser checks that the scalar is the public key's: another code fails here.
        let subtle = subtle()?;
        let private = call(subtle.import_key_with_object(
            "jwk",
            &jwk,
            &ec_params(),
            false,
            &usages(&["deriveBits"]),
        ))
        .await
        .map_err(|_| RecoveryCodeError::NotThisKey)?;
        Ok(AccountKeyPair {
            account: Uuid::nil(),
            private: private.unchecked_into(),
            public: public.to_vec(),
        })
    }
}

/// Why a typed recovery code does not open the recovery key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecoveryCodeError {
    /// The code has a typing error (its check does not match, a symbol is not one).
    #[error("{0}")]
    Typo(gugus_model::e2e::CodeError),
    /// A well-typed code of another key.
    #[error("the code is not this task force's recovery key")]
    NotThisKey,
    /// WebCrypto is missing.
    #[error("{0}")]
    Crypto(#[from] CryptoError),
}

/// Base64url without padding (JWK's encoding of key bytes).
fn base64url_encode(bytes: &[u8]) -> String {
    const SYMBOLS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(SYMBOLS[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// The bytes of base64url text without padding, or `None`.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        acc = (acc << 6) | u32::from(value(c)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// A case key in memory (see the module's text).
#[derive(Debug, Clone)]
pub struct CaseKey {
    /// The key's id, which its envelopes and wrappings name.
    pub id: Uuid,
    /// AES-256-GCM; extractable, so that it can be wrapped for another reader.
    key: CryptoKey,
    /// HMAC-SHA256 derived from the key (HKDF), for the nonces of [`CaseKey::seal`].
    mac: CryptoKey,
}

impl CaseKey {
    /// A new random case key with a new id.
    pub async fn generate() -> Result<CaseKey, CryptoError> {
        let key = call(subtle()?.generate_key_with_object(
            &object(&[("name", "AES-GCM".into()), ("length", 256.into())]),
            true,
            &usages(&["encrypt", "decrypt"]),
        ))
        .await?;
        CaseKey::with_mac(Uuid::now_v7(), key.unchecked_into()).await
    }

    /// The key with its nonce key: HKDF-SHA256 of the key's bytes (info: [`NONCE_INFO`]).
    async fn with_mac(id: Uuid, key: CryptoKey) -> Result<CaseKey, CryptoError> {
        let mac = hmac_key(&key, NONCE_INFO).await?;
        Ok(CaseKey { id, key, mac })
    }

    /// Wraps this key of case `case_id` for `reader`, whose public key is `public`.
    pub async fn wrap_for(
        &self,
        case_id: Uuid,
        reader: Reader,
        public: &[u8],
    ) -> Result<WrappedKey, CryptoError> {
        gugus_model::e2e::check_public_key(public).map_err(|_| CryptoError::BadLock)?;
        let subtle = subtle()?;
        let reader_key = import_public(public).await?;
        let pair =
            call(subtle.generate_key_with_object(&ec_params(), false, &usages(&["deriveBits"])))
                .await?;
        let ephemeral_private: CryptoKey = property(&pair, "privateKey")?;
        let ephemeral_public: CryptoKey = property(&pair, "publicKey")?;
        let ephemeral = bytes(call(subtle.export_key("raw", &ephemeral_public)).await?);
        let kek = wrapping_key(&ephemeral_private, &reader_key, &ephemeral).await?;
        let nonce = random_bytes(NONCE_BYTES)?;
        let params = gcm(
            &nonce,
            &WrappedKey::associated_data(case_id, self.id, reader),
        );
        let wrapped =
            bytes(call(subtle.wrap_key_with_object("raw", &self.key, &kek, &params)).await?);
        Ok(WrappedKey {
            case_id,
            key_id: self.id,
            reader,
            ephemeral,
            nonce,
            wrapped,
            reader_key: Some(gugus_model::e2e::fingerprint(public)),
        })
    }

    /// Unwraps a case key wrapped for `keys`' account (or, with the recovery key's pair,
    /// for [`Reader::Recovery`]), or [`CryptoError::WrongKey`]: another reader's key, another
    /// case, altered bytes.
    pub async fn unwrap(
        wrapped: &WrappedKey,
        keys: &AccountKeyPair,
        reader: Reader,
    ) -> Result<CaseKey, CryptoError> {
        wrapped.check().map_err(|_| CryptoError::WrongKey)?;
        if wrapped.reader != reader {
            return Err(CryptoError::WrongKey);
        }
        let ephemeral = import_public(&wrapped.ephemeral)
            .await
            .map_err(|_| CryptoError::WrongKey)?;
        let kek = wrapping_key(&keys.private, &ephemeral, &wrapped.ephemeral)
            .await
            .map_err(|_| CryptoError::WrongKey)?;
        let params = gcm(
            &wrapped.nonce,
            &WrappedKey::associated_data(wrapped.case_id, wrapped.key_id, reader),
        );
        let key = call(subtle()?.unwrap_key_with_u8_array_and_object_and_object(
            "raw",
            &wrapped.wrapped,
            &kek,
            &params,
            &object(&[("name", "AES-GCM".into())]),
            true,
            &usages(&["encrypt", "decrypt"]),
        ))
        .await
        .map_err(|_| CryptoError::WrongKey)?;
        CaseKey::with_mac(wrapped.key_id, key.unchecked_into()).await
    }

    /// Encrypts one identity field's value of record `record_id` into an envelope's text.
    /// The nonce is the HMAC of the associated data and the value under the key's nonce
    /// key, as in SIV constructions: the same value of the same field of the same record
    /// seals to the same text, so the device's merge compares envelopes as it compares
    /// plain values, and a nonce repeats only with its plaintext (AES-GCM's nonce-reuse
    /// weakness does not arise). The server learns only that a field's value is the one
    /// it had before, never what it is.
    pub async fn seal(
        &self,
        record_id: Uuid,
        field: &str,
        value: &Value,
    ) -> Result<String, CryptoError> {
        let plain =
            serde_json::to_vec(value).map_err(|e| CryptoError::Unavailable(e.to_string()))?;
        if plain.len() > gugus_model::e2e::MAX_PLAIN_BYTES {
            return Err(CryptoError::Unavailable("the value is too long".into()));
        }
        let associated = Envelope::associated_data(record_id, field);
        let mut mac_input = associated.clone();
        mac_input.push(0);
        mac_input.extend_from_slice(&plain);
        let tag = call(subtle()?.sign_with_str_and_u8_array("HMAC", &self.mac, &mac_input)).await?;
        let nonce = bytes(tag)[..NONCE_BYTES].to_vec();
        let params = gcm(&nonce, &associated);
        let ciphertext = bytes(
            call(subtle()?.encrypt_with_object_and_u8_array(&params, &self.key, &plain)).await?,
        );
        let mut fixed = [0u8; NONCE_BYTES];
        fixed.copy_from_slice(&nonce);
        Ok(Envelope {
            key_id: self.id,
            nonce: fixed,
            ciphertext,
        }
        .to_text())
    }

    /// Opens an envelope's text of field `field` of record `record_id`, or
    /// [`CryptoError::WrongKey`]: another key, record or field, or altered bytes.
    pub async fn open(
        &self,
        record_id: Uuid,
        field: &str,
        text: &str,
    ) -> Result<Value, CryptoError> {
        let envelope = Envelope::parse(text).map_err(|_| CryptoError::WrongKey)?;
        if envelope.key_id != self.id {
            return Err(CryptoError::WrongKey);
        }
        let params = gcm(
            &envelope.nonce,
            &Envelope::associated_data(record_id, field),
        );
        let promise =
            subtle()?.decrypt_with_object_and_u8_array(&params, &self.key, &envelope.ciphertext);
        let plain = call(promise).await.map_err(|_| CryptoError::WrongKey)?;
        serde_json::from_slice(&bytes(plain)).map_err(|_| CryptoError::WrongKey)
    }

    /// The blind index of `text` under this key, as the task force's index key makes it
    /// (issue #18): the first 16 bytes of the HMAC-SHA256 of `text` under a key HKDF
    /// derives from this one (info [`INDEX_INFO`]), in hex. Equal texts give equal
    /// indexes; nothing else can be told from one.
    pub async fn blind_index(&self, text: &str) -> Result<String, CryptoError> {
        let mac = hmac_key(&self.key, INDEX_INFO).await?;
        let tag = call(subtle()?.sign_with_str_and_u8_array("HMAC", &mac, text.as_bytes())).await?;
        Ok(gugus_model::e2e::hex(&bytes(tag)[..16]))
    }

    /// The key's 32 bytes (for tests that compare two unwrapped keys).
    pub async fn raw(&self) -> Result<Vec<u8>, CryptoError> {
        let raw = bytes(call(subtle()?.export_key("raw", &self.key)).await?);
        debug_assert_eq!(raw.len(), KEY_BYTES);
        Ok(raw)
    }
}

/// An HMAC-SHA256 key HKDF-SHA256 derives from an AES key's bytes with `info` (for a
/// case key's nonces, or the index key's blind index): the key itself is never used for
/// two purposes.
async fn hmac_key(key: &CryptoKey, info: &[u8]) -> Result<CryptoKey, CryptoError> {
    let subtle = subtle()?;
    let raw = bytes(call(subtle.export_key("raw", key)).await?);
    let base = call(subtle.import_key_with_object(
        "raw",
        &Uint8Array::from(raw.as_slice()),
        &object(&[("name", "HKDF".into())]),
        false,
        &usages(&["deriveKey"]),
    ))
    .await?;
    let params = object(&[
        ("name", "HKDF".into()),
        ("hash", "SHA-256".into()),
        ("salt", Uint8Array::new_with_length(0).into()),
        ("info", Uint8Array::from(info).into()),
    ]);
    let mac = call(subtle.derive_key_with_object_and_object(
        &params,
        &base.unchecked_into(),
        &object(&[
            ("name", "HMAC".into()),
            ("hash", "SHA-256".into()),
            ("length", 256.into()),
        ]),
        false,
        &usages(&["sign"]),
    ))
    .await?;
    Ok(mac.unchecked_into())
}

/// Locks `private` under `password` for `account`: PBKDF2 to an AES-GCM key that wraps
/// the PKCS #8 bytes.
async fn lock_private(
    account: Uuid,
    private: &CryptoKey,
    password: &str,
) -> Result<LockedPrivateKey, CryptoError> {
    let salt = random_bytes(16)?;
    let kek = password_key(password, &salt, PBKDF2_ITERATIONS).await?;
    let nonce = random_bytes(NONCE_BYTES)?;
    let params = gcm(&nonce, &AccountKeys::associated_data(account));
    let wrapped =
        bytes(call(subtle()?.wrap_key_with_object("pkcs8", private, &kek, &params)).await?);
    Ok(LockedPrivateKey {
        salt,
        iterations: PBKDF2_ITERATIONS,
        nonce,
        wrapped,
    })
}

/// Unwraps `keys`' private key with `password`, or [`CryptoError::WrongKey`].
async fn unlock_private(
    account: Uuid,
    keys: &AccountKeys,
    password: &str,
    extractable: bool,
) -> Result<CryptoKey, CryptoError> {
    keys.check().map_err(|_| CryptoError::BadLock)?;
    let locked = &keys.private;
    let kek = password_key(password, &locked.salt, locked.iterations).await?;
    let params = gcm(&locked.nonce, &AccountKeys::associated_data(account));
    let private = call(subtle()?.unwrap_key_with_u8_array_and_object_and_object(
        "pkcs8",
        &locked.wrapped,
        &kek,
        &params,
        &ec_params(),
        extractable,
        &usages(&["deriveBits"]),
    ))
    .await
    .map_err(|_| CryptoError::WrongKey)?;
    Ok(private.unchecked_into())
}

/// The AES-256-GCM key PBKDF2-SHA256 derives from `password`, for wrapping a private key.
async fn password_key(
    password: &str,
    salt: &[u8],
    iterations: u32,
) -> Result<CryptoKey, CryptoError> {
    let params = object(&[
        ("name", "PBKDF2".into()),
        ("hash", "SHA-256".into()),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", iterations.into()),
    ]);
    derived_wrapping_key("PBKDF2", password.as_bytes(), &params).await
}

/// The AES-256-GCM key that wraps a case key between `private` and `public`: ECDH, then
/// HKDF-SHA256 salted with the ephemeral public key.
async fn wrapping_key(
    private: &CryptoKey,
    public: &CryptoKey,
    ephemeral: &[u8],
) -> Result<CryptoKey, CryptoError> {
    let shared = call(subtle()?.derive_bits_with_object(
        &object(&[("name", "ECDH".into()), ("public", public.into())]),
        private,
        256,
    ))
    .await?;
    let params = object(&[
        ("name", "HKDF".into()),
        ("hash", "SHA-256".into()),
        ("salt", Uint8Array::from(ephemeral).into()),
        ("info", Uint8Array::from(WRAP_INFO).into()),
    ]);
    derived_wrapping_key("HKDF", &bytes(shared), &params).await
}

/// An AES-256-GCM key that wraps and unwraps keys, derived by `kdf` ("PBKDF2" or "HKDF",
/// with its `params`) from `secret`; neither the secret nor the key leaves WebCrypto.
async fn derived_wrapping_key(
    kdf: &str,
    secret: &[u8],
    params: &js_sys::Object,
) -> Result<CryptoKey, CryptoError> {
    let subtle = subtle()?;
    let base = call(subtle.import_key_with_object(
        "raw",
        &Uint8Array::from(secret),
        &object(&[("name", kdf.into())]),
        false,
        &usages(&["deriveKey"]),
    ))
    .await?;
    let key = call(subtle.derive_key_with_object_and_object(
        params,
        &base.unchecked_into(),
        &object(&[("name", "AES-GCM".into()), ("length", 256.into())]),
        false,
        &usages(&["wrapKey", "unwrapKey"]),
    ))
    .await?;
    Ok(key.unchecked_into())
}

/// Imports an uncompressed P-256 public key (the browser checks the point is on the curve).
async fn import_public(public: &[u8]) -> Result<CryptoKey, CryptoError> {
    let key = call(subtle()?.import_key_with_object(
        "raw",
        &Uint8Array::from(public),
        &ec_params(),
        true,
        &usages(&[]),
    ))
    .await?;
    Ok(key.unchecked_into())
}

fn ec_params() -> js_sys::Object {
    object(&[("name", "ECDH".into()), ("namedCurve", "P-256".into())])
}

fn gcm(nonce: &[u8], associated: &[u8]) -> js_sys::Object {
    object(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(nonce).into()),
        ("additionalData", Uint8Array::from(associated).into()),
    ])
}

fn bytes(buffer: JsValue) -> Vec<u8> {
    Uint8Array::new(&buffer).to_vec()
}

fn property<T: JsCast>(object: &JsValue, name: &str) -> Result<T, CryptoError> {
    Reflect::get(object, &JsValue::from_str(name))
        .map_err(|e| CryptoError::Unavailable(describe(&e)))?
        .dyn_into()
        .map_err(|_| CryptoError::Unavailable(format!("no {name}")))
}

/// The logged-in account's key pair, unlocked with `password`, for the roles that sync
/// records (`Role::holds_keys`: an agency's liaison too, to open the identities a
/// referral shares with it; a viewer reads no identities, `None`), and kept on the device
/// (the public key and the private key locked under the password, as the server keeps
/// them):
/// - after a login (`online`): the server's live pair; when it has none, or an admin's
///   password reset left it stale, a new pair made here and sent;
/// - after an unlock: the device's copy, with no signal needed.
///
/// A pair made here that could not be sent (the signal went) is used at once and sent at
/// the next sync ([`send_unsent_keys`]), so an officer who logs in and walks out of signal
/// can still record identities. `None` when no pair can be had now.
pub async fn account_key_pair(
    store: crate::store::Store,
    session: crate::store::Session,
    password: String,
    online: bool,
) -> Option<AccountKeyPair> {
    if !session.user.role.holds_keys() {
        return None;
    }
    let me = session.user.id;
    let held = store
        .held_account_keys()
        .await
        .ok()
        .flatten()
        .filter(|held| held.account == me);
    let unlock_held = |held: &crate::store::HeldKeys| {
        let keys = held.keys.clone();
        let password = password.clone();
        async move { AccountKeyPair::unlock(me, &keys, &password).await.ok() }
    };
    if let (Some(held), false) = (&held, online) {
        if let Some(pair) = unlock_held(held).await {
            return Some(pair);
        }
    }
    let api = crate::sync::Api::here();
    let on_server = api.own_keys(&session.token).await;
    let keep = |keys: AccountKeys, unsent: bool| {
        let store = store.clone();
        async move {
            let held = crate::store::HeldKeys {
                account: me,
                keys,
                unsent,
            };
            let _ = store.set_held_account_keys(&held).await;
        }
    };
    match on_server {
        Ok(Some(own)) if !own.stale => {
            let pair = AccountKeyPair::unlock(me, &own.keys, &password)
                .await
                .ok()?;
            keep(own.keys, false).await;
            Some(pair)
        }
        Ok(_) => {
            // None on the server, or a stale one: a pair made here and not sent yet is
            // sent now; otherwise a new one is made.
            let (pair, keys) = match held.filter(|h| h.unsent) {
                Some(held) => (unlock_held(&held).await?, held.keys),
                None => AccountKeyPair::generate(me, &password).await.ok()?,
            };
            keep(keys.clone(), true).await;
            send_unsent_keys(&api, &store, &session.token).await;
            Some(pair)
        }
        Err(error) => {
            web_sys::console::warn_1(&format!("key pair not fetched: {error}").into());
            match held {
                Some(held) => unlock_held(&held).await,
                None => {
                    let (pair, keys) = AccountKeyPair::generate(me, &password).await.ok()?;
                    keep(keys, true).await;
                    Some(pair)
                }
            }
        }
    }
}

/// Sends the account's key pair made on this device and not sent yet, if any (at each
/// sync, and right after it is made). When another phone of the same account sent its
/// pair first (`keys_exist`), this device's pair stays its own: what it wrapped for
/// itself it still opens.
pub async fn send_unsent_keys(api: &crate::sync::Api, store: &crate::store::Store, token: &str) {
    let Ok(Some(mut held)) = store.held_account_keys().await else {
        return;
    };
    if !held.unsent {
        return;
    }
    match api.set_own_keys(token, &held.keys).await {
        Err(crate::sync::ApiError::Server { code, .. }) if code != "keys_exist" => {}
        Err(crate::sync::ApiError::Server { .. }) | Ok(()) => {
            held.unsent = false;
            let _ = store.set_held_account_keys(&held).await;
        }
        Err(_) => {}
    }
}
