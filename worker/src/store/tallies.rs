//! The evaluation's tallies and the activity counts, read the same way on both backends.

use super::error::{from_db, StoreError};
use super::rollup;
use model::evaluation::Tallies;
use model::stats::ActivityCounts;

/// Reads the evaluation's tallies of a period on one connection (in a transaction, so
/// every query sees the same writes): the whole months from the rollups, the days of a
/// month only partly in the period from the facts, with the same queries on both
/// backends, whose connection types differ. The days to delivery are read for `$area`
/// alone; waiting services are counted as of `$today`.
macro_rules! read_tallies {
    ($dialect:expr, $rollups:expr, $period:expr, $area:expr, $today:expr, $db:ident) => {{
        use ::model::activity::format_date;
        use ::model::evaluation::period::{first_of_month, month_of};
        use $crate::store::rollup;
        let (dialect, r, period, area, today) = (&$dialect, $rollups, $period, $area, $today);
        let regency = *area == ::model::evaluation::Area::Regency;
        let due = time::Duration::days(::model::evaluation::DUE_WITHIN_DAYS as i64);
        let split = ::model::evaluation::period::split(period.from, period.to);
        let mut rows = $crate::store::tallies::TallyRows {
            days_area: area.code(),
            ..Default::default()
        };
        // Each span: whole months (from the rollups) or days (from the facts), with its
        // first and last day.
        let mut spans: Vec<(bool, ::time::Date, ::time::Date)> = Vec::new();
        if let Some((first, last)) = split.months {
            spans.push((true, first, last));
        }
        for (from, to) in split.days {
            spans.push((false, from, to));
        }
        for &(months, first, last) in &spans {
            let (from, to) = match months {
                true => (month_of(first), month_of(last)),
                false => (format_date(first), format_date(last)),
            };
            let sql = |rollup: &rollup::Rollup| match months {
                true => rollup.rows_in_months(),
                false => rollup.rows_in_days(),
            };
            macro_rules! rows {
                ($sql:expr) => {
                    sqlx::query_as(&$sql)
                        .bind(&from)
                        .bind(&to)
                        .fetch_all(&mut *$db)
                        .await?
                };
            }
            rows.cases.extend::<Vec<_>>(rows!(sql(&r.cases)));
            rows.victims.extend::<Vec<_>>(rows!(sql(&r.victims)));
            rows.served.extend::<Vec<_>>(rows!(sql(&r.served)));
            rows.legal.extend::<Vec<_>>(rows!(sql(&r.legal)));
            rows.activities.extend::<Vec<_>>(rows!(sql(&r.activities)));
            rows.reached.extend::<Vec<_>>(rows!(sql(&r.reach)));
            let counts: Vec<rollup::ServiceCounts> =
                rows!(dialect.service_counts(&sql(&r.services)));
            // The days waiting services were requested: every day of a span of days; of
            // whole months, only the month in which today's cutoff falls.
            let pending: Vec<rollup::PendingDay> = match months {
                false => rows!(r.pending.rows_in_days()),
                true if (first..=last).contains(&(today - due)) => {
                    sqlx::query_as(&r.pending_in_month())
                        .bind(month_of(today - due))
                        .fetch_all(&mut *$db)
                        .await?
                }
                true => Vec::new(),
            };
            let span_end = (!months).then_some(last);
            let pending = rollup::by_row(pending);
            for row in counts {
                let key = (row.0.clone(), row.1.clone(), row.2.clone());
                let days = pending.get(&key).map_or(&[][..], Vec::as_slice);
                let waiting = rollup::waiting_before(&row, days, span_end, today)?;
                rows.services.push((row, waiting));
            }
            let days = match months {
                true => r.days_in_months(regency),
                false => r.days_in_days(regency),
            };
            // The regency's in one query; a kecamatan's or a group's, kecamatan by
            // kecamatan (a group's days are the union of its kecamatan's).
            let codes = area
                .kecamatan()
                .unwrap_or_else(|| vec![::model::regions::REGENCY_CODE]);
            for code in codes {
                rows.days.extend::<Vec<_>>(
                    sqlx::query_as(&days)
                        .bind(&from)
                        .bind(&to)
                        .bind(code)
                        .fetch_all(&mut *$db)
                        .await?,
                );
            }
        }
        rows.reached_before = sqlx::query_as(&r.reached_before_months())
            .bind(month_of(period.from))
            .fetch_all(&mut *$db)
            .await?;
        let month_start = first_of_month(period.from);
        if month_start < period.from {
            rows.reached_before.extend::<Vec<_>>(
                sqlx::query_as(&r.reached_before_days())
                    .bind(format_date(month_start))
                    .bind(period.from_text())
                    .fetch_all(&mut *$db)
                    .await?,
            );
        }
        rows.tallies()
    }};
}
pub(crate) use read_tallies;

/// A case tally row: month, kecamatan, dimension (`form` for a form of exploitation),
/// code, how many.
pub(super) type CaseRow = (String, String, String, String, i64);

