//! `GET /api/v1/stats`: the figures of generated data, checked against figures this test
//! works out on its own from the generated records (plain Rust over the records, nothing
//! of the worker's), after edits that move and delete cases, deliver a service, delete a
//! victim and a legal step and move an activity (each kept in the rollups by the push);
//! suppression for viewers; the backfill of the fact tables and the rollups.

use crate::common::records::{delete, upsert_of, village_of};
use crate::common::{assert_error, Device, TestServer};
use gugus_model::api::Role;
use gugus_model::evaluation::{
    ActivityFigures, AreaRow, CaseFigures, Count, Coverage, CoverageRow, Evaluation, FunnelStage,
    LegalFigures, MonthRow, Participants, Period, ServiceFigures, ServiceRow, VictimFigures,
};
use gugus_model::{regions, vocab, RecordKind};
use gugus_worker::generate::{load, Generated, Plan};
use reqwest_native::StatusCode;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::{Date, Duration};
use uuid::Uuid;

crate::on_both_backends!(
    figures_are_what_the_records_imply,
    viewers_get_suppressed_figures_of_whole_periods,
    the_fact_tables_are_filled_from_records_stored_before_them,
    exports_say_what_the_page_says_and_are_audited,
    groups_of_kecamatan_are_set_by_a_supervisor_and_compared_by_viewers,
);

const REGENCY: &str = "33.03";

fn today() -> Date {
    gugus_worker::clock::today_wib()
}

fn plan() -> Plan {
    Plan {
        seed: 2026,
        cases: 240,
        activities: 150,
        months: 9,
        until: today(),
        officers: Vec::new(),
        referral_agencies: Vec::new(),
    }
}

/// The generated records, by id, as the store holds them after the test's edits.
type World = BTreeMap<Uuid, (RecordKind, Map<String, Value>)>;

async fn seed(server: &TestServer) -> anyhow::Result<(Device, World)> {
    let supervisor = server.user("ketua", Role::Supervisor).await?;
    let plan = plan();
    load(
        server.store.as_ref(),
        &supervisor.user,
        &[],
        &plan,
        400,
        today(),
    )
    .await?;
    let mut world: World = plan
        .records()
        .map(|Generated { kind, id, fields }| (id, (kind, fields)))
        .collect();
    // Edits: one case deleted (its children leave every figure), one moved to another
    // kecamatan and reported a month earlier (its children move with it).
    let cases: Vec<Uuid> = world
        .iter()
        .filter(|(_, (kind, _))| *kind == RecordKind::Case)
        .map(|(id, _)| *id)
        .take(2)
        .collect();
    let version = |record: Option<Value>| record.and_then(|r| r["version"].as_u64()).unwrap_or(0);
    let gone = cases[0];
    let v = version(server.record(&supervisor, gone).await?);
    let mut deletion = delete(1, gone, v);
    deletion["kind"] = json!("case");
    let (status, answer) = server.push(&supervisor, vec![deletion]).await?;
    anyhow::ensure!(
        status == StatusCode::OK && answer["results"][0]["status"] == "applied",
        "{answer}"
    );
    world.remove(&gone);
    let moved = cases[1];
    let v = version(server.record(&supervisor, moved).await?);
    let (_, fields) = world.get_mut(&moved).expect("moved case");
    let kecamatan = if fields["kecamatan"] == "33.03.05" {
        "33.03.06"
    } else {
        "33.03.05"
    };
    let reported = day(fields, "date_reported").expect("date") - Duration::days(31);
    let change = json!({
        "kecamatan": kecamatan,
        "desa": village_of(kecamatan),
        "date_reported": gugus_model::activity::format_date(reported.max(plan.from())),
    });
    let (status, answer) = server
        .push(
            &supervisor,
            vec![upsert_of("case", 2, moved, v, change.clone())],
        )
        .await?;
    anyhow::ensure!(
        status == StatusCode::OK && answer["results"][0]["status"] == "applied",
        "{answer}"
    );
    fields.extend(change.as_object().cloned().unwrap_or_default());

    // In one push, edits of children and an activity: a waiting service delivered, a
    // victim deleted (their services leave), a legal step deleted, an activity moved to
    // another village and month.
    let first = |kind: RecordKind, keep: &dyn Fn(&Map<String, Value>) -> bool| {
        world
            .iter()
            .filter(|(id, (k, f))| *k == kind && keep(f) && !cases.contains(id))
            .map(|(id, _)| *id)
            .next()
            .expect("a generated record of the kind")
    };
    let waiting = first(RecordKind::Service, &|f| {
        f.get("delivered_on").is_none() && text(f, "status") != Some("cancelled")
    });
    let victim = first(RecordKind::Victim, &|_| true);
    let step = first(RecordKind::LegalStep, &|_| true);
    let activity = first(RecordKind::Activity, &|_| true);
    let requested = day(&world[&waiting].1, "requested_on").expect("requested");
    let delivered = json!({
        "status": "delivered",
        "delivered_on": gugus_model::activity::format_date((requested + Duration::days(9)).min(today())),
    });
    let held = day(&world[&activity].1, "date").expect("held");
    let kecamatan = if world[&activity].1["kecamatan"] == "33.03.05" {
        "33.03.06"
    } else {
        "33.03.05"
    };
    let moved_activity = json!({
        "date": gugus_model::activity::format_date((held - Duration::days(40)).max(plan.from())),
        "kecamatan": kecamatan,
        "desa": village_of(kecamatan),
    });
    let mut mutations = Vec::new();
    for (n, (id, kind, change)) in [
        (waiting, "service", Some(delivered)),
        (victim, "victim", None),
        (step, "legal_step", None),
        (activity, "activity", Some(moved_activity)),
    ]
    .into_iter()
    .enumerate()
    {
        let v = version(server.record(&supervisor, id).await?);
        let mutation_id = 3 + n as u64;
        mutations.push(match &change {
            Some(change) => upsert_of(kind, mutation_id, id, v, change.clone()),
            None => {
                let mut deletion = delete(mutation_id, id, v);
                deletion["kind"] = json!(kind);
                deletion
            }
        });
        match change {
            Some(change) => {
                let (_, fields) = world.get_mut(&id).expect("edited record");
                fields.extend(change.as_object().cloned().unwrap_or_default());
            }
            None => {
                world.remove(&id);
            }
        }
    }
    let (status, answer) = server.push(&supervisor, mutations).await?;
    anyhow::ensure!(
        status == StatusCode::OK
            && answer["results"]
                .as_array()
                .is_some_and(|r| r.iter().all(|r| r["status"] == "applied")),
        "{answer}"
    );
    Ok((supervisor, world))
}

