use super::*;
use crate::sync::{Op, RecordState};
use serde_json::json;
use uuid::Uuid;

const ID: u128 = 0x0193_a1b2_c3d4_7e5f_8a9b_0c1d_2e3f_4a5b;

fn fields(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn mutation(id: u64, base: u64, changes: Map<String, Value>) -> Mutation {
    Mutation {
        id,
        kind: "activity".into(),
        record_id: Uuid::from_u128(ID),
        op: Op::Upsert,
        base_version: base,
        fields: changes,
        at: "2026-11-29T03:20:00Z".into(),
        resolves: Vec::new(),
    }
}

fn synced(version: u64, server: Map<String, Value>) -> LocalRecord {
    LocalRecord {
        version,
        server: server.clone(),
        ..LocalRecord::created(
            Uuid::from_u128(ID).to_string(),
            "activity",
            server,
            "t0".into(),
        )
    }
}

#[test]
fn a_record_never_answered_for_sends_every_field() {
    let record = LocalRecord::created(
        "r".into(),
        "activity",
        fields(&[("venue", json!("A"))]),
        "t".into(),
    );
    let next = fields(&[("venue", json!("A")), ("notes", json!("n"))]);
    assert_eq!(record.changes_to(&next), next);
}

#[test]
fn an_edit_sends_only_the_changed_fields_and_refused_ones_again() {
    let mut record = synced(4, fields(&[("venue", json!("A")), ("notes", json!("n"))]));
    let next = fields(&[("venue", json!("B")), ("notes", json!("n"))]);
    assert_eq!(record.changes_to(&next), fields(&[("venue", json!("B"))]));
    record.rejected = fields(&[("notes", json!("n"))]);
    assert_eq!(record.changes_to(&next), next);
}

#[test]
fn an_applied_change_moves_the_known_version() {
    let mut record = synced(4, fields(&[("venue", json!("A"))]));
    let change = mutation(7, 4, fields(&[("venue", json!("B"))]));
    record.edit(fields(&[("venue", json!("B"))]), "t1".into());
    let rebase = record.answer(&change, &MutationStatus::Applied { version: 9 });
    assert_eq!(rebase, Some(9));
    assert_eq!(record.version, 9);
    assert_eq!(record.server, fields(&[("venue", json!("B"))]));
}

#[test]
fn a_conflict_keeps_the_server_value_and_records_both() {
    let mut record = synced(4, fields(&[("venue", json!("A"))]));
    record.edit(fields(&[("venue", json!("B"))]), "t1".into());
    let conflict = Conflict {
        field: "venue".into(),
        server: json!("C"),
        device: json!("B"),
    };
    let status = MutationStatus::Conflict {
        version: 9,
        conflicts: vec![conflict.clone()],
    };
    let change = mutation(7, 4, fields(&[("venue", json!("B"))]));
    assert_eq!(record.answer(&change, &status), None);
    record.recompute(std::iter::empty());
    assert_eq!(record.fields["venue"], json!("C"));
    assert_eq!(record.conflicts, [conflict]);
    assert!(record.has_conflict());
}

#[test]
fn a_refused_change_stays_on_screen_until_fixed() {
    let mut record = synced(4, fields(&[("venue", json!("A"))]));
    record.edit(fields(&[("venue", json!("B"))]), "t1".into());
    let error = RejectError::forbidden();
    let change = mutation(7, 4, fields(&[("venue", json!("B"))]));
    record.answer(
        &change,
        &MutationStatus::Rejected {
            error: error.clone(),
        },
    );
    record.recompute(std::iter::empty());
    assert_eq!(
        record.fields["venue"],
        json!("B"),
        "the officer's value is kept"
    );
    assert_eq!(record.rejection, Some(error));
    // A pull of the server's state does not wipe it either.
    let state = RecordState {
        kind: "activity".into(),
        id: Uuid::from_u128(ID),
        version: 5,
        deleted: false,
        fields: fields(&[("venue", json!("A"))]),
        conflict: false,
        conflicts: Vec::new(),
    };
    let mut pulled = LocalRecord::pulled(Some(record), &state);
    pulled.recompute(std::iter::empty());
    assert_eq!(pulled.fields["venue"], json!("B"));
    assert_eq!(pulled.version, 5);
}

#[test]
fn a_pulled_record_shows_pending_local_edits_on_top() {
    let state = RecordState {
        kind: "activity".into(),
        id: Uuid::from_u128(ID),
        version: 12,
        deleted: false,
        fields: fields(&[("venue", json!("Server")), ("notes", json!("s"))]),
        conflict: false,
        conflicts: Vec::new(),
    };
    let mut record = LocalRecord::pulled(None, &state);
    let pending = fields(&[("venue", json!("Device"))]);
    record.recompute([&pending]);
    assert_eq!(record.fields["venue"], json!("Device"));
    assert_eq!(record.fields["notes"], json!("s"));
    assert_eq!(record.server["venue"], json!("Server"));
}

/// Two tabs: one pushed `venue` = B on version 4 and its answer comes late; the other has
/// meanwhile pulled version 12, where someone else set `venue` = C after that change.
fn pulled_meanwhile() -> (LocalRecord, Mutation) {
    let mut record = synced(12, fields(&[("venue", json!("C"))]));
    record.recompute(std::iter::empty());
    (record, mutation(5, 4, fields(&[("venue", json!("B"))])))
}

#[test]
fn a_late_applied_answer_does_not_undo_a_newer_pulled_state() {
    let (mut record, change) = pulled_meanwhile();
    record.answer(&change, &MutationStatus::Applied { version: 9 });
    record.recompute(std::iter::empty());
    assert_eq!(record.version, 12);
    assert_eq!(record.fields["venue"], json!("C"));
}

#[test]
fn a_duplicate_does_not_undo_a_newer_pulled_state() {
    let (mut record, change) = pulled_meanwhile();
    record.answer(&change, &MutationStatus::Duplicate);
    record.recompute(std::iter::empty());
    assert_eq!(record.fields["venue"], json!("C"));
}

#[test]
fn a_duplicate_on_the_known_version_is_the_best_guess_until_the_next_pull() {
    let mut record = synced(4, fields(&[("venue", json!("A"))]));
    let change = mutation(5, 4, fields(&[("venue", json!("B"))]));
    record.answer(&change, &MutationStatus::Duplicate);
    assert_eq!(record.server["venue"], json!("B"));
    assert_eq!(record.version, 4, "the next pull brings the version");
}

#[test]
fn a_late_conflict_answer_leaves_a_newer_pulled_state_alone() {
    let (mut record, change) = pulled_meanwhile();
    let status = MutationStatus::Conflict {
        version: 9,
        conflicts: vec![Conflict {
            field: "venue".into(),
            server: json!("D"),
            device: json!("B"),
        }],
    };
    record.answer(&change, &status);
    record.recompute(std::iter::empty());
    assert_eq!((record.version, &record.fields["venue"]), (12, &json!("C")));
    assert!(
        !record.has_conflict(),
        "the pulled state says there is none"
    );
}

#[test]
fn the_servers_copy_is_stored_once_and_read_back_whole() {
    let server = fields(&[("venue", json!("Balai desa")), ("participants", json!(12))]);
    let record = synced(3, server.clone());
    let pulled = LocalRecord {
        changed_at: String::new(),
        ..record.clone()
    };
    let stored = serde_json::to_value(&pulled).expect("serialises");
    let names: Vec<&str> = stored
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        names,
        ["id", "kind", "server", "version"],
        "a pulled record: nothing but the server's copy and what names it: {stored}"
    );
    assert_eq!(stored["server"], json!(server));
    let back: LocalRecord = serde_json::from_value(stored).expect("reads back");
    assert_eq!(back, pulled);

    // Every optional part that holds something is kept.
    let mut busy = record.clone();
    busy.deleted = true;
    busy.open_conflict = true;
    busy.conflicts.push(Conflict {
        field: "venue".into(),
        server: json!("Balai desa"),
        device: json!("Pendopo"),
    });
    busy.rejected.insert("participants".into(), json!(-1));
    busy.changed_at = "2026-11-29T03:20:00.000Z".into();
    let stored = serde_json::to_value(&busy).expect("serialises");
    for name in [
        "deleted",
        "open_conflict",
        "conflicts",
        "rejected",
        "changed_at",
    ] {
        assert!(stored.get(name).is_some(), "{name}: {stored}");
    }
    let back: LocalRecord = serde_json::from_value(stored).expect("reads back");
    assert_eq!(back, busy);

    // A change waiting: what is shown differs from the server's, and is kept.
    let mut edited = record.clone();
    edited.fields.insert("venue".into(), json!("Masjid desa"));
    let stored = serde_json::to_value(&edited).expect("serialises");
    assert_eq!(stored["fields"]["venue"], "Masjid desa");
    let back: LocalRecord = serde_json::from_value(stored).expect("reads back");
    assert_eq!(back, edited);

    // A record stored before, with both copies, reads as it was.
    let mut old = serde_json::to_value(&record).expect("serialises");
    old["fields"] = json!(server);
    let back: LocalRecord = serde_json::from_value(old).expect("reads back");
    assert_eq!(back, record);
}
