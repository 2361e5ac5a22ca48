//! The evaluation: every figure supervisors and viewers see for a period and an area (the
//! regency or one kecamatan), assembled from the store's [`Tallies`], and suppressed for
//! viewers ([`suppress`]).
//!
//! A figure is `Option<u64>`: `None` (JSON `null`) is a suppressed cell. Breakdowns list
//! every code of their vocabulary, zeros included, so tables keep their shape.

pub mod csv;
mod period;
mod suppress;
mod tally;

pub use period::{Period, PeriodError};
pub use suppress::{suppress, Cells};
pub use tally::{
    funnel_rank, ActivityTally, CaseTally, ExploitationTally, LegalTally, ServedTally,
    ServiceTally, Tallies, VictimTally, DUE_WITHIN_DAYS, FUNNEL_STAGES, NOT_RECORDED,
};

use crate::regions::{self, REGENCY_CODE};
use crate::vocab::{self, Vocab};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A figure: `None` when suppressed.
pub type Cell = Option<u64>;

/// `GET /api/v1/stats` answer: the figures of one period and area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The period the figures cover.
    pub period: Period,
    /// The area: the regency (`33.03`) or one kecamatan code.
    pub area: String,
    /// Whether small cells were suppressed (the caller is a viewer).
    pub suppressed: bool,
    /// Cases reported in the period.
    pub cases: CaseFigures,
    /// Victims of those cases.
    pub victims: VictimFigures,
    /// Services requested in the period.
    pub services: ServiceFigures,
    /// How far the law enforcement of the period's cases went.
    pub legal: LegalFigures,
    /// Activities held in the period.
    pub activities: ActivityFigures,
    /// Villages reached by the period's activities.
    pub coverage: Coverage,
    /// The main figures of each kecamatan (for the regency; empty for one kecamatan).
    pub areas: Vec<AreaRow>,
    /// Month by month, every month the period touches.
    pub trend: Vec<MonthRow>,
}

/// One code's count in a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// The vocabulary code.
    pub code: String,
    /// How many.
    pub n: Cell,
}

/// Cases reported in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFigures {
    /// All of them.
    pub total: Cell,
    /// By status (sums to the total).
    pub by_status: Vec<Count>,
    /// By modus (sums to the total).
    pub by_modus: Vec<Count>,
    /// By destination, [`NOT_RECORDED`] last (sums to the total).
    pub by_destination: Vec<Count>,
    /// By form of exploitation: a case may name several, or none.
    pub by_exploitation: Vec<Count>,
}

/// Victims of the cases reported in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimFigures {
    /// All of them.
    pub total: Cell,
    /// Women and girls.
    pub female: Cell,
    /// Men and boys.
    pub male: Cell,
    /// Under 18 when identified.
    pub children: Cell,
    /// 18 or older.
    pub adults: Cell,
    /// Girls.
    pub female_children: Cell,
    /// Boys.
    pub male_children: Cell,
    /// Women.
    pub female_adults: Cell,
    /// Men.
    pub male_adults: Cell,
}

/// Services of one type (or all) requested in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRow {
    /// Service type code, `total` for all.
    pub code: String,
    /// Requested.
    pub requested: Cell,
    /// Delivered.
    pub delivered: Cell,
    /// Delivered more than 7 days after the request.
    pub late: Cell,
    /// Not delivered and waiting more than 7 days at the period's end (or today).
    pub waiting: Cell,
    /// Median days from request to delivery of those delivered.
    pub median_days: Option<f64>,
    /// Longest days from request to delivery of those delivered.
    pub longest_days: Option<u64>,
}

/// Services requested in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceFigures {
    /// One row per service type.
    pub rows: Vec<ServiceRow>,
    /// All types.
    pub total: ServiceRow,
}

/// One stage of the law-enforcement funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelStage {
    /// Stage code.
    pub code: String,
    /// Cases of the period that reached this stage or a later one.
    pub cases: Cell,
    /// Those as a percentage of the period's cases, one decimal.
    pub percent: Option<f64>,
}

