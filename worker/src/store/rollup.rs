//! The evaluation's rollups (migration 0008): the fact tables added up by month and
//! kecamatan (or village), kept exact in the push transaction, so a period's figures read
//! a few thousand rows whatever the number of cases.
//!
//! Every rollup is the sum, over cases (or over activities), of each one's contribution:
//! a case counts with all its victims, services and legal steps. So a write takes out the
//! contributions of the cases it touches before their fact rows change ([`Sign::Out`]) and
//! adds them back after ([`Sign::In`]), with the same query filtered to those cases
//! ([`Rollup::shift`]). The same query over every case rebuilds a rollup
//! ([`Rollup::rebuild`]), and over a range of days it reads the figures of a month only
//! partly in a period straight from the facts ([`Rollup::rows_in_days`]): one definition
//! for the three uses, so they cannot drift apart.

use super::db::{query, Db};
use super::projection::{FactValue, TableWrites, CASE_FACTS, LEGAL_FACTS, SERVICE_FACTS};
use super::projection::{ACTIVITY_FACTS, CASE_FORMS, VICTIM_FACTS};
use super::sql::Dialect;
use super::StoreError;
use model::evaluation::period::{last_of_month, month_of};
use model::evaluation::DUE_WITHIN_DAYS;
use std::collections::{BTreeSet, HashMap, HashSet};
use time::{Date, Duration};
use uuid::Uuid;

/// What a rollup's contributions belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Driver {
    /// A case (with its victims, services and legal steps).
    Case,
    /// An activity.
    Activity,
}

/// Whether a delta takes contributions out or adds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sign {
    /// Before the facts change.
    Out,
    /// After.
    In,
}

/// One rollup table and the query that computes it from the facts.
#[derive(Debug, Clone)]
pub(crate) struct Rollup {
    /// The table.
    pub table: &'static str,
    /// Its key columns.
    pub keys: &'static [&'static str],
    /// Its summed columns, `n` first.
    pub values: &'static [&'static str],
    /// Whose contributions it adds up.
    pub driver: Driver,
    /// The fact tables its query reads: a write that changes none of them leaves it as it
    /// is.
    pub reads: &'static [&'static str],
    /// `SELECT keys..., values... FROM facts WHERE {filter} GROUP BY keys`, with the
    /// columns named as the table's.
    source: String,
    /// The day column a period's days filter on.
    day: &'static str,
    /// The column of the driver's id.
    id: &'static str,
    /// How the dialect renders `column IN (the ids bound as $1)`.
    ids: fn(&str, u8) -> String,
    /// [`Rollup::shift`]'s statements, taking out and adding, made once.
    shifts: [String; 2],
    /// The dialect's day parameter.
    day_param: fn(u8) -> String,
}

/// The fact tables a services rollup reads.
const SERVICE_READS: &[&str] = &[CASE_FACTS.name, VICTIM_FACTS.name, SERVICE_FACTS.name];

/// The rollups by table name.
pub(crate) const CASES: &str = "case_rollup";
pub(crate) const VICTIMS: &str = "victim_rollup";
pub(crate) const SERVICES: &str = "service_rollup";
pub(crate) const PENDING: &str = "service_pending";
pub(crate) const DAYS: &str = "service_days";
pub(crate) const DAYS_ALL: &str = "service_days_all";
pub(crate) const SERVED: &str = "served_rollup";
pub(crate) const LEGAL: &str = "legal_rollup";
pub(crate) const ACTIVITIES: &str = "activity_rollup";
pub(crate) const REACH: &str = "reach_rollup";

/// The name the first fill of the rollups is recorded under in `fact_backfills`.
pub(crate) const REBUILD_NAME: &str = "0008_rollups";

