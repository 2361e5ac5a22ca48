use super::*;
use proptest::prelude::*;
use serde_json::json;

fn fields(pairs: &[(&str, i64)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), json!(v)))
        .collect()
}

fn upsert(base_version: u64, fields: &Map<String, Value>) -> Change<'_> {
    Change {
        kind: RecordKind::Activity,
        op: Op::Upsert,
        base_version,
        fields,
    }
}

fn created(pairs: &[(&str, i64)], version: u64) -> StoredRecord {
    merge(None, upsert(0, &fields(pairs)), version).record
}

#[test]
fn a_field_the_server_did_not_touch_takes_the_device_value() {
    let server = created(&[("a", 1), ("b", 1)], 5);
    let merged = merge(Some(&server), upsert(5, &fields(&[("a", 2)])), 6);
    assert!(merged.changed && merged.conflicts.is_empty());
    assert_eq!(merged.record.fields, fields(&[("a", 2), ("b", 1)]));
    assert_eq!(merged.record.field_versions["a"], 6);
    assert_eq!(merged.record.field_versions["b"], 5);
}

#[test]
fn both_sides_changing_a_field_keeps_the_server_value_and_logs_the_device_value() {
    let server = created(&[("a", 1), ("b", 1)], 5);
    let server = merge(Some(&server), upsert(5, &fields(&[("a", 2)])), 6).record;
    let merged = merge(Some(&server), upsert(5, &fields(&[("a", 3), ("b", 9)])), 7);
    assert_eq!(merged.record.fields, fields(&[("a", 2), ("b", 9)]));
    assert_eq!(
        merged.conflicts,
        vec![Conflict {
            field: "a".into(),
            server: json!(2),
            device: json!(3)
        }]
    );
    assert!(merged.record.conflict);
    assert_eq!(merged.record.version, 7);
}

#[test]
fn the_same_value_on_both_sides_is_no_conflict() {
    let server = created(&[("a", 1)], 5);
    let server = merge(Some(&server), upsert(5, &fields(&[("a", 2)])), 6).record;
    let merged = merge(Some(&server), upsert(5, &fields(&[("a", 2)])), 7);
    assert!(!merged.changed && merged.conflicts.is_empty());
    assert_eq!(merged.record.version, 6);
}

#[test]
fn an_upsert_onto_a_deleted_record_is_a_conflict_and_the_edit_is_kept() {
    let server = created(&[("a", 1)], 5);
    let delete = Change {
        kind: RecordKind::Activity,
        op: Op::Delete,
        base_version: 5,
        fields: &Map::new(),
    };
    let deleted = merge(Some(&server), delete, 6);
    assert!(deleted.record.deleted && deleted.changed);
    assert!(
        deleted.record.fields.is_empty() && deleted.record.field_versions.is_empty(),
        "a tombstone keeps no field: {:?}",
        deleted.record
    );
    let edit = fields(&[("a", 4)]);
    let merged = merge(Some(&deleted.record), upsert(5, &edit), 7);
    assert!(merged.record.deleted);
    assert!(merged.record.fields.is_empty());
    assert_eq!(
        merged.conflicts,
        vec![Conflict {
            field: "a".into(),
            server: Value::Null,
            device: json!(4)
        }]
    );
}

#[test]
fn overlay_lays_pending_edits_over_the_server_state_in_order() {
    let server = fields(&[("a", 1), ("b", 1)]);
    let first = fields(&[("a", 2)]);
    let second = fields(&[("a", 3), ("c", 3)]);
    assert_eq!(
        overlay(&server, [&first, &second]),
        fields(&[("a", 3), ("b", 1), ("c", 3)])
    );
}

fn arb_fields() -> impl Strategy<Value = Map<String, Value>> {
    proptest::collection::btree_map("[a-d]", 0i64..4, 0..4)
        .prop_map(|m| m.into_iter().map(|(k, v)| (k, json!(v))).collect())
}

proptest! {
    #[test]
    fn applying_a_mutation_twice_changes_nothing(
        start in arb_fields(), edit in arb_fields(), base in 0u64..3
    ) {
        let server = created(&start.iter().map(|(k, v)| (k.as_str(), v.as_i64().unwrap_or(0))).collect::<Vec<_>>(), 2);
        let once = merge(Some(&server), upsert(base, &edit), 3);
        let twice = merge(Some(&once.record), upsert(base, &edit), 4);
        prop_assert_eq!(&twice.record.fields, &once.record.fields);
        prop_assert_eq!(twice.record.deleted, once.record.deleted);
    }

    #[test]
    fn mutations_on_different_fields_commute(
        start in arb_fields(), left in arb_fields(), right in arb_fields()
    ) {
        let right: Map<String, Value> = right.into_iter().filter(|(k, _)| !left.contains_key(k)).collect();
        let server = merge(None, upsert(0, &start), 1).record;
        let lr = merge(Some(&merge(Some(&server), upsert(1, &left), 2).record), upsert(1, &right), 3);
        let rl = merge(Some(&merge(Some(&server), upsert(1, &right), 2).record), upsert(1, &left), 3);
        prop_assert_eq!(lr.record.fields, rl.record.fields);
        prop_assert!(lr.conflicts.is_empty() && rl.conflicts.is_empty());
    }

    #[test]
    fn a_conflict_is_never_lost(start in arb_fields(), left in arb_fields(), right in arb_fields()) {
        let server = merge(None, upsert(0, &start), 1).record;
        let after_left = merge(Some(&server), upsert(1, &left), 2);
        let after_right = merge(Some(&after_left.record), upsert(1, &right), 3);
        for (field, device) in &right {
            let kept = after_right.record.fields.get(field) == Some(device);
            let logged = after_right.conflicts.iter().any(|c| &c.field == field && &c.device == device);
            prop_assert!(kept || logged, "{field} = {device} vanished");
        }
    }

    #[test]
    fn wire_types_round_trip_through_json(edit in arb_fields(), id in 1u64..u64::MAX / 2) {
        let mutation = crate::sync::Mutation {
            id,
            kind: "activity".into(),
            record_id: uuid::Uuid::from_u128(id as u128),
            op: Op::Upsert,
            base_version: id - 1,
            fields: edit,
            at: "2026-11-29T03:20:00Z".into(),
            resolves: Vec::new(),
        };
        let text = serde_json::to_string(&mutation).unwrap_or_default();
        let back: crate::sync::Mutation = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, mutation);
    }
}

