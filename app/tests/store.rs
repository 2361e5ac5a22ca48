//! The IndexedDB store in real headless Chromium: the migration, a save with its outbox
//! entry, drafts, pulled pages with their cursor, and push answers leaving the outbox.
#![forbid(unsafe_code)]

use gugus_app::pages::activity_form::ActivityDraft;
use gugus_app::store::{base_key, object_store_names, PulledPage, SaveOutcome, Store};
use gugus_model::sync::{
    MutationResult, MutationStatus, PullResponse, PushResponse, RecordState, RejectError,
};
use gugus_model::RecordKind;
use serde_json::{json, Map, Value};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh database for one test.
async fn fresh(name: &str) -> Store {
    Store::delete_named(name).await.expect("delete");
    Store::open_named(name).await.expect("open")
}

fn activity(venue: &str) -> Map<String, Value> {
    let fields = json!({
        "type": "outreach", "date": "2026-11-02", "kecamatan": "33.03.08",
        "desa": "33.03.08.2001", "venue": venue, "audience": ["pkk"],
        "participants_female_adult": 12, "participants_male_adult": 3,
        "participants_female_child": 0, "participants_male_child": 0,
        "topics": [], "partners": "", "follow_up": "", "notes": "",
    });
    fields.as_object().cloned().expect("object")
}

const AT: &str = "2026-11-29T03:20:00.000Z";

#[wasm_bindgen_test]
async fn opening_creates_every_object_store_and_reopening_keeps_the_data() {
    let store = fresh("t-open").await;
    let mut names = object_store_names(&store);
    names.sort();
    assert_eq!(
        names,
        [
            "drafts",
            "meta",
            "outbox",
            "records.activity",
            "records.case",
            "records.case_key",
            "records.legal_step",
            "records.note",
            "records.other",
            "records.referral",
            "records.referral_step",
            "records.service",
            "records.victim",
            "records.victim_identity",
        ]
    );
    let device = store.device_id().await.expect("device id");
    assert!(Uuid::parse_str(&device).is_ok());
    store.close();
    let again = Store::open_named("t-open").await.expect("reopen");
    assert_eq!(again.device_id().await.expect("device id"), device);
}

/// A phone that ran the first version of the database: the stores without the `kind` index,
/// one activity in `records` and its change in `outbox`.
async fn version_one_with_an_activity(name: &str) {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;
    use indexed_db_futures::KeyPath;
    Database::delete_by_name(name)
        .expect("delete")
        .await
        .expect("deleted");
    let db = Database::open(name)
        .with_version(1_u32)
        .with_on_upgrade_needed(|_, db| {
            db.create_object_store("records")
                .with_key_path(KeyPath::One("id"))
                .build()?;
            db.create_object_store("outbox")
                .with_key_path(KeyPath::One("id"))
                .build()?;
            db.create_object_store("meta").build()?;
            db.create_object_store("drafts").build()?;
            Ok(())
        })
        .await
        .expect("open version 1");
    let tx = db
        .transaction(["records"])
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("tx");
    let record = json!({
        "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "kind": "activity", "version": 3,
        "fields": activity("Balai desa lama"), "changed_at": AT,
    });
    // A case, and a record of a kind this build does not know (a newer worker's).
    let case = json!({
        "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60", "kind": "case", "version": 4,
        "fields": {"status": "reported"}, "changed_at": AT,
    });
    let unknown = json!({
        "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a61", "kind": "a_later_kind", "version": 5,
        "fields": {"agency": "dinsos"}, "changed_at": AT,
    });
    let records = tx.object_store("records").expect("records");
    for record in [record, case, unknown] {
        records
            .put(record)
            .serde()
            .expect("serde")
            .await
            .expect("put");
    }
    tx.commit().await.expect("commit");
    db.close();
}