impl Rollup {
    fn columns(&self) -> String {
        self.keys
            .iter()
            .chain(self.values)
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn source(&self, filter: &str) -> String {
        self.source.replace("{filter}", filter)
    }

    /// Takes out (or adds) the contributions of the ids bound as `$1` (the driver's).
    pub(crate) fn shift(&self, sign: Sign) -> &str {
        match sign {
            Sign::Out => &self.shifts[0],
            Sign::In => &self.shifts[1],
        }
    }

    fn shift_sql(&self, sign: Sign) -> String {
        let minus = match sign {
            Sign::Out => "-",
            Sign::In => "",
        };
        let values: Vec<String> = self.values.iter().map(|v| format!("{minus}{v}")).collect();
        let updates: Vec<String> = self
            .values
            .iter()
            .map(|v| format!("{v} = {}.{v} + excluded.{v}", self.table))
            .collect();
        format!(
            "INSERT INTO {table} ({columns}) SELECT {keys}, {values} FROM ({source}) AS d
             WHERE true ON CONFLICT ({keys}) DO UPDATE SET {updates}",
            table = self.table,
            columns = self.columns(),
            keys = self.keys.join(", "),
            values = values.join(", "),
            source = self.source(&(self.ids)(self.id, 1)),
            updates = updates.join(", "),
        )
    }

    /// Empties the table and adds up every fact again.
    pub(crate) fn rebuild(&self) -> [String; 2] {
        [
            format!("DELETE FROM {}", self.table),
            format!(
                "INSERT INTO {} ({}) {}",
                self.table,
                self.columns(),
                self.source("1 = 1")
            ),
        ]
    }

    /// Its rows of the months `$1` to `$2` (`YYYY-MM`) that still count something.
    pub(crate) fn rows_in_months(&self) -> String {
        format!(
            "SELECT {} FROM {} WHERE month BETWEEN $1 AND $2 AND n > 0",
            self.columns(),
            self.table
        )
    }

    /// The same rows computed from the facts of the days `$1` to `$2` (`YYYY-MM-DD`).
    pub(crate) fn rows_in_days(&self) -> String {
        let filter = format!(
            "{} BETWEEN {} AND {}",
            self.day,
            (self.day_param)(1),
            (self.day_param)(2)
        );
        format!(
            "SELECT {} FROM ({}) AS d",
            self.columns(),
            self.source(&filter)
        )
    }
}

/// Every rollup.
#[derive(Debug, Clone)]
pub(crate) struct Rollups {
    pub cases: Rollup,
    pub victims: Rollup,
    pub services: Rollup,
    pub pending: Rollup,
    pub days: Rollup,
    pub days_all: Rollup,
    pub served: Rollup,
    pub legal: Rollup,
    pub activities: Rollup,
    pub reach: Rollup,
}

impl Rollups {
    /// All of them.
    pub(crate) fn all(&self) -> [&Rollup; 10] {
        [
            &self.cases,
            &self.victims,
            &self.services,
            &self.pending,
            &self.days,
            &self.days_all,
            &self.served,
            &self.legal,
            &self.activities,
            &self.reach,
        ]
    }

    /// The days to delivery of the months `$1` to `$2`: over the regency, or of the
    /// kecamatan `$3`. Columns: month, type, days, how many.
    pub(crate) fn days_in_months(&self, regency: bool) -> String {
        match regency {
            true => self.days_all.rows_in_months(),
            false => format!(
                "SELECT month, type, days, n FROM {} WHERE kecamatan = $3
                 AND month BETWEEN $1 AND $2 AND n > 0",
                self.days.table
            ),
        }
    }

    /// The same, of the days `$1` to `$2`, from the facts.
    pub(crate) fn days_in_days(&self, regency: bool) -> String {
        match regency {
            true => self.days_all.rows_in_days(),
            false => format!(
                "SELECT month, type, days, n FROM ({}) AS d WHERE kecamatan = $3",
                self.days.rows_in_days()
            ),
        }
    }

    /// The services waiting, by day requested, of the month `$1` (`YYYY-MM`).
    pub(crate) fn pending_in_month(&self) -> String {
        format!(
            "SELECT month, kecamatan, type, day, n FROM {} WHERE month = $1 AND n > 0",
            self.pending.table
        )
    }

    /// The villages reached in the months before `$1` (`YYYY-MM`).
    pub(crate) fn reached_before_months(&self) -> String {
        format!(
            "SELECT DISTINCT desa FROM {} WHERE month < $1 AND n > 0",
            self.reach.table
        )
    }

    /// The villages reached on the days from `$1` up to, not including, `$2`.
    pub(crate) fn reached_before_days(&self) -> String {
        format!(
            "SELECT DISTINCT desa FROM activity_facts WHERE date >= {} AND date < {}",
            (self.reach.day_param)(1),
            (self.reach.day_param)(2)
        )
    }
}

/// The rollups and the query of the cases a write touches, built once per backend.
#[derive(Debug, Clone)]
pub(crate) struct Queries {
    pub rollups: Rollups,
    pub touched_cases: String,
}

impl Dialect {
    /// The rollups' queries in this dialect.
    pub(crate) fn queries(&self) -> Queries {
        Queries {
            rollups: self.rollups(),
            touched_cases: self.touched_cases(),
        }
    }

