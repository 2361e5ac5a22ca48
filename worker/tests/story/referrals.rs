//! Issue #19: the agencies as data each deployment edits, the accounts and services that
//! name them, and referrals between agencies: the liaison's scope, each step, and the
//! refusals with their codes.

use crate::common::records::{case, service, upsert_of, victim};
use crate::common::{assert_error, Device, TestServer, PASSWORD};
use gugus_model::api::Role;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

crate::on_both_backends!(
    agencies_are_a_list_each_deployment_edits,
    accounts_and_services_name_an_active_agency_of_the_list,
    a_referral_lives_through_its_steps_and_only_its_agency_answers,
    the_per_agency_figures_are_what_the_referrals_imply,
    the_demo_and_a_generated_load_refer_and_answer_as_each_agency,
);

/// The statuses of a push's results, in order.
fn statuses(answer: &Value) -> Vec<String> {
    answer["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["status"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// (code, field, first problem) of a push's result.
fn error_of(answer: &Value, index: usize) -> (String, String, String) {
    let error = &answer["results"][index]["error"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    (
        text(&error["code"]),
        text(&error["field"]),
        text(&error["fields"][0]["problem"]),
    )
}

fn refused(code: &str, field: &str, problem: &str) -> (String, String, String) {
    (code.into(), field.into(), problem.into())
}

/// An agency's body.
fn agency(code: &str, name: &str, kind: &str, active: bool) -> Value {
    json!({"code": code, "name_id": name, "name_en": name, "kind": kind, "active": active})
}

/// A referral's fields, of a victim to an agency.
fn referral(victim_id: Uuid, agency: &str) -> Value {
    json!({
        "victim_id": victim_id, "agency": agency, "service": "shelter",
        "reason": "Korban perlu rumah aman malam ini", "urgency": "urgent",
        "referred_on": "2026-10-04", "needed_by": "2026-10-11", "sex": "female",
        "age_group": "adult", "kecamatan": "33.03.08",
    })
}

/// A step's fields.
fn step(referral_id: Uuid, action: &str, date: &str) -> Value {
    let mut fields = json!({"referral_id": referral_id, "action": action, "date": date});
    if action == "decline" {
        fields["decline_reason"] = json!("no_capacity");
        fields["note"] = json!("Rumah aman penuh sampai akhir bulan");
    }
    fields
}

async fn agencies_are_a_list_each_deployment_edits(server: &TestServer) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let officer = server.user("petugas", Role::Officer).await?;
    let viewer = server.user("bupati", Role::Viewer).await?;

    // Every role reads the seeded list, in the old list's order and names.
    for device in [&officer, &viewer] {
        let (status, list) = server.get("/agencies", Some(&device.token)).await?;
        assert_eq!(status, StatusCode::OK, "{list}");
        let agencies = list["agencies"].as_array().cloned().unwrap_or_default();
        assert_eq!(agencies.len(), gugus_model::vocab::AGENCIES.terms.len());
        assert_eq!(
            agencies[1],
            json!({"code": "uptd_ppa", "name_id": "UPTD PPA",
                   "name_en": "Women and children service unit (UPTD PPA)",
                   "kind": "service_unit", "active": true})
        );
    }
    let (status, _) = server.get("/agencies", None).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Only an admin adds or changes one.
    let jaring = agency("lsm_jaring", " LSM Jaring Perempuan ", "ngo", true);
    let answer = server
        .post("/agencies", Some(&officer.token), &jaring)
        .await?;
    assert_error(&answer, StatusCode::FORBIDDEN, "forbidden");
    let (status, made) = server
        .post("/agencies", Some(&admin.token), &jaring)
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["name_id"], "LSM Jaring Perempuan", "names are trimmed");
    let answer = server
        .post("/agencies", Some(&admin.token), &jaring)
        .await?;
    assert_error(&answer, StatusCode::BAD_REQUEST, "agency_taken");
    for bad in [
        agency("LSM Jaring", "LSM", "ngo", true),
        agency("lsm_dua", "", "ngo", true),
        agency("lsm_dua", "LSM Dua", "army", true),
    ] {
        let answer = server.post("/agencies", Some(&admin.token), &bad).await?;
        assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    }

    // Deactivated, never deleted; the code never changes.
    let off = agency("lsm_jaring", "LSM Jaring Perempuan", "ngo", false);
    let answer = server
        .put("/agencies/lsm_jaring", Some(&viewer.token), &off)
        .await?;
    assert_error(&answer, StatusCode::FORBIDDEN, "forbidden");
    let (status, changed) = server
        .put("/agencies/lsm_jaring", Some(&admin.token), &off)
        .await?;
    assert_eq!(
        (status, &changed["active"]),
        (StatusCode::OK, &json!(false))
    );
    let answer = server
        .put("/agencies/lsm_lain", Some(&admin.token), &off)
        .await?;
    assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    let ghost = agency("lsm_hantu", "LSM Hantu", "ngo", true);
    let answer = server
        .put("/agencies/lsm_hantu", Some(&admin.token), &ghost)
        .await?;
    assert_error(&answer, StatusCode::NOT_FOUND, "not_found");
    let (_, list) = server.get("/agencies", Some(&officer.token)).await?;
    let last = list["agencies"].as_array().and_then(|a| a.last()).cloned();
    assert_eq!(
        last,
        Some(agency("lsm_jaring", "LSM Jaring Perempuan", "ngo", false))
    );

    // Each change is on the audit trail.
    let (_, trail) = server.get("/audit?limit=50", Some(&admin.token)).await?;
    let changes: Vec<&Value> = trail["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["detail"]["change"])
        .filter(|c| c.as_str().is_some_and(|c| c.starts_with("agency_")))
        .collect();
    assert_eq!(changes, [&json!("agency_changed"), &json!("agency_added")]);
    Ok(())
}

async fn accounts_and_services_name_an_active_agency_of_the_list(
    server: &TestServer,
) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let officer = server.user("petugas", Role::Officer).await?;
    let lsm = agency("lsm_jaring", "LSM Jaring Perempuan", "ngo", true);
    let (status, _) = server.post("/agencies", Some(&admin.token), &lsm).await?;
    assert_eq!(status, StatusCode::CREATED);

    // A liaison belongs to one agency of the list, active.
    let account = |agency: &str| {
        json!({"username": "penghubung", "name": "Rina", "role": "liaison",
               "agency": agency, "password": PASSWORD})
    };
    for (agency, code) in [
        ("", "agency_required"),
        ("  ", "agency_required"),
        ("dinas_rahasia", "unknown_agency"),
    ] {
        let answer = server
            .post("/users", Some(&admin.token), &account(agency))
            .await?;
        assert_error(&answer, StatusCode::BAD_REQUEST, code);
    }
    let (status, made) = server
        .post("/users", Some(&admin.token), &account("lsm_jaring"))
        .await?;
    assert_eq!(
        (status, &made["role"]),
        (StatusCode::CREATED, &json!("liaison"))
    );

    // A service's provider: on the list; active when it is set.
    let (case_id, victim_id, service_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let mut fields = service(victim_id, "2026-10-03", None);
    fields["provider"] = json!("lsm_jaring");
    let (_, answer) = server
        .push(
            &officer,
            vec![
                upsert_of("case", 1, case_id, 0, case("33.03.08")),
                upsert_of("victim", 2, victim_id, 0, victim(case_id, "33.03.08")),
                upsert_of("service", 3, service_id, 0, fields.clone()),
            ],
        )
        .await?;
    assert_eq!(statuses(&answer), ["applied", "applied", "applied"]);
    let off = agency("lsm_jaring", "LSM Jaring Perempuan", "ngo", false);
    let (status, _) = server
        .put("/agencies/lsm_jaring", Some(&admin.token), &off)
        .await?;
    assert_eq!(status, StatusCode::OK);
    let answer = server
        .post("/users", Some(&admin.token), &{
            let mut body = account("lsm_jaring");
            body["username"] = json!("penghubung2");
            body
        })
        .await?;
    assert_error(&answer, StatusCode::BAD_REQUEST, "inactive_agency");

    // The stored service keeps its provider through an edit; a new one cannot name it,
    // nor an agency that is not on the list.
    let mut edited = fields.clone();
    edited["notes"] = json!("Dijemput keluarga");
    let mut unknown = service(victim_id, "2026-10-04", None);
    unknown["provider"] = json!("lsm_tidak_ada");
    let (_, answer) = server
        .push(
            &officer,
            vec![
                upsert_of("service", 4, service_id, 3, edited),
                upsert_of("service", 5, Uuid::now_v7(), 0, fields),
                upsert_of("service", 6, Uuid::now_v7(), 0, unknown),
            ],
        )
        .await?;
    assert_eq!(statuses(&answer), ["applied", "rejected", "rejected"]);
    assert_eq!(
        error_of(&answer, 1),
        refused("invalid_field", "provider", "inactive_agency")
    );
    assert_eq!(
        error_of(&answer, 2),
        refused("invalid_field", "provider", "unknown_agency")
    );
    Ok(())
}

async fn a_referral_lives_through_its_steps_and_only_its_agency_answers(
    server: &TestServer,
) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let officer = server.user("petugas", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let shelter = server.liaison(&admin, "uptd", "uptd_ppa").await?;
    let shelter_phone = server.device(&shelter.user).await?;
    let police = server.liaison(&admin, "polres", "police").await?;

    // The officer refers the victim twice, to two agencies.
    let (case_id, victim_id) = (Uuid::now_v7(), Uuid::now_v7());
    let (to_shelter, to_police) = (Uuid::now_v7(), Uuid::now_v7());
    let (_, answer) = server
        .push(
            &officer,
            vec![
                upsert_of("case", 1, case_id, 0, case("33.03.08")),
                upsert_of("victim", 2, victim_id, 0, victim(case_id, "33.03.08")),
                upsert_of(
                    "referral",
                    3,
                    to_shelter,
                    0,
                    referral(victim_id, "uptd_ppa"),
                ),
                upsert_of("referral", 4, to_police, 0, referral(victim_id, "police")),
                upsert_of(
                    "referral",
                    5,
                    Uuid::now_v7(),
                    0,
                    referral(victim_id, "tidak_ada"),
                ),
            ],
        )
        .await?;
    assert_eq!(
        statuses(&answer),
        ["applied", "applied", "applied", "applied", "rejected"]
    );
    assert_eq!(
        error_of(&answer, 4),
        refused("invalid_field", "agency", "unknown_agency")
    );

    // Each liaison pulls its agency's referral and nothing of the case.
    let pulled = server.pull_all(&shelter).await?;
    let kinds_ids: Vec<(Value, Value)> = pulled
        .iter()
        .map(|r| (r["kind"].clone(), r["id"].clone()))
        .collect();
    assert_eq!(kinds_ids, [(json!("referral"), json!(to_shelter))]);
    assert_eq!(
        pulled[0]["fields"]["reason"],
        "Korban perlu rumah aman malam ini"
    );
    let pulled = server.pull_all(&police).await?;
    assert_eq!(pulled.len(), 1);
    assert_eq!(pulled[0]["id"], json!(to_police));

    // Only the addressed agency answers; a liaison writes nothing else.
    let (_, answer) = server
        .push(
            &officer,
            vec![upsert_of(
                "referral_step",
                6,
                Uuid::now_v7(),
                0,
                step(to_shelter, "accept", "2026-10-05"),
            )],
        )
        .await?;
    assert_eq!(error_of(&answer, 0), refused("forbidden", "action", ""));
    let (_, answer) = server
        .push(
            &police,
            vec![
                upsert_of(
                    "referral_step",
                    1,
                    Uuid::now_v7(),
                    0,
                    step(to_shelter, "accept", "2026-10-05"),
                ),
                upsert_of(
                    "note",
                    2,
                    Uuid::now_v7(),
                    0,
                    json!({"case_id": case_id, "text": "x"}),
                ),
                upsert_of(
                    "referral",
                    3,
                    Uuid::now_v7(),
                    0,
                    referral(victim_id, "police"),
                ),
            ],
        )
        .await?;
    assert_eq!(
        error_of(&answer, 0),
        refused("invalid_field", "referral_id", "unknown_parent")
    );
    assert_eq!(error_of(&answer, 1), refused("forbidden", "", ""));
    assert_eq!(error_of(&answer, 2), refused("forbidden", "", ""));

    // The shelter accepts, then delivers; a second acceptance from its other phone, and a
    // decline after the delivery, are refused naming where the referral stands.
    let accepted = Uuid::now_v7();
    let (_, answer) = server
        .push(
            &shelter,
            vec![upsert_of(
                "referral_step",
                1,
                accepted,
                0,
                step(to_shelter, "accept", "2026-10-05"),
            )],
        )
        .await?;
    assert_eq!(statuses(&answer), ["applied"]);
    let (_, answer) = server
        .push(
            &shelter_phone,
            vec![upsert_of(
                "referral_step",
                1,
                Uuid::now_v7(),
                0,
                step(to_shelter, "accept", "2026-10-05"),
            )],
        )
        .await?;
    assert_eq!(
        error_of(&answer, 0),
        refused("invalid_field", "action", "referral_accepted")
    );
    let (_, answer) = server
        .push(
            &shelter,
            vec![
                upsert_of(
                    "referral_step",
                    2,
                    Uuid::now_v7(),
                    0,
                    step(to_shelter, "deliver", "2026-10-08"),
                ),
                upsert_of(
                    "referral_step",
                    3,
                    Uuid::now_v7(),
                    0,
                    step(to_shelter, "decline", "2026-10-09"),
                ),
                // The same step again (a retry) changes nothing.
                upsert_of(
                    "referral_step",
                    4,
                    accepted,
                    0,
                    step(to_shelter, "accept", "2026-10-05"),
                ),
            ],
        )
        .await?;
    assert_eq!(statuses(&answer), ["applied", "rejected", "applied"]);
    assert_eq!(
        error_of(&answer, 1),
        refused("invalid_field", "action", "referral_delivered")
    );

    // The police decline (with a reason); a declined referral is neither delivered nor
    // cancelled, and a decline needs its reason.
    let mut no_reason = step(to_police, "decline", "2026-10-06");
    no_reason
        .as_object_mut()
        .map(|f| f.remove("decline_reason"));
    let (_, answer) = server
        .push(
            &police,
            vec![
                upsert_of("referral_step", 4, Uuid::now_v7(), 0, no_reason),
                upsert_of(
                    "referral_step",
                    5,
                    Uuid::now_v7(),
                    0,
                    step(to_police, "decline", "2026-10-06"),
                ),
                upsert_of(
                    "referral_step",
                    6,
                    Uuid::now_v7(),
                    0,
                    step(to_police, "deliver", "2026-10-07"),
                ),
            ],
        )
        .await?;
    assert_eq!(statuses(&answer), ["rejected", "applied", "rejected"]);
    assert_eq!(
        error_of(&answer, 0),
        refused("invalid_field", "decline_reason", "required")
    );
    assert_eq!(
        error_of(&answer, 2),
        refused("invalid_field", "action", "referral_declined")
    );
    let (_, answer) = server
        .push(
            &supervisor,
            vec![
                upsert_of(
                    "referral_step",
                    1,
                    Uuid::now_v7(),
                    0,
                    step(to_police, "cancel", "2026-10-07"),
                ),
                json!({"id": 2, "kind": "referral", "record_id": to_police, "op": "delete",
                       "base_version": 0, "at": "2026-10-07T03:00:00Z"}),
            ],
        )
        .await?;
    assert_eq!(
        error_of(&answer, 0),
        refused("invalid_field", "action", "referral_declined")
    );
    assert_eq!(error_of(&answer, 1).0, "forbidden");

    // The liaisons now pull their referral's steps too; the officer, everything.
    let steps = |records: &[Value]| {
        records
            .iter()
            .filter(|r| r["kind"] == "referral_step")
            .map(|r| {
                r["fields"]["action"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        steps(&server.pull_all(&shelter).await?),
        ["accept", "deliver"]
    );
    assert_eq!(steps(&server.pull_all(&police).await?), ["decline"]);
    let everything = server.pull_all(&officer).await?;
    assert_eq!(steps(&everything), ["accept", "deliver", "decline"]);
    assert_eq!(
        everything
            .iter()
            .filter(|r| r["kind"] == "referral")
            .count(),
        2
    );
    Ok(())
}

/// The test's own count of one agency's referrals as it makes them: received, accepted,
/// declined, delivered, overdue, and the days to answer and to deliver.
type Counting = (u64, u64, u64, u64, u64, Vec<i64>, Vec<i64>);

/// What the test itself expects of one agency's row: (received, accepted, declined,
/// delivered, overdue, median days to answer, median days to deliver).
type Expected = (u64, u64, u64, u64, u64, Option<f64>, Option<f64>);

fn median(mut days: Vec<i64>) -> Option<f64> {
    days.sort_unstable();
    let n = days.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(days[n / 2] as f64),
        _ => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
    }
}

async fn the_per_agency_figures_are_what_the_referrals_imply(
    server: &TestServer,
) -> anyhow::Result<()> {
    let admin = server.user("admin", Role::Admin).await?;
    let officer = server.user("petugas", Role::Officer).await?;
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let viewer = server.user("bupati", Role::Viewer).await?;
    let shelter = server.liaison(&admin, "uptd", "uptd_ppa").await?;
    let police = server.liaison(&admin, "polres", "police").await?;
    let (case_id, victim_id) = (Uuid::now_v7(), Uuid::now_v7());
    let mut mutations = vec![
        upsert_of("case", 1, case_id, 0, case("33.03.08")),
        upsert_of("victim", 2, victim_id, 0, victim(case_id, "33.03.08")),
    ];
    // 12 referrals to the shelter and 8 to the police, made on the 5th of months 1 to 10
    // (each needed 7 days later: every one still open is long overdue).
    let day = |month: usize, day: usize| format!("2026-{month:02}-{day:02}");
    let mut referrals = Vec::new();
    for i in 0..20 {
        let agency = if i < 12 { "uptd_ppa" } else { "police" };
        let month = 1 + i % 10;
        let mut fields = referral(victim_id, agency);
        fields["referred_on"] = json!(day(month, 5));
        fields["needed_by"] = json!(day(month, 12));
        let id = Uuid::now_v7();
        mutations.push(upsert_of("referral", 3 + i as u64, id, 0, fields));
        referrals.push((id, agency, month));
    }
    let (_, answer) = server.push(&officer, mutations).await?;
    assert!(statuses(&answer).iter().all(|s| s == "applied"), "{answer}");

    // The answers, and the test's own count of what they make.
    let mut expected: std::collections::BTreeMap<&str, Counting> = Default::default();
    let (mut shelter_steps, mut police_steps) = (Vec::new(), Vec::new());
    for (i, (id, agency, month)) in referrals.iter().enumerate() {
        let row = expected.entry(agency).or_default();
        row.0 += 1;
        let mut steps: Vec<(&str, usize, Option<&str>)> = Vec::new();
        if *agency == "uptd_ppa" {
            match i % 4 {
                0 => steps.extend([("accept", 6, None), ("deliver", 8 + i % 3, None)]),
                1 => steps.push(("accept", 7, None)),
                2 => steps.push((
                    "decline",
                    9,
                    Some(if i % 8 == 2 {
                        "no_capacity"
                    } else {
                        "not_mandate"
                    }),
                )),
                _ => {}
            }
        } else if i % 2 == 0 {
            steps.push(("deliver", 10, None));
        } else {
            steps.push(("decline", 6, Some("victim_unreachable")));
        }
        for (action, on, _) in &steps {
            match *action {
                "accept" => row.1 += 1,
                "decline" => row.2 += 1,
                "deliver" => row.3 += 1,
                _ => {}
            }
            if *action == "deliver" {
                row.6.push(*on as i64 - 5);
            }
        }
        if let Some((_, on, _)) = steps.first() {
            row.5.push(*on as i64 - 5);
        }
        let open = steps.iter().all(|(a, _, _)| *a == "accept");
        if open {
            row.4 += 1;
        }
        for (action, on, reason) in steps {
            let mut fields = step(*id, action, &day(*month, on));
            match reason {
                Some(reason) => fields["decline_reason"] = json!(reason),
                None => {
                    fields.as_object_mut().map(|f| f.remove("decline_reason"));
                }
            }
            let list = if *agency == "uptd_ppa" {
                &mut shelter_steps
            } else {
                &mut police_steps
            };
            let n = list.len() as u64 + 1;
            list.push(upsert_of("referral_step", n, Uuid::now_v7(), 0, fields));
        }
    }
    for (device, steps) in [(&shelter, shelter_steps), (&police, police_steps)] {
        let (_, answer) = server.push(device, steps).await?;
        assert!(statuses(&answer).iter().all(|s| s == "applied"), "{answer}");
    }
    let expected: std::collections::BTreeMap<&str, Expected> = expected
        .into_iter()
        .map(|(agency, (r, a, d, v, o, answer, deliver))| {
            (agency, (r, a, d, v, o, median(answer), median(deliver)))
        })
        .collect();

    // The supervisor's table says exactly that, in the list's order.
    let (status, table) = server
        .get("/stats/referrals?period=2026", Some(&supervisor.token))
        .await?;
    assert_eq!(status, StatusCode::OK, "{table}");
    assert_eq!(table["suppressed"], false);
    let read = |row: &Value| -> Expected {
        let n = |name: &str| row[name].as_u64().unwrap_or(u64::MAX);
        (
            n("received"),
            n("accepted"),
            n("declined"),
            n("delivered"),
            n("overdue"),
            row["median_days_to_answer"].as_f64(),
            row["median_days_to_deliver"].as_f64(),
        )
    };
    let rows = table["rows"].as_array().cloned().unwrap_or_default();
    let agencies: Vec<&Value> = rows.iter().map(|r| &r["agency"]).collect();
    assert_eq!(agencies, [&json!("uptd_ppa"), &json!("police")]);
    for row in &rows {
        let agency = row["agency"].as_str().unwrap_or_default();
        assert_eq!(read(row), expected[agency], "{agency}: {row}");
    }
    assert_eq!(table["total"]["received"], 20);
    let reasons = |row: &Value| -> Vec<(String, u64)> {
        row["declined_by_reason"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["n"] != 0)
            .map(|c| {
                (
                    c["code"].as_str().unwrap_or_default().to_owned(),
                    c["n"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    assert_eq!(
        reasons(&rows[0]),
        [("not_mandate".to_owned(), 1), ("no_capacity".to_owned(), 2)]
    );
    assert_eq!(reasons(&rows[1]), [("victim_unreachable".to_owned(), 4)]);

    // One month: March's referrals only (i = 2, 12: one each).
    let (_, march) = server
        .get("/stats/referrals?period=2026-03", Some(&supervisor.token))
        .await?;
    assert_eq!(march["total"]["received"], 2, "{march}");
    assert_eq!(march["period"]["from"], "2026-03-01");

    // A viewer's: no count from 1 to 10 shows.
    let (status, suppressed) = server
        .get("/stats/referrals?period=2026", Some(&viewer.token))
        .await?;
    assert_eq!(status, StatusCode::OK, "{suppressed}");
    assert_eq!(suppressed["suppressed"], true);
    let text = suppressed.to_string();
    for n in 1..=10 {
        for name in [
            "received",
            "accepted",
            "declined",
            "delivered",
            "overdue",
            "n",
        ] {
            assert!(
                !text.contains(&format!("\"{name}\":{n},")),
                "{name} {n}: {text}"
            );
            assert!(
                !text.contains(&format!("\"{name}\":{n}}}")),
                "{name} {n}: {text}"
            );
        }
    }
    assert_eq!(suppressed["total"]["received"], 20);
    let answer = server
        .get(
            "/stats/referrals?from=2026-01-01&to=2026-01-20",
            Some(&viewer.token),
        )
        .await?;
    assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    for device in [&officer, &shelter] {
        let answer = server
            .get("/stats/referrals?period=2026", Some(&device.token))
            .await?;
        assert_error(&answer, StatusCode::FORBIDDEN, "forbidden");
    }

    // The CSV says the same, with the agencies' names.
    let response = server
        .client
        .get(format!(
            "{}/stats/referrals/export?period=2026&lang=id",
            server.base
        ))
        .bearer_auth(&supervisor.token)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()["content-disposition"]
        .to_str()?
        .to_owned();
    assert_eq!(
        disposition,
        "attachment; filename=\"gugus-rujukan-2026.csv\""
    );
    let csv = response.text().await?;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("Periode,Instansi,Rujukan masuk,"),
        "{csv}"
    );
    let (r, a, d, v, o, _, _) = expected["uptd_ppa"];
    assert!(
        lines[1].starts_with(&format!("Tahun 2026,UPTD PPA,{r},{a},{d},{v},{o},")),
        "{csv}"
    );
    assert!(
        lines[3].starts_with("Tahun 2026,Semua instansi,20,"),
        "{csv}"
    );
    Ok(())
}

/// The status of each referral among `records` (a pull), as its steps tell it.
fn lives(records: &[Value]) -> std::collections::BTreeMap<String, String> {
    let mut status: std::collections::BTreeMap<String, String> = records
        .iter()
        .filter(|r| r["kind"] == "referral")
        .map(|r| {
            (
                r["id"].as_str().unwrap_or_default().to_owned(),
                "open".to_owned(),
            )
        })
        .collect();
    let mut steps: Vec<&Value> = records
        .iter()
        .filter(|r| r["kind"] == "referral_step")
        .collect();
    steps.sort_by_key(|r| r["version"].as_u64());
    for step in steps {
        let referral = step["fields"]["referral_id"].as_str().unwrap_or_default();
        let next = match step["fields"]["action"].as_str() {
            Some("accept") => "accepted",
            Some("decline") => "declined",
            Some("deliver") => "delivered",
            _ => "cancelled",
        };
        status.insert(referral.to_owned(), next.to_owned());
    }
    status
}

/// A demo account logged in with its own password, on a new device.
async fn demo_login(
    server: &TestServer,
    account: &gugus_worker::demo::DemoAccount,
) -> anyhow::Result<Device> {
    let device_id = Uuid::now_v7();
    let body = json!({"username": account.username, "password": account.password,
                      "device_id": device_id});
    let (status, login) = server.post("/login", None, &body).await?;
    anyhow::ensure!(status == StatusCode::OK, "{login}");
    Ok(Device {
        token: login["token"].as_str().unwrap_or_default().to_owned(),
        device_id,
        user: serde_json::from_value(login["user"].clone())?,
    })
}

async fn the_demo_and_a_generated_load_refer_and_answer_as_each_agency(
    server: &TestServer,
) -> anyhow::Result<()> {
    // The demo: two liaisons, and referrals in every state.
    let today = time::macros::date!(2026 - 11 - 29);
    gugus_worker::demo::ensure_accounts(server.store.as_ref()).await?;
    let added = gugus_worker::demo::seed_cases(server.store.as_ref(), today).await?;
    assert!(added > 0);
    let supervisor = demo_login(server, &gugus_worker::demo::ACCOUNTS[1]).await?;
    let everything = server.pull_all(&supervisor).await?;
    let statuses: std::collections::BTreeSet<String> = lives(&everything).into_values().collect();
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        ["accepted", "cancelled", "declined", "delivered", "open"]
    );
    for (liaison, agency) in gugus_worker::demo::LIAISONS {
        let device = demo_login(server, &liaison).await?;
        assert_eq!(device.user.agency, agency);
        let pulled = server.pull_all(&device).await?;
        assert!(!pulled.is_empty(), "{agency} has referrals");
        let mine = lives(&pulled);
        for record in &pulled {
            assert!(
                record["kind"] == "referral" || record["kind"] == "referral_step",
                "a liaison pulls referrals only: {record}"
            );
            if record["kind"] == "referral" {
                assert_eq!(record["fields"]["agency"], agency);
            }
        }
        let all = lives(&everything);
        for (id, status) in &mine {
            assert_eq!(all.get(id), Some(status));
        }
    }

    // Its figures count every referral made in the span.
    let referred: usize = everything
        .iter()
        .filter(|r| r["kind"] == "referral")
        .count();
    let (status, table) = server
        .get(
            "/stats/referrals?from=2025-01-01&to=2026-11-29",
            Some(&supervisor.token),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{table}");
    assert_eq!(table["total"]["received"], json!(referred));
    Ok(())
}
