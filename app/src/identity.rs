//! A victim's identity on the device: which fields are sealed, and the conversions at the
//! edges where identity values enter or leave the device's store.
//!
//! Since issue #18 an identity's values are end-to-end envelopes under their case's key,
//! sealed and opened by `keyring::Keyring`; the server holds only those. This module
//! keeps the values of earlier builds, sealed under the officer's password
//! ([`Vault::seal_value`]) on the device and sent in plain text, working until they are
//! sealed again as envelopes: a value the server still holds in plain text (from before
//! the upgrade) is sealed under the vault before it is stored; envelopes pass through
//! untouched. Because both sealings are deterministic, the device's merge logic
//! (`model::device`) works on sealed values unchanged. Plain values are sealed:
//! - before a pull page is stored ([`seal_states`]);
//! - before a push answer is applied ([`seal_answer`]);
//!
//! and opened only for the screen that shows them, on demand ([`open_record`], and
//! `Keyring::open_record`, which opens both kinds).

use crate::crypto::{is_sealed, CryptoError, Vault};
use gugus_model::device::LocalRecord;
use gugus_model::e2e::is_envelope;
use gugus_model::sync::{Conflict, Mutation, MutationStatus, PushResponse, RecordState};
use gugus_model::RecordKind;
use serde_json::{Map, Value};

/// Whether records of `kind` hold identity.
pub fn is_identity_kind(kind: &str) -> bool {
    RecordKind::parse(kind).is_some_and(RecordKind::is_identity)
}

/// Whether field `name` of an identity record is sealed: every field but the link to the
/// victim and the NIK's blind index (a field the app does not know is sealed too).
pub fn sealed_field(name: &str) -> bool {
    gugus_model::e2e::sealed_identity_field(name)
}

/// Seals one value of field `name` of an identity record (the link to the victim, a null
/// and an already sealed value stay as they are).
pub async fn seal_value(vault: &Vault, name: &str, mut value: Value) -> Result<Value, CryptoError> {
    seal_slots(vault, vec![(name, &mut value)]).await?;
    Ok(value)
}

/// Whether a value of field `name` is to be sealed: not the link, not null, not sealed,
/// not an end-to-end envelope (which the server sent, and which is ciphertext already).
fn wants_sealing(name: &str, value: &Value) -> bool {
    sealed_field(name) && !value.is_null() && !is_kept_sealed(value)
}

/// Whether `mutation` is an identity change with a value an earlier build sealed under the
/// vault (it is sealed as an envelope before it is sent, `Keyring::outgoing`).
pub fn sealed_by_vault(mutation: &Mutation) -> bool {
    is_identity_kind(&mutation.kind)
        && mutation
            .fields
            .iter()
            .any(|(name, value)| sealed_field(name) && is_sealed(value))
}

/// Whether an identity value may be stored on the device as it is: an end-to-end
/// envelope, or sealed under the vault by an earlier build.
pub fn is_kept_sealed(value: &Value) -> bool {
    is_sealed(value) || is_envelope(value)
}

/// Seals, in place and in one batch ([`Vault::seal_values`]), every value `slots` point at
/// that [`wants_sealing`] (each slot is a field's name and its value).
async fn seal_slots(vault: &Vault, slots: Vec<(&str, &mut Value)>) -> Result<(), CryptoError> {
    let mut wanted: Vec<(&str, &mut Value)> = slots
        .into_iter()
        .filter(|(name, value)| wants_sealing(name, value))
        .collect();
    let items: Vec<(&str, &Value)> = wanted
        .iter()
        .map(|(name, value)| (*name, &**value))
        .collect();
    let sealed = vault.seal_values(&items).await?;
    for ((_, slot), text) in wanted.iter_mut().zip(sealed) {
        **slot = Value::String(text);
    }
    Ok(())
}