    /// Every rollup, in this dialect.
    pub(crate) fn rollups(&self) -> Rollups {
        let month = self.month;
        let sum = self.sum;
        let rollup = |table, keys, values, (driver, reads), source: String, day, id| {
            let mut rollup = Rollup {
                table,
                keys,
                values,
                driver,
                reads,
                source,
                day,
                id,
                ids: self.ids,
                day_param: self.day,
                shifts: Default::default(),
            };
            rollup.shifts = [Sign::Out, Sign::In].map(|sign| rollup.shift_sql(sign));
            rollup
        };
        let dimension = |name: &str| {
            format!(
                "SELECT {} AS month, c.kecamatan AS kecamatan, '{name}' AS dimension,
                        c.{name} AS code, COUNT(*) AS n
                 FROM case_facts c WHERE {{filter}} GROUP BY 1, 2, 3, 4",
                month("c.reported")
            )
        };
        let services = "FROM service_facts s
            JOIN victim_facts v ON v.victim_id = s.victim_id
            JOIN case_facts c ON c.case_id = v.case_id";
        let days = (self.days_between)("s.requested", "s.delivered");
        Rollups {
            cases: rollup(
                CASES,
                &["month", "kecamatan", "dimension", "code"],
                &["n"],
                (Driver::Case, &[CASE_FACTS.name, CASE_FORMS.name]),
                format!(
                    "{} UNION ALL {} UNION ALL {} UNION ALL
                     SELECT {} AS month, c.kecamatan AS kecamatan, 'form' AS dimension,
                            f.form AS code, COUNT(*) AS n
                     FROM case_forms f JOIN case_facts c ON c.case_id = f.case_id
                     WHERE {{filter}} GROUP BY 1, 2, 3, 4",
                    dimension("status"),
                    dimension("modus"),
                    dimension("destination"),
                    month("c.reported")
                ),
                "c.reported",
                "c.case_id",
            ),
            victims: rollup(
                VICTIMS,
                &["month", "kecamatan", "sex", "child"],
                &["n"],
                (Driver::Case, &[CASE_FACTS.name, VICTIM_FACTS.name]),
                format!(
                    "SELECT {} AS month, c.kecamatan AS kecamatan, v.sex AS sex,
                            v.child AS child, COUNT(*) AS n
                     FROM victim_facts v JOIN case_facts c ON c.case_id = v.case_id
                     WHERE {{filter}} GROUP BY 1, 2, 3, 4",
                    month("c.reported")
                ),
                "c.reported",
                "c.case_id",
            ),
            services: rollup(
                SERVICES,
                &["month", "kecamatan", "type", "pending"],
                &["n", "delivered", "late"],
                (Driver::Case, SERVICE_READS),
                format!(
                    "SELECT {} AS month, c.kecamatan AS kecamatan, s.type AS type,
                            CASE WHEN s.delivered IS NOT NULL OR s.status = 'cancelled' THEN ''
                                 WHEN s.requested < {} THEN 'early'
                                 ELSE 'tail' END AS pending,
                            COUNT(*) AS n,
                            {} AS delivered,
                            {} AS late
                     {services} WHERE {{filter}} GROUP BY 1, 2, 3, 4",
                    month("s.requested"),
                    (self.before_month_end)("s.requested", DUE_WITHIN_DAYS),
                    sum("CASE WHEN s.delivered IS NULL THEN 0 ELSE 1 END"),
                    sum(&format!(
                        "CASE WHEN s.delivered IS NOT NULL AND {days} > {DUE_WITHIN_DAYS}
                              THEN 1 ELSE 0 END"
                    )),
                ),
                "s.requested",
                "c.case_id",
            ),
            pending: rollup(
                PENDING,
                &["month", "kecamatan", "type", "day"],
                &["n"],
                (Driver::Case, SERVICE_READS),
                format!(
                    "SELECT {} AS month, c.kecamatan AS kecamatan, s.type AS type,
                            {} AS day, COUNT(*) AS n
                     {services} WHERE s.delivered IS NULL AND s.status <> 'cancelled'
                     AND {{filter}} GROUP BY 1, 2, 3, 4",
                    month("s.requested"),
                    (self.day_text)("s.requested"),
                ),
                "s.requested",
                "c.case_id",
            ),
            days: rollup(
                DAYS,
                &["kecamatan", "month", "type", "days"],
                &["n"],
                (Driver::Case, SERVICE_READS),
                format!(
                    "SELECT c.kecamatan AS kecamatan, {} AS month, s.type AS type,
                            {days} AS days, COUNT(*) AS n
                     {services} WHERE s.delivered IS NOT NULL AND {{filter}}
                     GROUP BY 1, 2, 3, 4",
                    month("s.requested"),
                ),
                "s.requested",
                "c.case_id",
            ),
            days_all: rollup(
                DAYS_ALL,
                &["month", "type", "days"],
                &["n"],
                (Driver::Case, SERVICE_READS),
                format!(
                    "SELECT {} AS month, s.type AS type, {days} AS days, COUNT(*) AS n
                     {services} WHERE s.delivered IS NOT NULL AND {{filter}}
                     GROUP BY 1, 2, 3",
                    month("s.requested"),
                ),
                "s.requested",
                "c.case_id",
            ),
            served: rollup(
                SERVED,
                &["month", "kecamatan"],
                &["n"],
                (Driver::Case, SERVICE_READS),
                format!(
                    "SELECT {} AS month, c.kecamatan AS kecamatan,
                            COUNT(DISTINCT s.victim_id) AS n
                     {services} WHERE s.delivered IS NOT NULL AND {{filter}} GROUP BY 1, 2",
                    month("s.delivered")
                ),
                "s.delivered",
                "c.case_id",
            ),
            legal: rollup(
                LEGAL,
                &["month", "kecamatan", "furthest", "restitution"],
                &["n", "rupiah"],
                (Driver::Case, &[CASE_FACTS.name, LEGAL_FACTS.name]),
                format!(
                    "SELECT month, kecamatan, furthest,
                            CAST(CASE WHEN rupiah > 0 THEN 1 ELSE 0 END AS BIGINT)
                                AS restitution,
                            COUNT(*) AS n, {} AS rupiah
                     FROM (SELECT {} AS month, c.kecamatan AS kecamatan,
                                  COALESCE(MAX(l.stage_rank), -1) AS furthest,
                                  MAX(l.restitution) AS rupiah
                           FROM legal_facts l JOIN case_facts c ON c.case_id = l.case_id
                           WHERE {{filter}}
                           GROUP BY c.case_id, c.kecamatan, c.reported) AS per_case
                     GROUP BY 1, 2, 3, 4",
                    sum("rupiah"),
                    month("c.reported")
                ),
                "c.reported",
                "c.case_id",
            ),
            activities: rollup(
                ACTIVITIES,
                &["month", "kecamatan", "type"],
                &[
                    "n",
                    "female_adult",
                    "male_adult",
                    "female_child",
                    "male_child",
                ],
                (Driver::Activity, &[ACTIVITY_FACTS.name]),
                format!(
                    "SELECT {} AS month, a.kecamatan AS kecamatan, a.type AS type,
                            COUNT(*) AS n, {} AS female_adult, {} AS male_adult,
                            {} AS female_child, {} AS male_child
                     FROM activity_facts a WHERE {{filter}} GROUP BY 1, 2, 3",
                    month("a.date"),
                    sum("a.female_adult"),
                    sum("a.male_adult"),
                    sum("a.female_child"),
                    sum("a.male_child"),
                ),
                "a.date",
                "a.record_id",
            ),
            reach: rollup(
                REACH,
                &["month", "desa"],
                &["n"],
                (Driver::Activity, &[ACTIVITY_FACTS.name]),
                format!(
                    "SELECT {} AS month, a.desa AS desa, COUNT(*) AS n
                     FROM activity_facts a WHERE {{filter}} GROUP BY 1, 2",
                    month("a.date")
                ),
                "a.date",
                "a.record_id",
            ),
        }
    }

