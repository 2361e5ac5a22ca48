//! The shapes of end-to-end encrypted identity (issue #18): what the phone writes and what
//! the worker may check without ever holding a key.
//!
//! - An [`Envelope`] is one identity field's value encrypted on the device with its case's
//!   key (AES-256-GCM). Its text names the format's version, the case key's id, the nonce
//!   and the ciphertext; the record's id and the field's name are its associated data
//!   ([`Envelope::associated_data`]), so an envelope moved to another record or field does
//!   not open.
//! - A [`WrappedKey`] is a case key wrapped for one reader: an ephemeral P-256 public key
//!   (ECDH with the reader's key pair, then HKDF-SHA256), the nonce and the AES-GCM
//!   ciphertext of the 32 key bytes, bound to the case, the key's id and the reader
//!   ([`WrappedKey::associated_data`]).
//!
//! The cryptography runs in the browser (`app/src/e2e.rs`); this module only parses and
//! checks shapes, so that the worker can refuse what is not an envelope and the app and the
//! worker agree on every byte.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How an envelope's text begins: the format and its version.
pub const ENVELOPE_PREFIX: &str = "gugus-e2e:v1:";
/// An AES-GCM nonce: 96 bits.
pub const NONCE_BYTES: usize = 12;
/// An AES-GCM tag: 128 bits.
pub const TAG_BYTES: usize = 16;
/// A case key: AES-256.
pub const KEY_BYTES: usize = 32;
/// An uncompressed P-256 public key (`0x04`, then X and Y).
pub const PUBLIC_KEY_BYTES: usize = 65;
/// The longest plain value an envelope may hold: a field's value as JSON text. The longest
/// identity field is 500 characters, at most 2,000 bytes of UTF-8; JSON's escapes may
/// double that.
pub const MAX_PLAIN_BYTES: usize = 4096;

/// Why a text or a wrapped key is not of the right shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// The text does not begin with [`ENVELOPE_PREFIX`] (plain text, or another format).
    #[error("not an encrypted identity value (gugus-e2e:v1)")]
    NotEnvelope,
    /// The key id is not a UUID.
    #[error("the key id is not a UUID")]
    KeyId,
    /// The nonce is not 12 bytes of hex.
    #[error("the nonce is not {NONCE_BYTES} bytes")]
    Nonce,
    /// The ciphertext is not hex, shorter than its tag or longer than the most allowed.
    #[error("the ciphertext is not hex of {TAG_BYTES} to {} bytes", MAX_PLAIN_BYTES + TAG_BYTES)]
    Ciphertext,
    /// A public key is not an uncompressed P-256 point.
    #[error("the public key is not an uncompressed P-256 point")]
    PublicKey,
    /// A wrapped key is not of its length (a case key: 32 bytes with their tag).
    #[error("the wrapped key is not of its length")]
    Wrapped,
    /// A password lock's salt is not 16 bytes, or its iterations are out of bounds.
    #[error("the salt is not 16 bytes or the iterations are not {MIN_PBKDF2_ITERATIONS} to {MAX_PBKDF2_ITERATIONS}")]
    Lock,
}

/// One identity field's value, encrypted under a case key (see the module's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The case key it was encrypted with.
    pub key_id: Uuid,
    /// The AES-GCM nonce, random for each encryption.
    pub nonce: [u8; NONCE_BYTES],
    /// The ciphertext with its tag.
    pub ciphertext: Vec<u8>,
}

impl Envelope {
    /// Reads an envelope's text: `gugus-e2e:v1:<key id>:<nonce hex>:<ciphertext hex>`.
    pub fn parse(text: &str) -> Result<Envelope, ShapeError> {
        let rest = text
            .strip_prefix(ENVELOPE_PREFIX)
            .ok_or(ShapeError::NotEnvelope)?;
        let mut parts = rest.split(':');
        let (Some(key_id), Some(nonce), Some(ciphertext), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ShapeError::NotEnvelope);
        };
        // Only the hyphenated form: one value, one text.
        let key_id = Uuid::try_parse(key_id)
            .ok()
            .filter(|id| id.hyphenated().to_string() == key_id)
            .ok_or(ShapeError::KeyId)?;
        let nonce = unhex(nonce)
            .and_then(|bytes| <[u8; NONCE_BYTES]>::try_from(bytes).ok())
            .ok_or(ShapeError::Nonce)?;
        let ciphertext = unhex(ciphertext)
            .filter(|bytes| (TAG_BYTES..=MAX_PLAIN_BYTES + TAG_BYTES).contains(&bytes.len()))
            .ok_or(ShapeError::Ciphertext)?;
        Ok(Envelope {
            key_id,
            nonce,
            ciphertext,
        })
    }

    /// The envelope's text, which [`Envelope::parse`] reads back.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(
            ENVELOPE_PREFIX.len() + 38 + 2 * (NONCE_BYTES + self.ciphertext.len()),
        );
        out.push_str(ENVELOPE_PREFIX);
        out.push_str(&self.key_id.hyphenated().to_string());
        out.push(':');
        hex_into(&mut out, &self.nonce);
        out.push(':');
        hex_into(&mut out, &self.ciphertext);
        out
    }

    /// What the encryption authenticates beside the value: the format, the record and the
    /// field. The key id is authenticated by the key itself (another key does not open).
    pub fn associated_data(record_id: Uuid, field: &str) -> Vec<u8> {
        labelled("gugus-e2e:v1", &[record_id.as_bytes(), field.as_bytes()])
    }
}

