use super::*;
use crate::stats::SUPPRESS_AT_MOST;
use proptest::prelude::*;
use time::macros::date;

fn period() -> Period {
    Period::new(date!(2026 - 08 - 01), date!(2026 - 10 - 31)).expect("period")
}

const MREBET: &str = "33.03.08";
const BOBOTSARI: &str = "33.03.09";

fn mrebet() -> Area {
    Area::Kecamatan(MREBET.into())
}

/// The tally rows of `n` cases with these codes (modus `fake_job_offer`): one per
/// breakdown.
fn case(kecamatan: &str, month: &str, status: &str, destination: &str, n: u64) -> [CaseTally; 3] {
    let row = |dimension, code: &str| CaseTally {
        kecamatan: kecamatan.into(),
        month: month.into(),
        dimension,
        code: code.into(),
        n,
    };
    [
        row(CaseDimension::Status, status),
        row(CaseDimension::Modus, "fake_job_offer"),
        row(CaseDimension::Destination, destination),
    ]
}

/// Services requested on `day`: delivered after `days`, or else waiting when `pending`
/// (cancelled when not). The waiting ones are counted against the cutoffs of every
/// period of [`tallies_over`] and of [`period`], as the store counts them.
fn service(kecamatan: &str, day: &str, days: Option<u64>, pending: bool, n: u64) -> ServiceTally {
    let waiting = days.is_none() && pending;
    let month = &day[..7];
    let month_end = Period::parse(month).expect("month").to;
    let cutoffs = [month_end.min(today()), today()]
        .map(|d| crate::activity::format_date(d - time::Duration::days(DUE_WITHIN_DAYS as i64)));
    ServiceTally {
        kecamatan: kecamatan.into(),
        month: month.into(),
        service_type: "shelter".into(),
        requested: n,
        delivered: days.map_or(0, |_| n),
        late: days.filter(|d| *d > DUE_WITHIN_DAYS).map_or(0, |_| n),
        pending: u64::from(waiting) * n,
        waiting_before: cutoffs
            .into_iter()
            .map(|c| {
                let before = waiting && day < c.as_str();
                (c, u64::from(before) * n)
            })
            .collect(),
    }
}

/// The days to delivery of `services` (as [`service`] takes them), all in one area.
fn days_of(services: &[(&str, &str, Option<u64>, bool, u64)]) -> Vec<DaysTally> {
    services
        .iter()
        .filter_map(|(_, day, days, _, n)| {
            Some(DaysTally {
                month: day[..7].into(),
                service_type: "shelter".into(),
                days: (*days)?,
                n: *n,
            })
        })
        .collect()
}

fn today() -> time::Date {
    date!(2026 - 11 - 29)
}

/// The sample's services: kecamatan, day requested, days to delivery, waiting, how many.
const SERVICES: [(&str, &str, Option<u64>, bool, u64); 6] = [
    (MREBET, "2026-08-03", Some(2), false, 3),
    (MREBET, "2026-08-20", Some(10), false, 1),
    (BOBOTSARI, "2026-10-01", Some(5), false, 2),
    (BOBOTSARI, "2026-10-02", None, true, 6),
    // Requested 5 days before the period's end: not yet waiting too long.
    (BOBOTSARI, "2026-10-26", None, true, 4),
    (BOBOTSARI, "2026-10-03", None, false, 1),
];

fn sample() -> Tallies {
    Tallies {
        cases: [
            case(MREBET, "2026-08", "reported", "MY", 12),
            case(MREBET, "2026-09", "closed", NOT_RECORDED, 3),
            case(BOBOTSARI, "2026-10", "in_service", "MY", 20),
        ]
        .concat(),
        exploitation: vec![ExploitationTally {
            kecamatan: MREBET.into(),
            month: "2026-08".into(),
            form: "forced_labour".into(),
            n: 14,
        }],
        victims: vec![
            VictimTally {
                kecamatan: MREBET.into(),
                month: "2026-08".into(),
                sex: "female".into(),
                child: true,
                n: 4,
            },
            VictimTally {
                kecamatan: BOBOTSARI.into(),
                month: "2026-10".into(),
                sex: "male".into(),
                child: false,
                n: 30,
            },
        ],
        services: SERVICES
            .iter()
            .map(|(k, day, days, pending, n)| service(k, day, *days, *pending, *n))
            .collect(),
        days_area: "33.03".into(),
        days: days_of(&SERVICES),
        served: vec![ServedTally {
            kecamatan: MREBET.into(),
            month: "2026-09".into(),
            n: 4,
        }],
        legal: vec![
            LegalTally {
                kecamatan: MREBET.into(),
                month: "2026-08".into(),
                furthest: Some(4),
                restitution: true,
                n: 2,
                rupiah: 150_000_000,
            },
            LegalTally {
                kecamatan: BOBOTSARI.into(),
                month: "2026-10".into(),
                furthest: Some(0),
                restitution: false,
                n: 9,
                rupiah: 0,
            },
        ],
        activities: vec![ActivityTally {
            kecamatan: MREBET.into(),
            month: "2026-10".into(),
            activity_type: "outreach".into(),
            n: 3,
            participants: [40, 30, 5, 2],
        }],
        reached: vec![
            ("33.03.08.2001".into(), "2026-09".into()),
            ("33.03.08.2002".into(), "2026-10".into()),
            ("33.03.08.2002".into(), "2026-08".into()),
        ],
        reached_before: vec!["33.03.08.2003".into()],
    }
}

