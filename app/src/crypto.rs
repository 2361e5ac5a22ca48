//! Encryption at rest for a victim's identity, through the browser's WebCrypto: AES-GCM
//! with a 256-bit key derived from the officer's passphrase by PBKDF2-SHA256 at 600,000
//! iterations (OWASP's figure for PBKDF2-SHA256). The key never leaves WebCrypto (it is not
//! extractable) and is never stored: it lives only while the app is unlocked.
//!
//! A [`Vault`] is the derived keys; [`VaultLock`] is what the device stores to derive them
//! again (the salt, the iteration count, and a known text sealed under the key, which tells
//! a wrong passphrase from a right one without decrypting any record).
//!
//! A password change keeps the vault: [`Vault::rewrap`] seals its 512 bits under the bits of
//! the new password, so nothing sealed under it is sealed again.
//!
//! PBKDF2 gives 512 bits: the first half is the AES-GCM key, the second an HMAC-SHA256 key.
//! Two ways of sealing:
//! - [`Vault::seal`] / [`Vault::seal_json`]: a random nonce each time (drafts, the
//!   verifier);
//! - [`Vault::seal_value`]: one field value of a record, with the nonce derived from the
//!   value (HMAC of the field name and the value, as in SIV constructions), so the same
//!   value always seals to the same text. The device's merge and conflict logic compares
//!   field values for equality; on sealed values it then decides exactly as on plain ones.
//!   What this reveals to someone holding the raw database is only that two sealed values
//!   are equal, never what they are. A nonce repeats only for the same field and value,
//!   which then gives the same ciphertext: AES-GCM's nonce-reuse weakness does not arise.

use gugus_model::e2e::{hex_into, unhex};
use js_sys::{Object, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

/// PBKDF2-SHA256 iterations for a new vault.
pub const PBKDF2_ITERATIONS: u32 = 600_000;
/// The fewest iterations a stored lock may name (a tampered lock cannot weaken the key).
pub const MIN_ITERATIONS: u32 = 600_000;
/// The shortest passphrase accepted for a new vault, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;
/// What the lock's verifier seals.
const VERIFIER: &[u8] = b"gugus-vault-v1";
/// How a sealed field value begins (then hex of nonce and ciphertext).
pub const SEALED_PREFIX: &str = "gugus-sealed:v1:";

/// What can go wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The passphrase does not open this vault (or the data was altered).
    #[error("wrong passphrase, or the data was altered")]
    WrongKey,
    /// The passphrase is too short for a new vault.
    #[error("the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters")]
    ShortPassphrase,
    /// A stored lock that cannot be right (too few iterations, bad salt).
    #[error("the stored key data is not valid")]
    BadLock,
    /// The browser has no WebCrypto (an insecure origin, or a very old browser).
    #[error("this browser cannot encrypt here: {0}")]
    Unavailable(String),
}

/// Encrypted bytes with their nonce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    /// The 96-bit AES-GCM nonce, random for each sealing.
    pub iv: Vec<u8>,
    /// The ciphertext with its 128-bit tag.
    pub data: Vec<u8>,
}

/// What a device keeps to open its vault again: no key, no passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultLock {
    /// The PBKDF2 salt (16 random bytes).
    pub salt: Vec<u8>,
    /// The PBKDF2 iteration count.
    pub iterations: u32,
    /// [`VERIFIER`] sealed under the key.
    pub verifier: Sealed,
    /// After a password change ([`Vault::rewrap`]): the vault's 512 bits, sealed under
    /// the bits PBKDF2 derives from the new password and `salt`. The vault's keys, and
    /// everything sealed under them, stay as they were. `None`: the password's own bits
    /// are the vault's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapped: Option<Sealed>,
}

/// An open vault: the derived keys.
#[derive(Debug, Clone)]
pub struct Vault {
    /// AES-GCM, 256 bits.
    key: CryptoKey,
    /// HMAC-SHA256, for the nonces of [`Vault::seal_value`].
    mac: CryptoKey,
}