/// A phone that ran version 3 of the database: a store per kind it knew (no wrapped case
/// keys), an activity in its store.
#[wasm_bindgen_test]
async fn a_version_three_database_gains_the_case_keys_store_and_keeps_its_records() {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;
    use indexed_db_futures::KeyPath;
    let name = "t-upgrade-3";
    Database::delete_by_name(name)
        .expect("delete")
        .await
        .expect("deleted");
    let version_three = [
        "records.activity",
        "records.case",
        "records.victim",
        "records.victim_identity",
        "records.service",
        "records.legal_step",
        "records.note",
        "records.other",
    ];
    let db = Database::open(name)
        .with_version(3_u32)
        .with_on_upgrade_needed(move |_, db| {
            for store in version_three.iter().chain(&["outbox"]) {
                db.create_object_store(store)
                    .with_key_path(KeyPath::One("id"))
                    .build()?;
            }
            db.create_object_store("meta").build()?;
            db.create_object_store("drafts").build()?;
            Ok(())
        })
        .await
        .expect("open version 3");
    let tx = db
        .transaction(["records.activity"])
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("tx");
    let record = json!({
        "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "kind": "activity", "version": 3,
        "fields": activity("Balai desa"), "server": activity("Balai desa"), "changed_at": AT,
    });
    tx.object_store("records.activity")
        .expect("store")
        .put(record)
        .serde()
        .expect("serde")
        .await
        .expect("put");
    tx.commit().await.expect("commit");
    db.close();

    let store = Store::open_named(name).await.expect("upgrade");
    assert!(object_store_names(&store).contains(&"records.case_key".to_owned()));
    let listed = store
        .list_records(RecordKind::Activity)
        .await
        .expect("list");
    assert_eq!(listed.len(), 1, "the record survives the upgrade");
    assert!(store
        .list_records(RecordKind::CaseKey)
        .await
        .expect("list")
        .is_empty());
}

#[wasm_bindgen_test]
async fn a_version_one_database_is_upgraded_and_keeps_its_records() {
    version_one_with_an_activity("t-upgrade").await;
    let store = Store::open_named("t-upgrade").await.expect("upgrade");
    let listed = store
        .list_records(RecordKind::Activity)
        .await
        .expect("list");
    assert_eq!(listed.len(), 1, "the record survives the upgrade");
    assert_eq!(listed[0].record.fields["venue"], json!("Balai desa lama"));
    let cases = store.list_records(RecordKind::Case).await.expect("list");
    assert_eq!(cases.len(), 1, "the case moves to its kind's store");
    assert_eq!(cases[0].record.version, 4);
    assert_eq!(
        store.record_count().await.expect("count"),
        3,
        "the record of an unknown kind is kept too"
    );
    assert!(
        !object_store_names(&store).contains(&"records".to_owned()),
        "version 2's one store is gone"
    );
    store
        .save_record(RecordKind::Case, None, Map::new(), "case:new", AT.into())
        .await
        .expect("save");
    assert_eq!(
        store
            .list_records(RecordKind::Case)
            .await
            .expect("list")
            .len(),
        2
    );
    assert_eq!(
        store
            .list_records(RecordKind::Activity)
            .await
            .expect("list")
            .len(),
        1
    );
}

/// A phone that ran version 4 of the database: the referral kinds a pull brought were kept
/// with the unknown ones in `records.other`; version 5 moves them into their own stores.
#[wasm_bindgen_test]
async fn a_version_four_database_moves_its_referrals_into_their_own_stores() {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;
    use indexed_db_futures::KeyPath;
    let name = "t-upgrade-4";
    Database::delete_by_name(name)
        .expect("delete")
        .await
        .expect("deleted");
    let version_four = [
        "records.activity",
        "records.case",
        "records.victim",
        "records.victim_identity",
        "records.service",
        "records.legal_step",
        "records.note",
        "records.case_key",
        "records.other",
    ];
    let db = Database::open(name)
        .with_version(4_u32)
        .with_on_upgrade_needed(move |_, db| {
            for store in version_four.iter().chain(&["outbox"]) {
                db.create_object_store(store)
                    .with_key_path(KeyPath::One("id"))
                    .build()?;
            }
            db.create_object_store("meta").build()?;
            db.create_object_store("drafts").build()?;
            Ok(())
        })
        .await
        .expect("open version 4");
    let tx = db
        .transaction(["records.other"])
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("tx");
    let referral = json!({
        "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a70", "kind": "referral", "version": 6,
        "server": {"agency": "dinsos"}, "changed_at": AT,
    });
    let step = json!({
        "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a71", "kind": "referral_step", "version": 7,
        "server": {"action": "accept"}, "changed_at": AT,
    });
    let unknown = json!({
        "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a72", "kind": "a_later_kind", "version": 8,
        "server": {}, "changed_at": AT,
    });
    for record in [referral, step, unknown] {
        tx.object_store("records.other")
            .expect("store")
            .put(record)
            .serde()
            .expect("serde")
            .await
            .expect("put");
    }
    tx.commit().await.expect("commit");
    db.close();

    let store = Store::open_named(name).await.expect("upgrade");
    let referrals = store
        .list_records(RecordKind::Referral)
        .await
        .expect("list");
    assert_eq!(referrals.len(), 1, "the referral moved to its store");
    assert_eq!(referrals[0].record.fields["agency"], json!("dinsos"));
    let steps = store
        .list_records(RecordKind::ReferralStep)
        .await
        .expect("list");
    assert_eq!(steps.len(), 1, "the step moved to its store");
    assert_eq!(
        store.record_count().await.expect("count"),
        3,
        "each record once, the unknown one kept"
    );
    assert_eq!(
        store.all_records().await.expect("all").len(),
        2,
        "the home page reads each known record once"
    );
}