#[test]
fn the_regency_adds_up_every_kecamatan() {
    let e = Evaluation::assemble(period(), &Area::Regency, &sample(), today(), &[]);
    assert_eq!(e.cases.total, Some(35));
    let status = |code: &str| {
        e.cases
            .by_status
            .iter()
            .find(|c| c.code == code)
            .and_then(|c| c.n)
    };
    assert_eq!(
        (status("reported"), status("closed"), status("assessed")),
        (Some(12), Some(3), Some(0))
    );
    let last = e.cases.by_destination.last().expect("not recorded");
    assert_eq!((last.code.as_str(), last.n), (NOT_RECORDED, Some(3)));
    assert_eq!(e.victims.total, Some(34));
    assert_eq!(
        (e.victims.female_children, e.victims.male_adults),
        (Some(4), Some(30))
    );
    let shelter = e
        .services
        .rows
        .iter()
        .find(|r| r.code == "shelter")
        .expect("row");
    assert_eq!(shelter.requested, Some(17));
    assert_eq!(shelter.delivered, Some(6));
    assert_eq!(shelter.late, Some(1));
    assert_eq!(shelter.waiting, Some(6));
    // Delivered after 2, 2, 2, 5, 5 and 10 days: the median is (2 + 5) / 2.
    assert_eq!(shelter.median_days, Some(3.5));
    assert_eq!(shelter.longest_days, Some(10));
    assert_eq!(e.services.total.requested, Some(17));
    let funnel: Vec<Cell> = e.legal.funnel.iter().map(|s| s.cases).collect();
    assert_eq!(
        funnel,
        [Some(11), Some(2), Some(2), Some(2), Some(2), Some(0)]
    );
    assert_eq!(e.legal.funnel[0].percent, Some(31.4));
    assert_eq!(e.legal.restitution_rupiah, Some(150_000_000));
    assert_eq!(e.activities.participants.total, Some(77));
    assert_eq!(e.activities.participants.children, Some(7));
    assert_eq!(e.coverage.villages, 239);
    assert_eq!(e.coverage.reached, Some(2));
    assert_eq!(e.coverage.kecamatan.len(), 18);
    assert_eq!(e.areas.len(), 18);
    let months: Vec<(&str, Cell)> = e
        .trend
        .iter()
        .map(|m| (m.month.as_str(), m.new_cases))
        .collect();
    assert_eq!(
        months,
        [
            ("2026-08", Some(12)),
            ("2026-09", Some(3)),
            ("2026-10", Some(20))
        ]
    );
}

#[test]
fn a_kecamatan_sees_only_its_own() {
    let e = Evaluation::assemble(period(), &mrebet(), &sample(), today(), &[]);
    assert_eq!(e.cases.total, Some(15));
    assert_eq!(e.victims.total, Some(4));
    assert!(e.areas.is_empty());
    assert_eq!(e.coverage.kecamatan.len(), 1);
    let row = &e.coverage.kecamatan[0];
    assert_eq!(row.reached, Some(2));
    let not_reached = row.not_reached.as_ref().expect("list");
    assert_eq!(not_reached.len() as u64, row.villages - 2);
    assert!(!not_reached.contains(&"33.03.08.2001".to_owned()));
    let never = row.never_reached.as_ref().expect("list");
    assert_eq!(never.len() as u64, row.villages - 3);
    assert!(not_reached.contains(&"33.03.08.2003".to_owned()));
    assert!(!never.contains(&"33.03.08.2003".to_owned()));
    assert_eq!(e.activities.total, Some(3));
}

#[test]
fn medians_of_odd_and_even_counts() {
    let h = |pairs: &[(u64, u64)]| pairs.iter().copied().collect::<BTreeMap<u64, u64>>();
    assert_eq!(median(&h(&[])), None);
    assert_eq!(median(&h(&[(4, 1)])), Some(4.0));
    assert_eq!(median(&h(&[(1, 1), (3, 1)])), Some(2.0));
    assert_eq!(median(&h(&[(1, 2), (9, 1)])), Some(1.0));
}

/// Every published sum of the exact figures holds (so the groups the suppression works
/// on are true), read straight off the wire shape.
fn sums_hold(e: &Evaluation) {
    let sum = |cells: &mut dyn Iterator<Item = Cell>| cells.map(|c| c.unwrap_or(0)).sum::<u64>();
    let total = e.cases.total.unwrap_or(0);
    for breakdown in [
        &e.cases.by_status,
        &e.cases.by_modus,
        &e.cases.by_destination,
    ] {
        assert_eq!(sum(&mut breakdown.iter().map(|c| c.n)), total);
    }
    assert_eq!(sum(&mut e.trend.iter().map(|m| m.new_cases)), total);
    let v = &e.victims;
    assert_eq!(v.total, Some(sum(&mut [v.female, v.male].into_iter())));
    assert_eq!(v.total, Some(sum(&mut [v.children, v.adults].into_iter())));
    assert_eq!(
        e.activities.total,
        Some(sum(&mut e.activities.by_type.iter().map(|c| c.n)))
    );
    assert_eq!(
        e.coverage.reached,
        Some(sum(&mut e.coverage.kecamatan.iter().map(|r| r.reached)))
    );
}