    /// The cases whose contributions a write of victims (`$1`: those written and those
    /// the written services now belong to), services (`$2`) and legal steps (`$3`) touches
    /// as the facts stand before it.
    pub(crate) fn touched_cases(&self) -> String {
        format!(
            "SELECT case_id FROM victim_facts WHERE {}
             UNION SELECT v.case_id FROM service_facts s
                   JOIN victim_facts v ON v.victim_id = s.victim_id WHERE {}
             UNION SELECT case_id FROM legal_facts WHERE {}",
            (self.ids)("victim_id", 1),
            (self.ids)("s.service_id", 2),
            (self.ids)("step_id", 3)
        )
    }

    /// The services rows of `rows` (a service rollup's columns), one per kecamatan, month
    /// and type: how many requested, delivered, late and waiting, and how many of those
    /// waiting were requested before the month's last 8 days.
    pub(crate) fn service_counts(&self, rows: &str) -> String {
        let sum = self.sum;
        format!(
            "SELECT kecamatan, month, type, {} AS requested, {} AS delivered, {} AS late,
                    {} AS pending, {} AS early
             FROM ({rows}) AS t GROUP BY month, kecamatan, type",
            sum("n"),
            sum("delivered"),
            sum("late"),
            sum("CASE WHEN pending <> '' THEN n ELSE 0 END"),
            sum("CASE WHEN pending = 'early' THEN n ELSE 0 END"),
        )
    }
}

/// Whose contributions a write of fact rows changes.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Touched {
    /// Cases known from the write itself: those written, and the new cases of the victims
    /// and legal steps written.
    pub cases: BTreeSet<Uuid>,
    /// Victims whose stored case is touched: those written, and the new victims of the
    /// services written.
    pub victims: BTreeSet<Uuid>,
    /// Services whose stored case is touched.
    pub services: Vec<Uuid>,
    /// Legal steps whose stored case is touched.
    pub steps: Vec<Uuid>,
    /// Activities written.
    pub activities: Vec<Uuid>,
    /// The fact tables written.
    pub tables: BTreeSet<&'static str>,
}

