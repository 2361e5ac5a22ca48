//! Cases and the records under them: an officer's scope (the cases it created or is
//! assigned to), records that leave it sent once as deleted, who may assign, parent links
//! and insert-only notes.

use crate::common::records::{
    activity, case, identity, identity_key, legal_step, note, sealed, service, upsert, upsert_of,
    victim,
};
use crate::common::{Device, TestServer};
use gugus_model::api::Role;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

crate::on_both_backends!(
    an_officer_sees_and_writes_only_its_own_cases,
    a_record_that_leaves_scope_is_sent_once_as_deleted,
    only_supervisors_assign_and_only_officers_are_assigned,
    parent_links_must_exist_and_never_change,
    notes_are_insert_only,
    generated_cases_load_and_reach_only_their_officers,
    an_officer_following_assignments_in_and_out_ends_with_exactly_its_scope,
    only_supervisors_link_cases_and_only_to_other_cases,
);

/// A case with one victim, its identity (after the case key it is sealed under), two
/// services, a legal step and a note, as one push's mutations starting at `first`:
/// (mutations, case id, ids of all eight records).
fn whole_case(first: u64) -> (Vec<Value>, Uuid, Vec<Uuid>) {
    let ids: Vec<Uuid> = (0..8).map(|_| Uuid::now_v7()).collect();
    let (case_id, victim_id) = (ids[0], ids[1]);
    let fields = [
        ("case", case("33.03.08")),
        ("victim", victim(case_id, "33.03.08")),
        ("case_key", identity_key(case_id)),
        ("victim_identity", identity(victim_id)),
        (
            "service",
            service(victim_id, "2026-10-03", Some("2026-10-05")),
        ),
        ("service", service(victim_id, "2026-10-04", None)),
        (
            "legal_step",
            legal_step(case_id, "police_report", "2026-10-06"),
        ),
        ("note", note(case_id, "Korban sudah di rumah aman.")),
    ];
    let mutations = fields
        .into_iter()
        .zip(&ids)
        .zip(first..)
        .map(|(((kind, fields), id), n)| upsert_of(kind, n, *id, 0, fields))
        .collect();
    (mutations, case_id, ids)
}