/// How far the law enforcement of the period's cases went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegalFigures {
    /// From police report to final verdict.
    pub funnel: Vec<FunnelStage>,
    /// Cases with restitution ordered.
    pub restitution_cases: Cell,
    /// Restitution ordered, in rupiah.
    pub restitution_rupiah: Cell,
}

/// Participants of the period's activities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participants {
    /// Everyone.
    pub total: Cell,
    /// Women and girls.
    pub female: Cell,
    /// Men and boys.
    pub male: Cell,
    /// Adults.
    pub adults: Cell,
    /// Children.
    pub children: Cell,
    /// Women.
    pub female_adults: Cell,
    /// Men.
    pub male_adults: Cell,
    /// Girls.
    pub female_children: Cell,
    /// Boys.
    pub male_children: Cell,
}

/// Activities held in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityFigures {
    /// All of them.
    pub total: Cell,
    /// By type (sums to the total).
    pub by_type: Vec<Count>,
    /// Who took part.
    pub participants: Participants,
}

/// Villages reached in one kecamatan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageRow {
    /// Kecamatan code.
    pub code: String,
    /// Its villages (a public fact, never suppressed).
    pub villages: u64,
    /// Villages where an activity was held.
    pub reached: Cell,
    /// The villages not reached (desa codes, in code order); `None` when suppressed with
    /// `reached`, which they would reveal.
    pub not_reached: Option<Vec<String>>,
    /// The villages no activity ever reached, up to the period's end; `None` for a viewer
    /// when they would reveal that 1 to 10 villages were ever reached.
    pub never_reached: Option<Vec<String>>,
}

/// Villages reached by the period's activities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Villages in the area.
    pub villages: u64,
    /// Villages reached.
    pub reached: Cell,
    /// Kecamatan by kecamatan (one row for a kecamatan's evaluation).
    pub kecamatan: Vec<CoverageRow>,
}

/// A kecamatan's main figures, one row of the regency's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaRow {
    /// Kecamatan code.
    pub code: String,
    /// Cases reported.
    pub cases: Cell,
    /// Their victims.
    pub victims: Cell,
    /// Services requested.
    pub services: Cell,
    /// Activities held.
    pub activities: Cell,
    /// Participants of the activities.
    pub participants: Cell,
}

/// One month of the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Cases reported.
    pub new_cases: Cell,
    /// Victims who received a service (each once).
    pub victims_served: Cell,
    /// Activities held.
    pub activities: Cell,
}