fn text<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    fields
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn day(fields: &Map<String, Value>, name: &str) -> Option<Date> {
    gugus_model::activity::parse_date(text(fields, name)?)
}

fn uuid(fields: &Map<String, Value>, name: &str) -> Option<Uuid> {
    Uuid::parse_str(text(fields, name)?).ok()
}

fn month(date: Date) -> String {
    format!("{}-{:02}", date.year(), u8::from(date.month()))
}

/// The figures of `area` in `period`, worked out here from the records alone.
fn expected(world: &World, period: Period, area: &str, today: Date) -> Evaluation {
    let all: Vec<&str> = regions::kecamatan().map(|r| r.code.as_str()).collect();
    let members = match area == REGENCY {
        true => all,
        false => vec![area],
    };
    expected_in(world, period, area, &members, today)
}

/// The figures of the kecamatan `members`, answered as `area` (one of them, or a group).
fn expected_in(
    world: &World,
    period: Period,
    area: &str,
    members: &[&str],
    today: Date,
) -> Evaluation {
    let of = |kind: RecordKind| {
        world
            .iter()
            .filter(move |(_, (k, _))| *k == kind)
            .map(|(id, (_, fields))| (*id, fields))
    };
    let in_period = |date: Option<Date>| date.is_some_and(|d| period.from <= d && d <= period.to);
    let in_area = |fields: &Map<String, Value>| {
        area == REGENCY || text(fields, "kecamatan").is_some_and(|k| members.contains(&k))
    };
    let all_cases: HashMap<Uuid, &Map<String, Value>> = of(RecordKind::Case).collect();
    let cases: Vec<(Uuid, &Map<String, Value>)> = of(RecordKind::Case)
        .filter(|(_, f)| in_period(day(f, "date_reported")) && in_area(f))
        .collect();
    let case_set: BTreeSet<Uuid> = cases.iter().map(|(id, _)| *id).collect();
    let count = |n: usize| Some(n as u64);
    let by = |list: &[gugus_model::vocab::Term], field: &str| -> Vec<Count> {
        list.iter()
            .map(|term| Count {
                code: term.code.into(),
                n: count(
                    cases
                        .iter()
                        .filter(|(_, f)| text(f, field) == Some(term.code))
                        .count(),
                ),
            })
            .collect()
    };
    let mut by_destination = by(vocab::DESTINATIONS.terms, "destination");
    by_destination.push(Count {
        code: "not_recorded".into(),
        n: count(
            cases
                .iter()
                .filter(|(_, f)| text(f, "destination").is_none())
                .count(),
        ),
    });
    let names = |f: &Map<String, Value>, field: &str| -> BTreeSet<String> {
        f.get(field)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let case_figures = CaseFigures {
        total: count(cases.len()),
        by_status: by(vocab::CASE_STATUSES.terms, "status"),
        by_modus: by(vocab::MODUS.terms, "modus"),
        by_destination,
        by_exploitation: vocab::EXPLOITATION
            .terms
            .iter()
            .map(|term| Count {
                code: term.code.into(),
                n: count(
                    cases
                        .iter()
                        .filter(|(_, f)| names(f, "exploitation").contains(term.code))
                        .count(),
                ),
            })
            .collect(),
    };

    // Victims of live cases in the area (any date), and those of the period's cases.
    let victim_case: HashMap<Uuid, Uuid> = of(RecordKind::Victim)
        .filter_map(|(id, f)| Some((id, uuid(f, "case_id")?)))
        .filter(|(_, case)| all_cases.get(case).is_some_and(|f| in_area(f)))
        .collect();
    let victims: Vec<&Map<String, Value>> = of(RecordKind::Victim)
        .filter(|(id, _)| victim_case.get(id).is_some_and(|c| case_set.contains(c)))
        .map(|(_, f)| f)
        .collect();
    let victim = |sex: Option<&str>, child: Option<bool>| {
        count(
            victims
                .iter()
                .filter(|f| sex.is_none_or(|s| text(f, "sex") == Some(s)))
                .filter(|f| child.is_none_or(|c| (f["age"].as_u64().unwrap_or(99) < 18) == c))
                .count(),
        )
    };
    let victim_figures = VictimFigures {
        total: victim(None, None),
        female: victim(Some("female"), None),
        male: victim(Some("male"), None),
        children: victim(None, Some(true)),
        adults: victim(None, Some(false)),
        female_children: victim(Some("female"), Some(true)),
        male_children: victim(Some("male"), Some(true)),
        female_adults: victim(Some("female"), Some(false)),
        male_adults: victim(Some("male"), Some(false)),
    };

    let services: Vec<&Map<String, Value>> = of(RecordKind::Service)
        .filter(|(_, f)| uuid(f, "victim_id").is_some_and(|v| victim_case.contains_key(&v)))
        .map(|(_, f)| f)
        .collect();
    let until = period.to.min(today);
    let service_row = |code: &str, rows: Vec<&&Map<String, Value>>| {
        let rows: Vec<&&Map<String, Value>> = rows
            .into_iter()
            .filter(|f| in_period(day(f, "requested_on")))
            .collect();
        let mut days: Vec<u64> = rows
            .iter()
            .filter_map(|f| {
                Some((day(f, "delivered_on")? - day(f, "requested_on")?).whole_days() as u64)
            })
            .collect();
        days.sort_unstable();
        let waiting = rows
            .iter()
            .filter(|f| day(f, "delivered_on").is_none() && text(f, "status") != Some("cancelled"))
            .filter(|f| day(f, "requested_on").is_some_and(|r| (until - r).whole_days() > 7))
            .count();
        let median = match days.len() {
            0 => None,
            n if n % 2 == 1 => Some(days[n / 2] as f64),
            n => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
        };
        ServiceRow {
            code: code.into(),
            requested: count(rows.len()),
            delivered: count(days.len()),
            late: count(days.iter().filter(|d| **d > 7).count()),
            waiting: count(waiting),
            median_days: median,
            longest_days: days.last().copied(),
        }
    };
    let service_figures = ServiceFigures {
        rows: vocab::SERVICE_TYPES
            .terms
            .iter()
            .map(|t| {
                service_row(
                    t.code,
                    services
                        .iter()
                        .filter(|f| text(f, "type") == Some(t.code))
                        .collect(),
                )
            })
            .collect(),
        total: service_row("total", services.iter().collect()),
    };

    let stages = [
        "police_report",
        "investigation",
        "dossier_complete",
        "prosecution",
        "verdict",
        "final",
    ];
    let mut furthest: HashMap<Uuid, Option<usize>> = HashMap::new();
    let mut restitution: HashMap<Uuid, u64> = HashMap::new();
    for (_, f) in of(RecordKind::LegalStep) {
        let Some(case) = uuid(f, "case_id").filter(|c| case_set.contains(c)) else {
            continue;
        };
        let rank = stages.iter().position(|s| text(f, "stage") == Some(*s));
        let entry = furthest.entry(case).or_default();
        *entry = (*entry).max(rank);
        let rupiah = f.get("restitution").and_then(Value::as_u64).unwrap_or(0);
        let most = restitution.entry(case).or_default();
        *most = (*most).max(rupiah);
    }
    let total_cases = cases.len() as u64;
    let funnel = stages
        .iter()
        .enumerate()
        .map(|(rank, code)| {
            let reached = furthest
                .values()
                .filter(|f| f.is_some_and(|f| f >= rank))
                .count() as u64;
            FunnelStage {
                code: (*code).into(),
                cases: Some(reached),
                percent: (total_cases > 0)
                    .then(|| (reached as f64 * 1000.0 / total_cases as f64).round() / 10.0),
            }
        })
        .collect();
    let legal = LegalFigures {
        funnel,
        restitution_cases: count(restitution.values().filter(|r| **r > 0).count()),
        restitution_rupiah: Some(restitution.values().sum()),
    };

    let activities: Vec<&Map<String, Value>> = of(RecordKind::Activity)
        .filter(|(_, f)| in_period(day(f, "date")) && in_area(f))
        .map(|(_, f)| f)
        .collect();
    let people = |field: &str| {
        activities
            .iter()
            .map(|f| f[field].as_u64().unwrap_or(0))
            .sum::<u64>()
    };
    let fa = people("participants_female_adult");
    let ma = people("participants_male_adult");
    let fc = people("participants_female_child");
    let mc = people("participants_male_child");
    let activity_figures = ActivityFigures {
        total: count(activities.len()),
        by_type: vocab::ACTIVITY_TYPES
            .terms
            .iter()
            .map(|t| Count {
                code: t.code.into(),
                n: count(
                    activities
                        .iter()
                        .filter(|f| text(f, "type") == Some(t.code))
                        .count(),
                ),
            })
            .collect(),
        participants: Participants {
            total: Some(fa + ma + fc + mc),
            female: Some(fa + fc),
            male: Some(ma + mc),
            adults: Some(fa + ma),
            children: Some(fc + mc),
            female_adults: Some(fa),
            male_adults: Some(ma),
            female_children: Some(fc),
            male_children: Some(mc),
        },
    };

    let reached: BTreeSet<&str> = activities.iter().filter_map(|f| text(f, "desa")).collect();
    let ever: BTreeSet<&str> = of(RecordKind::Activity)
        .filter(|(_, f)| day(f, "date").is_some_and(|d| d <= period.to))
        .filter_map(|(_, f)| text(f, "desa"))
        .collect();
    let mut kecamatan: Vec<&str> = regions::kecamatan().map(|r| r.code.as_str()).collect();
    kecamatan.sort_unstable();
    let rows: Vec<CoverageRow> = kecamatan
        .iter()
        .filter(|k| area == REGENCY || members.contains(*k))
        .map(|k| {
            let villages: Vec<&str> = regions::villages_of(k).map(|v| v.code.as_str()).collect();
            let not_reached: Vec<String> = villages
                .iter()
                .filter(|v| !reached.contains(*v))
                .map(|v| v.to_string())
                .collect();
            let never: Vec<String> = villages
                .iter()
                .filter(|v| !ever.contains(*v))
                .map(|v| v.to_string())
                .collect();
            CoverageRow {
                code: (*k).into(),
                villages: villages.len() as u64,
                reached: Some((villages.len() - not_reached.len()) as u64),
                not_reached: Some(not_reached),
                never_reached: Some(never),
            }
        })
        .collect();
    let coverage = Coverage {
        villages: rows.iter().map(|r| r.villages).sum(),
        reached: Some(rows.iter().filter_map(|r| r.reached).sum()),
        kecamatan: rows,
    };

    let areas = match area == REGENCY {
        false => Vec::new(),
        true => kecamatan
            .iter()
            .map(|k| {
                let one = expected(world, period, k, today);
                AreaRow {
                    code: (*k).into(),
                    cases: one.cases.total,
                    victims: one.victims.total,
                    services: one.services.total.requested,
                    activities: one.activities.total,
                    participants: one.activities.participants.total,
                }
            })
            .collect(),
    };

    let trend = period
        .months()
        .into_iter()
        .map(|m| {
            let served: BTreeSet<Uuid> = services
                .iter()
                .filter(|f| {
                    day(f, "delivered_on").is_some_and(|d| in_period(Some(d)) && month(d) == m)
                })
                .filter_map(|f| uuid(f, "victim_id"))
                .collect();
            MonthRow {
                new_cases: count(
                    cases
                        .iter()
                        .filter(|(_, f)| day(f, "date_reported").map(month) == Some(m.clone()))
                        .count(),
                ),
                victims_served: count(served.len()),
                activities: count(
                    activities
                        .iter()
                        .filter(|f| day(f, "date").map(month) == Some(m.clone()))
                        .count(),
                ),
                month: m,
            }
        })
        .collect();

    Evaluation {
        period,
        area: area.into(),
        group: None,
        suppressed: false,
        cases: case_figures,
        victims: victim_figures,
        services: service_figures,
        legal,
        activities: activity_figures,
        coverage,
        areas,
        groups: Vec::new(),
        groups_withheld: false,
        trend,
    }
}

async fn stats(server: &TestServer, device: &Device, query: &str) -> anyhow::Result<Evaluation> {
    let (status, answer) = server
        .get(&format!("/stats?{query}"), Some(&device.token))
        .await?;
    anyhow::ensure!(status == StatusCode::OK, "{query}: {status} {answer}");
    Ok(serde_json::from_value(answer)?)
}

/// The periods and areas checked: the data's whole span, its last full quarter, its last
/// full month and the current month, for the regency and two kecamatan.
fn checks() -> Vec<(Period, String)> {
    let plan = plan();
    let span = Period::new(plan.from(), plan.until).expect("span");
    let last_month = today().replace_day(1).expect("first") - Duration::days(1);
    let month = Period::parse(&month(last_month)).expect("month");
    let q = (u8::from(last_month.month()) - 1) / 3 + 1;
    let quarter = Period::parse(&format!("{}-Q{q}", last_month.year())).expect("quarter");
    let this_month = Period::parse(&month_of(today())).expect("this month");
    // A range that starts and ends inside months: its first and last months are counted
    // from the facts of its days, the months between from the rollups.
    let inside = Period::new(
        plan.from() + Duration::days(40),
        last_month - Duration::days(9),
    )
    .expect("range");
    let mut checks = Vec::new();
    for period in [span, quarter, month, this_month, inside] {
        for area in [REGENCY, "33.03.05", "33.03.06"] {
            checks.push((period, area.to_owned()));
        }
    }
    checks
}

fn month_of(date: Date) -> String {
    month(date)
}

fn query(period: &Period, area: &str) -> String {
    let when = match period.shorthand() {
        Some(shorthand) => format!("period={shorthand}"),
        None => format!("from={}&to={}", period.from_text(), period.to_text()),
    };
    format!("{when}&area={area}")
}

async fn figures_are_what_the_records_imply(server: &TestServer) -> anyhow::Result<()> {
    let (supervisor, world) = seed(server).await?;
    let today = today();
    for (period, area) in checks() {
        let answer = stats(server, &supervisor, &query(&period, &area)).await?;
        let want = expected(&world, period, &area, today);
        assert!(!answer.suppressed);
        assert_eq!(
            answer,
            want,
            "{} in {area}",
            period.label(gugus_model::Lang::En)
        );
    }
    // The default area is the regency; the span has cases to count.
    let span = &checks()[0].0;
    let answer = stats(
        server,
        &supervisor,
        &format!("from={}&to={}", span.from_text(), span.to_text()),
    )
    .await?;
    assert_eq!(answer.area, REGENCY);
    assert!(
        answer.cases.total.unwrap_or(0) > 100,
        "{:?}",
        answer.cases.total
    );
    // Officers see no figures; bad periods and areas are refused in words.
    let officer = server.user("petugas", Role::Officer).await?;
    let forbidden = server
        .get("/stats?period=2026", Some(&officer.token))
        .await?;
    assert_error(&forbidden, StatusCode::FORBIDDEN, "forbidden");
    for bad in [
        "period=2026-13",
        "from=2026-02-30&to=2026-03-01",
        "from=2026-03-01",
        "period=2026&from=2026-01-01&to=2026-01-31",
        "from=2026-05-01&to=2026-04-01",
        "",
        "period=2026&area=33.03.99",
    ] {
        let answer = server
            .get(&format!("/stats?{bad}"), Some(&supervisor.token))
            .await?;
        assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    }
    Ok(())
}

async fn viewers_get_suppressed_figures_of_whole_periods(
    server: &TestServer,
) -> anyhow::Result<()> {
    let (supervisor, world) = seed(server).await?;
    let viewer = server.user("bupati", Role::Viewer).await?;
    let today = today();
    for (period, area) in checks()
        .into_iter()
        .filter(|(p, _)| p.shorthand().is_some())
    {
        let q = query(&period, &area);
        let answer = stats(server, &viewer, &q).await?;
        let exact = stats(server, &supervisor, &q).await?;
        assert_eq!(exact, expected(&world, period, &area, today));
        assert!(answer.suppressed, "{q}");
        let (shown, hidden) = compare(
            &serde_json::to_value(&answer)?,
            &serde_json::to_value(&exact)?,
            "",
        );
        // What shows is exact; what is hidden was there; no count from 1 to 10 shows.
        assert!(shown > 0, "{q}: nothing shows");
        let derived = [
            "percent",
            "median_days",
            "longest_days",
            "not_reached",
            "never_reached",
        ];
        assert!(
            hidden
                .iter()
                .filter(|(path, _)| !derived.iter().any(|d| path.ends_with(d)))
                .all(|(_, exact)| exact.as_u64() != Some(0)),
            "{q}: a zero was hidden: {hidden:?}"
        );
        let small = small_counts(&serde_json::to_value(&answer)?, "");
        assert!(small.is_empty(), "{q}: {small:?}");
    }
    // A quarter and its months, asked one by one, never leave a single hidden month
    // beside a shown quarter (the worker suppresses the year's periods together).
    let (quarter, _) = checks().swap_remove(3);
    let q = quarter.shorthand().expect("a calendar quarter");
    let first = u8::from(quarter.from.month());
    for area in [REGENCY, "33.03.05"] {
        let whole = stats(server, &viewer, &format!("period={q}&area={area}")).await?;
        let mut months = Vec::new();
        for m in first..first + 3 {
            let month = format!("{}-{m:02}", quarter.from.year());
            months.push(stats(server, &viewer, &format!("period={month}&area={area}")).await?);
        }
        let figures: [(&str, Figure); 4] = [
            ("cases", |e| e.cases.total),
            ("victims", |e| e.victims.total),
            ("services", |e| e.services.total.requested),
            ("activities", |e| e.activities.total),
        ];
        for (what, figure) in figures {
            let hidden = months.iter().filter(|m| figure(m).is_none()).count();
            assert!(
                figure(&whole).is_none() || hidden != 1,
                "{q} {area}: the quarter's {what} shows with one month hidden"
            );
        }
    }
    // A range of days is refused for a viewer (two overlapping answers would give one day).
    let range = server
        .get("/stats?from=2026-01-01&to=2026-01-15", Some(&viewer.token))
        .await?;
    assert_error(&range, StatusCode::BAD_REQUEST, "bad_request");
    Ok(())
}

/// One figure of an answer.
type Figure = fn(&Evaluation) -> Option<u64>;

/// Walks a viewer's answer beside the exact one: counts the cells that show (and checks
/// they are exact), and lists those hidden with their exact value.
fn compare(viewer: &Value, exact: &Value, path: &str) -> (usize, Vec<(String, Value)>) {
    match (viewer, exact) {
        (Value::Object(v), Value::Object(e)) => {
            let mut out = (0, Vec::new());
            for (key, ev) in e {
                let (s, h) = compare(
                    v.get(key).unwrap_or(&Value::Null),
                    ev,
                    &format!("{path}.{key}"),
                );
                out.0 += s;
                out.1.extend(h);
            }
            out
        }
        (Value::Array(v), Value::Array(e)) => {
            let mut out = (0, Vec::new());
            assert_eq!(v.len(), e.len(), "{path}");
            for (i, (vv, ev)) in v.iter().zip(e).enumerate() {
                let (s, h) = compare(vv, ev, &format!("{path}[{i}]"));
                out.0 += s;
                out.1.extend(h);
            }
            out
        }
        (Value::Null, e) if !e.is_null() => (0, vec![(path.to_owned(), e.clone())]),
        (v, e) => {
            let known_exact = path.ends_with(".suppressed");
            assert!(
                known_exact || v == e,
                "{path}: the viewer sees {v}, the records say {e}"
            );
            (1, Vec::new())
        }
    }
}

/// The counts from 1 to 10 in an answer (percentages, medians, days, rupiah, village
/// totals and the period are not counts of people or cases and are left out).
fn small_counts(value: &Value, path: &str) -> Vec<String> {
    let not_counts = [
        "percent",
        "median_days",
        "longest_days",
        "restitution_rupiah",
        "villages",
    ];
    match value {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !not_counts.contains(&k.as_str()))
            .flat_map(|(k, v)| small_counts(v, &format!("{path}.{k}")))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .flat_map(|(i, v)| small_counts(v, &format!("{path}[{i}]")))
            .collect(),
        Value::Number(n) if n.as_u64().is_some_and(|n| (1..=10).contains(&n)) => {
            vec![path.to_owned()]
        }
        _ => Vec::new(),
    }
}