/// Whether a field value is an envelope's text (its shape is checked by [`Envelope::parse`]).
pub fn is_envelope(value: &serde_json::Value) -> bool {
    value
        .as_str()
        .is_some_and(|text| text.starts_with(ENVELOPE_PREFIX))
}

/// Who a wrapped case key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Reader {
    /// An account, by its id.
    Account(Uuid),
    /// The task force's recovery key (its one key pair, held on paper as words).
    Recovery,
}

/// A case key wrapped for one reader (see the module's text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    /// The case whose identities the key opens.
    pub case_id: Uuid,
    /// The key's id, which its envelopes name.
    pub key_id: Uuid,
    /// Who can unwrap it.
    pub reader: Reader,
    /// The ephemeral P-256 public key of the ECDH, uncompressed (65 bytes).
    #[serde(with = "hex_bytes")]
    pub ephemeral: Vec<u8>,
    /// The AES-GCM nonce.
    #[serde(with = "hex_bytes")]
    pub nonce: Vec<u8>,
    /// The 32 key bytes encrypted, with their tag.
    #[serde(with = "hex_bytes")]
    pub wrapped: Vec<u8>,
    /// The [`fingerprint`] of the reader's public key it was wrapped with: a device
    /// sees that an account's pair changed since (an admin's password reset) and wraps
    /// the key again for the new one. A hint, not authenticated: a wrong one costs a
    /// needless wrapping, never access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reader_key: Option<String>,
}

impl WrappedKey {
    /// Checks the shape: a P-256 point, a 12-byte nonce, 48 bytes of wrapped key.
    pub fn check(&self) -> Result<(), ShapeError> {
        check_public_key(&self.ephemeral)?;
        if self.nonce.len() != NONCE_BYTES {
            return Err(ShapeError::Nonce);
        }
        if self.wrapped.len() != KEY_BYTES + TAG_BYTES {
            return Err(ShapeError::Wrapped);
        }
        Ok(())
    }

    /// What the wrapping authenticates: the case, the key's id and the reader, so a
    /// wrapped key moved to another case or reader does not open.
    pub fn associated_data(case_id: Uuid, key_id: Uuid, reader: Reader) -> Vec<u8> {
        let reader = match reader {
            Reader::Account(id) => *id.as_bytes(),
            Reader::Recovery => [0xff; 16],
        };
        labelled(
            "gugus-case-key:v1",
            &[case_id.as_bytes(), key_id.as_bytes(), &reader],
        )
    }
}

/// The fewest PBKDF2-SHA256 iterations a password-locked private key may name (OWASP's
/// figure; a tampered record cannot weaken the key).
pub const MIN_PBKDF2_ITERATIONS: u32 = 600_000;
/// The most PBKDF2 iterations a record may name (a cheap phone spends about a second on
/// 600,000; a tampered record cannot make it spend hours).
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// The longest wrapped private key: a P-256 key in PKCS #8 is 138 bytes; room for the
/// encodings browsers choose, and the tag.
pub const MAX_WRAPPED_PRIVATE_BYTES: usize = 256;

/// An account's key pair as the server keeps it: the public key, and the private key
/// encrypted under a key derived from the account's password. Any phone the account logs
/// in on derives that key again and unwraps the private key; the server never can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountKeys {
    /// The P-256 public key, uncompressed (65 bytes), in lower-case hex.
    #[serde(with = "hex_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^04[0-9a-f]{128}$"))]
    pub public: Vec<u8>,
    /// The private key, locked under the password.
    pub private: LockedPrivateKey,
}