impl Touched {
    /// What the fact writes touch, as far as they tell; [`Touched::needs_lookup`] says
    /// whether the stored facts must be asked for more cases ([`Dialect::touched_cases`]).
    pub(crate) fn of(tables: &[TableWrites<'_>]) -> Self {
        let mut touched = Touched::default();
        let column = |row: &[FactValue], at: usize| match row.get(at) {
            Some(FactValue::Id(id)) => Some(*id),
            _ => None,
        };
        for (table, ids, rows) in tables {
            touched.tables.insert(table.name);
            if *table == &CASE_FACTS {
                touched.cases.extend(ids);
            } else if *table == &VICTIM_FACTS {
                touched.victims.extend(ids);
                touched
                    .cases
                    .extend(rows.iter().filter_map(|r| column(r, 1)));
            } else if *table == &SERVICE_FACTS {
                touched.services.extend(ids);
                touched
                    .victims
                    .extend(rows.iter().filter_map(|r| column(r, 1)));
            } else if *table == &LEGAL_FACTS {
                touched.steps.extend(ids);
                touched
                    .cases
                    .extend(rows.iter().filter_map(|r| column(r, 1)));
            } else if *table == &ACTIVITY_FACTS {
                touched.activities.extend(ids);
            }
        }
        touched
    }

    /// Whether some touched cases are known only from the stored facts.
    pub(crate) fn needs_lookup(&self) -> bool {
        !(self.victims.is_empty() && self.services.is_empty() && self.steps.is_empty())
    }

    /// Whether the write changes what `rollup` adds up: it writes a table the rollup
    /// reads.
    pub(crate) fn changes(&self, rollup: &Rollup) -> bool {
        rollup.reads.iter().any(|table| self.tables.contains(table))
    }

    /// The same, less the drivers (cases, activities) among `ids`.
    pub(crate) fn without(&self, ids: &HashSet<Uuid>) -> Touched {
        Touched {
            cases: self
                .cases
                .iter()
                .filter(|id| !ids.contains(id))
                .copied()
                .collect(),
            victims: self.victims.clone(),
            services: self.services.clone(),
            steps: self.steps.clone(),
            activities: self
                .activities
                .iter()
                .filter(|id| !ids.contains(id))
                .copied()
                .collect(),
            tables: self.tables.clone(),
        }
    }

    /// The ids a rollup's delta is filtered to.
    pub(crate) fn of_driver(&self, driver: Driver) -> Vec<Uuid> {
        match driver {
            Driver::Case => self.cases.iter().copied().collect(),
            Driver::Activity => self.activities.clone(),
        }
    }
}

/// A services row as read ([`Dialect::service_counts`]).
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ServiceCounts {
    pub kecamatan: String,
    pub month: String,
    #[sqlx(rename = "type")]
    pub service_type: String,
    pub requested: i64,
    pub delivered: i64,
    pub late: i64,
    /// How many wait.
    pub pending: i64,
    /// How many of those waiting were requested before the month's last 8 days (its end
    /// less the days due).
    pub early: i64,
}

/// A waiting services row as read: how many services of a month, kecamatan and type
/// requested on `day` wait.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct PendingDay {
    pub month: String,
    pub kecamatan: String,
    #[sqlx(rename = "type")]
    pub service_type: String,
    pub day: String,
    pub n: i64,
}

