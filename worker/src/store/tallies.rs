//! The evaluation's tallies and the activity counts, read the same way on both backends.

use super::db::{query, Db};
use super::error::{from_db, StoreError};
use super::rollup::{self, by_row, waiting_before, PendingDay, Rollup, Rollups, ServiceCounts};
use super::sql::Dialect;
use model::activity::format_date;
use model::evaluation::period::{first_of_month, month_of, split};
use model::evaluation::{Area, Period, Tallies, DUE_WITHIN_DAYS};
use model::regions::REGENCY_CODE;
use model::stats::ActivityCounts;
use time::{Date, Duration};

/// Reads the evaluation's tallies of a period on one connection (in a transaction, so
/// every query sees the same writes): the whole months from the rollups, the days of a
/// month only partly in the period from the facts. The days to delivery are read for
/// `area` alone; waiting services are counted as of `today`.
pub(super) async fn read<D: Db>(
    db: &mut D,
    dialect: &Dialect,
    r: &Rollups,
    period: Period,
    area: &Area,
    today: Date,
) -> Result<Tallies, StoreError> {
    let mut rows = TallyRows {
        days_area: area.code(),
        ..Default::default()
    };
    let split = split(period.from, period.to);
    // Each span: whole months (from the rollups) or days (from the facts), with its first
    // and last day.
    let mut spans: Vec<(bool, Date, Date)> = Vec::new();
    if let Some((first, last)) = split.months {
        spans.push((true, first, last));
    }
    for (from, to) in split.days {
        spans.push((false, from, to));
    }
    for (months, first, last) in spans {
        read_span(
            db,
            dialect,
            r,
            &mut rows,
            (months, first, last),
            area,
            today,
        )
        .await?;
    }
    rows.reached_before = db
        .fetch_all(query(r.reached_before_months()).bind(month_of(period.from)))
        .await?;
    let month_start = first_of_month(period.from);
    if month_start < period.from {
        let days = query(r.reached_before_days())
            .bind(format_date(month_start))
            .bind(period.from_text());
        rows.reached_before
            .extend(db.fetch_all::<(String,)>(days).await?);
    }
    rows.tallies()
}

/// Adds the rows of one span to `rows`: whole months (from the rollups) or days (from the
/// facts), from `first` to `last`.
async fn read_span<D: Db>(
    db: &mut D,
    dialect: &Dialect,
    r: &Rollups,
    rows: &mut TallyRows,
    (months, first, last): (bool, Date, Date),
    area: &Area,
    today: Date,
) -> Result<(), StoreError> {
    let due = Duration::days(DUE_WITHIN_DAYS as i64);
    let (from, to) = match months {
        true => (month_of(first), month_of(last)),
        false => (format_date(first), format_date(last)),
    };
    let sql = |rollup: &Rollup| match months {
        true => rollup.rows_in_months(),
        false => rollup.rows_in_days(),
    };
    let span = |sql: String| query(sql).bind(&from).bind(&to);
    rows.cases
        .extend(db.fetch_all::<CaseRow>(span(sql(&r.cases))).await?);
    let victims: Vec<VictimRow> = db.fetch_all(span(sql(&r.victims))).await?;
    rows.victims.extend(victims);
    let served: Vec<CountRow> = db.fetch_all(span(sql(&r.served))).await?;
    rows.served.extend(served);
    rows.legal
        .extend(db.fetch_all::<LegalRow>(span(sql(&r.legal))).await?);
    let activities: Vec<ActivityRow> = db.fetch_all(span(sql(&r.activities))).await?;
    rows.activities.extend(activities);
    let reached: Vec<CountRow> = db.fetch_all(span(sql(&r.reach))).await?;
    rows.reached.extend(reached);
    let counts: Vec<ServiceCounts> = db
        .fetch_all(span(dialect.service_counts(&sql(&r.services))))
        .await?;
    // The days waiting services were requested: every day of a span of days; of whole
    // months, only the month in which today's cutoff falls.
    let pending: Vec<PendingDay> = match months {
        false => db.fetch_all(span(r.pending.rows_in_days())).await?,
        true if (first..=last).contains(&(today - due)) => {
            let month = query(r.pending_in_month()).bind(month_of(today - due));
            db.fetch_all(month).await?
        }
        true => Vec::new(),
    };
    let span_end = (!months).then_some(last);
    let pending = by_row(pending);
    for row in counts {
        let key = (row.0.clone(), row.1.clone(), row.2.clone());
        let days = pending.get(&key).map_or(&[][..], Vec::as_slice);
        let waiting = waiting_before(&row, days, span_end, today)?;
        rows.services.push((row, waiting));
    }
    let days = match months {
        true => r.days_in_months(area == &Area::Regency),
        false => r.days_in_days(area == &Area::Regency),
    };
    // The regency's in one query; a kecamatan's or a group's, kecamatan by kecamatan (a
    // group's days are the union of its kecamatan's).
    let codes = area.kecamatan().unwrap_or_else(|| vec![REGENCY_CODE]);
    for code in codes {
        let days: Vec<DaysRow> = db.fetch_all(span(days.clone()).bind(code)).await?;
        rows.days.extend(days);
    }
    Ok(())
}

/// A case tally row: month, kecamatan, dimension (`form` for a form of exploitation),
/// code, how many.
pub(super) type CaseRow = (String, String, String, String, i64);

/// A legal tally row: month, kecamatan, furthest stage (-1: none), restitution (0 or 1),
/// how many cases, rupiah.
pub(super) type LegalRow = (String, String, i64, i64, i64, i64);

/// A victim tally row: month, kecamatan, sex, child (0 or 1), how many.
pub(super) type VictimRow = (String, String, String, i64, i64);

/// A days-to-delivery row: month, type, days to delivery, how many.
pub(super) type DaysRow = (String, String, i64, i64);

/// A count row: month, kecamatan (or desa), how many.
pub(super) type CountRow = (String, String, i64);

/// An activity tally row: month, kecamatan, type, how many, and the four participant sums.
pub(super) type ActivityRow = (String, String, String, i64, i64, i64, i64, i64);

/// The rows of the evaluation's queries, as both backends decode them.
#[derive(Default)]
pub(super) struct TallyRows {
    pub cases: Vec<CaseRow>,
    /// Month, kecamatan, sex, child (0 or 1), how many.
    pub victims: Vec<VictimRow>,
    /// With the days from which they wait too long, and how many then.
    pub services: Vec<(rollup::ServiceCounts, Vec<(String, u64)>)>,
    /// The area of `days`.
    pub days_area: String,
    /// Month, type, days to delivery, how many.
    pub days: Vec<DaysRow>,
    /// Month, kecamatan, how many.
    pub served: Vec<CountRow>,
    pub legal: Vec<LegalRow>,
    pub activities: Vec<ActivityRow>,
    /// Month, desa, how many activities.
    pub reached: Vec<CountRow>,
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