async fn the_fact_tables_are_filled_from_records_stored_before_them(
    server: &TestServer,
) -> anyhow::Result<()> {
    let (supervisor, world) = seed(server).await?;
    let (period, area) = checks().swap_remove(0);
    let q = query(&period, &area);
    // As if the records were stored before migrations 0006 and 0008: no case facts, no
    // rollups, neither filled yet.
    for table in [
        "case_forms",
        "victim_facts",
        "service_facts",
        "legal_facts",
        "case_facts",
        "fact_backfills",
        "case_rollup",
        "victim_rollup",
        "service_rollup",
        "service_pending",
        "service_days",
        "service_days_all",
        "served_rollup",
        "legal_rollup",
        "activity_rollup",
        "reach_rollup",
    ] {
        server.raw_sql(&format!("DELETE FROM {table}")).await?;
    }
    let empty = stats(server, &supervisor, &q).await?;
    assert_eq!(empty.cases.total, Some(0));
    // A worker starting on this database fills them in.
    let url = gugus_worker::config::DatabaseUrl::parse(&server.url)?;
    gugus_worker::store::connect(&url).await?;
    let answer = stats(server, &supervisor, &q).await?;
    assert_eq!(answer, expected(&world, period, &area, today()));
    // And only once: a second start finds the backfill done and changes nothing.
    gugus_worker::store::connect(&url).await?;
    assert_eq!(stats(server, &supervisor, &q).await?, answer);
    Ok(())
}