/// A private key (PKCS #8) wrapped with AES-256-GCM under a key derived from a password
/// with PBKDF2-SHA256; the account's id is the associated data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LockedPrivateKey {
    /// The PBKDF2 salt (16 random bytes), in lower-case hex.
    #[serde(with = "hex_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9a-f]{32}$"))]
    pub salt: Vec<u8>,
    /// The PBKDF2 iteration count.
    #[cfg_attr(feature = "openapi", schema(minimum = 600000, maximum = 10000000))]
    pub iterations: u32,
    /// The AES-GCM nonce (12 bytes), in lower-case hex.
    #[serde(with = "hex_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9a-f]{24}$"))]
    pub nonce: Vec<u8>,
    /// The wrapped private key with its tag (17 to 256 bytes), in lower-case hex.
    #[serde(with = "hex_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^([0-9a-f]{2}){17,256}$"))]
    pub wrapped: Vec<u8>,
}

/// `GET /api/v1/keys/me`: the caller's key pair as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnKeys {
    /// The key pair the phone made.
    pub keys: AccountKeys,
    /// An admin reset the password since the pair was locked: it cannot be unlocked, and
    /// the next pair the account sends replaces it.
    pub stale: bool,
}

/// `GET /api/v1/keys/public`: other accounts' public keys, to wrap case keys for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicKeys {
    /// One per asked-for account that is active and has live keys, by account id.
    pub keys: Vec<PublicKey>,
}

/// One account's public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicKey {
    /// The account.
    pub account: Uuid,
    /// Its P-256 public key, uncompressed, in lower-case hex.
    #[serde(with = "hex_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^04[0-9a-f]{128}$"))]
    pub public: Vec<u8>,
}

impl AccountKeys {
    /// Checks the shape: a P-256 public key; a 16-byte salt, an iteration count within
    /// bounds, a 12-byte nonce and a wrapped key of a plausible length.
    pub fn check(&self) -> Result<(), ShapeError> {
        check_public_key(&self.public)?;
        let private = &self.private;
        let iterations = MIN_PBKDF2_ITERATIONS..=MAX_PBKDF2_ITERATIONS;
        if private.salt.len() != 16 || !iterations.contains(&private.iterations) {
            return Err(ShapeError::Lock);
        }
        if private.nonce.len() != NONCE_BYTES {
            return Err(ShapeError::Nonce);
        }
        if !(TAG_BYTES + 1..=MAX_WRAPPED_PRIVATE_BYTES).contains(&private.wrapped.len()) {
            return Err(ShapeError::Wrapped);
        }
        Ok(())
    }

    /// What the private key's wrapping authenticates: the account it belongs to.
    pub fn associated_data(account: Uuid) -> Vec<u8> {
        labelled("gugus-account-key:v1", &[account.as_bytes()])
    }
}

impl WrappedKey {
    /// Reads a `case_key` record's fields (`crate::schema::CASE_KEY`): `case_id` and
    /// `key_id` UUIDs, `reader` an account's id or `recovery`, and the hex of a P-256
    /// point, a 12-byte nonce and a 48-byte wrapped key. The error names the first field
    /// that is not of its shape.
    pub fn from_fields(
        fields: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<WrappedKey, crate::FieldError> {
        use crate::{FieldError, Problem};
        let text = |name: &str| fields.get(name).and_then(serde_json::Value::as_str);
        let id = |name: &'static str| {
            text(name)
                .and_then(|t| Uuid::try_parse(t).ok())
                .ok_or_else(|| FieldError::new(name, Problem::NotAnId))
        };
        let hex = |name: &'static str| {
            text(name)
                .and_then(unhex)
                .ok_or_else(|| FieldError::new(name, Problem::WrongType))
        };
        let reader = match text("reader") {
            Some("recovery") => Reader::Recovery,
            _ => Reader::Account(id("reader")?),
        };
        let reader_key = match fields.get("reader_key") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(text)) if text.len() == 16 && unhex(text).is_some() => {
                Some(text.clone())
            }
            Some(_) => return Err(FieldError::new("reader_key", Problem::WrongType)),
        };
        let wrapped = WrappedKey {
            case_id: id("case_id")?,
            key_id: id("key_id")?,
            reader,
            ephemeral: hex("ephemeral")?,
            nonce: hex("nonce")?,
            wrapped: hex("wrapped")?,
            reader_key,
        };
        wrapped.check().map_err(|error| {
            let field = match error {
                ShapeError::Nonce => "nonce",
                ShapeError::Wrapped => "wrapped",
                _ => "ephemeral",
            };
            FieldError::new(field, Problem::WrongType)
        })?;
        Ok(wrapped)
    }

    /// The fields of the `case_key` record that carries this wrapped key.
    pub fn to_fields(&self) -> serde_json::Map<String, serde_json::Value> {
        let hex = |bytes: &[u8]| serde_json::Value::String(hex(bytes));
        let reader = match self.reader {
            Reader::Account(id) => id.to_string(),
            Reader::Recovery => "recovery".to_owned(),
        };
        [
            (
                "case_id",
                serde_json::Value::String(self.case_id.to_string()),
            ),
            ("key_id", serde_json::Value::String(self.key_id.to_string())),
            ("reader", serde_json::Value::String(reader)),
            ("ephemeral", hex(&self.ephemeral)),
            ("nonce", hex(&self.nonce)),
            ("wrapped", hex(&self.wrapped)),
        ]
        .into_iter()
        .chain(
            self.reader_key
                .as_ref()
                .map(|key| ("reader_key", serde_json::Value::String(key.clone()))),
        )
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
    }
}