fn tallies() -> impl Strategy<Value = Tallies> {
    tallies_over(vec!["2026-08", "2026-09", "2026-10"])
}

fn tallies_over(months: Vec<&'static str>) -> impl Strategy<Value = Tallies> {
    let kec = prop::sample::select(kecamatan_codes());
    let month = prop::sample::select(months);
    let status = prop::sample::select(vec!["reported", "assessed", "in_service", "closed"]);
    let dest = prop::sample::select(vec!["MY", "TW", NOT_RECORDED]);
    // Some of a row's cases reached a stage of the legal funnel.
    let legal = prop::option::of((0u8..FUNNEL_STAGES.len() as u8, 1u64..25));
    let cases = prop::collection::vec(
        (kec.clone(), month.clone(), status, dest, 1u64..25, legal),
        0..25,
    )
    .prop_map(|rows| {
        let legal = rows
            .iter()
            .filter_map(|(k, m, _, _, n, legal)| {
                let (furthest, reached) = (*legal)?;
                Some(LegalTally {
                    kecamatan: (*k).into(),
                    month: (*m).into(),
                    furthest: Some(furthest),
                    restitution: false,
                    n: reached.min(*n),
                    rupiah: 0,
                })
            })
            .collect::<Vec<_>>();
        let cases = rows
            .into_iter()
            .flat_map(|(k, m, s, d, n, _)| case(k, m, s, d, n))
            .collect::<Vec<_>>();
        (cases, legal)
    });
    let victims = prop::collection::vec(
        (
            kec.clone(),
            month.clone(),
            any::<bool>(),
            any::<bool>(),
            1u64..25,
        ),
        0..20,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .map(|(k, m, female, child, n)| VictimTally {
                kecamatan: k.into(),
                month: m.into(),
                sex: if female { "female" } else { "male" }.into(),
                child,
                n,
            })
            .collect::<Vec<_>>()
    });
    let activities = prop::collection::vec(
        (
            kec.clone(),
            month.clone(),
            1u64..15,
            [0u64..30, 0u64..30, 0u64..30, 0u64..30],
        ),
        0..15,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .map(|(k, m, n, participants)| ActivityTally {
                kecamatan: k.into(),
                month: m.into(),
                activity_type: "outreach".into(),
                n,
                participants,
            })
            .collect::<Vec<_>>()
    });
    let services = prop::collection::vec(
        (
            kec,
            month.clone(),
            1u32..28,
            prop::option::of(0u64..20),
            1u64..12,
        ),
        0..15,
    )
    .prop_map(|rows| {
        let days = rows
            .iter()
            .filter_map(|(_, m, _, days, n)| {
                Some(DaysTally {
                    month: (*m).into(),
                    service_type: "shelter".into(),
                    days: (*days)?,
                    n: *n,
                })
            })
            .collect::<Vec<_>>();
        let services = rows
            .into_iter()
            .map(|(k, m, d, days, n)| service(k, &format!("{m}-{d:02}"), days, days.is_none(), n))
            .collect::<Vec<_>>();
        (services, days)
    });
    let reached = prop::sample::subsequence(
        crate::regions::villages()
            .map(|v| v.code.clone())
            .collect::<Vec<_>>(),
        0..40,
    );
    (cases, victims, activities, services, reached, month).prop_map(
        |((cases, legal), victims, activities, (services, days), reached, month)| Tallies {
            cases,
            legal,
            victims,
            activities,
            services,
            days_area: "33.03".into(),
            days,
            reached_before: reached.iter().step_by(3).cloned().collect(),
            reached: reached
                .into_iter()
                .map(|desa| (desa, month.to_owned()))
                .collect(),
            ..Tallies::default()
        },
    )
}