/// The slots of a record's fields and of its conflicts, for [`seal_slots`].
fn slots_of<'a>(
    fields: &'a mut Map<String, Value>,
    conflicts: &'a mut [Conflict],
) -> impl Iterator<Item = (&'a str, &'a mut Value)> {
    let fields = fields
        .iter_mut()
        .map(|(name, value)| (name.as_str(), value));
    let conflicts = conflicts.iter_mut().flat_map(|conflict| {
        let Conflict {
            field,
            server,
            device,
            ..
        } = conflict;
        [(field.as_str(), server), (field.as_str(), device)]
    });
    fields.chain(conflicts)
}

async fn open_one(vault: &Vault, name: &str, value: Value) -> Result<Value, CryptoError> {
    match value.as_str() {
        Some(text) if is_sealed(&value) => vault.open_value(name, text).await,
        _ => Ok(value),
    }
}

/// Seals the identity fields of `fields` (those already sealed stay as they are).
pub async fn seal_fields(
    vault: &Vault,
    mut fields: Map<String, Value>,
) -> Result<Map<String, Value>, CryptoError> {
    seal_slots(vault, slots_of(&mut fields, &mut []).collect()).await?;
    Ok(fields)
}

/// Opens every sealed value of `fields`.
pub async fn open_fields(
    vault: &Vault,
    fields: Map<String, Value>,
) -> Result<Map<String, Value>, CryptoError> {
    let mut open = Map::new();
    for (name, value) in fields {
        let value = open_one(vault, &name, value).await?;
        open.insert(name, value);
    }
    Ok(open)
}

async fn seal_conflicts(vault: &Vault, conflicts: &mut [Conflict]) -> Result<(), CryptoError> {
    seal_slots(vault, slots_of(&mut Map::new(), conflicts).collect()).await
}

async fn open_conflicts(vault: &Vault, conflicts: &mut [Conflict]) -> Result<(), CryptoError> {
    for conflict in conflicts {
        conflict.server = open_one(vault, &conflict.field, conflict.server.take()).await?;
        conflict.device = open_one(vault, &conflict.field, conflict.device.take()).await?;
    }
    Ok(())
}

/// A record as the screen shows it: for an identity record, every value opened.
pub async fn open_record(
    vault: &Vault,
    mut record: LocalRecord,
) -> Result<LocalRecord, CryptoError> {
    if !is_identity_kind(&record.kind) {
        return Ok(record);
    }
    record.fields = open_fields(vault, std::mem::take(&mut record.fields)).await?;
    record.server = open_fields(vault, std::mem::take(&mut record.server)).await?;
    record.rejected = open_fields(vault, std::mem::take(&mut record.rejected)).await?;
    open_conflicts(vault, &mut record.conflicts).await?;
    Ok(record)
}

/// Pulled records as the device keeps them: every identity record's values sealed, the
/// whole page in one batch.
pub async fn seal_states(vault: &Vault, states: &mut [RecordState]) -> Result<(), CryptoError> {
    let slots = states
        .iter_mut()
        .filter(|state| is_identity_kind(&state.kind))
        .flat_map(|state| slots_of(&mut state.fields, &mut state.conflicts))
        .collect();
    seal_slots(vault, slots).await
}

/// A push answer as the device applies it: the conflicts of identity changes sealed
/// (`sent` tells which answered changes were identity).
pub async fn seal_answer(
    vault: &Vault,
    sent: &[Mutation],
    mut answer: PushResponse,
) -> Result<PushResponse, CryptoError> {
    for result in &mut answer.results {
        let identity = sent
            .iter()
            .any(|m| m.id == result.id && is_identity_kind(&m.kind));
        if let (true, MutationStatus::Conflict { conflicts, .. }) = (identity, &mut result.status) {
            seal_conflicts(vault, conflicts).await?;
        }
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn only_the_link_to_the_victim_and_the_nik_index_stay_open() {
        assert!(!sealed_field("victim_id"));
        assert!(!sealed_field("nik_index"));
        for name in [
            "full_name",
            "nik",
            "phone",
            "address",
            "family_contact",
            "later",
        ] {
            assert!(sealed_field(name), "{name}");
        }
        assert!(is_identity_kind("victim_identity"));
        assert!(!is_identity_kind("victim"));
    }
}
