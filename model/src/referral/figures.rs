//! The per-agency table of referrals for the evaluation (issue #19): for each agency, the
//! referrals it received in the period and what became of them. Supervisors see the exact
//! figures; viewers the same table with small cells hidden by the year-wide rule of the
//! evaluation ([`suppress_year`]).

use super::{is_overdue, life, Life, Status, Step};
use crate::agency::AgencyList;
use crate::evaluation::csv::{quote_for, Dialect, SUPPRESSED};
use crate::evaluation::{Cell, Count, Period};
use crate::lang::{t, Lang};
use crate::stats::SUPPRESS_AT_MOST;
use crate::vocab::DECLINE_REASONS;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

/// The code of the table's total row.
pub const TOTAL: &str = "total";

/// One referral as the figures read it: the facts of the referral and its steps in server
/// order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralFacts {
    /// The agency addressed.
    pub agency: String,
    /// The day it was made.
    pub referred_on: Date,
    /// The day its service was needed by.
    pub needed_by: Date,
    /// Its steps, in the order the server took them.
    pub steps: Vec<Step>,
}

/// One agency's row (or the total's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyRow {
    /// The agency's code, or `total`.
    pub agency: String,
    /// Referrals it received in the period.
    pub received: Cell,
    /// Of those, the ones it accepted (whatever came after).
    pub accepted: Cell,
    /// Of those, the ones it declined.
    pub declined: Cell,
    /// The declined ones by reason (`DECLINE_REASONS`, every code).
    pub declined_by_reason: Vec<Count>,
    /// Of those, the ones whose service it delivered.
    pub delivered: Cell,
    /// Of those, the ones still not delivered, declined nor cancelled past their "needed
    /// by" day, at the period's end (or today, while the period runs).
    pub overdue: Cell,
    /// Median days from the referral to its first answer, of those answered.
    pub median_days_to_answer: Option<f64>,
    /// Median days from the referral to the delivery, of those delivered.
    pub median_days_to_deliver: Option<f64>,
}

/// `GET /api/v1/stats/referrals` answer: the period's per-agency table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralTable {
    /// The period the referrals were made in.
    pub period: Period,
    /// Whether small cells were hidden (the caller is a viewer).
    pub suppressed: bool,
    /// One row per agency that received a referral in the period, in the deployment's
    /// order.
    pub rows: Vec<AgencyRow>,
    /// Every agency together.
    pub total: AgencyRow,
}

/// The day the figures of `period` are counted at: its last day, or `today` while it runs.
fn as_of(period: Period, today: Date) -> Date {
    period.to.min(today)
}