/// GETs an export; answers the status, the content type and disposition, and the body.
async fn export(
    server: &TestServer,
    device: &Device,
    query: &str,
) -> anyhow::Result<(StatusCode, String, String, String)> {
    let response = server
        .client
        .get(format!("{}/stats/export?{query}", server.base))
        .bearer_auth(&device.token)
        .send()
        .await?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    Ok((
        response.status(),
        content_type,
        disposition,
        response.text().await?,
    ))
}

async fn exports_say_what_the_page_says_and_are_audited(server: &TestServer) -> anyhow::Result<()> {
    use gugus_model::evaluation::csv::{parse, Table};
    let (supervisor, world) = seed(server).await?;
    let viewer = server.user("bupati", Role::Viewer).await?;
    let (period, _) = checks().swap_remove(3);
    // Every identity value the store holds: none may reach an export.
    let identities: Vec<String> = world
        .values()
        .filter(|(kind, _)| *kind == RecordKind::VictimIdentity)
        .flat_map(|(_, fields)| {
            ["full_name", "nik", "phone", "address"]
                .into_iter()
                .filter_map(|name| text(fields, name).map(str::to_owned))
        })
        .collect();
    assert!(identities.len() > 100, "the generated data has identities");
    let q = query(&period, REGENCY);
    for device in [&supervisor, &viewer] {
        let page = stats(server, device, &q).await?;
        for table in Table::ALL {
            let (status, content_type, disposition, body) = export(
                server,
                device,
                &format!("{q}&table={}&lang=id", table.name()),
            )
            .await?;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(content_type, "text/csv; charset=utf-8; header=present");
            assert!(
                disposition.contains(&format!("gugus-{}-", table.name())),
                "{disposition}"
            );
            let rows = parse(&body);
            assert!(rows.len() > 1, "{table:?}");
            let leaked: Vec<&String> = identities
                .iter()
                .filter(|v| body.contains(v.as_str()))
                .collect();
            assert!(
                leaked.is_empty(),
                "{table:?} holds identity values: {leaked:?}"
            );
            assert!(rows[1..]
                .iter()
                .all(|r| r[0] == period.label(gugus_model::Lang::Id)));
            if page.suppressed {
                assert!(small_counts_in_csv(&rows).is_empty(), "{table:?}: {body}");
            }
        }
        // The trend table, cell by cell, is the page's trend.
        let (_, _, _, body) = export(server, device, &format!("{q}&table=tren-bulanan")).await?;
        let rows = parse(&body);
        // A hidden cell reads "disembunyikan" in Indonesian and "suppressed" in English.
        let cell_in = |lang: gugus_model::Lang, c: Option<u64>| {
            let hidden = if page.suppressed {
                gugus_model::evaluation::csv::SUPPRESSED.get(lang)
            } else {
                "-"
            };
            c.map_or(hidden.to_owned(), |n| n.to_string())
        };
        let cell = |c: Option<u64>| cell_in(gugus_model::Lang::Id, c);
        let want: Vec<Vec<String>> = page
            .trend
            .iter()
            .map(|m| {
                vec![
                    m.month.clone(),
                    cell(m.new_cases),
                    cell(m.victims_served),
                    cell(m.activities),
                ]
            })
            .collect();
        let got: Vec<Vec<String>> = rows[1..].iter().map(|r| r[2..].to_vec()).collect();
        assert_eq!(got, want);
        // So is the regency's row of cases by status, with English headers on asking.
        let (_, _, _, body) = export(server, device, &format!("{q}&table=kasus&lang=en")).await?;
        let rows = parse(&body);
        assert_eq!(rows[0][..3], ["Period", "Area", "By"]);
        let total = rows.iter().find(|r| r[3] == "total").expect("total row");
        assert_eq!(total[5], cell_in(gugus_model::Lang::En, page.cases.total));
    }
    // Bad tables and languages are refused; officers get nothing.
    let bad = server
        .get(
            &format!("/stats/export?{q}&table=identitas"),
            Some(&supervisor.token),
        )
        .await?;
    assert_error(&bad, StatusCode::BAD_REQUEST, "bad_request");
    let bad = server
        .get(
            &format!("/stats/export?{q}&table=kasus&lang=jv"),
            Some(&supervisor.token),
        )
        .await?;
    assert_error(&bad, StatusCode::BAD_REQUEST, "bad_request");
    let bad = server
        .get(
            &format!("/stats/export?{q}&table=kasus&format=xlsx"),
            Some(&supervisor.token),
        )
        .await?;
    assert_error(&bad, StatusCode::BAD_REQUEST, "bad_request");
    // The same table for Excel set to Indonesian: a byte-order mark, `;`, decimal commas.
    {
        use gugus_model::evaluation::csv::{parse_as, Dialect};
        for table in ["penegakan-hukum", "kasus"] {
            let (status, _, _, plain) =
                export(server, &supervisor, &format!("{q}&table={table}")).await?;
            assert_eq!(status, StatusCode::OK);
            let (status, content_type, _, excel) = export(
                server,
                &supervisor,
                &format!("{q}&table={table}&format=excel-id"),
            )
            .await?;
            assert_eq!(status, StatusCode::OK);
            assert!(content_type.starts_with("text/csv"), "{content_type}");
            assert!(excel.starts_with('\u{feff}'), "{table}: a byte-order mark");
            let excel = parse_as(&excel, Dialect::ExcelIndonesia);
            let plain = parse(&plain);
            assert_eq!(excel.len(), plain.len(), "{table}");
            for (x, p) in excel.iter().zip(&plain) {
                let p: Vec<String> = p
                    .iter()
                    .map(|f| match f.parse::<f64>() {
                        Ok(_) if f.contains('.') => f.replace('.', ","),
                        _ => f.clone(),
                    })
                    .collect();
                assert_eq!(*x, p, "{table}");
            }
        }
    }
    let officer = server.user("petugas", Role::Officer).await?;
    let forbidden = server
        .get(
            &format!("/stats/export?{q}&table=kasus"),
            Some(&officer.token),
        )
        .await?;
    assert_error(&forbidden, StatusCode::FORBIDDEN, "forbidden");
    // Every export is in the audit trail, with what was exported.
    let (status, trail) = server
        .get("/audit?limit=100", Some(&supervisor.token))
        .await?;
    assert_eq!(status, StatusCode::OK, "{trail}");
    let exports: Vec<&Value> = trail["entries"]
        .as_array()
        .map(|e| e.iter().filter(|e| e["action"] == "export").collect())
        .unwrap_or_default();
    // Each role's tables and two more each; the supervisor's two tables in both formats.
    assert_eq!(exports.len(), 2 * (Table::ALL.len() + 2) + 4, "{trail}");
    assert!(exports
        .iter()
        .any(|e| e["detail"]["suppressed"] == true && e["detail"]["table"] == "kasus"));
    Ok(())
}