impl Vault {
    /// Makes a new vault for `passphrase`: a fresh salt, the key, and the lock to store.
    pub async fn create(passphrase: &str) -> Result<(Vault, VaultLock), CryptoError> {
        if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(CryptoError::ShortPassphrase);
        }
        let salt = random_bytes(16)?;
        let vault = Vault::derive(passphrase, &salt, PBKDF2_ITERATIONS).await?;
        let verifier = vault.seal(VERIFIER).await?;
        let lock = VaultLock {
            salt,
            iterations: PBKDF2_ITERATIONS,
            verifier,
            wrapped: None,
        };
        Ok((vault, lock))
    }

    /// Opens the vault a lock describes, or [`CryptoError::WrongKey`].
    pub async fn open(passphrase: &str, lock: &VaultLock) -> Result<Vault, CryptoError> {
        let bits = Vault::unlocked_bits(passphrase, lock).await?;
        let vault = Vault::from_bits(&bits).await;
        bits.fill(0, 0, bits.length());
        vault
    }

    /// The same vault behind a new password (a password change, or the first login on
    /// this device after an admin's reset): the lock for `new`, or
    /// [`CryptoError::WrongKey`] when `old` does not open `lock`. Nothing sealed is
    /// touched: the vault's own bits are sealed under the new password's.
    pub async fn rewrap(old: &str, lock: &VaultLock, new: &str) -> Result<VaultLock, CryptoError> {
        if new.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(CryptoError::ShortPassphrase);
        }
        let bits = Vault::unlocked_bits(old, lock).await?;
        let salt = random_bytes(16)?;
        let outer = Vault::derive_bits(new, &salt, PBKDF2_ITERATIONS).await?;
        let sealer = Vault::from_bits(&outer).await;
        outer.fill(0, 0, outer.length());
        let mut raw = bits.to_vec();
        bits.fill(0, 0, bits.length());
        let wrapped = match sealer {
            Ok(sealer) => sealer.seal(&raw).await,
            Err(error) => Err(error),
        };
        raw.fill(0);
        Ok(VaultLock {
            salt,
            iterations: PBKDF2_ITERATIONS,
            verifier: lock.verifier.clone(),
            wrapped: Some(wrapped?),
        })
    }

    /// The vault's 512 bits from `passphrase` and `lock`, checked against its verifier.
    async fn unlocked_bits(passphrase: &str, lock: &VaultLock) -> Result<Uint8Array, CryptoError> {
        if lock.iterations < MIN_ITERATIONS || lock.salt.len() < 16 {
            return Err(CryptoError::BadLock);
        }
        let bits = Vault::derive_bits(passphrase, &lock.salt, lock.iterations).await?;
        let bits = match &lock.wrapped {
            None => bits,
            Some(wrapped) => {
                let outer = Vault::from_bits(&bits).await;
                bits.fill(0, 0, bits.length());
                let inner = outer?.unseal(wrapped).await?;
                if inner.len() != 64 {
                    return Err(CryptoError::WrongKey);
                }
                Uint8Array::from(inner.as_slice())
            }
        };
        let vault = Vault::from_bits(&bits).await?;
        match vault.unseal(&lock.verifier).await {
            Ok(text) if text == VERIFIER => Ok(bits),
            _ => {
                bits.fill(0, 0, bits.length());
                Err(CryptoError::WrongKey)
            }
        }
    }

    async fn derive(passphrase: &str, salt: &[u8], iterations: u32) -> Result<Vault, CryptoError> {
        let bits = Vault::derive_bits(passphrase, salt, iterations).await?;
        let vault = Vault::from_bits(&bits).await;
        // The raw bits are not needed any more: only the non-extractable keys remain.
        bits.fill(0, 0, bits.length());
        vault
    }

    /// PBKDF2-SHA256's 512 bits from `passphrase`.
    async fn derive_bits(
        passphrase: &str,
        salt: &[u8],
        iterations: u32,
    ) -> Result<Uint8Array, CryptoError> {
        let subtle = subtle()?;
        let raw = Uint8Array::from(passphrase.as_bytes());
        let base = call(subtle.import_key_with_object(
            "raw",
            &raw,
            &object(&[("name", "PBKDF2".into())]),
            false,
            &usages(&["deriveBits"]),
        ))
        .await?;
        let params = object(&[
            ("name", "PBKDF2".into()),
            ("hash", "SHA-256".into()),
            ("salt", Uint8Array::from(salt).into()),
            ("iterations", iterations.into()),
        ]);
        let bits =
            call(subtle.derive_bits_with_object(&params, &base.unchecked_into(), 512)).await?;
        Ok(Uint8Array::new(&bits))
    }

    /// The vault's keys from its 512 bits: AES-GCM from the first half, HMAC from the
    /// second; neither extractable.
    async fn from_bits(bits: &Uint8Array) -> Result<Vault, CryptoError> {
        let subtle = subtle()?;
        let key = call(subtle.import_key_with_object(
            "raw",
            &bits.subarray(0, 32),
            &object(&[("name", "AES-GCM".into())]),
            false,
            &usages(&["encrypt", "decrypt"]),
        ))
        .await?;
        let mac = call(subtle.import_key_with_object(
            "raw",
            &bits.subarray(32, 64),
            &object(&[("name", "HMAC".into()), ("hash", "SHA-256".into())]),
            false,
            &usages(&["sign"]),
        ))
        .await?;
        Ok(Vault {
            key: key.unchecked_into(),
            mac: mac.unchecked_into(),
        })
    }

    /// Seals one field value of a record, deterministically (see the module's notes):
    /// `field` names what the value is and is authenticated with it, so a sealed value
    /// moved to another field does not open.
    pub async fn seal_value(&self, field: &str, value: &Value) -> Result<String, CryptoError> {
        let mut sealed = self.seal_values(&[(field, value)]).await?;
        sealed
            .pop()
            .ok_or_else(|| CryptoError::Unavailable("nothing sealed".into()))
    }

    /// Seals many `(field, value)` pairs as [`Vault::seal_value`] does each, in two rounds
    /// for the whole batch (every HMAC asked for at once, then every encryption): a pull
    /// page's identities cost two turns of the event loop, not two per value.
    pub async fn seal_values(&self, items: &[(&str, &Value)]) -> Result<Vec<String>, CryptoError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let subtle = subtle()?;
        let mut plains = Vec::with_capacity(items.len());
        let tags = js_sys::Array::new();
        for (field, value) in items {
            let plain =
                serde_json::to_vec(value).map_err(|e| CryptoError::Unavailable(e.to_string()))?;
            let mut mac_input = field.as_bytes().to_vec();
            mac_input.push(0);
            mac_input.extend_from_slice(&plain);
            let tag = subtle
                .sign_with_str_and_u8_array("HMAC", &self.mac, &mac_input)
                .map_err(|e| CryptoError::Unavailable(describe(&e)))?;
            tags.push(&tag);
            plains.push(plain);
        }
        let tags = js_sys::Array::from(&call(Ok(js_sys::Promise::all(&tags))).await?);
        let mut ivs = Vec::with_capacity(items.len());
        let datas = js_sys::Array::new();
        for (((field, _), plain), tag) in items.iter().zip(&plains).zip(tags.iter()) {
            let iv = Uint8Array::new(&tag).subarray(0, 12).to_vec();
            let params = object(&[
                ("name", "AES-GCM".into()),
                ("iv", Uint8Array::from(iv.as_slice()).into()),
                ("additionalData", Uint8Array::from(field.as_bytes()).into()),
            ]);
            let data = subtle
                .encrypt_with_object_and_u8_array(&params, &self.key, plain)
                .map_err(|e| CryptoError::Unavailable(describe(&e)))?;
            datas.push(&data);
            ivs.push(iv);
        }
        let datas = js_sys::Array::from(&call(Ok(js_sys::Promise::all(&datas))).await?);
        Ok(ivs
            .iter()
            .zip(datas.iter())
            .map(|(iv, data)| {
                let data = Uint8Array::new(&data).to_vec();
                let mut out = String::with_capacity(SEALED_PREFIX.len() + 2 * (12 + data.len()));
                out.push_str(SEALED_PREFIX);
                hex_into(&mut out, iv);
                hex_into(&mut out, &data);
                out
            })
            .collect())
    }

    /// Opens a value sealed with [`Vault::seal_value`] for the same `field`, or
    /// [`CryptoError::WrongKey`].
    pub async fn open_value(&self, field: &str, sealed: &str) -> Result<Value, CryptoError> {
        let bytes = sealed
            .strip_prefix(SEALED_PREFIX)
            .and_then(unhex)
            .filter(|b| b.len() > 12 + 16)
            .ok_or(CryptoError::WrongKey)?;
        let (iv, data) = bytes.split_at(12);
        let params = object(&[
            ("name", "AES-GCM".into()),
            ("iv", Uint8Array::from(iv).into()),
            ("additionalData", Uint8Array::from(field.as_bytes()).into()),
        ]);
        let promise = subtle()?.decrypt_with_object_and_u8_array(&params, &self.key, data);
        let plain = call(promise).await.map_err(|_| CryptoError::WrongKey)?;
        serde_json::from_slice(&Uint8Array::new(&plain).to_vec()).map_err(|_| CryptoError::WrongKey)
    }

    /// Encrypts bytes under a fresh random nonce.
    pub async fn seal(&self, plaintext: &[u8]) -> Result<Sealed, CryptoError> {
        let iv = random_bytes(12)?;
        let params = object(&[
            ("name", "AES-GCM".into()),
            ("iv", Uint8Array::from(iv.as_slice()).into()),
        ]);
        let data =
            call(subtle()?.encrypt_with_object_and_u8_array(&params, &self.key, plaintext)).await?;
        Ok(Sealed {
            iv,
            data: Uint8Array::new(&data).to_vec(),
        })
    }

    /// Decrypts, or [`CryptoError::WrongKey`] when the key is not the one it was sealed
    /// under or the bytes were altered (AES-GCM authenticates them).
    pub async fn unseal(&self, sealed: &Sealed) -> Result<Vec<u8>, CryptoError> {
        if sealed.iv.len() != 12 {
            return Err(CryptoError::WrongKey);
        }
        let params = object(&[
            ("name", "AES-GCM".into()),
            ("iv", Uint8Array::from(sealed.iv.as_slice()).into()),
        ]);
        let promise = subtle()?.decrypt_with_object_and_u8_array(&params, &self.key, &sealed.data);
        let data = call(promise).await.map_err(|_| CryptoError::WrongKey)?;
        Ok(Uint8Array::new(&data).to_vec())
    }

    /// Seals a value as JSON.
    pub async fn seal_json<T: Serialize>(&self, value: &T) -> Result<Sealed, CryptoError> {
        let bytes =
            serde_json::to_vec(value).map_err(|e| CryptoError::Unavailable(e.to_string()))?;
        self.seal(&bytes).await
    }

    /// Opens a value sealed with [`Vault::seal_json`].
    pub async fn unseal_json<T: for<'de> Deserialize<'de>>(
        &self,
        sealed: &Sealed,
    ) -> Result<T, CryptoError> {
        let bytes = self.unseal(sealed).await?;
        serde_json::from_slice(&bytes).map_err(|_| CryptoError::WrongKey)
    }
}