#[wasm_bindgen_test]
async fn saving_writes_the_record_and_its_outbox_entry_together() {
    let store = fresh("t-save").await;
    let (first, outcome) = store
        .save_record(
            RecordKind::Activity,
            None,
            activity("Balai desa"),
            "activity:new",
            AT.into(),
        )
        .await
        .expect("save");
    assert_eq!(outcome, SaveOutcome::Saved { mutation_id: 1 });
    let (_, outcome) = store
        .save_record(
            RecordKind::Activity,
            None,
            activity("Masjid"),
            "activity:new",
            AT.into(),
        )
        .await
        .expect("save");
    assert_eq!(outcome, SaveOutcome::Saved { mutation_id: 2 });

    let listed = store
        .record(RecordKind::Activity, &first)
        .await
        .expect("read")
        .expect("saved");
    assert!(listed.pending);
    assert_eq!(listed.record.fields, activity("Balai desa"));
    let outbox = store.outbox().await.expect("outbox");
    assert_eq!(outbox.iter().map(|m| m.id).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(outbox[0].record_id.to_string(), first);
    assert_eq!(outbox[0].base_version, 0);
    assert_eq!(
        outbox[0].fields,
        activity("Balai desa"),
        "a create sends every field"
    );
    assert_eq!(store.peek_next_mutation_id().await.expect("next"), 3);

    // Editing what the device has saved but never synced: nothing changed, nothing sent.
    let (_, outcome) = store
        .save_record(
            RecordKind::Activity,
            Some(&first),
            activity("Balai desa"),
            "activity:x",
            AT.into(),
        )
        .await
        .expect("save");
    assert_eq!(outcome, SaveOutcome::Unchanged);
    assert_eq!(store.pending_count().await.expect("count"), 2);

    // The home page's one read: every record of every kind, each marked as waiting.
    let all = store.all_records().await.expect("all");
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|listed| listed.pending));
}

#[wasm_bindgen_test]
async fn an_edit_of_a_synced_record_sends_only_what_changed_on_its_version() {
    let store = fresh("t-edit").await;
    let id = Uuid::now_v7();
    store
        .apply_pull(&page(vec![state(id, 7, activity("Balai desa"))], "v7"))
        .await
        .expect("pull");
    let mut edited = activity("Balai desa");
    edited.insert("notes".into(), json!("Dihadiri kepala desa"));
    let (_, outcome) = store
        .save_record(
            RecordKind::Activity,
            Some(&id.to_string()),
            edited,
            "activity:e",
            AT.into(),
        )
        .await
        .expect("save");
    assert_eq!(outcome, SaveOutcome::Saved { mutation_id: 1 });
    let outbox = store.outbox().await.expect("outbox");
    assert_eq!(outbox[0].base_version, 7);
    assert_eq!(
        outbox[0].fields,
        json!({"notes": "Dihadiri kepala desa"})
            .as_object()
            .cloned()
            .unwrap()
    );
}