/// Cells of a CSV holding a count from 1 to 10 (columns of days, percentages and rupiah,
/// and the villages' own codes, are not counts).
fn small_counts_in_csv(rows: &[Vec<String>]) -> Vec<String> {
    let header = &rows[0];
    let not_counts = [
        "Median",
        "Terlama",
        "Persen",
        "Jumlah desa",
        "Kode",
        "Bulan",
    ];
    let mut small = Vec::new();
    for row in &rows[1..] {
        for (name, field) in header.iter().zip(row) {
            if not_counts.iter().any(|n| name.starts_with(n)) || row[2] == "restitution_rupiah" {
                continue;
            }
            if field.parse::<u64>().is_ok_and(|n| (1..=10).contains(&n)) {
                small.push(format!("{name}={field} in {row:?}"));
            }
        }
    }
    small
}

async fn groups_of_kecamatan_are_set_by_a_supervisor_and_compared_by_viewers(
    server: &TestServer,
) -> anyhow::Result<()> {
    let (supervisor, world) = seed(server).await?;
    let viewer = server.user("bupati", Role::Viewer).await?;
    let officer = server.user("petugas", Role::Officer).await?;
    let today = today();
    let (status, none) = server.get("/area-groups", Some(&viewer.token)).await?;
    assert_eq!((status, none), (StatusCode::OK, json!({ "groups": [] })));
    let forbidden = server.get("/area-groups", Some(&officer.token)).await?;
    assert_error(&forbidden, StatusCode::FORBIDDEN, "forbidden");
    let north = ["33.03.05", "33.03.06", "33.03.07"];
    let list = json!({ "groups": [
        { "name": " Zona  Utara ", "kecamatan": ["33.03.07", "33.03.05", "33.03.06"] },
        { "name": "Zona Selatan", "kecamatan": ["33.03.01", "33.03.02"] },
    ]});
    let refused = server
        .put("/area-groups", Some(&viewer.token), &list)
        .await?;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    for bad in [
        json!({ "groups": [{ "name": "A", "kecamatan": ["33.03.01", "33.03.02"] },
                           { "name": "B", "kecamatan": ["33.03.02", "33.03.03"] }] }),
        json!({ "groups": [{ "name": "A", "kecamatan": ["33.03.01"] }] }),
        json!({ "groups": [{ "name": "A", "kecamatan": ["33.03.01", "33.03.99"] }] }),
        json!({ "groups": [{ "name": "A", "kecamatan": ["33.03.01", "33.03.02"], "x": 1 }] }),
    ] {
        let answer = server
            .put("/area-groups", Some(&supervisor.token), &bad)
            .await?;
        assert_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    }
    let (status, set) = server
        .put("/area-groups", Some(&supervisor.token), &list)
        .await?;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["groups"][0]["id"], "zona-utara");
    assert_eq!(set["groups"][0]["name"], "Zona Utara");
    assert_eq!(set["groups"][0]["kecamatan"], json!(north));
    let (_, read) = server.get("/area-groups", Some(&viewer.token)).await?;
    assert_eq!(read, set);

    // A supervisor's figures of a group are its kecamatan's, worked out from the records;
    // the regency's table of groups holds each group's main figures.
    let group = "kelompok:zona-utara";
    for (period, _) in checks().into_iter().filter(|(_, a)| a == REGENCY) {
        let mut exact = stats(server, &supervisor, &query(&period, group)).await?;
        let named = exact.group.take().expect("a group's answer names it");
        assert_eq!(
            (named.name.as_str(), named.kecamatan),
            ("Zona Utara", north.map(String::from).to_vec())
        );
        assert_eq!(exact, expected_in(&world, period, group, &north, today));
        let regency = stats(server, &supervisor, &query(&period, REGENCY)).await?;
        let row = &regency.groups[0];
        assert_eq!(
            (row.code.as_str(), row.name.as_str()),
            (group, "Zona Utara")
        );
        assert_eq!(row.kecamatan, north);
        assert_eq!(
            [row.cases, row.victims, row.services, row.activities],
            [
                exact.cases.total,
                exact.victims.total,
                exact.services.total.requested,
                exact.activities.total
            ]
        );
        assert_eq!(regency.groups.len(), 2);
    }
    // A viewer's are suppressed with the rest of the year: no small count, and what shows
    // is exact; or withheld for the year, in words (when two groups of ten in a regency
    // total of twenty shown before would give both away, say: the model's tests show
    // which).
    for (period, _) in checks()
        .into_iter()
        .filter(|(p, a)| a == REGENCY && p.shorthand().is_some())
    {
        let regency = stats(server, &viewer, &query(&period, REGENCY)).await?;
        let (status, answer) = server
            .get(
                &format!("/stats?{}", query(&period, group)),
                Some(&viewer.token),
            )
            .await?;
        if regency.groups_withheld {
            assert!(regency.groups.is_empty());
            assert_error(
                &(status, answer),
                StatusCode::BAD_REQUEST,
                "groups_withheld",
            );
            continue;
        }
        assert_eq!(status, StatusCode::OK, "{answer}");
        let small = small_counts(&answer, "");
        assert!(small.is_empty(), "{period:?}: {small:?}");
        let exact = stats(server, &supervisor, &query(&period, group)).await?;
        let (shown, _) = compare(&answer, &serde_json::to_value(&exact)?, "");
        assert!(shown > 0);
        let small = small_counts(&serde_json::to_value(&regency.groups)?, "");
        assert!(small.is_empty(), "{small:?}");
    }
    // The change is in the audit trail; a new list replaces the old, whose groups are no
    // longer answered.
    let (status, trail) = server
        .get("/audit?limit=5", Some(&supervisor.token))
        .await?;
    assert_eq!(status, StatusCode::OK, "{trail}");
    let entries = trail["entries"].as_array().cloned().unwrap_or_default();
    assert!(
        entries.iter().any(|e| e["action"] == "setting"
            && e["detail"]["groups"] == json!(["Zona Utara", "Zona Selatan"])),
        "{trail}"
    );
    let next = json!({ "groups": [{ "name": "Barat", "kecamatan": ["33.03.05", "33.03.06"] }] });
    let (status, _) = server
        .put("/area-groups", Some(&supervisor.token), &next)
        .await?;
    assert_eq!(status, StatusCode::OK);
    let (period, _) = checks().swap_remove(3);
    let old = server
        .get(
            &format!("/stats?{}", query(&period, group)),
            Some(&viewer.token),
        )
        .await?;
    assert_error(&old, StatusCode::BAD_REQUEST, "bad_request");
    let regency = stats(server, &viewer, &query(&period, REGENCY)).await?;
    assert!(regency.groups_withheld || regency.groups[0].name == "Barat");
    Ok(())
}