/// Whether a field value is one [`Vault::seal_value`] made.
pub fn is_sealed(value: &Value) -> bool {
    value.as_str().is_some_and(|s| s.starts_with(SEALED_PREFIX))
}

/// `n` bytes from the browser's cryptographic random source.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, CryptoError> {
    let crypto = web_sys::window()
        .ok_or_else(|| CryptoError::Unavailable("no window".into()))?
        .crypto()
        .map_err(|e| CryptoError::Unavailable(describe(&e)))?;
    let mut bytes = vec![0u8; n];
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|e| CryptoError::Unavailable(describe(&e)))?;
    Ok(bytes)
}

pub(crate) fn subtle() -> Result<SubtleCrypto, CryptoError> {
    let crypto = web_sys::window()
        .ok_or_else(|| CryptoError::Unavailable("no window".into()))?
        .crypto()
        .map_err(|e| CryptoError::Unavailable(describe(&e)))?;
    Ok(crypto.subtle())
}

pub(crate) async fn call(
    promise: Result<js_sys::Promise, JsValue>,
) -> Result<JsValue, CryptoError> {
    let promise = promise.map_err(|e| CryptoError::Unavailable(describe(&e)))?;
    JsFuture::from(promise)
        .await
        .map_err(|e| CryptoError::Unavailable(describe(&e)))
}

pub(crate) fn object(entries: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (name, value) in entries {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object
}

pub(crate) fn usages(names: &[&str]) -> JsValue {
    names
        .iter()
        .map(|name| JsValue::from_str(name))
        .collect::<js_sys::Array>()
        .into()
}

pub(crate) fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