/// Checks that `bytes` is an uncompressed P-256 public key's shape (the browser checks
/// that the point is on the curve when it imports it).
pub fn check_public_key(bytes: &[u8]) -> Result<(), ShapeError> {
    match bytes.len() == PUBLIC_KEY_BYTES && bytes[0] == 0x04 {
        true => Ok(()),
        false => Err(ShapeError::PublicKey),
    }
}

/// `label`, then each part with its length before it: no two lists of parts give the same
/// bytes.
fn labelled(label: &str, parts: &[&[u8]]) -> Vec<u8> {
    let mut out = label.as_bytes().to_vec();
    for part in parts {
        out.extend_from_slice(&(part.len() as u32).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 * bytes.len());
    hex_into(&mut out, bytes);
    out
}

/// What the audit trail names a public key by: the hex of its first 8 bytes after the
/// point's `04` (never the whole key, which would add nothing).
pub fn fingerprint(public: &[u8]) -> String {
    hex(public.get(1..9).unwrap_or(public))
}

/// Lower-case hex of `bytes`, appended to `out`.
pub fn hex_into(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 15)] as char);
    }
}

/// The bytes of lower-case hex text, or `None`.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    text.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? * 16 + digit(pair[1])?))
        .collect()
}

/// Bytes as lower-case hex text in JSON.
mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::hex(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::unhex(&text).ok_or_else(|| serde::de::Error::custom("not lower-case hex"))
    }
}

#[cfg(test)]
mod tests;

/// The symbols of a recovery code: Crockford's base32 (no I, L, O or U), which reads
/// back from a printed sheet without confusing letters and digits.
const CODE_SYMBOLS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// A recovery code's symbols per group, as printed.
const CODE_GROUP: usize = 4;

/// Why a typed recovery code is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// A character that is not a code symbol (nor a space or dash).
    #[error("a character that is not in a recovery code")]
    Symbol,
    /// Too many or too few symbols.
    #[error("a recovery code has {} symbols", code_symbols())]
    Length,
    /// The check does not match: a symbol was mistyped.
    #[error("the recovery code has a typing error")]
    Check,
}

/// The symbols of a code: 32 secret bytes and a 2-byte check, 5 bits a symbol.
const fn code_symbols() -> usize {
    ((KEY_BYTES + 2) * 8).div_ceil(5)
}

