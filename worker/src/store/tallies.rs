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
use sqlx::FromRow;
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
            .extend(db.fetch_all::<DesaRow>(days).await?);
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
    let served: Vec<ServedRow> = db.fetch_all(span(sql(&r.served))).await?;
    rows.served.extend(served);
    rows.legal
        .extend(db.fetch_all::<LegalRow>(span(sql(&r.legal))).await?);
    let activities: Vec<ActivityRow> = db.fetch_all(span(sql(&r.activities))).await?;
    rows.activities.extend(activities);
    let reached: Vec<ReachRow> = db.fetch_all(span(sql(&r.reach))).await?;
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
        let key = (
            row.kecamatan.clone(),
            row.month.clone(),
            row.service_type.clone(),
        );
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

/// A case tally row: how many cases of a month and kecamatan have `code` in a
/// dimension (`form` for a form of exploitation).
#[derive(Debug, FromRow)]
pub(super) struct CaseRow {
    month: String,
    kecamatan: String,
    dimension: String,
    code: String,
    n: i64,
}

/// A victim tally row.
#[derive(Debug, FromRow)]
pub(super) struct VictimRow {
    month: String,
    kecamatan: String,
    sex: String,
    /// 0 or 1.
    child: i64,
    n: i64,
}

/// A days-to-delivery row: how many services of a type delivered after `days` days.
#[derive(Debug, FromRow)]
pub(super) struct DaysRow {
    month: String,
    #[sqlx(rename = "type")]
    service_type: String,
    days: i64,
    n: i64,
}

/// How many victims of a month and kecamatan were served.
#[derive(Debug, FromRow)]
pub(super) struct ServedRow {
    month: String,
    kecamatan: String,
    n: i64,
}

/// A legal tally row: how many cases went furthest to a stage.
#[derive(Debug, FromRow)]
pub(super) struct LegalRow {
    month: String,
    kecamatan: String,
    /// The stage's rank, -1 for none.
    furthest: i64,
    /// 0 or 1.
    restitution: i64,
    n: i64,
    rupiah: i64,
}

/// An activity tally row: how many activities of a type, and the four participant sums.
#[derive(Debug, FromRow)]
pub(super) struct ActivityRow {
    month: String,
    kecamatan: String,
    #[sqlx(rename = "type")]
    activity_type: String,
    n: i64,
    female_adult: i64,
    male_adult: i64,
    female_child: i64,
    male_child: i64,
}

/// How many activities reached a desa in a month.
#[derive(Debug, FromRow)]
pub(super) struct ReachRow {
    month: String,
    desa: String,
}

/// A desa reached.
#[derive(Debug, FromRow)]
pub(super) struct DesaRow {
    desa: String,
}

/// The rows of the evaluation's queries, as both backends decode them.
#[derive(Default)]
pub(super) struct TallyRows {
    pub cases: Vec<CaseRow>,
    pub victims: Vec<VictimRow>,
    /// With the days from which they wait too long, and how many then.
    pub services: Vec<(rollup::ServiceCounts, Vec<(String, u64)>)>,
    /// The area of `days`.
    pub days_area: String,
    pub days: Vec<DaysRow>,
    pub served: Vec<ServedRow>,
    pub legal: Vec<LegalRow>,
    pub activities: Vec<ActivityRow>,
    pub reached: Vec<ReachRow>,
    pub reached_before: Vec<DesaRow>,
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
        for CaseRow {
            month,
            kecamatan,
            dimension,
            code,
            n,
        } in self.cases
        {
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
        for row in self.victims {
            tallies.victims.push(VictimTally {
                kecamatan: row.kecamatan,
                month: row.month,
                sex: row.sex,
                child: row.child != 0,
                n: from_db(row.n)?,
            });
        }
        for (row, waiting) in self.services {
            tallies.services.push(ServiceTally {
                kecamatan: row.kecamatan,
                month: row.month,
                service_type: row.service_type,
                requested: from_db(row.requested)?,
                delivered: from_db(row.delivered)?,
                late: from_db(row.late)?,
                pending: from_db(row.pending)?,
                waiting_before: waiting,
            });
        }
        tallies.days_area = self.days_area;
        for row in self.days {
            tallies.days.push(DaysTally {
                month: row.month,
                service_type: row.service_type,
                days: from_db(row.days)?,
                n: from_db(row.n)?,
            });
        }
        for row in self.served {
            tallies.served.push(ServedTally {
                kecamatan: row.kecamatan,
                month: row.month,
                n: from_db(row.n)?,
            });
        }
        for row in self.legal {
            let furthest = row.furthest;
            tallies.legal.push(LegalTally {
                kecamatan: row.kecamatan,
                month: row.month,
                furthest: (furthest >= 0).then(|| rank(furthest)).transpose()?,
                restitution: row.restitution != 0,
                n: from_db(row.n)?,
                rupiah: from_db(row.rupiah)?,
            });
        }
        for row in self.activities {
            tallies.activities.push(ActivityTally {
                kecamatan: row.kecamatan,
                month: row.month,
                activity_type: row.activity_type,
                n: from_db(row.n)?,
                participants: [
                    from_db(row.female_adult)?,
                    from_db(row.male_adult)?,
                    from_db(row.female_child)?,
                    from_db(row.male_child)?,
                ],
            });
        }
        tallies.reached = self
            .reached
            .into_iter()
            .map(|row| (row.desa, row.month))
            .collect();
        let mut before: Vec<String> = self.reached_before.into_iter().map(|d| d.desa).collect();
        before.sort_unstable();
        before.dedup();
        tallies.reached_before = before;
        Ok(tallies)
    }
}
/// One kecamatan's activities and participants (`sql::activity_counts`).
#[derive(Debug, FromRow)]
pub(super) struct CountsRow {
    kecamatan: String,
    activities: i64,
    female: i64,
    male: i64,
    children: i64,
}

impl CountsRow {
    /// The kecamatan and its counts.
    pub(super) fn counts(self) -> Result<(String, ActivityCounts), StoreError> {
        Ok((
            self.kecamatan,
            ActivityCounts {
                activities: from_db(self.activities)?,
                female: from_db(self.female)?,
                male: from_db(self.male)?,
                children: from_db(self.children)?,
            },
        ))
    }
}