#[wasm_bindgen_test]
async fn a_form_opened_before_a_pull_saves_only_the_officers_change() {
    let store = fresh("t-stale-form").await;
    let id = Uuid::now_v7();
    store
        .apply_pull(&page(vec![state(id, 7, activity("Balai desa"))], "v7"))
        .await
        .expect("pull");
    // The form opens, then another phone's change of the venue arrives.
    let opened = activity("Balai desa");
    store
        .apply_pull(&page(vec![state(id, 9, activity("Aula kecamatan"))], "v9"))
        .await
        .expect("pull");
    let mut form = opened.clone();
    form.insert("notes".into(), json!("Dihadiri kepala desa"));
    store
        .save_draft(&base_key("activity:s"), &opened)
        .await
        .expect("base");
    store
        .save_edit(
            RecordKind::Activity,
            &id.to_string(),
            form,
            &opened,
            "activity:s",
            AT.into(),
        )
        .await
        .expect("save");
    let outbox = store.outbox().await.expect("outbox");
    assert_eq!(outbox[0].base_version, 9);
    let notes_only = json!({"notes": "Dihadiri kepala desa"});
    assert_eq!(outbox[0].fields, notes_only.as_object().cloned().unwrap());
    let shown = store
        .record(RecordKind::Activity, &id.to_string())
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(
        shown.record.fields["venue"], "Aula kecamatan",
        "the pulled change stays"
    );
    let base: Option<Map<String, Value>> =
        store.draft(&base_key("activity:s")).await.expect("read");
    assert_eq!(
        base, None,
        "the saved edit's base is dropped with its draft"
    );
}

#[wasm_bindgen_test]
async fn a_draft_survives_and_a_save_clears_it() {
    let store = fresh("t-draft").await;
    let mut draft = ActivityDraft::from_fields(&activity("Balai desa"));
    draft.participants[3] = "".into();
    store
        .save_draft("activity:new", &draft)
        .await
        .expect("save draft");
    let back: Option<ActivityDraft> = store.draft("activity:new").await.expect("read draft");
    assert_eq!(back, Some(draft));
    store
        .save_record(
            RecordKind::Activity,
            None,
            activity("Balai desa"),
            "activity:new",
            AT.into(),
        )
        .await
        .expect("save");
    let gone: Option<ActivityDraft> = store.draft("activity:new").await.expect("read draft");
    assert_eq!(gone, None);
}

fn state(id: Uuid, version: u64, fields: Map<String, Value>) -> RecordState {
    RecordState {
        kind: "activity".into(),
        id,
        version,
        deleted: false,
        fields,
        conflict: false,
        conflicts: Vec::new(),
    }
}

fn page(records: Vec<RecordState>, cursor: &str) -> PulledPage {
    PulledPage::new(PullResponse {
        cursor: cursor.into(),
        more: false,
        last_mutation_id: 0,
        records,
    })
    .expect("a page to store")
}

#[wasm_bindgen_test]
async fn a_pulled_page_and_its_cursor_are_saved_together_under_pending_edits() {
    let store = fresh("t-pull").await;
    assert_eq!(store.cursor().await.expect("cursor"), None);
    let (mine, _) = store
        .save_record(
            RecordKind::Activity,
            None,
            activity("Di HP"),
            "activity:new",
            AT.into(),
        )
        .await
        .expect("save");
    let other = Uuid::now_v7();
    let mine_on_server = state(Uuid::parse_str(&mine).unwrap(), 3, activity("Di server"));
    store
        .apply_pull(&page(
            vec![state(other, 2, activity("Lain")), mine_on_server],
            "v3",
        ))
        .await
        .expect("pull");
    assert_eq!(store.cursor().await.expect("cursor"), Some("v3".into()));
    let listed = store
        .list_records(RecordKind::Activity)
        .await
        .expect("list");
    assert_eq!(listed.len(), 2);
    let mine = store
        .record(RecordKind::Activity, &mine)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        mine.record.fields["venue"],
        json!("Di HP"),
        "the pending edit stays on top"
    );
    assert_eq!(mine.record.server["venue"], json!("Di server"));
    assert_eq!(mine.record.version, 3);
}

