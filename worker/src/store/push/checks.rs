//! Whether a mutation may be applied at all, and whether its merged result is valid.

use crate::scope;
use model::api::Role;
use model::merge::StoredRecord;
use model::sync::{Mutation, Op, RejectError};
use model::{FieldError, Problem, RecordKind};
use serde_json::{Map, Value};
use time::Date;

/// The mutation's kind, when the kind exists, the role may write it and its text can be
/// stored.
pub(super) fn admit(role: Role, mutation: &Mutation) -> Result<RecordKind, RejectError> {
    let kind = RecordKind::parse(&mutation.kind)
        .ok_or_else(|| RejectError::unknown_kind(&mutation.kind))?;
    if !scope::may_write(role) {
        return Err(RejectError::forbidden());
    }
    mutation.check_particulars(kind)?;
    match nul_text(&mutation.fields) {
        Some(error) => Err(error),
        None => Ok(kind),
    }
}

/// Validates an upsert's merged state (a deleted record keeps its last valid state); an
/// identity's values must be end-to-end envelopes (`RecordKind::validate_received`).
pub(super) fn validate(
    kind: RecordKind,
    op: Op,
    merged: &StoredRecord,
    today: Date,
) -> Result<(), RejectError> {
    if op == Op::Delete || merged.deleted {
        return Ok(());
    }
    kind.validate_received(&merged.fields, today)
        .map_err(RejectError::invalid)
}

/// An upsert that would change a record of an insert-only kind (a note): refused, so the
/// device keeps the text and shows it, rather than the change being dropped.
pub(super) fn insert_only_edit(
    kind: RecordKind,
    mutation: &Mutation,
    current: Option<&StoredRecord>,
) -> Result<(), RejectError> {
    let Some(current) = current else {
        return Ok(());
    };
    if !kind.insert_only() || mutation.op != Op::Upsert {
        return Ok(());
    }
    match mutation
        .fields
        .iter()
        .find(|(name, value)| current.fields.get(name.as_str()) != Some(value))
    {
        Some((name, _)) => Err(RejectError::invalid(vec![FieldError::new(
            name.clone(),
            Problem::CannotChange,
        )])),
        None => Ok(()),
    }
}

/// A mutation naming a record that exists with another kind.
pub(super) fn kind_mismatch(stored_kind: &str) -> RejectError {
    RejectError {
        code: "invalid_field".into(),
        field: Some("kind".into()),
        message: format!("This record already exists as a record of kind {stored_kind:?}."),
        fields: Vec::new(),
    }
}

/// A field whose text holds a NUL character, which no store keeps as text.
fn nul_text(fields: &Map<String, Value>) -> Option<RejectError> {
    fn has_nul(value: &Value) -> bool {
        match value {
            Value::String(text) => text.contains('\0'),
            Value::Array(items) => items.iter().any(has_nul),
            Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
            _ => false,
        }
    }
    let (name, _) = fields
        .iter()
        .find(|(name, value)| name.contains('\0') || has_nul(value))?;
    Some(RejectError {
        code: "invalid_field".into(),
        field: Some(name.clone()),
        message: format!("{name:?}: text may not contain the NUL character."),
        fields: vec![FieldError::new(name.clone(), Problem::WrongType)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_with_a_nul_character_is_named() {
        let fields = json!({"venue": "Balai", "notes": ["a", "b\u{0}"]});
        let error = nul_text(fields.as_object().expect("object")).expect("found");
        assert_eq!(error.field.as_deref(), Some("notes"));
        assert!(nul_text(json!({"venue": "Balai"}).as_object().expect("object")).is_none());
    }

    fn mutation(kind: &str, at: &str, resolves: &[&str]) -> Mutation {
        serde_json::from_value(json!({
            "id": 1, "kind": kind, "record_id": uuid::Uuid::nil(), "op": "upsert",
            "base_version": 0, "fields": {}, "at": at, "resolves": resolves,
        }))
        .expect("a mutation")
    }

    #[test]
    fn the_device_clock_and_resolves_are_checked_before_anything_is_stored() {
        let at = "2026-12-03T06:24:21.123Z";
        for (kind, resolves) in [("case", vec!["status"]), ("activity", vec!["venue"])] {
            assert!(admit(Role::Officer, &mutation(kind, at, &resolves)).is_ok());
        }
        let long = "9".repeat(900_000);
        for bad_at in ["kemarin", "", "2026-12-03", long.as_str()] {
            let error = admit(Role::Officer, &mutation("case", bad_at, &[])).expect_err("refused");
            assert_eq!(error.field.as_deref(), Some("at"));
        }
        let twice = ["status".to_owned(), "status".to_owned()];
        for resolves in [
            vec!["bukan_field".to_owned()],
            twice.to_vec(),
            vec!["x".repeat(900)],
        ] {
            let names: Vec<&str> = resolves.iter().map(String::as_str).collect();
            let error = admit(Role::Officer, &mutation("case", at, &names)).expect_err("refused");
            assert_eq!(error.field.as_deref(), Some("resolves"));
        }
    }
}