impl Evaluation {
    /// The exact figures of `area` (the regency's code or a kecamatan's) from the
    /// regency's tallies of `period`.
    pub fn assemble(period: Period, area: &str, tallies: &Tallies) -> Evaluation {
        let regency = area == REGENCY_CODE;
        let here = |kecamatan: &str| regency || kecamatan == area;
        let months = period.months();

        let cases: Vec<&CaseTally> = tallies
            .cases
            .iter()
            .filter(|t| here(&t.kecamatan))
            .collect();
        let sum_cases = |keep: &dyn Fn(&CaseTally) -> bool| {
            cases.iter().filter(|t| keep(t)).map(|t| t.n).sum::<u64>()
        };
        let case_total = sum_cases(&|_| true);
        let mut by_destination = breakdown(vocab::DESTINATIONS, |code| {
            sum_cases(&|t| t.destination == code)
        });
        by_destination.push(Count {
            code: NOT_RECORDED.into(),
            n: Some(sum_cases(&|t| t.destination == NOT_RECORDED)),
        });
        let exploitation = |code: &str| {
            let rows = tallies.exploitation.iter();
            rows.filter(|t| here(&t.kecamatan) && t.form == code)
                .map(|t| t.n)
                .sum()
        };
        let case_figures = CaseFigures {
            total: Some(case_total),
            by_status: breakdown(vocab::CASE_STATUSES, |c| sum_cases(&|t| t.status == c)),
            by_modus: breakdown(vocab::MODUS, |c| sum_cases(&|t| t.modus == c)),
            by_destination,
            by_exploitation: breakdown(vocab::EXPLOITATION, exploitation),
        };

        let victim = |sex: Option<&str>, child: Option<bool>| {
            let rows = tallies.victims.iter().filter(|t| here(&t.kecamatan));
            rows.filter(|t| sex.is_none_or(|s| t.sex == s) && child.is_none_or(|c| t.child == c))
                .map(|t| t.n)
                .sum::<u64>()
        };
        let victims = VictimFigures {
            total: Some(victim(None, None)),
            female: Some(victim(Some("female"), None)),
            male: Some(victim(Some("male"), None)),
            children: Some(victim(None, Some(true))),
            adults: Some(victim(None, Some(false))),
            female_children: Some(victim(Some("female"), Some(true))),
            male_children: Some(victim(Some("male"), Some(true))),
            female_adults: Some(victim(Some("female"), Some(false))),
            male_adults: Some(victim(Some("male"), Some(false))),
        };

        let services: Vec<&ServiceTally> = tallies
            .services
            .iter()
            .filter(|t| here(&t.kecamatan))
            .collect();
        let service_row = |code: &str, of: &dyn Fn(&ServiceTally) -> bool| {
            let rows: Vec<&&ServiceTally> = services.iter().filter(|t| of(t)).collect();
            let count = |keep: &dyn Fn(&ServiceTally) -> bool| {
                rows.iter().filter(|t| keep(t)).map(|t| t.n).sum::<u64>()
            };
            let mut days: BTreeMap<u64, u64> = BTreeMap::new();
            for t in &rows {
                if let Some(d) = t.days {
                    *days.entry(d).or_default() += t.n;
                }
            }
            ServiceRow {
                code: code.into(),
                requested: Some(count(&|_| true)),
                delivered: Some(count(&|t| t.days.is_some())),
                late: Some(count(&|t| t.days.is_some_and(|d| d > DUE_WITHIN_DAYS))),
                waiting: Some(count(&|t| t.waiting)),
                median_days: median(&days),
                longest_days: days.keys().next_back().copied(),
            }
        };
        let service_figures = ServiceFigures {
            rows: vocab::SERVICE_TYPES
                .terms
                .iter()
                .map(|term| service_row(term.code, &|t| t.service_type == term.code))
                .collect(),
            total: service_row("total", &|_| true),
        };

        let legal: Vec<&LegalTally> = tallies
            .legal
            .iter()
            .filter(|t| here(&t.kecamatan))
            .collect();
        let funnel = (0..FUNNEL_STAGES.len())
            .map(|rank| {
                let reached: u64 = legal
                    .iter()
                    .filter(|t| t.furthest.is_some_and(|f| usize::from(f) >= rank))
                    .map(|t| t.n)
                    .sum();
                FunnelStage {
                    code: FUNNEL_STAGES[rank].into(),
                    cases: Some(reached),
                    percent: percent(reached, case_total),
                }
            })
            .collect();
        let restituted = legal.iter().filter(|t| t.restitution);
        let legal_figures = LegalFigures {
            funnel,
            restitution_cases: Some(restituted.clone().map(|t| t.n).sum()),
            restitution_rupiah: Some(restituted.map(|t| t.rupiah).sum()),
        };

        let activities: Vec<&ActivityTally> = tallies
            .activities
            .iter()
            .filter(|t| here(&t.kecamatan))
            .collect();
        let people = |i: usize| activities.iter().map(|t| t.participants[i]).sum::<u64>();
        let [fa, ma, fc, mc] = [people(0), people(1), people(2), people(3)];
        let activity_total: u64 = activities.iter().map(|t| t.n).sum();
        let activity_figures = ActivityFigures {
            total: Some(activity_total),
            by_type: breakdown(vocab::ACTIVITY_TYPES, |code| {
                let rows = activities.iter().filter(|t| t.activity_type == code);
                rows.map(|t| t.n).sum()
            }),
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

        let reached: BTreeSet<&str> = tallies.reached.iter().map(String::as_str).collect();
        let ever: BTreeSet<&str> = tallies.reached_ever.iter().map(String::as_str).collect();
        let coverage_rows: Vec<CoverageRow> = kecamatan_codes()
            .into_iter()
            .filter(|code| here(code))
            .map(|code| {
                let villages: Vec<&str> = regions::villages_of(code)
                    .map(|v| v.code.as_str())
                    .collect();
                let not_reached: Vec<String> = villages
                    .iter()
                    .filter(|v| !reached.contains(*v))
                    .map(|v| (*v).to_owned())
                    .collect();
                let never_reached: Vec<String> = villages
                    .iter()
                    .filter(|v| !ever.contains(*v))
                    .map(|v| (*v).to_owned())
                    .collect();
                CoverageRow {
                    code: code.into(),
                    villages: villages.len() as u64,
                    reached: Some((villages.len() - not_reached.len()) as u64),
                    not_reached: Some(not_reached),
                    never_reached: Some(never_reached),
                }
            })
            .collect();
        let coverage = Coverage {
            villages: coverage_rows.iter().map(|r| r.villages).sum(),
            reached: Some(coverage_rows.iter().filter_map(|r| r.reached).sum()),
            kecamatan: coverage_rows,
        };

        let areas = match regency {
            false => Vec::new(),
            true => kecamatan_codes()
                .into_iter()
                .map(|code| {
                    let one = Evaluation::assemble(period, code, tallies);
                    AreaRow {
                        code: code.into(),
                        cases: one.cases.total,
                        victims: one.victims.total,
                        services: one.services.total.requested,
                        activities: one.activities.total,
                        participants: one.activities.participants.total,
                    }
                })
                .collect(),
        };

        let trend = months
            .iter()
            .map(|month| MonthRow {
                month: month.clone(),
                new_cases: Some(
                    cases
                        .iter()
                        .filter(|t| &t.month == month)
                        .map(|t| t.n)
                        .sum(),
                ),
                victims_served: Some(
                    tallies
                        .served
                        .iter()
                        .filter(|t| here(&t.kecamatan) && &t.month == month)
                        .map(|t| t.n)
                        .sum(),
                ),
                activities: Some(
                    activities
                        .iter()
                        .filter(|t| &t.month == month)
                        .map(|t| t.n)
                        .sum(),
                ),
            })
            .collect();

        Evaluation {
            period,
            area: area.into(),
            suppressed: false,
            cases: case_figures,
            victims,
            services: service_figures,
            legal: legal_figures,
            activities: activity_figures,
            coverage,
            areas,
            trend,
        }
    }

    /// Every area's exact figures: the regency first, then each kecamatan in code order.
    pub fn assemble_all(period: Period, tallies: &Tallies) -> Vec<Evaluation> {
        std::iter::once(REGENCY_CODE)
            .chain(kecamatan_codes())
            .map(|area| Evaluation::assemble(period, area, tallies))
            .collect()
    }
}

/// The regency's kecamatan codes, in code order.
pub fn kecamatan_codes() -> Vec<&'static str> {
    let mut codes: Vec<&str> = regions::kecamatan().map(|r| r.code.as_str()).collect();
    codes.sort_unstable();
    codes
}

/// Whether `area` is the regency's code or one of its kecamatan.
pub fn is_area(area: &str) -> bool {
    area == REGENCY_CODE || kecamatan_codes().contains(&area)
}

fn breakdown(vocab: Vocab, count: impl Fn(&str) -> u64) -> Vec<Count> {
    let terms = vocab.terms.iter();
    terms
        .map(|term| Count {
            code: term.code.into(),
            n: Some(count(term.code)),
        })
        .collect()
}

/// A percentage with one decimal; none of nothing.
fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The median of a histogram (value → how many), the mean of the two middle values when
/// the count is even.
fn median(histogram: &BTreeMap<u64, u64>) -> Option<f64> {
    let n: u64 = histogram.values().sum();
    if n == 0 {
        return None;
    }
    let nth = |k: u64| {
        let mut seen = 0;
        for (&value, &count) in histogram {
            seen += count;
            if seen > k {
                return value;
            }
        }
        0
    };
    let (low, high) = (nth((n - 1) / 2), nth(n / 2));
    Some((low + high) as f64 / 2.0)
}

#[cfg(test)]
mod tests;