/// A page whose ids span more stored records than one cheap read lists (a first sync reads
/// only the keys between its smallest and largest id) still finds every record the phone
/// holds, and keeps the officer's waiting change on top.
#[wasm_bindgen_test]
async fn a_page_spanning_many_stored_records_keeps_what_the_phone_holds() {
    let store = fresh("t-pull-wide").await;
    let ids: Vec<Uuid> = (0..2_100).map(|_| Uuid::now_v7()).collect();
    let first: Vec<RecordState> = ids
        .iter()
        .map(|id| state(*id, 2, activity("Balai desa")))
        .collect();
    store.apply_pull(&page(first, "v2")).await.expect("pull");
    let (mine, _) = store
        .save_record(
            RecordKind::Activity,
            None,
            activity("Di HP"),
            "activity:new",
            AT.into(),
        )
        .await
        .expect("save");
    let mine_id = Uuid::parse_str(&mine).unwrap();
    let wide = vec![
        state(ids[0], 5, activity("Aula kecamatan")),
        state(mine_id, 6, activity("Di server")),
    ];
    store.apply_pull(&page(wide, "v6")).await.expect("pull");
    let mine = store
        .record(RecordKind::Activity, &mine)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        mine.record.fields["venue"],
        json!("Di HP"),
        "the waiting change stays"
    );
    assert_eq!(mine.record.server["venue"], json!("Di server"));
    assert_eq!((mine.record.version, mine.pending), (6, true));
    let moved = store
        .record(RecordKind::Activity, &ids[0].to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.record.fields["venue"], json!("Aula kecamatan"));
    let kept = store
        .record(RecordKind::Activity, &ids[7].to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        kept.record.fields, kept.record.server,
        "stored once, read whole"
    );
    assert_eq!(kept.record.fields["venue"], json!("Balai desa"));
    assert_eq!(
        store
            .list_records(RecordKind::Activity)
            .await
            .unwrap()
            .len(),
        2_101
    );
}

#[wasm_bindgen_test]
async fn answered_changes_leave_the_outbox_and_a_refused_one_stays_on_its_record() {
    let store = fresh("t-push").await;
    let (a, _) = store
        .save_record(RecordKind::Activity, None, activity("A"), "d", AT.into())
        .await
        .unwrap();
    let (b, _) = store
        .save_record(RecordKind::Activity, None, activity("B"), "d", AT.into())
        .await
        .unwrap();
    let sent = store.outbox().await.unwrap();
    let error = RejectError::forbidden();
    let answer = PushResponse {
        last_mutation_id: 2,
        results: vec![
            MutationResult {
                id: 1,
                status: MutationStatus::Applied { version: 41 },
            },
            MutationResult {
                id: 2,
                status: MutationStatus::Rejected {
                    error: error.clone(),
                },
            },
        ],
    };
    store.apply_push(&sent, &answer).await.expect("apply");
    assert_eq!(store.pending_count().await.unwrap(), 0);
    let a = store
        .record(RecordKind::Activity, &a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((a.record.version, a.pending), (41, false));
    let b = store
        .record(RecordKind::Activity, &b)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.record.rejection, Some(error));
    assert_eq!(
        b.record.fields["venue"],
        json!("B"),
        "the refused record is kept"
    );
}

/// A page is prepared as if the phone held none of its records and nothing waited
/// (`PulledPage`); a record the phone does hold is worked out again from what it holds,
/// even with nothing waiting: its refusal stays beside the server's new state.
#[wasm_bindgen_test]
async fn a_pulled_record_the_phone_holds_keeps_its_refusal_with_nothing_waiting() {
    let store = fresh("t-pull-held").await;
    let (id, _) = store
        .save_record(
            RecordKind::Activity,
            None,
            activity("Di HP"),
            "d",
            AT.into(),
        )
        .await
        .unwrap();
    let sent = store.outbox().await.unwrap();
    let error = RejectError::forbidden();
    let answer = PushResponse {
        last_mutation_id: 1,
        results: vec![MutationResult {
            id: 1,
            status: MutationStatus::Rejected {
                error: error.clone(),
            },
        }],
    };
    store.apply_push(&sent, &answer).await.expect("apply");
    assert_eq!(store.pending_count().await.unwrap(), 0, "nothing waits");
    let uuid = Uuid::parse_str(&id).unwrap();
    let other = Uuid::now_v7();
    let pulled = vec![
        state(uuid, 4, activity("Di server")),
        state(other, 5, activity("Balai desa")),
    ];
    store.apply_pull(&page(pulled, "v5")).await.expect("pull");
    let held = store
        .record(RecordKind::Activity, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(held.record.rejection, Some(error), "the refusal stays");
    assert_eq!(
        (held.record.version, &held.record.server["venue"]),
        (4, &json!("Di server"))
    );
    let new = store
        .record(RecordKind::Activity, &other.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            new.record.version,
            new.record.rejection,
            &new.record.fields["venue"]
        ),
        (5, None, &json!("Balai desa"))
    );
    assert_eq!(store.cursor().await.unwrap(), Some("v5".into()));
}

