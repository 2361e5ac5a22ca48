//! Property tests: the device's plan/answer cycle against a small in-memory server that
//! uses the real merge rule.

use super::*;
use crate::kind::RecordKind;
use crate::merge::{merge, Change, StoredRecord};
use crate::sync::{MutationResult, MutationStatus, MAX_MUTATIONS};
use proptest::prelude::*;
use serde_json::json;
use std::collections::BTreeSet;
use uuid::Uuid;

/// The server's side, as small as the protocol allows.
#[derive(Default)]
struct Server {
    last: u64,
    version: u64,
    records: BTreeMap<Uuid, StoredRecord>,
}

impl Server {
    fn push(&mut self, mutations: &[Mutation]) -> PushResponse {
        let results = mutations
            .iter()
            .map(|m| {
                let status = if m.id <= self.last {
                    MutationStatus::Duplicate
                } else {
                    self.apply(m)
                };
                self.last = self.last.max(m.id);
                MutationResult { id: m.id, status }
            })
            .collect();
        PushResponse {
            last_mutation_id: self.last,
            results,
        }
    }

    fn apply(&mut self, m: &Mutation) -> MutationStatus {
        let change = Change {
            kind: RecordKind::Activity,
            op: m.op,
            base_version: m.base_version,
            fields: &m.fields,
        };
        let merged = merge(self.records.get(&m.record_id), change, self.version + 1);
        if merged.changed {
            self.version += 1;
            self.records.insert(m.record_id, merged.record.clone());
        }
        let version = merged.record.version;
        if merged.conflicts.is_empty() {
            MutationStatus::Applied { version }
        } else {
            MutationStatus::Conflict {
                version,
                conflicts: merged.conflicts,
            }
        }
    }
}

fn mutation(id: u64, record: u8) -> Mutation {
    Mutation {
        id,
        kind: "activity".into(),
        record_id: Uuid::from_u128(u128::from(record) + 1),
        op: Op::Upsert,
        base_version: 0,
        fields: Map::new(),
        at: "t".into(),
        resolves: Vec::new(),
    }
}

fn record_id(n: u8) -> String {
    Uuid::from_u128(u128::from(n) + 1).to_string()
}

/// One step a device may take.
#[derive(Debug, Clone)]
enum Step {
    /// Save field `field` = `value` on record `record`.
    Edit { record: u8, field: u8, value: u8 },
    /// Delete record `record` (when the device has it).
    Delete { record: u8 },
    /// Push the next batch; `lose` drops the answer after the server took it.
    Push { lose: bool },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0u8..4, 0u8..3, 0u8..3).prop_map(|(record, field, value)| Step::Edit { record, field, value }),
        1 => (0u8..4).prop_map(|record| Step::Delete { record }),
        3 => any::<bool>().prop_map(|lose| Step::Push { lose }),
    ]
}

fn edit(device: &mut DeviceState, record: u8, field: u8, value: u8) -> Option<u64> {
    let id = record_id(record);
    let mut fields = device
        .records
        .get(&id)
        .map(|r| r.fields.clone())
        .unwrap_or_default();
    fields.insert(format!("f{field}"), json!(value));
    device.save("activity", &id, fields, "t").expect("a uuid")
}

