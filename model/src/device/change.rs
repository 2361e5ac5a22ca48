//! A change the officer makes on the device, as a record and its outbox entry.

use super::record::LocalRecord;
use crate::sync::{Mutation, Op};
use serde_json::{Map, Value};
use uuid::Uuid;

/// A record id that is not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad record id {0}")]
pub struct BadRecordId(pub String);

/// What saving a change gives: the record to keep, its outbox entry (none when nothing
/// changed) and the next mutation id to hand out.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    /// The record as the device now shows it.
    pub record: LocalRecord,
    /// The outbox entry, `None` when nothing differed from what the device had.
    pub mutation: Option<Mutation>,
    /// The counter after this change.
    pub next_id: u64,
}

/// The fields an edit form should save, when the form was opened showing `opened` and
/// the record now shows `current` (a pull may have brought another device's change since):
/// the officer's own edits (the fields whose value differs from `opened`; a field emptied
/// or left out becomes `null`) laid over `current`. A field the officer did not touch
/// keeps its current value, so a form opened before a pull never undoes the pulled change.
pub fn rebase_edit(
    current: &Map<String, Value>,
    opened: &Map<String, Value>,
    fields: &Map<String, Value>,
) -> Map<String, Value> {
    let mut rebased = current.clone();
    for (name, value) in fields {
        if opened.get(name) != Some(value) {
            rebased.insert(name.clone(), value.clone());
        }
    }
    for name in opened.keys() {
        if !fields.contains_key(name) && !matches!(opened.get(name), Some(Value::Null)) {
            rebased.insert(name.clone(), Value::Null);
        }
    }
    rebased
}

/// A create (`existing` = `None`) or an edit of record `id` that makes its fields
/// `fields`, at the device's clock `at`, with `next_id` the next mutation id.
///
/// A create carries every field with base version 0; an edit carries only the changed
/// fields (and refused ones again) with the known server version as base; an edit of a
/// record the server has never answered for carries every field.
pub fn save(
    existing: Option<LocalRecord>,
    kind: &str,
    id: &str,
    fields: Map<String, Value>,
    at: String,
    next_id: u64,
) -> Result<Saved, BadRecordId> {
    let (record, changes) = match existing {
        Some(mut record) => {
            let changes = record.changes_to(&fields);
            record.edit(fields, at.clone());
            (record, changes)
        }
        None => {
            let record = LocalRecord::created(id.to_owned(), kind, fields.clone(), at.clone());
            (record, fields)
        }
    };
    if changes.is_empty() {
        return Ok(Saved {
            record,
            mutation: None,
            next_id,
        });
    }
    let mutation = entry(&record, Op::Upsert, changes, at, next_id)?;
    Ok(Saved {
        record,
        mutation: Some(mutation),
        next_id: next_id + 1,
    })
}

/// A delete of `record`: a soft delete on the server, based on the known version.
pub fn delete(record: &LocalRecord, at: String, next_id: u64) -> Result<Saved, BadRecordId> {
    let mutation = entry(record, Op::Delete, Map::new(), at, next_id)?;
    Ok(Saved {
        record: record.clone(),
        mutation: Some(mutation),
        next_id: next_id + 1,
    })
}

/// The officer settles the conflict on `field` of `record` by choosing `value` (the
/// server's or the device's): the record shows it at once and the conflict leaves the
/// screen; the outbox entry carries the value and `resolves` the field, based on the known
/// version (which includes the conflict). The server may still answer with a new conflict
/// when someone changed the field again meanwhile.
pub fn resolve(
    mut record: LocalRecord,
    field: &str,
    value: Value,
    at: String,
    next_id: u64,
) -> Result<Saved, BadRecordId> {
    let changes: Map<String, Value> = [(field.to_owned(), value.clone())].into_iter().collect();
    let mut mutation = entry(&record, Op::Upsert, changes, at.clone(), next_id)?;
    mutation.resolves = vec![field.to_owned()];
    record.fields.insert(field.to_owned(), value);
    record.conflicts.retain(|c| c.field != field);
    record.changed_at = at;
    Ok(Saved {
        record,
        mutation: Some(mutation),
        next_id: next_id + 1,
    })
}

fn entry(
    record: &LocalRecord,
    op: Op,
    fields: Map<String, Value>,
    at: String,
    id: u64,
) -> Result<Mutation, BadRecordId> {
    let record_id = Uuid::parse_str(&record.id).map_err(|_| BadRecordId(record.id.clone()))?;
    Ok(Mutation {
        id,
        kind: record.kind.clone(),
        record_id,
        op,
        base_version: record.version,
        fields,
        at,
        resolves: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ID: &str = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

    fn fields(pairs: &[(&str, &str)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect()
    }

    #[test]
    fn a_create_sends_every_field_on_base_zero() {
        let all = fields(&[("venue", "A"), ("notes", "n")]);
        let saved = save(None, "activity", ID, all.clone(), "t".into(), 4).expect("saved");
        let mutation = saved.mutation.expect("an entry");
        assert_eq!((mutation.id, mutation.base_version), (4, 0));
        assert_eq!(mutation.fields, all);
        assert_eq!(saved.next_id, 5);
    }

    #[test]
    fn an_edit_sends_the_changed_fields_on_the_known_version() {
        let mut known = LocalRecord::created(ID.into(), "activity", Map::new(), "t".into());
        known.version = 7;
        known.server = fields(&[("venue", "A"), ("notes", "n")]);
        known.fields = known.server.clone();
        let next = fields(&[("venue", "B"), ("notes", "n")]);
        let saved = save(Some(known.clone()), "activity", ID, next, "t".into(), 9).expect("ok");
        let mutation = saved.mutation.expect("an entry");
        assert_eq!(mutation.base_version, 7);
        assert_eq!(mutation.fields, fields(&[("venue", "B")]));
        let same = save(
            Some(known),
            "activity",
            ID,
            fields(&[("venue", "A"), ("notes", "n")]),
            "t".into(),
            9,
        )
        .expect("ok");
        assert_eq!((same.mutation, same.next_id), (None, 9));
    }

    #[test]
    fn a_resolution_sends_the_chosen_value_and_hides_the_conflict() {
        let mut known = LocalRecord::created(ID.into(), "activity", Map::new(), "t".into());
        known.version = 9;
        known.server = fields(&[("venue", "A")]);
        known.fields = known.server.clone();
        known.open_conflict = true;
        known.conflicts = vec![crate::sync::Conflict {
            field: "venue".into(),
            server: json!("A"),
            device: json!("B"),
        }];
        let saved = resolve(known, "venue", json!("A"), "t".into(), 3).expect("ok");
        let mutation = saved.mutation.expect("an entry even for the shown value");
        assert_eq!((mutation.id, mutation.base_version), (3, 9));
        assert_eq!(mutation.fields, fields(&[("venue", "A")]));
        assert_eq!(mutation.resolves, ["venue"]);
        assert!(saved.record.conflicts.is_empty());
        assert_eq!(saved.next_id, 4);
    }

    #[test]
    fn a_record_id_that_is_no_uuid_is_refused() {
        let saved = save(
            None,
            "activity",
            "nope",
            fields(&[("a", "b")]),
            "t".into(),
            1,
        );
        assert_eq!(saved, Err(BadRecordId("nope".into())));
    }
}