#[wasm_bindgen_test]
async fn a_second_change_of_a_record_is_rebased_on_the_first_ones_version() {
    let store = fresh("t-rebase").await;
    let (id, _) = store
        .save_record(RecordKind::Activity, None, activity("A"), "d", AT.into())
        .await
        .unwrap();
    store
        .save_record(
            RecordKind::Activity,
            Some(&id),
            activity("B"),
            "d",
            AT.into(),
        )
        .await
        .unwrap();
    let sent: Vec<_> = store.outbox().await.unwrap().into_iter().take(1).collect();
    let answer = PushResponse {
        last_mutation_id: 1,
        results: vec![MutationResult {
            id: 1,
            status: MutationStatus::Applied { version: 9 },
        }],
    };
    store.apply_push(&sent, &answer).await.unwrap();
    let left = store.outbox().await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!((left[0].id, left[0].base_version), (2, 9));
    let record = store
        .record(RecordKind::Activity, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.record.fields["venue"], json!("B"));
    assert!(record.pending);
}

#[wasm_bindgen_test]
async fn a_mutation_gap_renumbers_the_outbox_from_the_expected_id() {
    let store = fresh("t-gap").await;
    for venue in ["A", "B", "C"] {
        store
            .save_record(RecordKind::Activity, None, activity(venue), "d", AT.into())
            .await
            .unwrap();
    }
    // The server already has 1 and expects 2 next; 2 and 3 become 2 and 3 again, and a
    // server that lost everything (expects 1) gets them as 1, 2, 3.
    let plan = store.resolve_gap(2).await.unwrap();
    assert_eq!(plan.drop, [1]);
    let ids: Vec<u64> = store.outbox().await.unwrap().iter().map(|m| m.id).collect();
    assert_eq!(ids, [2, 3]);
    store.resolve_gap(1).await.unwrap();
    let outbox = store.outbox().await.unwrap();
    assert_eq!(outbox.iter().map(|m| m.id).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(outbox[0].fields["venue"], json!("B"));
    assert_eq!(store.peek_next_mutation_id().await.unwrap(), 3);
}

#[wasm_bindgen_test]
async fn settling_a_pulled_conflict_writes_a_resolving_entry_and_hides_the_conflict() {
    let store = fresh("t-resolve").await;
    let id = Uuid::now_v7();
    let conflict = gugus_model::sync::Conflict {
        field: "venue".into(),
        server: json!("Aula"),
        device: json!("Masjid"),
    };
    let in_conflict = RecordState {
        conflict: true,
        conflicts: vec![conflict],
        ..state(id, 7, activity("Aula"))
    };
    store
        .apply_pull(&page(vec![in_conflict], "v7"))
        .await
        .expect("pull");
    let pulled = store
        .record(RecordKind::Activity, &id.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        pulled.record.conflicts.len(),
        1,
        "both values are on the record"
    );
    let resolved = store
        .resolve_conflict(
            RecordKind::Activity,
            &id.to_string(),
            "venue",
            json!("Masjid"),
            AT.into(),
        )
        .await
        .expect("resolve")
        .expect("the record");
    assert!(resolved.conflicts.is_empty());
    assert_eq!(resolved.fields["venue"], json!("Masjid"));
    let outbox = store.outbox().await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(
        (
            outbox[0].base_version,
            &outbox[0].resolves,
            &outbox[0].fields["venue"]
        ),
        (7, &vec!["venue".to_owned()], &json!("Masjid"))
    );
    let listed = store
        .record(RecordKind::Activity, &id.to_string())
        .await
        .unwrap()
        .unwrap();
    assert!(listed.pending && listed.record.conflicts.is_empty());
}

#[wasm_bindgen_test]
async fn the_agency_list_outlives_a_reload_and_a_logout() {
    use gugus_model::agency::{seed, AgencyList};
    let store = fresh("t-agencies").await;
    assert_eq!(store.agencies().await.expect("read"), None, "never fetched");
    let mut list = AgencyList { agencies: seed() };
    list.agencies[0].active = false;
    store.set_agencies(&list).await.expect("keep");
    store.close();
    let store = Store::open_named("t-agencies").await.expect("reopen");
    assert_eq!(store.agencies().await.expect("read").as_ref(), Some(&list));
    // The deployment's list is not the user's data: the next account reads it offline.
    store.wipe().await.expect("wipe");
    assert_eq!(store.agencies().await.expect("read"), Some(list));
}