fn statuses(answer: &Value) -> Vec<String> {
    answer["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["status"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn error_of(answer: &Value, index: usize) -> (String, String, String) {
    let error = &answer["results"][index]["error"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    (
        text(&error["code"]),
        text(&error["field"]),
        text(&error["fields"][0]["problem"]),
    )
}

fn ids_of(records: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = records
        .iter()
        .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    ids.sort();
    ids
}

fn sorted(ids: &[Uuid]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    ids.sort();
    ids
}

async fn assign(
    server: &TestServer,
    supervisor: &Device,
    mutation_id: u64,
    case_id: Uuid,
    officers: &[&Device],
) -> anyhow::Result<u64> {
    let record = server.record(supervisor, case_id).await?.expect("the case");
    let base = record["version"].as_u64().unwrap_or_default();
    let ids: Vec<Uuid> = officers.iter().map(|d| d.user.id).collect();
    let change = upsert_of(
        "case",
        mutation_id,
        case_id,
        base,
        json!({"assigned_officers": ids}),
    );
    let (status, answer) = server.push(supervisor, vec![change]).await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(statuses(&answer), ["applied"], "{answer}");
    Ok(answer["results"][0]["version"].as_u64().unwrap_or_default())
}

async fn an_officer_sees_and_writes_only_its_own_cases(server: &TestServer) -> anyhow::Result<()> {
    let a = server.user("petugas-a", Role::Officer).await?;
    let b = server.user("petugas-b", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let (mutations, case_id, ids) = whole_case(1);
    let (status, answer) = server.push(&a, mutations).await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(statuses(&answer), ["applied"; 8], "{answer}");
    let outreach = Uuid::now_v7();
    let fields = activity("33.03.01", "2026-10-01", (5, 5, 0, 0));
    server
        .push(&b, vec![upsert(1, outreach, 0, fields)])
        .await?;

    // The creator pulls its whole case; another officer pulls only the activity.
    let mut a_sees = ids.clone();
    a_sees.push(outreach);
    assert_eq!(ids_of(&server.pull_all(&a).await?), sorted(&a_sees));
    assert_eq!(ids_of(&server.pull_all(&b).await?), sorted(&[outreach]));
    assert_eq!(
        ids_of(&server.pull_all(&supervisor).await?),
        sorted(&a_sees)
    );

    // Another officer may neither change the case nor add to it.
    let case_version = server.record(&a, case_id).await?.expect("case")["version"].clone();
    let base = case_version.as_u64().unwrap_or_default();
    let edit = upsert_of("case", 2, case_id, base, json!({"status": "assessed"}));
    let added = upsert_of("note", 3, Uuid::now_v7(), 0, note(case_id, "Catatan B"));
    let (_, answer) = server.push(&b, vec![edit, added]).await?;
    assert_eq!(statuses(&answer), ["rejected", "rejected"], "{answer}");
    assert_eq!(error_of(&answer, 0).0, "forbidden");
    assert_eq!(
        answer["last_mutation_id"], 3,
        "rejections advance the last id"
    );
    // Nothing is said of a record out of scope: a note under A's case is refused exactly
    // as one under a case that does not exist; A's records named with another kind, or
    // with a parent changed, are `forbidden`, without their kind or which field is fixed.
    let nowhere = upsert_of("note", 1, Uuid::now_v7(), 0, note(Uuid::now_v7(), "B"));
    let as_note = upsert_of("note", 2, ids[2], 0, note(case_id, "B"));
    let moved = upsert_of("victim", 3, ids[1], 1, json!({"case_id": Uuid::now_v7()}));
    let other_phone = server.device(&b.user).await?;
    let (_, probes) = server
        .push(&other_phone, vec![nowhere, as_note, moved])
        .await?;
    let without_ids = |error: &Value| {
        let text = error.to_string();
        [case_id, ids[1], ids[2]]
            .iter()
            .fold(text, |text, id| text.replace(&id.to_string(), "ID"))
    };
    assert_eq!(
        without_ids(&answer["results"][1]["error"]),
        without_ids(&probes["results"][0]["error"]),
        "under A's case as under none: {answer} {probes}"
    );
    for i in [1, 2] {
        let error = &probes["results"][i]["error"];
        assert_eq!(error["code"], "forbidden", "{probes}");
        let text = error.to_string();
        for said in ["victim_identity", "victim", "case_id", "cannot_change"] {
            assert!(!text.contains(said), "{said} in {text}");
        }
    }
    assert_eq!(
        server.record(&a, case_id).await?.expect("case")["fields"]["status"],
        "reported"
    );

    // Once assigned, the other officer pulls the case and may write it.
    let (_, before) = server.pull_after(&b, None, 3).await?;
    assign(server, &supervisor, 1, case_id, &[&b]).await?;
    let (gained, _) = server.pull_after(&b, before, 3).await?;
    assert_eq!(
        ids_of(&gained),
        sorted(&ids),
        "every record of the case, once"
    );
    assert!(gained
        .iter()
        .all(|r| r["deleted"] == false && r["fields"] != json!({})));
    let identity = gained
        .iter()
        .find(|r| r["kind"] == "victim_identity")
        .expect("identity");
    assert_eq!(identity["fields"]["full_name"], sealed("Siti Aminah"));
    let base = server.record(&b, case_id).await?.expect("case")["version"].as_u64();
    let edit = upsert_of(
        "case",
        4,
        case_id,
        base.unwrap_or(0),
        json!({"status": "assessed"}),
    );
    let (_, answer) = server.push(&b, vec![edit]).await?;
    assert_eq!(statuses(&answer), ["applied"], "{answer}");
    Ok(())
}

async fn a_record_that_leaves_scope_is_sent_once_as_deleted(
    server: &TestServer,
) -> anyhow::Result<()> {
    let a = server.user("petugas-a", Role::Officer).await?;
    let b = server.user("petugas-b", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let (mutations, case_id, ids) = whole_case(1);
    let next = mutations.len() as u64 + 1;
    server.push(&a, mutations).await?;
    // Activities every officer sees, older than what follows: a new device's first sync
    // then takes several pages.
    let outreach: Vec<Value> = (0..7)
        .map(|n| {
            let fields = activity("33.03.01", "2026-06-15", (n, 1, 0, 0));
            upsert_of("activity", next + n, Uuid::now_v7(), 0, fields)
        })
        .collect();
    server.push(&a, outreach).await?;
    assign(server, &supervisor, 1, case_id, &[&b]).await?;
    let (seen, cursor) = server.pull_after(&b, None, 3).await?;
    let activities = 7;
    assert_eq!(seen.len(), ids.len() + activities);
    let seen: Vec<Value> = seen
        .into_iter()
        .filter(|r| r["kind"] != "activity")
        .collect();
    assert_eq!(ids_of(&seen), sorted(&ids));

    assign(server, &supervisor, 2, case_id, &[]).await?;
    let (left, cursor) = server.pull_after(&b, cursor, 3).await?;
    assert_eq!(ids_of(&left), sorted(&ids), "each record once");
    for record in &left {
        assert_eq!(record["deleted"], true, "{record}");
        assert_eq!(record["fields"], json!({}), "no field survives: {record}");
    }
    let kinds: BTreeMap<String, String> = left
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or("").into(),
                r["kind"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(kinds[&ids[3].to_string()], "victim_identity");
    let (again, _) = server.pull_after(&b, cursor, 3).await?;
    assert!(again.is_empty(), "sent once: {again:?}");
    assert!(
        server
            .pull_all(&b)
            .await?
            .iter()
            .all(|r| r["kind"] == "activity"),
        "a new device gets nothing of it"
    );
    // Nor over a first sync of many pages: no page of it names what left the scope
    // before the sync began.
    let phone = server.device(&b.user).await?;
    let (first_sync, _) = server.pull_after(&phone, None, 3).await?;
    assert_eq!(first_sync.len(), activities, "{first_sync:?}");
    assert!(first_sync
        .iter()
        .all(|r| r["deleted"] == false && r["kind"] == "activity"));

    // Out of scope again: writes are refused, as under a case that does not exist; the
    // creator keeps the case.
    let edit = upsert_of("note", 1, Uuid::now_v7(), 0, note(case_id, "Masih bisa?"));
    let (_, answer) = server.push(&b, vec![edit]).await?;
    assert_eq!(
        error_of(&answer, 0),
        (
            "invalid_field".into(),
            "case_id".into(),
            "unknown_parent".into()
        ),
        "{answer}"
    );
    let a_sees = server.pull_all(&a).await?;
    assert!(a_sees.iter().all(|r| r["deleted"] == false));
    let a_sees: Vec<Value> = a_sees
        .into_iter()
        .filter(|r| r["kind"] != "activity")
        .collect();
    assert_eq!(ids_of(&a_sees), sorted(&ids));
    Ok(())
}

async fn only_supervisors_assign_and_only_officers_are_assigned(
    server: &TestServer,
) -> anyhow::Result<()> {
    let a = server.user("petugas-a", Role::Officer).await?;
    let b = server.user("petugas-b", Role::Officer).await?;
    let viewer = server.user("bupati", Role::Viewer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let case_id = Uuid::now_v7();
    let mut fields = case("33.03.02");
    fields["assigned_officers"] = json!([b.user.id]);
    let (_, answer) = server
        .push(&a, vec![upsert_of("case", 1, case_id, 0, fields)])
        .await?;
    assert_eq!(
        error_of(&answer, 0),
        (
            "forbidden".into(),
            "assigned_officers".into(),
            String::new()
        ),
        "{answer}"
    );
    let (_, answer) = server
        .push(&a, vec![upsert_of("case", 2, case_id, 0, case("33.03.02"))])
        .await?;
    assert_eq!(statuses(&answer), ["applied"], "{answer}");
    let version = answer["results"][0]["version"].as_u64().unwrap_or_default();
    let wrong = json!({"assigned_officers": [viewer.user.id]});
    let (_, answer) = server
        .push(
            &supervisor,
            vec![upsert_of("case", 1, case_id, version, wrong)],
        )
        .await?;
    assert_eq!(
        error_of(&answer, 0),
        (
            "invalid_field".into(),
            "assigned_officers".into(),
            "unknown_officer".into()
        ),
        "{answer}"
    );
    assign(server, &supervisor, 2, case_id, &[&a, &b]).await?;
    let (_, page) = server.pull(&viewer, None, None).await?;
    assert_eq!(page["error"]["code"], "forbidden", "viewers pull nothing");
    assert!(ids_of(&server.pull_all(&b).await?).contains(&case_id.to_string()));
    Ok(())
}

async fn parent_links_must_exist_and_never_change(server: &TestServer) -> anyhow::Result<()> {
    let a = server.user("petugas-a", Role::Officer).await?;
    let (mutations, case_id, ids) = whole_case(1);
    server.push(&a, mutations).await?;
    let (other_case, victim_id) = (Uuid::now_v7(), ids[1]);
    let orphan = upsert_of(
        "victim",
        9,
        Uuid::now_v7(),
        0,
        victim(Uuid::now_v7(), "33.03.08"),
    );
    let wrong_kind = upsert_of(
        "service",
        10,
        Uuid::now_v7(),
        0,
        service(case_id, "2026-10-03", None),
    );
    let second_case = upsert_of("case", 11, other_case, 0, case("33.03.01"));
    let version = server.record(&a, victim_id).await?.expect("victim")["version"].as_u64();
    let moved = upsert_of(
        "victim",
        12,
        victim_id,
        version.unwrap_or(0),
        json!({"case_id": other_case}),
    );
    let same = upsert_of(
        "victim",
        13,
        victim_id,
        version.unwrap_or(0),
        json!({"case_id": case_id, "age": 20}),
    );
    let (_, answer) = server
        .push(&a, vec![orphan, wrong_kind, second_case, moved, same])
        .await?;
    assert_eq!(
        statuses(&answer),
        ["rejected", "rejected", "applied", "rejected", "applied"],
        "{answer}"
    );
    let problem = |i| error_of(&answer, i);
    assert_eq!(
        problem(0),
        (
            "invalid_field".into(),
            "case_id".into(),
            "unknown_parent".into()
        )
    );
    assert_eq!(
        problem(1),
        (
            "invalid_field".into(),
            "victim_id".into(),
            "unknown_parent".into()
        )
    );
    assert_eq!(
        problem(3),
        (
            "invalid_field".into(),
            "case_id".into(),
            "cannot_change".into()
        )
    );
    let victim_now = server.record(&a, victim_id).await?.expect("victim");
    assert_eq!(victim_now["fields"]["case_id"], json!(case_id));
    assert_eq!(victim_now["fields"]["age"], 20);
    Ok(())
}

async fn notes_are_insert_only(server: &TestServer) -> anyhow::Result<()> {
    let a = server.user("petugas-a", Role::Officer).await?;
    let phone2 = server.device(&a.user).await?;
    let case_id = Uuid::now_v7();
    let (_, answer) = server
        .push(&a, vec![upsert_of("case", 1, case_id, 0, case("33.03.05"))])
        .await?;
    assert_eq!(statuses(&answer), ["applied"], "{answer}");
    // Two phones write notes on the same case, offline, from the same base: no conflict.
    let (n1, n2) = (Uuid::now_v7(), Uuid::now_v7());
    let first = upsert_of("note", 2, n1, 0, note(case_id, "Dari HP pertama"));
    let second = upsert_of("note", 1, n2, 0, note(case_id, "Dari HP kedua"));
    let (_, one) = server.push(&a, vec![first.clone()]).await?;
    let (_, two) = server.push(&phone2, vec![second]).await?;
    assert_eq!(
        (statuses(&one), statuses(&two)),
        (vec!["applied".into()], vec!["applied".into()])
    );
    // Re-sending the same note (a retried create) changes nothing; editing it is refused.
    let version = one["results"][0]["version"].as_u64().unwrap_or_default();
    let again = upsert_of("note", 3, n1, 0, note(case_id, "Dari HP pertama"));
    let edit = upsert_of("note", 4, n1, version, json!({"text": "Diubah"}));
    let (_, answer) = server.push(&a, vec![again, edit]).await?;
    assert_eq!(statuses(&answer), ["applied", "rejected"], "{answer}");
    assert_eq!(answer["results"][0]["version"], version, "unchanged");
    assert_eq!(
        error_of(&answer, 1),
        (
            "invalid_field".into(),
            "text".into(),
            "cannot_change".into()
        )
    );
    let notes: Vec<Value> = server
        .pull_all(&a)
        .await?
        .into_iter()
        .filter(|r| r["kind"] == "note")
        .collect();
    assert_eq!(notes.len(), 2);
    assert!(notes.iter().all(|n| n["conflict"] == false));
    let text = notes.iter().find(|n| n["id"] == json!(n1)).expect("note")["fields"]["text"].clone();
    assert_eq!(text, "Dari HP pertama");
    Ok(())
}

async fn generated_cases_load_and_reach_only_their_officers(
    server: &TestServer,
) -> anyhow::Result<()> {
    use gugus_worker::generate::{load, Plan};
    let a = server.user("petugas-a", Role::Officer).await?;
    let b = server.user("petugas-b", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let until = time::macros::date!(2026 - 11 - 29);
    let plan = Plan {
        seed: 11,
        cases: 12,
        activities: 5,
        months: 6,
        until,
        officers: vec![a.user.id],
        referral_agencies: Vec::new(),
    };
    let stored = load(
        server.store.as_ref(),
        &supervisor.user,
        &[],
        &plan,
        37,
        until,
    )
    .await?;
    let expected: Vec<Uuid> = plan.records().map(|r| r.id).collect();
    assert_eq!(stored, expected.len() as u64);
    assert_eq!(
        ids_of(&server.pull_all(&supervisor).await?),
        sorted(&expected)
    );
    assert_eq!(
        ids_of(&server.pull_all(&a).await?),
        sorted(&expected),
        "assigned: all"
    );
    let activities: Vec<Uuid> = (0..plan.activities).map(|i| plan.activity(i).id).collect();
    assert_eq!(
        ids_of(&server.pull_all(&b).await?),
        sorted(&activities),
        "others: activities"
    );
    Ok(())
}

/// A device's view, kept the way the app keeps it: a pulled deleted record is forgotten.
#[derive(Default)]
struct Mirror {
    cursor: Option<String>,
    records: BTreeMap<String, u64>,
}

impl Mirror {
    /// Pulls from the cursor in pages of `limit`, until `more` is false.
    async fn catch_up(
        &mut self,
        server: &TestServer,
        device: &Device,
        limit: u32,
    ) -> anyhow::Result<()> {
        loop {
            let (status, page) = server
                .pull(device, self.cursor.as_deref(), Some(limit))
                .await?;
            anyhow::ensure!(status == StatusCode::OK, "pull: {status} {page}");
            for record in page["records"].as_array().into_iter().flatten() {
                let id = record["id"].as_str().unwrap_or_default().to_owned();
                match record["deleted"] == true {
                    true => self.records.remove(&id),
                    false => self
                        .records
                        .insert(id, record["version"].as_u64().unwrap_or(0)),
                };
            }
            self.cursor = page["cursor"]
                .as_str()
                .map(str::to_owned)
                .or(self.cursor.take());
            if page["more"] != true {
                return Ok(());
            }
        }
    }
}

async fn an_officer_following_assignments_in_and_out_ends_with_exactly_its_scope(
    server: &TestServer,
) -> anyhow::Result<()> {
    use rand::{Rng, SeedableRng};
    let a = server.user("petugas-a", Role::Officer).await?;
    let b = server.user("petugas-b", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261129);
    let mut cases = Vec::new();
    let mut next = [1u64, 1u64];
    for _ in 0..3 {
        let (mutations, case_id, _) = whole_case(next[0]);
        next[0] += mutations.len() as u64;
        server.push(&a, mutations).await?;
        cases.push(case_id);
    }
    let mut assigned = vec![false; cases.len()];
    let mut mirror = Mirror::default();
    for step in 0..60 {
        let which = rng.gen_range(0..cases.len());
        let case_id = cases[which];
        match rng.gen_range(0..10) {
            0..=3 => {
                let on = rng.gen_bool(0.5);
                let officers: Vec<&Device> = if on { vec![&b] } else { vec![] };
                assign(server, &supervisor, next[1], case_id, &officers).await?;
                next[1] += 1;
                assigned[which] = on;
            }
            4..=5 => {
                let text = format!("Langkah {step}");
                let added = upsert_of("note", next[0], Uuid::now_v7(), 0, note(case_id, &text));
                next[0] += 1;
                let (_, answer) = server.push(&a, vec![added]).await?;
                assert_eq!(statuses(&answer), ["applied"], "{answer}");
            }
            6 => {
                let record = server.record(&supervisor, case_id).await?.expect("case");
                let base = record["version"].as_u64().unwrap_or(0);
                let edit = json!({"summary": format!("Diperbarui pada langkah {step}")});
                let change = upsert_of("case", next[0], case_id, base, edit);
                next[0] += 1;
                let (_, answer) = server.push(&a, vec![change]).await?;
                assert_eq!(statuses(&answer), ["applied"], "{answer}");
            }
            _ => mirror.catch_up(server, &b, rng.gen_range(1..6)).await?,
        }
    }
    mirror.catch_up(server, &b, 4).await?;
    let everything = server.pull_all(&supervisor).await?;
    let expected: BTreeMap<String, u64> = everything
        .iter()
        .filter(|r| {
            let case = match r["kind"].as_str() {
                Some("case") => r["id"].clone(),
                Some("service") | Some("victim_identity") => {
                    let victim = &r["fields"]["victim_id"];
                    let parent = everything.iter().find(|v| &v["id"] == victim);
                    parent.map_or(Value::Null, |v| v["fields"]["case_id"].clone())
                }
                _ => r["fields"]["case_id"].clone(),
            };
            cases
                .iter()
                .zip(&assigned)
                .any(|(id, on)| *on && case == json!(id))
        })
        .map(|r| {
            (
                r["id"].as_str().unwrap_or_default().to_owned(),
                r["version"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        mirror.records, expected,
        "exactly its scope, each record at its version"
    );
    Ok(())
}

/// Two cases of the same victim (found by the NIK's blind index, issue #18): a supervisor
/// links them; an officer may not; a link goes to another existing case only, 20 at most.
async fn only_supervisors_link_cases_and_only_to_other_cases(
    server: &TestServer,
) -> anyhow::Result<()> {
    let officer = server.user("petugas-a", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
    let (_, answer) = server
        .push(
            &officer,
            vec![
                upsert_of("case", 1, first, 0, case("33.03.08")),
                upsert_of("case", 2, second, 0, case("33.03.02")),
            ],
        )
        .await?;
    assert_eq!(statuses(&answer), ["applied", "applied"], "{answer}");
    let version = answer["results"][1]["version"].as_u64().unwrap_or_default();
    let link =
        |n: u64, to: Vec<Uuid>| upsert_of("case", n, second, version, json!({"linked_cases": to}));

    let (_, answer) = server.push(&officer, vec![link(3, vec![first])]).await?;
    assert_eq!(error_of(&answer, 0).0, "forbidden", "{answer}");
    assert_eq!(answer["results"][0]["error"]["field"], "linked_cases");

    let too_many: Vec<Uuid> = (0..21).map(|_| Uuid::now_v7()).collect();
    let (_, answer) = server
        .push(
            &supervisor,
            vec![
                link(1, vec![Uuid::now_v7()]),
                link(2, vec![second]),
                link(3, too_many),
                link(4, vec![first]),
            ],
        )
        .await?;
    assert_eq!(
        statuses(&answer),
        ["rejected", "rejected", "rejected", "applied"],
        "{answer}"
    );
    let problem = |i| error_of(&answer, i).2;
    assert_eq!(
        [problem(0), problem(1), problem(2)],
        ["unknown_case", "unknown_case", "too_large"]
    );
    let stored = server.record(&officer, second).await?.expect("the case");
    assert_eq!(stored["fields"]["linked_cases"], json!([first]));

    // The officer's own edit that sends the links as they are is no linking.
    let version = stored["version"].as_u64().unwrap_or_default();
    let edit = json!({"status": "assessed", "linked_cases": [first]});
    let (_, answer) = server
        .push(&officer, vec![upsert_of("case", 4, second, version, edit)])
        .await?;
    assert_eq!(statuses(&answer), ["applied"], "{answer}");
    Ok(())
}