/// The waiting services by day of each services row (kecamatan, month, type), grouped once.
pub(crate) fn by_row(
    days: Vec<PendingDay>,
) -> HashMap<(String, String, String), Vec<(String, i64)>> {
    let mut rows: HashMap<(String, String, String), Vec<(String, i64)>> = HashMap::new();
    for PendingDay {
        month,
        kecamatan,
        service_type,
        day,
        n,
    } in days
    {
        rows.entry((kecamatan, month, service_type))
            .or_default()
            .push((day, n));
    }
    rows
}

/// The days from which a period counts a service requested in `month` as waiting too
/// long, with how many of the row's waiting services were requested before each: for
/// the rollup's whole months, the month's end less the days due (once it has ended: the
/// `early` count) and today less the days due (in its month, from the days waiting);
/// for a span of days, its end (or today) less the days due, and today's, from the days.
/// `days` are the row's own waiting services by day ([`by_row`]).
pub(crate) fn waiting_before(
    row: &ServiceCounts,
    days: &[(String, i64)],
    span_end: Option<Date>,
    today: Date,
) -> Result<Vec<(String, u64)>, StoreError> {
    let due = Duration::days(DUE_WITHIN_DAYS as i64);
    let (month, early) = (&row.month, &row.early);
    let before = |cutoff: &str| -> i64 {
        days.iter()
            .filter(|(day, _)| day.as_str() < cutoff)
            .map(|(_, n)| n)
            .sum()
    };
    let mut entries: Vec<(String, i64)> = Vec::new();
    match span_end {
        None => {
            let first = model::activity::parse_date(&format!("{month}-01"))
                .ok_or_else(|| StoreError::Corrupt(format!("month {month:?}")))?;
            let end = last_of_month(first);
            if end <= today {
                entries.push((model::activity::format_date(end - due), *early));
            }
        }
        Some(end) => {
            let cutoff = model::activity::format_date(end.min(today) - due);
            entries.push((cutoff.clone(), before(&cutoff)));
        }
    }
    let due_today = today - due;
    if month_of(due_today) == *month {
        let cutoff = model::activity::format_date(due_today);
        entries.push((cutoff.clone(), before(&cutoff)));
    }
    entries
        .into_iter()
        .map(|(day, n)| Ok((day, super::error::from_db(n)?)))
        .collect()
}