/// A record at version 7 whose field `a` is in conflict: one device set a = 2 at 6, the
/// other's a = 3 (on base 5) was logged.
fn in_conflict() -> (StoredRecord, BTreeSet<String>) {
    let server = created(&[("a", 1), ("b", 1)], 5);
    let server = merge(Some(&server), upsert(5, &fields(&[("a", 2)])), 6).record;
    let merged = merge(Some(&server), upsert(5, &fields(&[("a", 3)])), 7);
    assert_eq!(merged.conflicts.len(), 1);
    (merged.record, ["a".to_owned()].into_iter().collect())
}

fn resolving(
    record: &StoredRecord,
    open: &mut BTreeSet<String>,
    a: i64,
    at: u64,
) -> (Merged, Resolution) {
    let chosen = fields(&[("a", a)]);
    let mut merged = merge(Some(record), upsert(record.version, &chosen), at);
    let resolves = ["a".to_owned()];
    let resolution = resolve(&mut merged.record, open, &resolves, &merged.conflicts, at);
    (merged, resolution)
}

#[test]
fn choosing_the_device_value_settles_the_conflict_and_clears_the_flag() {
    let (record, mut open) = in_conflict();
    assert!(record.conflict);
    let (merged, resolution) = resolving(&record, &mut open, 3, 8);
    assert_eq!(resolution.resolved, ["a"]);
    assert!(resolution.changed && merged.changed);
    assert!(!merged.record.conflict && open.is_empty());
    assert_eq!(
        (merged.record.version, &merged.record.fields["a"]),
        (8, &json!(3))
    );
}

#[test]
fn keeping_the_server_value_clears_the_flag_on_a_new_version() {
    let (record, mut open) = in_conflict();
    let (merged, resolution) = resolving(&record, &mut open, 2, 8);
    assert!(!merged.changed, "the fields did not change");
    assert!(resolution.changed && !merged.record.conflict);
    assert_eq!(merged.record.version, 8);
}

#[test]
fn a_resolution_racing_a_newer_change_stays_open() {
    let (record, mut open) = in_conflict();
    let newer = merge(Some(&record), upsert(7, &fields(&[("a", 4)])), 8).record;
    // The resolving device saw version 7 only.
    let chosen = fields(&[("a", 3)]);
    let mut merged = merge(Some(&newer), upsert(7, &chosen), 9);
    let resolution = resolve(
        &mut merged.record,
        &mut open,
        &["a".to_owned()],
        &merged.conflicts,
        9,
    );
    assert!(resolution.resolved.is_empty());
    assert!(merged.record.conflict && open.contains("a"));
    assert_eq!(merged.record.fields["a"], json!(4));
}

#[test]
fn other_open_fields_keep_the_flag() {
    let (record, mut open) = in_conflict();
    open.insert("b".into());
    let (merged, resolution) = resolving(&record, &mut open, 3, 8);
    assert_eq!(resolution.resolved, ["a"]);
    assert!(!resolution.changed && merged.record.conflict);
}

#[test]
fn a_mutation_from_before_the_extension_still_parses() {
    let text = r#"{"id":1,"kind":"activity","record_id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        "op":"upsert","base_version":0,"fields":{},"at":"t"}"#;
    let mutation: crate::sync::Mutation = serde_json::from_str(text).expect("parses");
    assert!(mutation.resolves.is_empty());
    let again = serde_json::to_string(&mutation).expect("serializes");
    assert!(!again.contains("resolves"), "an empty list is not sent");
}

proptest! {
    #[test]
    fn every_resolved_field_is_settled_or_in_a_new_conflict(
        start in arb_fields(), other in arb_fields(), chosen in arb_fields(),
        extra in proptest::collection::btree_set("[a-d]", 0..3), stale in any::<bool>(),
    ) {
        let server = merge(None, upsert(0, &start), 1).record;
        let mut record = merge(Some(&server), upsert(1, &other), 2).record;
        record.conflict = true;
        let mut open: BTreeSet<String> = extra.clone();
        open.extend(chosen.keys().cloned());
        let base = if stale { 1 } else { record.version };
        let mut merged = merge(Some(&record), upsert(base, &chosen), 3);
        let resolves: Vec<String> = chosen.keys().cloned().collect();
        let resolution = resolve(&mut merged.record, &mut open, &resolves, &merged.conflicts, 3);
        for field in &resolves {
            let again = merged.conflicts.iter().any(|c| &c.field == field);
            prop_assert!(resolution.resolved.contains(field) != again);
            prop_assert_eq!(open.contains(field), again);
        }
        prop_assert_eq!(merged.record.conflict, !open.is_empty() || resolves.is_empty());
    }
}