/// Every count cell of an evaluation, by a path naming it.
fn counts(e: &Evaluation) -> Vec<(String, Cell)> {
    let mut out: Vec<(String, Cell)> = Vec::new();
    let mut put = |name: String, cell: Cell| out.push((name, cell));
    put("cases".into(), e.cases.total);
    for (what, list) in [
        ("status", &e.cases.by_status),
        ("modus", &e.cases.by_modus),
        ("destination", &e.cases.by_destination),
        ("exploitation", &e.cases.by_exploitation),
        ("activity", &e.activities.by_type),
    ] {
        for c in list {
            put(format!("{what}.{}", c.code), c.n);
        }
    }
    let v = &e.victims;
    for (name, cell) in [
        ("victims", v.total),
        ("female", v.female),
        ("male", v.male),
        ("children", v.children),
        ("adults", v.adults),
        ("fc", v.female_children),
        ("mc", v.male_children),
        ("fa", v.female_adults),
        ("ma", v.male_adults),
    ] {
        put(name.into(), cell);
    }
    for row in e.services.rows.iter().chain([&e.services.total]) {
        for (what, cell) in [
            ("requested", row.requested),
            ("delivered", row.delivered),
            ("late", row.late),
            ("waiting", row.waiting),
        ] {
            put(format!("service.{}.{what}", row.code), cell);
        }
    }
    for stage in &e.legal.funnel {
        put(format!("funnel.{}", stage.code), stage.cases);
    }
    put("restitution".into(), e.legal.restitution_cases);
    let p = &e.activities.participants;
    for (name, cell) in [
        ("p.total", p.total),
        ("p.female", p.female),
        ("p.male", p.male),
        ("p.children", p.children),
        ("p.adults", p.adults),
    ] {
        put(name.into(), cell);
    }
    put("reached".into(), e.coverage.reached);
    for row in &e.coverage.kecamatan {
        put(format!("reached.{}", row.code), row.reached);
    }
    for row in &e.areas {
        for (what, cell) in [
            ("cases", row.cases),
            ("victims", row.victims),
            ("activities", row.activities),
        ] {
            put(format!("area.{}.{what}", row.code), cell);
        }
    }
    for row in &e.groups {
        for (what, cell) in [
            ("cases", row.cases),
            ("victims", row.victims),
            ("services", row.services),
            ("activities", row.activities),
            ("participants", row.participants),
        ] {
            put(format!("group.{}.{what}", row.code), cell);
        }
    }
    for m in &e.trend {
        for (what, cell) in [
            ("new_cases", m.new_cases),
            ("served", m.victims_served),
            ("activities", m.activities),
        ] {
            put(format!("trend.{}.{what}", m.month), cell);
        }
    }
    out
}

/// A sum a reader can form: (area, total's path, [(area, part's path)]).
type Sum = (usize, String, Vec<(usize, String)>);

/// The hidden cells of the sums a reader can form from the answers (each evaluation's own
/// sums, each regency cell as the sum of the kecamatan's, each period's additive cells as
/// the sum of the periods given that tile it, and a month's trend row in every period
/// showing it): none may be the only unknown of a sum, and a sum of hidden cells may not
/// force them all to one value. Written from the figures' meaning, not from the
/// suppression's own groups. With `groups` of kecamatan: a group's cell is the sum of its
/// kecamatan's, the regency's the sum of its groups' and of the kecamatan in none, and the
/// regency's row of a group is the group's total.
fn nothing_derivable(all: &[Evaluation], exact: &[Evaluation], groups: &[AreaGroup]) {
    let cells: Vec<Cells> = all.iter().map(cell_map).collect();
    let values: Vec<Cells> = exact.iter().map(cell_map).collect();
    nothing_derivable_from(all, cells, values, &[groups]);
}

/// An evaluation's count cells by path.
type Cells = BTreeMap<String, Cell>;

fn cell_map(e: &Evaluation) -> Cells {
    counts(e).into_iter().collect()
}