/// The task force's recovery code (issue #18) for a 32-byte secret (the recovery key's
/// private scalar): Crockford base32 of the secret and a CRC-16 check, in groups of four,
/// shown once to be printed and kept in the chair's safe. Any one mistyped symbol is
/// caught by the check.
pub fn recovery_code(secret: &[u8; KEY_BYTES]) -> String {
    let mut bytes = secret.to_vec();
    bytes.extend_from_slice(&crc16(secret).to_be_bytes());
    let mut symbols = Vec::with_capacity(code_symbols());
    let (mut acc, mut bits) = (0u32, 0u32);
    for byte in bytes {
        acc = (acc << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            symbols.push(CODE_SYMBOLS[((acc >> bits) & 31) as usize]);
        }
    }
    if bits > 0 {
        symbols.push(CODE_SYMBOLS[((acc << (5 - bits)) & 31) as usize]);
    }
    symbols
        .chunks(CODE_GROUP)
        .map(|group| String::from_utf8_lossy(group).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The secret of a typed recovery code: case, spaces and dashes do not matter, and `O`,
/// `I` and `L` read as `0`, `1` and `1` (Crockford's rule).
pub fn parse_recovery_code(text: &str) -> Result<[u8; KEY_BYTES], CodeError> {
    let mut values = Vec::with_capacity(code_symbols());
    for c in text.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\n' | '\t' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        let value = CODE_SYMBOLS
            .iter()
            .position(|s| char::from(*s) == c)
            .ok_or(CodeError::Symbol)?;
        values.push(value as u32);
    }
    if values.len() != code_symbols() {
        return Err(CodeError::Length);
    }
    let mut bytes = Vec::with_capacity(KEY_BYTES + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for value in values {
        acc = (acc << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
        }
    }
    // The padding bits of the last symbol are zero in a code this module wrote.
    if acc & ((1 << bits) - 1) != 0 {
        return Err(CodeError::Check);
    }
    let (secret, check) = bytes.split_at(KEY_BYTES);
    let secret: [u8; KEY_BYTES] = secret.try_into().map_err(|_| CodeError::Length)?;
    match crc16(&secret).to_be_bytes() == check {
        true => Ok(secret),
        false => Err(CodeError::Check),
    }
}

/// CRC-16/CCITT-FALSE: it catches every error burst of up to 16 bits, so any one wrong
/// symbol (5 bits).
fn crc16(bytes: &[u8]) -> u16 {
    let mut crc = 0xffffu16;
    for byte in bytes {
        crc ^= u16::from(*byte) << 8;
        for _ in 0..8 {
            crc = match crc & 0x8000 {
                0 => crc << 1,
                _ => (crc << 1) ^ 0x1021,
            };
        }
    }
    crc
}

/// `GET /api/v1/keys/recovery`: the task force's recovery key, its public half only. The
/// private half exists only as the printed code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryKey {
    /// The P-256 public key, uncompressed (65 bytes), in lower-case hex.
    #[serde(with = "hex_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^04[0-9a-f]{128}$"))]
    pub public: Vec<u8>,
}

/// The extra field of a `victim_identity` that is not sealed: the blind index of its NIK
/// ([`check_nik_index`]), so that the same victim recorded on two cases is found without
/// the server learning the NIK.
pub const NIK_INDEX_FIELD: &str = "nik_index";

/// Whether field `name` of a victim's identity is sealed as an envelope: every field but
/// the link to the victim and the NIK's blind index (a field not known is sealed too). The
/// one rule the phone seals by and the server checks and migrates by.
pub fn sealed_identity_field(name: &str) -> bool {
    name != "victim_id" && name != NIK_INDEX_FIELD
}

/// Whether `text` is a blind index of a NIK: 32 lower-case hex digits (the first 16 bytes
/// of the HMAC-SHA256 of the normalised NIK under the task force's index key). It reveals
/// only whether two NIKs are equal, to whoever compares two indexes; not the NIK.
pub fn check_nik_index(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// `GET /api/v1/keys/index`: the task force's index key as the caller may have it, and
/// the accounts that lack it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndexKeys {
    /// The index key's id, once a phone has made it.
    pub key_id: Option<Uuid>,
    /// The key wrapped for the caller, as a `case_key` record's fields with the nil case
    /// (`WrappedKey::to_fields`), when it has one for its key pair as it is now.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub mine: Option<serde_json::Map<String, serde_json::Value>>,
    /// The active accounts with live keys that have no wrapping for their key pair as it
    /// is now: a phone that holds the key wraps it for them.
    pub lacking: Vec<PublicKey>,
    /// The task force's recovery key exists and has no wrapping of the index key: a
    /// phone that holds the key wraps it for [`Reader::Recovery`] too.
    #[serde(default)]
    pub recovery_lacking: bool,
    /// For a supervisor or an admin: the index key wrapped for the recovery key (fields
    /// as `mine`), which the recovery code opens when the caller has no wrapping of its
    /// own (fetching it is an `identity_read`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub recovery: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `PUT /api/v1/keys/index`: wrappings of the index key, each for one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndexWrappings {
    /// Each as a `case_key` record's fields with the nil case (`WrappedKey::to_fields`).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub wrappings: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// `GET /api/v1/identities/nik?index=`: the cases whose victim has this NIK index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NikMatches {
    /// The cases the caller may see.
    pub cases: Vec<Uuid>,
    /// How many other cases hold it (for an officer, beyond its own cases).
    pub elsewhere: u32,
}