fn median(mut days: Vec<i64>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    Some(match n % 2 {
        1 => days[n / 2] as f64,
        _ => (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0,
    })
}

fn row(agency: &str, lives: &[(&ReferralFacts, Life)], at: Date) -> AgencyRow {
    let count = |keep: &dyn Fn(&ReferralFacts, &Life) -> bool| {
        Some(lives.iter().filter(|(f, l)| keep(f, l)).count() as u64)
    };
    let accepted = |f: &ReferralFacts| {
        f.steps
            .iter()
            .any(|s| s.action == super::Action::Accept && s.date <= at)
    };
    let declined_by_reason = DECLINE_REASONS
        .terms
        .iter()
        .map(|term| Count {
            code: term.code.to_owned(),
            n: count(&|_, l| {
                l.status == Status::Declined && l.decline_reason.as_deref() == Some(term.code)
            }),
        })
        .collect();
    let days = |day: Option<Date>, f: &ReferralFacts| day.map(|d| (d - f.referred_on).whole_days());
    AgencyRow {
        agency: agency.to_owned(),
        received: count(&|_, _| true),
        accepted: count(&|f, _| accepted(f)),
        declined: count(&|_, l| l.status == Status::Declined),
        declined_by_reason,
        delivered: count(&|_, l| l.status == Status::Delivered),
        overdue: count(&|f, l| is_overdue(l, f.needed_by, at)),
        median_days_to_answer: median(
            lives
                .iter()
                .filter_map(|(f, l)| days(l.answered_on, f))
                .collect(),
        ),
        median_days_to_deliver: median(
            lives
                .iter()
                .filter_map(|(f, l)| days(l.delivered_on, f))
                .collect(),
        ),
    }
}

/// The exact table of `period`: the referrals made in it, each as its steps up to the
/// period's end (or `today`) tell it; rows in the order of `agencies` (the deployment's
/// list), then any other code met, only agencies that received one.
pub fn table(
    period: Period,
    referrals: &[ReferralFacts],
    agencies: &[&str],
    today: Date,
) -> ReferralTable {
    let at = as_of(period, today);
    let mut by_agency: BTreeMap<&str, Vec<(&ReferralFacts, Life)>> = BTreeMap::new();
    let mut all = Vec::new();
    for facts in referrals {
        if facts.referred_on < period.from || facts.referred_on > period.to {
            continue;
        }
        let known = facts.steps.iter().filter(|s| s.date <= at);
        let lived = life(known);
        by_agency
            .entry(facts.agency.as_str())
            .or_default()
            .push((facts, lived.clone()));
        all.push((facts, lived));
    }
    let position = |code: &str| agencies.iter().position(|a| *a == code);
    let mut codes: Vec<&str> = by_agency.keys().copied().collect();
    codes.sort_by_key(|code| (position(code).unwrap_or(usize::MAX), *code));
    ReferralTable {
        period,
        suppressed: false,
        rows: codes
            .into_iter()
            .map(|code| row(code, &by_agency[code], at))
            .collect(),
        total: row(TOTAL, &all, at),
    }
}

/// The count cells of a row, in a fixed order: received, accepted, declined, delivered,
/// overdue, then the declines by reason.
fn cells(row: &mut AgencyRow) -> Vec<&mut Cell> {
    let mut cells = vec![
        &mut row.received,
        &mut row.accepted,
        &mut row.declined,
        &mut row.delivered,
        &mut row.overdue,
    ];
    cells.extend(row.declined_by_reason.iter_mut().map(|c| &mut c.n));
    cells
}

/// The index of the received count among [`cells`], of the declined count, and where the
/// reasons start.
const RECEIVED: usize = 0;
const DECLINED: usize = 2;
const FIRST_REASON: usize = 5;

/// A cell of the year's tables: (period's index, agency, column).
type Key = (usize, String, usize);

fn small(cell: Cell) -> bool {
    cell.is_some_and(|n| (1..=SUPPRESS_AT_MOST).contains(&n))
}

/// Hides small cells in the tables of a calendar year, passed together in the order of
/// [`Period::calendar_year`] (the year, its four quarters, its twelve months), as the
/// evaluation does: every count from 1 to [`SUPPRESS_AT_MOST`], then, until nothing
/// changes, what would let a hidden cell be worked out from the ones shown. The sums that
/// hold: in each period, a row's declines are the sum of its declines by reason, and each
/// column's total the sum of its agencies'; across periods, an agency's referrals received
/// in the year are the sum of its quarters', a quarter's the sum of its months' (the other
/// columns are counted as of each period's end, so they make no exact sum). A sum with one
/// hidden member (or whose hidden members are all ones or all tens) hides its smallest
/// shown non-zero member too (its total when none is left); a hidden total with every
/// part shown hides the smallest shown non-zero part. Medians hide with their counts.
pub fn suppress_year(tables: &mut [ReferralTable]) {
    let mut values: BTreeMap<Key, u64> = BTreeMap::new();
    let mut hidden: BTreeSet<Key> = BTreeSet::new();
    for (p, table) in tables.iter_mut().enumerate() {
        for row in table
            .rows
            .iter_mut()
            .chain(std::iter::once(&mut table.total))
        {
            let agency = row.agency.clone();
            for (column, cell) in cells(row).into_iter().enumerate() {
                let key = (p, agency.clone(), column);
                if small(*cell) {
                    hidden.insert(key.clone());
                }
                values.insert(key, value(*cell));
            }
        }
    }
    let sums = sums(tables);
    let value_of = |key: &Key| values.get(key).copied().unwrap_or(0);
    loop {
        let before = hidden.len();
        for (total, parts) in &sums {
            let total = (total.clone(), value_of(total));
            let parts = parts.iter().map(|k| (k.clone(), value_of(k))).collect();
            close_sum(total, parts, &mut hidden);
        }
        if hidden.len() == before {
            break;
        }
    }
    for (p, table) in tables.iter_mut().enumerate() {
        table.suppressed = true;
        for row in table
            .rows
            .iter_mut()
            .chain(std::iter::once(&mut table.total))
        {
            let agency = row.agency.clone();
            for (column, cell) in cells(row).into_iter().enumerate() {
                if hidden.contains(&(p, agency.clone(), column)) {
                    *cell = None;
                }
            }
            if row.received.is_none() || row.accepted.is_none() || row.declined.is_none() {
                row.median_days_to_answer = None;
            }
            if row.delivered.is_none() {
                row.median_days_to_deliver = None;
            }
        }
    }
}

/// Every sum between the year's cells, as (total, parts).
fn sums(tables: &[ReferralTable]) -> Vec<(Key, Vec<Key>)> {
    let mut sums = Vec::new();
    let mut agencies: BTreeSet<String> = BTreeSet::new();
    let columns = FIRST_REASON + DECLINE_REASONS.terms.len();
    for (p, table) in tables.iter().enumerate() {
        for row in table.rows.iter().chain(std::iter::once(&table.total)) {
            agencies.insert(row.agency.clone());
            let key = |column: usize| (p, row.agency.clone(), column);
            sums.push((key(DECLINED), (FIRST_REASON..columns).map(key).collect()));
        }
        for column in 0..columns {
            let parts = table
                .rows
                .iter()
                .map(|row| (p, row.agency.clone(), column))
                .collect();
            sums.push(((p, TOTAL.to_owned(), column), parts));
        }
    }
    if tables.len() == 17 {
        for agency in &agencies {
            let key = |p: usize| (p, agency.clone(), RECEIVED);
            sums.push((key(0), (1..=4).map(key).collect()));
            for quarter in 1..=4 {
                let months = (0..3).map(|m| key(5 + (quarter - 1) * 3 + m)).collect();
                sums.push((key(quarter), months));
            }
        }
    }
    sums
}

/// One sum: its total and parts with their values in their period.
fn close_sum(total: (Key, u64), parts: Vec<(Key, u64)>, hidden: &mut BTreeSet<Key>) {
    let hidden_values: Vec<u64> = parts
        .iter()
        .filter(|(k, _)| hidden.contains(k))
        .map(|(_, v)| *v)
        .collect();
    let total_hidden = hidden.contains(&total.0);
    let exposed = match total_hidden {
        // Every part shown: the total is their sum.
        true => hidden_values.is_empty() && parts.iter().any(|(_, v)| *v > 0),
        false => {
            !hidden_values.is_empty()
                && (hidden_values.len() == 1
                    || hidden_values.iter().all(|v| *v == 1)
                    || hidden_values.iter().all(|v| *v == SUPPRESS_AT_MOST))
        }
    };
    if !exposed {
        return;
    }
    let smallest_shown = parts
        .iter()
        .filter(|(k, v)| *v > 0 && !hidden.contains(k))
        .min_by_key(|(_, v)| *v)
        .map(|(k, _)| k.clone());
    match smallest_shown {
        Some(key) => {
            hidden.insert(key);
        }
        None if !total_hidden => {
            hidden.insert(total.0);
        }
        None => {}
    }
}

fn value(cell: Cell) -> u64 {
    cell.unwrap_or(0)
}

/// The table as CSV in `dialect`: one line per agency, then the total; a hidden figure
/// reads `disembunyikan` (or `suppressed`), a median of nothing is empty. Every line
/// starts with the period, so a file says what it covers.
pub fn csv(table: &ReferralTable, agencies: &AgencyList, lang: Lang, dialect: Dialect) -> String {
    let separator = dialect.separator();
    let mut text = match dialect {
        Dialect::Rfc4180 => String::new(),
        Dialect::ExcelIndonesia => "\u{feff}".to_owned(),
    };
    let mut line = |fields: Vec<String>| {
        let quoted: Vec<String> = fields.iter().map(|f| quote_for(f, separator)).collect();
        text.push_str(&quoted.join(&separator.to_string()));
        text.push_str("\r\n");
    };
    let mut header: Vec<String> = [
        t("Periode", "Period"),
        t("Instansi", "Agency"),
        t("Rujukan masuk", "Referrals received"),
        t("Diterima", "Accepted"),
        t("Ditolak", "Declined"),
        t("Layanan diberikan", "Delivered"),
        t("Lewat batas waktu", "Overdue"),
        t("Median hari sampai dijawab", "Median days to answer"),
        t("Median hari sampai diberikan", "Median days to delivery"),
    ]
    .iter()
    .map(|text| text.get(lang).to_owned())
    .collect();
    let declined = t("Ditolak", "Declined").get(lang);
    header.extend(
        DECLINE_REASONS
            .terms
            .iter()
            .map(|term| format!("{declined}: {}", term.label.get(lang))),
    );
    line(header);
    let cell = |cell: Cell| match cell {
        Some(n) => n.to_string(),
        None => SUPPRESSED.get(lang).to_owned(),
    };
    let decimal = |value: Option<f64>, counted: Cell| match (value, counted) {
        (Some(v), _) => match dialect {
            Dialect::Rfc4180 => format!("{v}"),
            Dialect::ExcelIndonesia => format!("{v}").replace('.', ","),
        },
        (None, None) => SUPPRESSED.get(lang).to_owned(),
        (None, Some(_)) => String::new(),
    };
    let period = table.period.label(lang);
    for row in table.rows.iter().chain(std::iter::once(&table.total)) {
        let name = match row.agency.as_str() {
            TOTAL => t("Semua instansi", "All agencies").get(lang).to_owned(),
            code => agencies.label(code, lang).to_owned(),
        };
        let mut fields = vec![
            period.clone(),
            name,
            cell(row.received),
            cell(row.accepted),
            cell(row.declined),
            cell(row.delivered),
            cell(row.overdue),
            decimal(row.median_days_to_answer, row.received),
            decimal(row.median_days_to_deliver, row.delivered),
        ];
        fields.extend(row.declined_by_reason.iter().map(|count| cell(count.n)));
        line(fields);
    }
    text
}

/// The CSV file's name: `gugus-rujukan-2026-Q3.csv`, or the days of another range.
pub fn file_name(period: Period) -> String {
    let name = period
        .shorthand()
        .unwrap_or_else(|| format!("{}_{}", period.from_text(), period.to_text()));
    format!("gugus-rujukan-{name}.csv")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referral::Action;
    use time::macros::date;

    fn referral(agency: &str, on: Date, steps: &[(Action, Date)]) -> ReferralFacts {
        ReferralFacts {
            agency: agency.into(),
            referred_on: on,
            needed_by: super::super::default_needed_by(on),
            steps: steps
                .iter()
                .map(|(action, date)| Step {
                    action: *action,
                    date: *date,
                    decline_reason: (*action == Action::Decline).then(|| "no_capacity".into()),
                })
                .collect(),
        }
    }

    fn march() -> Period {
        Period::parse("2026-03").expect("a month")
    }

    #[test]
    fn each_agency_counts_what_it_received_and_what_became_of_it() {
        use Action::*;
        let d = |day: u8| Date::from_calendar_date(2026, time::Month::March, day).unwrap();
        let referrals = [
            referral("uptd_ppa", d(2), &[(Accept, d(3)), (Deliver, d(9))]),
            referral("uptd_ppa", d(4), &[(Accept, d(4))]),
            referral("uptd_ppa", d(5), &[(Decline, d(8))]),
            referral("uptd_ppa", d(20), &[]),
            referral("police", d(10), &[(Deliver, d(30))]),
            // Made in February, answered in March: not March's.
            referral("police", date!(2026 - 02 - 27), &[(Accept, d(1))]),
            // Answered after the period: as of its end, still open (and overdue).
            referral("police", d(21), &[(Accept, date!(2026 - 04 - 02))]),
        ];
        let table = table(
            march(),
            &referrals,
            &["uptd_ppa", "police"],
            d(31) + time::Duration::days(40),
        );
        let shelter = &table.rows[0];
        assert_eq!(shelter.agency, "uptd_ppa");
        assert_eq!(
            (
                shelter.received,
                shelter.accepted,
                shelter.declined,
                shelter.delivered
            ),
            (Some(4), Some(2), Some(1), Some(1))
        );
        // The one accepted on the 4th is past its day (the 11th) at the month's end; the
        // one of the 20th is due on the 27th.
        assert_eq!(shelter.overdue, Some(2));
        assert_eq!(shelter.declined_by_reason[1].code, "no_capacity");
        assert_eq!(shelter.declined_by_reason[1].n, Some(1));
        // Answered after 1, 0 and 3 days.
        assert_eq!(shelter.median_days_to_answer, Some(1.0));
        assert_eq!(shelter.median_days_to_deliver, Some(7.0));
        let police = &table.rows[1];
        assert_eq!(
            (police.received, police.delivered, police.overdue),
            (Some(2), Some(1), Some(1))
        );
        assert_eq!(police.median_days_to_deliver, Some(20.0));
        assert_eq!(table.total.received, Some(6));
        assert_eq!(table.total.delivered, Some(2));
    }

    #[test]
    fn a_viewer_sees_no_small_cell_and_cannot_work_one_out() {
        use Action::*;
        let d = |m: u8, day: u8| {
            Date::from_calendar_date(2026, time::Month::try_from(m).unwrap(), day).unwrap()
        };
        let mut referrals = Vec::new();
        for n in 0..30 {
            referrals.push(referral(
                "uptd_ppa",
                d(1 + n % 12, 3),
                &[(Accept, d(1 + n % 12, 4))],
            ));
        }
        for n in 0..25 {
            referrals.push(referral(
                "police",
                d(1 + n % 12, 5),
                &[(Deliver, d(1 + n % 12, 9))],
            ));
        }
        // Three declines by the police in the year: small in every period.
        for m in [2, 5, 9] {
            referrals.push(referral("police", d(m, 6), &[(Decline, d(m, 7))]));
        }
        let today = date!(2027 - 01 - 15);
        let mut tables: Vec<ReferralTable> = Period::calendar_year(2026)
            .into_iter()
            .map(|p| table(p, &referrals, &["uptd_ppa", "police"], today))
            .collect();
        let exact = tables.clone();
        assert_eq!(exact[0].rows[1].declined, Some(3));
        suppress_year(&mut tables);
        let cell_of = |tables: &[ReferralTable], (p, agency, column): &Key| {
            let table = &tables[*p];
            let row = table
                .rows
                .iter()
                .chain([&table.total])
                .find(|r| &r.agency == agency);
            row.map_or(Some(0), |row| *cells(&mut row.clone())[*column])
        };
        for (p, table) in tables.iter().enumerate() {
            assert!(table.suppressed);
            for row in table.rows.iter().chain([&table.total]) {
                let mut row = row.clone();
                for cell in cells(&mut row) {
                    assert!(!small(*cell), "{} {:?}", row.agency, table.period);
                }
            }
            // The police's declines are hidden, and so is the total's (else it is the
            // sum of the shown rows).
            if exact[p].rows[1].declined != Some(0) {
                assert_eq!(table.rows[1].declined, None, "{:?}", table.period);
                assert_eq!(table.total.declined, None, "{:?}", table.period);
            }
        }
        // No sum gives a hidden cell away.
        for (total, parts) in sums(&exact) {
            let shown = |key: &Key| cell_of(&tables, key).is_some();
            let exact_of = |key: &Key| cell_of(&exact, key).unwrap_or(0);
            let hidden: Vec<u64> = parts.iter().filter(|k| !shown(k)).map(exact_of).collect();
            if shown(&total) {
                assert!(
                    hidden.len() != 1 && !(hidden.len() > 1 && hidden.iter().all(|v| *v == 1)),
                    "{total:?} shown with hidden parts {hidden:?}"
                );
            } else {
                assert!(
                    !hidden.is_empty() || parts.iter().all(|k| exact_of(k) == 0),
                    "{total:?} hidden with every part shown"
                );
            }
        }
        // Large counts still show.
        assert_eq!(tables[0].rows[0].received, Some(30));
        assert_eq!(tables[0].rows[1].delivered, Some(25));
    }

    #[test]
    fn the_csv_names_its_period_agencies_and_hidden_cells() {
        let d = |day: u8| Date::from_calendar_date(2026, time::Month::March, day).unwrap();
        let referrals = [referral(
            "uptd_ppa",
            d(2),
            &[(Action::Accept, d(3)), (Action::Deliver, d(6))],
        )];
        let mut table = table(march(), &referrals, &["uptd_ppa"], d(31));
        let agencies = AgencyList {
            agencies: crate::agency::seed(),
        };
        let text = csv(&table, &agencies, Lang::Id, Dialect::Rfc4180);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("Periode,Instansi,Rujukan masuk,Diterima,Ditolak,"));
        assert!(lines[0].contains("Ditolak: Korban menolak layanan"));
        assert_eq!(lines[1], "Maret 2026,UPTD PPA,1,1,0,1,0,1,4,0,0,0,0,0,0");
        assert!(lines[2].starts_with("Maret 2026,Semua instansi,1,"));
        table.total.received = None;
        table.total.median_days_to_answer = None;
        let excel = csv(&table, &agencies, Lang::En, Dialect::ExcelIndonesia);
        assert!(excel.starts_with('\u{feff}'));
        assert!(
            excel.contains("March 2026;All agencies;suppressed;1;"),
            "{excel}"
        );
        assert_eq!(file_name(march()), "gugus-rujukan-2026-03.csv");
    }
}