/// As [`nothing_derivable`], from what a reader knows of each of `all` (`cells`: a cell
/// hidden in one answer may show in another) and the exact `values`, with the groups of
/// each list of groups the reader saw (`configs`).
fn nothing_derivable_from(
    all: &[Evaluation],
    cells: Vec<Cells>,
    values: Vec<Cells>,
    configs: &[&[AreaGroup]],
) {
    let value = |i: usize, path: &str| values[i].get(path).copied().flatten().unwrap_or(0);
    let shown = |i: usize, path: &str| cells[i].get(path).is_none_or(Option::is_some);
    let paths = |i: usize, keep: &dyn Fn(&str) -> bool| -> Vec<(usize, String)> {
        cells[i]
            .keys()
            .filter(|n| keep(n))
            .map(|n| (i, n.clone()))
            .collect()
    };
    let mut sums: Vec<Sum> = Vec::new();
    for (i, e) in all.iter().enumerate() {
        for prefix in ["status.", "modus.", "destination."] {
            sums.push((i, "cases".into(), paths(i, &|n| n.starts_with(prefix))));
        }
        let trend =
            |what: &'static str| move |n: &str| n.starts_with("trend.") && n.ends_with(what);
        sums.push((i, "cases".into(), paths(i, &trend(".new_cases"))));
        sums.push((
            i,
            "activity.outreach".into(),
            paths(i, &trend(".activities")),
        ));
        for (total, parts) in [
            ("victims", ["female", "male"]),
            ("victims", ["children", "adults"]),
            ("female", ["fc", "fa"]),
            ("male", ["mc", "ma"]),
            ("p.total", ["p.female", "p.male"]),
            ("p.total", ["p.children", "p.adults"]),
        ] {
            sums.push((
                i,
                total.into(),
                parts.iter().map(|p| (i, (*p).to_owned())).collect(),
            ));
        }
        sums.push((
            i,
            "reached".into(),
            paths(i, &|n| n.starts_with("reached.")),
        ));
        if e.area == REGENCY_CODE {
            for (what, total) in [
                ("cases", "cases"),
                ("victims", "victims"),
                ("activities", "activity.outreach"),
            ] {
                let parts = e
                    .areas
                    .iter()
                    .map(|r| (i, format!("area.{}.{what}", r.code)));
                sums.push((i, total.into(), parts.collect()));
            }
        }
    }
    let index = |period: Period, area: &str| {
        all.iter()
            .position(|e| e.period == period && e.area == area)
    };
    for (r, regency) in all
        .iter()
        .enumerate()
        .filter(|(_, e)| e.area == REGENCY_CODE)
    {
        let kecamatan: Vec<usize> = kecamatan_codes()
            .into_iter()
            .filter_map(|k| index(regency.period, k))
            .collect();
        for name in cells[r].keys() {
            if name.starts_with("area.") || name.starts_with("reached.") {
                continue;
            }
            sums.push((
                r,
                name.clone(),
                kecamatan.iter().map(|&k| (k, name.clone())).collect(),
            ));
        }
        for &k in &kecamatan {
            let code = &all[k].area;
            let name = format!("reached.{code}");
            sums.push((r, name.clone(), vec![(k, name)]));
        }
        for groups in configs.iter().copied().filter(|g| !g.is_empty()) {
            let of_group = |g: &AreaGroup| index(regency.period, &g.area());
            if groups.iter().any(|g| of_group(g).is_none()) {
                // Withheld for the year: none of them is answered.
                assert!(groups.iter().all(|g| of_group(g).is_none()));
                assert!(regency.groups_withheld || configs.len() > 1);
                continue;
            }
            let rest: Vec<usize> = kecamatan
                .iter()
                .copied()
                .filter(|&k| !groups.iter().any(|g| g.holds(&all[k].area)))
                .collect();
            for name in cells[r].keys() {
                if name.starts_with("area.")
                    || name.starts_with("reached.")
                    || name.starts_with("group.")
                {
                    continue;
                }
                let mut parts: Vec<(usize, String)> = groups
                    .iter()
                    .filter_map(of_group)
                    .map(|g| (g, name.clone()))
                    .collect();
                parts.extend(rest.iter().map(|&k| (k, name.clone())));
                sums.push((r, name.clone(), parts));
            }
            for group in groups {
                let g = of_group(group).expect("every group is answered");
                let members: Vec<usize> = group
                    .kecamatan
                    .iter()
                    .filter_map(|k| index(regency.period, k))
                    .collect();
                assert_eq!(members.len(), group.kecamatan.len());
                for name in cells[g].keys() {
                    if name.starts_with("reached.") {
                        let code = name.trim_start_matches("reached.");
                        let k = index(regency.period, code).expect("kecamatan");
                        sums.push((g, name.clone(), vec![(k, name.clone())]));
                        continue;
                    }
                    sums.push((
                        g,
                        name.clone(),
                        members.iter().map(|&k| (k, name.clone())).collect(),
                    ));
                }
                for (what, total) in [
                    ("cases", "cases"),
                    ("victims", "victims"),
                    ("services", "service.total.requested"),
                    ("activities", "activity.outreach"),
                    ("participants", "p.total"),
                ] {
                    let row = format!("group.{}.{what}", group.area());
                    sums.push((r, row, vec![(g, total.to_owned())]));
                }
            }
        }
    }

    // A year is its quarters, a quarter its months (the periods this test gives).
    let additive = |n: &str| {
        !(n.starts_with("area.")
            || n.starts_with("reached")
            || n.starts_with("trend.")
            || n.ends_with(".waiting"))
    };
    for (i, e) in all.iter().enumerate() {
        let inside: Vec<&Evaluation> = all
            .iter()
            .filter(|o| o.area == e.area && o.period != e.period)
            .filter(|o| e.period.from <= o.period.from && o.period.to <= e.period.to)
            .collect();
        let tiles: Vec<usize> = match (e.period.shorthand(), inside.len()) {
            (Some(s), n) if s.len() == 4 && n == 16 => inside
                .iter()
                .filter(|o| o.period.shorthand().is_some_and(|s| s.contains('Q')))
                .filter_map(|o| index(o.period, &o.area))
                .collect(),
            (Some(s), 3) if s.contains('Q') => inside
                .iter()
                .filter_map(|o| index(o.period, &o.area))
                .collect(),
            _ => Vec::new(),
        };
        if tiles.is_empty() {
            continue;
        }
        for (name, _) in cells[i].iter().filter(|(n, _)| additive(n)) {
            sums.push((
                i,
                name.clone(),
                tiles.iter().map(|&t| (t, name.clone())).collect(),
            ));
        }
        for (name, _) in cells[i].iter().filter(|(n, _)| n.starts_with("trend.")) {
            for &t in &tiles {
                if cells[t].contains_key(name) {
                    sums.push((i, name.clone(), vec![(t, name.clone())]));
                }
            }
        }
    }
    // Each stage of the funnel counts the cases that reached it or a later one: a stage
    // less the next is the cases at exactly it, and the cases less the first stage are
    // those with none.
    for (i, e) in all.iter().enumerate() {
        let mut chain = vec!["cases".to_owned()];
        chain.extend(e.legal.funnel.iter().map(|s| format!("funnel.{}", s.code)));
        for pair in chain.windows(2) {
            let (upper, lower) = (&pair[0], &pair[1]);
            if shown(i, upper) && shown(i, lower) {
                let at = value(i, upper) - value(i, lower);
                assert!(
                    !(1..=SUPPRESS_AT_MOST).contains(&at),
                    "{upper} less {lower} of {} {} reveals {at}",
                    e.area,
                    e.period.label(crate::Lang::En)
                );
            }
        }
    }
    for (i, total, parts) in &sums {
        if !shown(*i, total) {
            continue;
        }
        let hidden: Vec<&(usize, String)> = parts.iter().filter(|(k, p)| !shown(*k, p)).collect();
        let values: Vec<u64> = hidden.iter().map(|(k, p)| value(*k, p)).collect();
        let sum: u64 = values.iter().sum();
        let k = hidden.len() as u64;
        // All ones or all tens: the only way to make the sum of small counts.
        let ones = sum == k && values.iter().all(|&v| v >= 1);
        let tens = sum == k * SUPPRESS_AT_MOST && values.iter().all(|&v| v <= SUPPRESS_AT_MOST);
        assert!(
            k == 0 || (k >= 2 && !ones && !tens),
            "{total} of {} {} reveals {hidden:?} (sum {sum})",
            all[*i].area,
            all[*i].period.label(crate::Lang::En)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn no_period_of_a_year_reveals_what_another_hides(tallies in tallies_over(
        vec!["2025-01", "2025-02", "2025-03", "2025-05", "2025-08", "2025-11", "2025-12"],
    )) {
        let periods = Period::calendar_year(2025);
        prop_assert_eq!(periods.len(), 17);
        let exact = Evaluation::assemble_many(&periods, &tallies, today(), &[]);
        let mut all = exact.clone();
        suppress(&mut all, &[]);
        for e in &all {
            for (name, cell) in counts(e) {
                prop_assert!(!matches!(cell, Some(1..=10)), "{name} shows {cell:?} in {}", e.area);
            }
        }
        nothing_derivable(&all, &exact, &[]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn a_viewer_sees_no_small_count_and_cannot_work_one_out(tallies in tallies()) {
        let exact = Evaluation::assemble_all(period(), &tallies, today());
        for e in &exact {
            sums_hold(e);
        }
        let mut all = exact.clone();
        suppress(&mut all, &[]);
        for e in &all {
            prop_assert!(e.suppressed);
            for (name, cell) in counts(e) {
                prop_assert!(!matches!(cell, Some(1..=10)), "{name} shows {cell:?} in {}", e.area);
            }
            for stage in &e.legal.funnel {
                prop_assert!(stage.percent.is_none() || (stage.cases.is_some() && e.cases.total.is_some()));
            }
            for row in &e.coverage.kecamatan {
                prop_assert_eq!(row.not_reached.is_some(), row.reached.is_some());
                prop_assert!(row.never_reached.is_none(), "a viewer gets the villages never reached");
            }
        }
        nothing_derivable(&all, &exact, &[]);
    }
}

/// Two groups leaving four kecamatan in none (so the regency less the groups is a sum a
/// reader can form), or one group of every kecamatan.
fn some_groups() -> impl Strategy<Value = Vec<AreaGroup>> {
    let codes = kecamatan_codes();
    let two = parse_groups(&[
        GroupDraft {
            name: "Zona Utara".into(),
            kecamatan: codes[..6].iter().map(|c| (*c).to_owned()).collect(),
        },
        GroupDraft {
            name: "Zona Selatan".into(),
            kecamatan: codes[6..14].iter().map(|c| (*c).to_owned()).collect(),
        },
    ])
    .expect("groups");
    let whole = parse_groups(&[
        GroupDraft {
            name: "Barat".into(),
            kecamatan: codes[..9].iter().map(|c| (*c).to_owned()).collect(),
        },
        GroupDraft {
            name: "Timur".into(),
            kecamatan: codes[9..].iter().map(|c| (*c).to_owned()).collect(),
        },
    ])
    .expect("groups");
    prop::sample::select(vec![two, whole])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn groups_of_kecamatan_reveal_nothing_their_kecamatan_hide(
        tallies in tallies_over(vec!["2025-01", "2025-02", "2025-05", "2025-08", "2025-12"]),
        groups in some_groups(),
    ) {
        let periods = Period::calendar_year(2025);
        let exact = Evaluation::assemble_many(&periods, &tallies, today(), &groups);
        let set = AreaGroups { lists: vec![groups.clone()] };
        let all = Evaluation::suppressed_year(2025, &tallies, today(), &set);
        // Withheld for the year, or answered; the pseudo-areas never are.
        let withheld = all[0].groups_withheld;
        let exact: Vec<Evaluation> = exact
            .into_iter()
            .filter(|x| !(withheld && x.area.starts_with(GROUP_PREFIX)))
            .collect();
        prop_assert_eq!(all.len(), exact.len());
        prop_assert!(all.iter().all(|e| e.groups_withheld == withheld));
        for (e, x) in all.iter().zip(&exact) {
            prop_assert_eq!((&e.area, e.period), (&x.area, x.period));
            prop_assert!(!e.area.contains('~'));
            for (name, cell) in counts(e) {
                prop_assert!(!matches!(cell, Some(1..=10)), "{name} shows {cell:?} in {}", e.area);
            }
        }
        nothing_derivable(&all, &exact, &groups);
    }
}

/// What a reader knows who kept `before`'s answers and has `after`'s: each cell shown in
/// either, over every area either answered.
fn known_from(before: &[Evaluation], after: &[Evaluation]) -> (Vec<Evaluation>, Vec<Cells>) {
    let mut areas: Vec<Evaluation> = after.to_vec();
    let mut known: Vec<Cells> = after.iter().map(cell_map).collect();
    for old in before {
        let seen = areas
            .iter()
            .position(|e| e.period == old.period && e.area == old.area);
        let i = match seen {
            Some(i) => i,
            None => {
                areas.push(old.clone());
                known.push(Cells::new());
                areas.len() - 1
            }
        };
        for (path, cell) in cell_map(old) {
            let entry = known[i].entry(path).or_insert(cell);
            if entry.is_none() {
                *entry = cell;
            }
        }
    }
    (areas, known)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    #[test]
    fn a_viewer_who_kept_the_old_groups_figures_learns_nothing_from_the_new(
        tallies in tallies_over(vec!["2025-02", "2025-05", "2025-08", "2025-11"]),
    ) {
        let codes = kecamatan_codes();
        let draft = |name: &str, range: std::ops::Range<usize>| GroupDraft {
            name: name.into(),
            kecamatan: codes[range].iter().map(|c| (*c).to_owned()).collect(),
        };
        let before = parse_groups(&[draft("Utara", 0..6), draft("Selatan", 6..14)]).expect("groups");
        let after = parse_groups(&[draft("Barat", 0..4), draft("Timur", 4..10)]).expect("groups");
        let periods = Period::calendar_year(2025);
        let first = AreaGroups { lists: vec![before.clone()] };
        let then = AreaGroups { lists: vec![before.clone(), after.clone()] };
        let old = Evaluation::suppressed_year(2025, &tallies, today(), &first);
        let new = Evaluation::suppressed_year(2025, &tallies, today(), &then);
        prop_assert!(new.iter().all(|e| !e.area.ends_with("utara")), "a retired group is not answered");
        let exact_old = Evaluation::assemble_many(&periods, &tallies, today(), &before);
        let exact_new = Evaluation::assemble_many(&periods, &tallies, today(), &after);
        let (areas, known) = known_from(&old, &new);
        let exact: Vec<&Evaluation> = exact_old.iter().chain(&exact_new).collect();
        let values: Vec<Cells> = areas
            .iter()
            .map(|e| {
                let x = exact.iter().find(|x| x.period == e.period && x.area == e.area);
                cell_map(x.expect("an exact figure for every answer"))
            })
            .collect();
        nothing_derivable_from(&areas, known, values, &[&before, &after]);
    }
}

#[test]
fn a_group_adds_up_its_kecamatan_and_the_regency_lists_it() {
    let tallies = sample();
    let groups = parse_groups(&[GroupDraft {
        name: "Zona Tengah".into(),
        kecamatan: vec![MREBET.into(), BOBOTSARI.into()],
    }])
    .expect("group");
    let all = Evaluation::assemble_many(&[period()], &tallies, today(), &groups);
    let find = |area: &str| all.iter().find(|e| e.area == area).expect("area");
    let group = find("kelompok:zona-tengah");
    sums_hold(group);
    let (m, b) = (find(MREBET), find(BOBOTSARI));
    let add = |f: fn(&Evaluation) -> Cell| Some(f(m).unwrap_or(0) + f(b).unwrap_or(0));
    assert_eq!(group.cases.total, add(|e| e.cases.total));
    assert_eq!(group.victims.total, add(|e| e.victims.total));
    assert_eq!(group.activities.total, add(|e| e.activities.total));
    assert_eq!(group.coverage.reached, add(|e| e.coverage.reached));
    assert_eq!(group.coverage.kecamatan.len(), 2);
    assert!(group.groups.is_empty() && group.areas.is_empty());
    let row = &all[0].groups[0];
    assert_eq!(row.name, "Zona Tengah");
    assert_eq!(row.kecamatan, [MREBET, BOBOTSARI]);
    assert_eq!(row.cases, group.cases.total);
    let one = Evaluation::assemble(
        period(),
        &Area::Group(groups[0].clone()),
        &tallies,
        today(),
        &groups,
    );
    assert_eq!(&one.cases, &group.cases);
    assert_eq!(
        Area::parse("kelompok:zona-tengah", &groups),
        Some(Area::Group(groups[0].clone()))
    );
    assert_eq!(Area::parse("kelompok:zona-barat", &groups), None);
    assert_eq!(Area::parse("33.03.19", &groups), None);
    let json = serde_json::to_value(&all[1]).expect("json");
    assert!(
        json.get("groups").is_none(),
        "a kecamatan's answer has no table of groups"
    );
}

#[test]
fn exact_figures_are_left_alone_when_nothing_is_small() {
    let tallies = Tallies {
        cases: case(MREBET, "2026-08", "reported", "MY", 40).to_vec(),
        ..Tallies::default()
    };
    let mut all = Evaluation::assemble_all(period(), &tallies, today());
    suppress(&mut all, &[]);
    assert_eq!(all[0].cases.total, Some(40));
    let mrebet = all.iter().find(|e| e.area == MREBET).expect("mrebet");
    assert_eq!(mrebet.cases.total, Some(40));
    assert_eq!(all[0].victims.total, Some(0), "zero is not suppressed");
}

#[test]
fn one_small_kecamatan_hides_a_second_so_the_regency_total_reveals_neither() {
    let tallies = Tallies {
        cases: [
            case(MREBET, "2026-08", "reported", "MY", 4),
            case(BOBOTSARI, "2026-08", "reported", "MY", 30),
            case("33.03.01", "2026-08", "reported", "MY", 25),
        ]
        .concat(),
        ..Tallies::default()
    };
    let mut all = Evaluation::assemble_all(period(), &tallies, today());
    suppress(&mut all, &[]);
    let total = |area: &str| {
        all.iter()
            .find(|e| e.area == area)
            .and_then(|e| e.cases.total)
    };
    assert_eq!(total(MREBET), None);
    assert_eq!(total("33.03.01"), None, "the smallest other is hidden too");
    assert_eq!(total(BOBOTSARI), Some(30));
    assert_eq!(all[0].cases.total, Some(59));
    let row = |code: &str| {
        all[0]
            .areas
            .iter()
            .find(|r| r.code == code)
            .and_then(|r| r.cases)
    };
    assert_eq!((row(MREBET), row("33.03.01")), (None, None));
}

#[test]
fn each_month_counts_its_own_villages_and_those_reached_by_its_end() {
    let tallies = sample();
    let august = Period::parse("2026-08").expect("month");
    let e = Evaluation::assemble(august, &mrebet(), &tallies, today(), &[]);
    let row = &e.coverage.kecamatan[0];
    assert_eq!(row.reached, Some(1), "only 2002 in August");
    let never = row.never_reached.as_ref().expect("list");
    assert_eq!(
        never.len() as u64,
        row.villages - 2,
        "2003 before the period and 2002 in August; 2001 only in September"
    );
    assert!(never.contains(&"33.03.08.2001".to_owned()));
    assert_eq!(e.cases.total, Some(12), "August's cases only");
}

#[test]
fn a_group_shows_when_its_hidden_kecamatan_hide_each_other_and_is_withheld_when_it_cannot() {
    let cases = |rows: &[(&str, u64)]| -> Tallies {
        let cases = rows
            .iter()
            .flat_map(|(kecamatan, n)| case(kecamatan, "2025-05", "reported", "MY", *n))
            .collect();
        Tallies {
            cases,
            ..Tallies::default()
        }
    };
    let draft = |name: &str, kecamatan: &[&str]| GroupDraft {
        name: name.into(),
        kecamatan: kecamatan.iter().map(|k| (*k).to_owned()).collect(),
    };
    let may = Period::parse("2025-05").expect("month");
    let total = |all: &[Evaluation], area: &str| {
        let e = all.iter().find(|e| e.period == may && e.area == area);
        e.expect("answered").cases.total
    };
    // Mrebet's 3 is hidden, and 33.03.04's 12 with it: a group holding both shows their
    // sum with its 25; a group of 33.03.03 alone and nothing hidden shows too.
    let tallies = cases(&[
        ("33.03.01", 25),
        ("33.03.08", 3),
        ("33.03.03", 30),
        ("33.03.04", 12),
    ]);
    let groups = parse_groups(&[
        draft("A", &["33.03.01", "33.03.08", "33.03.04"]),
        draft("B", &["33.03.03", "33.03.05"]),
    ])
    .expect("groups");
    let set = AreaGroups {
        lists: vec![groups.clone()],
    };
    let all = Evaluation::suppressed_year(2025, &tallies, today(), &set);
    assert_eq!(total(&all, MREBET), None);
    assert_eq!(total(&all, "33.03.04"), None);
    assert_eq!(total(&all, "kelompok:a"), Some(40));
    assert_eq!(total(&all, "kelompok:b"), Some(30));
    assert_eq!(all[0].groups[0].cases, Some(40));
    // A group holding one hidden kecamatan would give it away: hidden.
    let split = parse_groups(&[
        draft("A", &["33.03.01", "33.03.08"]),
        draft("B", &["33.03.03", "33.03.04"]),
    ])
    .expect("groups");
    let set = AreaGroups { lists: vec![split] };
    let all = Evaluation::suppressed_year(2025, &tallies, today(), &set);
    assert_eq!(
        (total(&all, "kelompok:a"), total(&all, "kelompok:b")),
        (None, None)
    );
    assert!(!all[0].groups_withheld);
    // Two groups of ten in a regency whose twenty showed before any group: hidden, both
    // would read as ten; the groups are withheld for the year.
    let tens = cases(&[
        ("33.03.01", 6),
        ("33.03.08", 4),
        ("33.03.03", 5),
        ("33.03.04", 5),
    ]);
    let set = AreaGroups {
        lists: vec![parse_groups(&[
            draft("A", &["33.03.01", "33.03.08"]),
            draft("B", &["33.03.03", "33.03.04"]),
        ])
        .expect("groups")],
    };
    let all = Evaluation::suppressed_year(2025, &tens, today(), &set);
    assert_eq!(total(&all, REGENCY_CODE), Some(20));
    assert!(all.iter().all(|e| e.groups_withheld && e.groups.is_empty()));
    assert!(all.iter().all(|e| !e.area.starts_with(GROUP_PREFIX)));
}