proptest! {
    #[test]
    fn a_batch_is_an_id_ordered_prefix_with_one_change_per_record(
        records in prop::collection::vec(0u8..6, 0..40),
        max in 1usize..20,
    ) {
        let outbox: Vec<_> = records.iter().enumerate().map(|(i, r)| mutation(i as u64 + 3, *r)).collect();
        let batch = next_batch(&outbox, max);
        prop_assert!(batch.len() <= max);
        let ids: Vec<u64> = batch.iter().map(|m| m.id).collect();
        let prefix: Vec<u64> = outbox.iter().take(batch.len()).map(|m| m.id).collect();
        prop_assert_eq!(ids, prefix);
        let distinct: BTreeSet<_> = batch.iter().map(|m| m.record_id).collect();
        prop_assert_eq!(distinct.len(), batch.len());
        // It stops only at the limit, at the end, or before a repeated record.
        if let Some(next) = outbox.get(batch.len()) {
            prop_assert!(batch.len() == max || distinct.contains(&next.record_id));
        }
        prop_assert_eq!(outbox.is_empty(), batch.is_empty());
    }

    #[test]
    fn no_entry_is_lost_by_an_answer_whatever_it_answers(
        records in prop::collection::vec(0u8..4, 1..12),
        answered in prop::collection::vec(any::<bool>(), 12),
    ) {
        let mut device = DeviceState::default();
        for (i, r) in records.iter().enumerate() {
            edit(&mut device, *r, 0, i as u8);
        }
        let before: BTreeSet<u64> = device.outbox.keys().copied().collect();
        let sent = device.next_batch(MAX_MUTATIONS);
        let results: Vec<_> = sent
            .iter()
            .zip(&answered)
            .filter(|(_, yes)| **yes)
            .map(|(m, _)| MutationResult { id: m.id, status: MutationStatus::Applied { version: m.id + 100 } })
            .collect();
        let told: BTreeSet<u64> = results.iter().map(|r| r.id).collect();
        device.apply_push(&sent, &PushResponse { last_mutation_id: 0, results });
        let after: BTreeSet<u64> = device.outbox.keys().copied().collect();
        let expected: BTreeSet<u64> = before.difference(&told).copied().collect();
        prop_assert_eq!(after, expected);
    }

    #[test]
    fn ids_are_never_reused_and_every_change_reaches_the_server_once(
        steps in prop::collection::vec(step(), 1..60),
    ) {
        let mut device = DeviceState::default();
        let mut server = Server::default();
        let mut handed_out = BTreeSet::new();
        for step in steps {
            match step {
                Step::Edit { record, field, value } => {
                    if let Some(id) = edit(&mut device, record, field, value) {
                        prop_assert!(handed_out.insert(id), "id {} handed out twice", id);
                        prop_assert!(id > server.last, "id {} at or below the server's last", id);
                    }
                }
                Step::Delete { record } => {
                    if let Some(id) = device.delete(&record_id(record), "t").expect("a uuid") {
                        prop_assert!(handed_out.insert(id));
                        prop_assert!(id > server.last);
                    }
                }
                Step::Push { lose } => {
                    let batch = device.next_batch(MAX_MUTATIONS);
                    let answer = server.push(&batch);
                    if !lose {
                        device.apply_push(&batch, &answer);
                    }
                }
            }
        }
        // Quiesce: every entry gets an answer, and the server took every id once.
        while !device.outbox.is_empty() {
            let batch = device.next_batch(MAX_MUTATIONS);
            let answer = server.push(&batch);
            device.apply_push(&batch, &answer);
        }
        prop_assert_eq!(server.last, handed_out.len() as u64);
        prop_assert_eq!(handed_out.iter().copied().collect::<Vec<_>>(), (1..=server.last).collect::<Vec<_>>());
    }

    #[test]
    fn a_gap_keeps_every_entry_the_server_lacks_on_fresh_ids(
        ids in prop::collection::btree_set(1u64..60, 0..20),
        expected in 1u64..70,
        counter in 0u64..80,
    ) {
        let ids: Vec<u64> = ids.into_iter().collect();
        let next_id = counter.max(ids.last().map_or(1, |last| last + 1));
        let plan = plan_gap(&ids, expected, next_id);
        let lacking: Vec<u64> = ids.iter().copied().filter(|id| *id >= expected).collect();
        let old: Vec<u64> = plan.renumber.iter().map(|(old, _)| *old).collect();
        prop_assert_eq!(old, lacking.clone());
        let new: Vec<u64> = plan.renumber.iter().map(|(_, new)| *new).collect();
        prop_assert_eq!(new, (expected..expected + lacking.len() as u64).collect::<Vec<_>>());
        prop_assert!(plan.drop.iter().all(|id| *id < expected));
        prop_assert_eq!(plan.drop.len() + plan.renumber.len(), ids.len());
        prop_assert!(plan.next_id >= expected + lacking.len() as u64);
    }

    #[test]
    fn the_counter_never_falls_to_an_id_the_server_took(next in 1u64..100, last in 0u64..100) {
        let kept = keep_counter_above(next, last);
        prop_assert!(kept > last && kept >= next);
    }
}

#[test]
fn a_pulled_record_keeps_pending_edits_on_screen_and_a_deleted_one_is_forgotten() {
    let mut device = DeviceState::default();
    edit(&mut device, 0, 0, 7);
    let state = crate::sync::RecordState {
        kind: "activity".into(),
        id: Uuid::from_u128(1),
        version: 3,
        deleted: false,
        fields: [("f0".to_owned(), json!(1)), ("f1".to_owned(), json!(2))]
            .into_iter()
            .collect(),
        conflict: false,
        conflicts: Vec::new(),
    };
    let page = |records| PullResponse {
        cursor: "v3".into(),
        more: false,
        last_mutation_id: 5,
        records,
    };
    device.apply_pull(&page(vec![state.clone()]));
    let shown = &device.visible()[&record_id(0)];
    assert_eq!(
        (shown["f0"].clone(), shown["f1"].clone()),
        (json!(7), json!(2))
    );
    assert_eq!(device.next_id, 6, "above the server's last id");
    device.outbox.clear();
    device.apply_pull(&page(vec![crate::sync::RecordState {
        deleted: true,
        ..state
    }]));
    assert!(device.records.is_empty());
}

fn small_fields() -> impl Strategy<Value = serde_json::Map<String, Value>> {
    prop::collection::btree_map(
        prop::sample::select(vec!["a", "b", "c", "d"]).prop_map(String::from),
        (0u8..3).prop_map(|n| json!(n)),
        0..4,
    )
    .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #[test]
    fn a_stale_form_saves_only_what_the_officer_changed(
        opened in small_fields(),
        current in small_fields(),
        fields in small_fields(),
    ) {
        let rebased = rebase_edit(&current, &opened, &fields);
        for name in ["a", "b", "c", "d"] {
            let touched = opened.get(name) != fields.get(name);
            let expected = match (touched, fields.get(name)) {
                (true, Some(value)) => Some(value.clone()),
                (true, None) => Some(Value::Null),
                (false, _) => current.get(name).cloned(),
            };
            prop_assert_eq!(rebased.get(name).cloned(), expected, "field {}", name);
        }
    }
}

#[test]
fn a_form_opened_before_a_pull_keeps_the_pulled_change() {
    let object = |v: Value| v.as_object().cloned().unwrap_or_default();
    let opened = object(json!({"venue": "Balai desa", "participants_male_adult": 3}));
    let current = object(json!({"venue": "Aula kecamatan", "participants_male_adult": 3}));
    let form = object(json!({"venue": "Balai desa", "participants_male_adult": 5}));
    let rebased = rebase_edit(&current, &opened, &form);
    assert_eq!(
        rebased["venue"], "Aula kecamatan",
        "the other device's change stays"
    );
    assert_eq!(
        rebased["participants_male_adult"], 5,
        "the officer's own change wins"
    );
}