/// Fills the rollups from the fact tables on a connection of either backend holding the
/// write lock, unless done before (recorded in `fact_backfills`); answers whether it did.
pub(super) async fn rebuild<D: Db>(db: &mut D, rollups: &Rollups) -> Result<bool, StoreError> {
    let done: Option<(i64,)> = db
        .fetch_optional(
            query("SELECT done_at FROM fact_backfills WHERE name = $1").bind(REBUILD_NAME),
        )
        .await?;
    if done.is_some() {
        return Ok(false);
    }
    for rollup in rollups.all() {
        for statement in rollup.rebuild() {
            db.execute(query(&statement)).await?;
        }
    }
    let done = query("INSERT INTO fact_backfills (name, done_at) VALUES ($1, $2)")
        .bind(REBUILD_NAME)
        .bind(crate::clock::now_unix());
    db.execute(done).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::projection::{REFERRAL_FACTS, REFERRAL_STEP_FACTS};
    use time::macros::date;

    #[test]
    fn each_rollup_names_every_fact_table_its_query_reads_and_no_other() {
        let tables = [
            &CASE_FACTS,
            &CASE_FORMS,
            &VICTIM_FACTS,
            &SERVICE_FACTS,
            &LEGAL_FACTS,
            &ACTIVITY_FACTS,
            &REFERRAL_FACTS,
            &REFERRAL_STEP_FACTS,
        ];
        use crate::store::backend::Backend;
        let dialects = [
            crate::store::sqlite::SqliteBackend::DIALECT,
            crate::store::postgres::PgBackend::DIALECT,
        ];
        for dialect in dialects {
            for rollup in dialect.rollups().all() {
                let read: BTreeSet<&str> = tables
                    .iter()
                    .map(|table| table.name)
                    .filter(|name| {
                        rollup.source.contains(&format!("FROM {name} "))
                            || rollup.source.contains(&format!("JOIN {name} "))
                    })
                    .collect();
                let named: BTreeSet<&str> = rollup.reads.iter().copied().collect();
                assert_eq!(named, read, "{}", rollup.table);
            }
        }
    }

    #[test]
    fn waiting_counts_from_each_cutoff_a_period_can_have() {
        let today = date!(2026 - 11 - 18);
        let row = |month: &str, early| ServiceCounts {
            kecamatan: "33.03.08".into(),
            month: month.into(),
            service_type: "shelter".into(),
            requested: 9,
            delivered: 2,
            late: 1,
            pending: 7,
            early,
        };
        let day = |d: &str, n| (d.to_owned(), n);
        let owned = |entries: &[(&str, u64)]| -> Vec<(String, u64)> {
            entries.iter().map(|(d, n)| ((*d).to_owned(), *n)).collect()
        };
        // An ended month: its end less 7 days, counted by the rollup's `early`.
        let ended = waiting_before(&row("2026-09", 5), &[], None, today).expect("entries");
        assert_eq!(ended, owned(&[("2026-09-23", 5)]));
        // The month of today less 7 days (11-11): counted from the days waiting.
        let days = [
            day("2026-11-02", 2),
            day("2026-11-10", 3),
            day("2026-11-11", 4),
        ];
        let current = waiting_before(&row("2026-11", 0), &days, None, today).expect("entries");
        assert_eq!(current, owned(&[("2026-11-11", 5)]));
        // A span of days ending on the 14th: its end less 7 days, and today's.
        let span = waiting_before(
            &row("2026-11", 0),
            &days,
            Some(date!(2026 - 11 - 14)),
            today,
        )
        .expect("entries");
        assert_eq!(span, owned(&[("2026-11-07", 2), ("2026-11-11", 5)]));
    }

    #[test]
    fn a_write_touches_the_cases_its_rows_name_and_asks_for_the_stored_ones() {
        use crate::store::projection::{by_table, Projection, TableRows};
        let (case, victim, service, step, activity) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let (new_case, new_victim) = (Uuid::now_v7(), Uuid::now_v7());
        let row = |id: Uuid, parent: Uuid| vec![FactValue::Id(id), FactValue::Id(parent)];
        let one = |table, rows| Projection {
            tables: vec![TableRows { table, rows }],
        };
        let writes = [
            (case, one(&CASE_FACTS, Vec::new())),
            (victim, one(&VICTIM_FACTS, vec![row(victim, new_case)])),
            (service, one(&SERVICE_FACTS, vec![row(service, new_victim)])),
            (step, one(&LEGAL_FACTS, Vec::new())),
            (activity, one(&ACTIVITY_FACTS, Vec::new())),
        ];
        let facts: Vec<(Uuid, &Projection)> = writes.iter().map(|(id, p)| (*id, p)).collect();
        let touched = Touched::of(&by_table(&facts));
        assert_eq!(touched.cases, BTreeSet::from([case, new_case]));
        assert_eq!(touched.victims, BTreeSet::from([victim, new_victim]));
        assert_eq!(touched.services, vec![service]);
        assert_eq!(touched.steps, vec![step]);
        assert!(touched.needs_lookup());
        assert_eq!(touched.of_driver(Driver::Activity), vec![activity]);
        // A push that creates the activity and the new case takes nothing out for them.
        let before = touched.without(&HashSet::from([activity, new_case]));
        assert_eq!(before.of_driver(Driver::Case), vec![case]);
        assert!(before.of_driver(Driver::Activity).is_empty());
        assert_eq!(before.tables, touched.tables);
    }
}