/// A legal tally row: month, kecamatan, furthest stage (-1: none), restitution (0 or 1),
/// how many cases, rupiah.
pub(super) type LegalRow = (String, String, i64, i64, i64, i64);

/// An activity tally row: month, kecamatan, type, how many, and the four participant sums.
pub(super) type ActivityRow = (String, String, String, i64, i64, i64, i64, i64);

/// The rows of the evaluation's queries, as both backends decode them.
#[derive(Default)]
pub(super) struct TallyRows {
    pub cases: Vec<CaseRow>,
    /// Month, kecamatan, sex, child (0 or 1), how many.
    pub victims: Vec<(String, String, String, i64, i64)>,
    /// With the days from which they wait too long, and how many then.
    pub services: Vec<(rollup::ServiceCounts, Vec<(String, u64)>)>,
    /// The area of `days`.
    pub days_area: String,
    /// Month, type, days to delivery, how many.
    pub days: Vec<(String, String, i64, i64)>,
    /// Month, kecamatan, how many.
    pub served: Vec<(String, String, i64)>,
    pub legal: Vec<LegalRow>,
    pub activities: Vec<ActivityRow>,
    /// Month, desa, how many activities.
    pub reached: Vec<(String, String, i64)>,
    pub reached_before: Vec<(String,)>,
}

impl TallyRows {
    /// The tallies these rows hold.
    pub(super) fn tallies(self) -> Result<Tallies, StoreError> {
        use model::evaluation::{
            ActivityTally, CaseDimension, CaseTally, DaysTally, ExploitationTally, LegalTally,
            ServedTally, ServiceTally, VictimTally,
        };
        let rank =
            |r: i64| u8::try_from(r).map_err(|_| StoreError::Corrupt(format!("stage rank {r}")));
        let mut tallies = Tallies::default();
        for (month, kecamatan, dimension, code, n) in self.cases {
            let n = from_db(n)?;
            if dimension == "form" {
                tallies.exploitation.push(ExploitationTally {
                    kecamatan,
                    month,
                    form: code,
                    n,
                });
                continue;
            }
            let dimension = CaseDimension::parse(&dimension)
                .ok_or_else(|| StoreError::Corrupt(format!("case dimension {dimension}")))?;
            tallies.cases.push(CaseTally {
                kecamatan,
                month,
                dimension,
                code,
                n,
            });
        }
        for (month, kecamatan, sex, child, n) in self.victims {
            tallies.victims.push(VictimTally {
                kecamatan,
                month,
                sex,
                child: child != 0,
                n: from_db(n)?,
            });
        }
        for ((kecamatan, month, service_type, requested, delivered, late, pending, _), waiting) in
            self.services
        {
            tallies.services.push(ServiceTally {
                kecamatan,
                month,
                service_type,
                requested: from_db(requested)?,
                delivered: from_db(delivered)?,
                late: from_db(late)?,
                pending: from_db(pending)?,
                waiting_before: waiting,
            });
        }
        tallies.days_area = self.days_area;
        for (month, service_type, days, n) in self.days {
            tallies.days.push(DaysTally {
                month,
                service_type,
                days: from_db(days)?,
                n: from_db(n)?,
            });
        }
        for (month, kecamatan, n) in self.served {
            tallies.served.push(ServedTally {
                kecamatan,
                month,
                n: from_db(n)?,
            });
        }
        for (month, kecamatan, furthest, restitution, n, rupiah) in self.legal {
            tallies.legal.push(LegalTally {
                kecamatan,
                month,
                furthest: (furthest >= 0).then(|| rank(furthest)).transpose()?,
                restitution: restitution != 0,
                n: from_db(n)?,
                rupiah: from_db(rupiah)?,
            });
        }
        for (month, kecamatan, activity_type, n, fa, ma, fc, mc) in self.activities {
            tallies.activities.push(ActivityTally {
                kecamatan,
                month,
                activity_type,
                n: from_db(n)?,
                participants: [from_db(fa)?, from_db(ma)?, from_db(fc)?, from_db(mc)?],
            });
        }
        tallies.reached = self
            .reached
            .into_iter()
            .map(|(month, desa, _)| (desa, month))
            .collect();
        let mut before: Vec<String> = self.reached_before.into_iter().map(|(d,)| d).collect();
        before.sort_unstable();
        before.dedup();
        tallies.reached_before = before;
        Ok(tallies)
    }
}
/// One kecamatan's counts from an aggregate row.
pub(super) fn counts_from_row(
    (kecamatan, activities, female, male, children): (String, i64, i64, i64, i64),
) -> Result<(String, ActivityCounts), StoreError> {
    Ok((
        kecamatan,
        ActivityCounts {
            activities: from_db(activities)?,
            female: from_db(female)?,
            male: from_db(male)?,
            children: from_db(children)?,
        },
    ))
}
