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
    let edit = fields(&[("a", 4)]);
    let merged = merge(Some(&deleted.record), upsert(5, &edit), 7);
    assert!(merged.record.deleted);
    assert_eq!(
        merged.conflicts,
        vec![Conflict {
            field: "a".into(),
            server: json!(1),
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
        };
        let text = serde_json::to_string(&mutation).unwrap_or_default();
        let back: crate::sync::Mutation = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, mutation);
    }
}
