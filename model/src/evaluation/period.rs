//! The period an evaluation covers: a calendar month, quarter or year, or any range of
//! whole days, always stated with the figures.

use crate::activity::{format_date, parse_date};
use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

const QUARTERS: [&str; 4] = ["I", "II", "III", "IV"];

/// A period of whole days, both ends included, `from` never after `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    /// First day.
    #[serde(with = "day")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: Date,
    /// Last day.
    #[serde(with = "day")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub to: Date,
}

/// Why a period was refused, in words naming the parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// Not `YYYY`, `YYYY-Qn` or `YYYY-MM`.
    #[error("`period` is not a year (2026), a quarter (2026-Q3) or a month (2026-10): {0:?}")]
    Shorthand(String),
    /// A day that is not a real `YYYY-MM-DD` date.
    #[error("`{0}` is not a real date in the form YYYY-MM-DD: {1:?}")]
    Day(&'static str, String),
    /// Only one end given.
    #[error("give both `from` and `to` (YYYY-MM-DD), or `period`")]
    OneEnd,
    /// Neither a shorthand nor a range.
    #[error(
        "give a period: `period=2026`, `period=2026-Q3`, `period=2026-10`, or `from` and `to`"
    )]
    Missing,
    /// Both a shorthand and a range.
    #[error("give either `period` or `from` and `to`, not both")]
    Both,
    /// `from` after `to`.
    #[error("`from` must not be after `to`")]
    Reversed,
    /// A day before [`Period::FIRST_DAY`] or after [`Period::LAST_DAY`].
    #[error("a period lies within the years 0001 to 9998")]
    OutOfRange,
}

impl Period {
    /// The earliest day a period may start on. The figures reach a month and the days due
    /// to either side of the period, which the calendar (years -9999 to 9999) must hold.
    pub const FIRST_DAY: Date = time::macros::date!(0001 - 01 - 01);
    /// The latest day a period may end on (see [`Period::FIRST_DAY`]).
    pub const LAST_DAY: Date = time::macros::date!(9998 - 12 - 31);

    /// A checked range, within [`Period::FIRST_DAY`] and [`Period::LAST_DAY`].
    pub fn new(from: Date, to: Date) -> Result<Period, PeriodError> {
        if from < Period::FIRST_DAY || to > Period::LAST_DAY {
            return Err(PeriodError::OutOfRange);
        }
        match from <= to {
            true => Ok(Period { from, to }),
            false => Err(PeriodError::Reversed),
        }
    }

    /// The period a query names: `period` (a year, quarter or month) or `from` and `to`.
    pub fn from_query(
        period: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Period, PeriodError> {
        let day = |name, text: &str| {
            parse_date(text.trim()).ok_or_else(|| PeriodError::Day(name, text.to_owned()))
        };
        match (period.map(str::trim).filter(|p| !p.is_empty()), from, to) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(PeriodError::Both),
            (Some(shorthand), None, None) => Period::parse(shorthand),
            (None, Some(from), Some(to)) => Period::new(day("from", from)?, day("to", to)?),
            (None, Some(_), None) | (None, None, Some(_)) => Err(PeriodError::OneEnd),
            (None, None, None) => Err(PeriodError::Missing),
        }
    }

    /// `2026` (a year), `2026-Q3` (a quarter) or `2026-10` (a month).
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let refuse = || PeriodError::Shorthand(text.to_owned());
        let (year, rest) = match text.split_once('-') {
            Some((year, rest)) => (year, Some(rest)),
            None => (text, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(refuse());
        }
        let year: i32 = year.parse().map_err(|_| refuse())?;
        let number = |s: &str, max: u8| {
            (s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u8>().ok())
                .flatten()
                .filter(|n| (1..=max).contains(n))
        };
        let (first, last) = match rest {
            None => (1, 12),
            Some(q) if q.starts_with(['Q', 'q']) => {
                let quarter = number(&q[1..], 4).ok_or_else(refuse)?;
                (quarter * 3 - 2, quarter * 3)
            }
            Some(m) if m.len() == 2 => {
                let month = number(m, 12).ok_or_else(refuse)?;
                (month, month)
            }
            Some(_) => return Err(refuse()),
        };
        let from = month_start(year, first).ok_or_else(refuse)?;
        let to = month_end(year, last).ok_or_else(refuse)?;
        Period::new(from, to)
    }

    /// A calendar year's 17 periods: the year, its four quarters and its twelve months.
    pub fn calendar_year(year: i32) -> Vec<Period> {
        let whole = |text: String| Period::parse(&text).ok();
        let mut periods: Vec<Period> = whole(format!("{year:04}")).into_iter().collect();
        periods.extend((1..=4).filter_map(|q| whole(format!("{year:04}-Q{q}"))));
        periods.extend((1..=12).filter_map(|m| whole(format!("{year:04}-{m:02}"))));
        periods
    }

    /// The calendar month, quarter or year this period is exactly, if it is one.
    pub fn shorthand(&self) -> Option<String> {
        let (y, m1, m2) = (
            self.from.year(),
            u8::from(self.from.month()),
            u8::from(self.to.month()),
        );
        if self.from.day() != 1 || self.to.year() != y || Some(self.to) != month_end(y, m2) {
            return None;
        }
        match (m1, m2) {
            (1, 12) => Some(format!("{y}")),
            (a, b) if a == b => Some(format!("{y}-{a:02}")),
            (a, b) if a % 3 == 1 && b == a + 2 => Some(format!("{y}-Q{}", a.div_ceil(3))),
            _ => None,
        }
    }

    /// The period in words: "Oktober 2026", "Triwulan III 2026", "Tahun 2026", or
    /// "1 Oktober 2026 – 15 November 2026".
    pub fn label(&self, lang: Lang) -> String {
        let y = self.from.year();
        let month_name = |m: Month| crate::lang::month_name(u8::from(m), lang);
        match self.shorthand() {
            Some(s) if s.len() == 4 => match lang {
                Lang::Id => format!("Tahun {y}"),
                Lang::En => format!("Year {y}"),
            },
            Some(s) if s.contains('Q') => {
                let q = QUARTERS[usize::from(u8::from(self.from.month()) - 1) / 3];
                match lang {
                    Lang::Id => format!("Triwulan {q} {y}"),
                    Lang::En => format!("Quarter {q} {y}"),
                }
            }
            Some(_) => format!("{} {y}", month_name(self.from.month())),
            None => {
                let day = |d: Date| format!("{} {} {}", d.day(), month_name(d.month()), d.year());
                match self.from == self.to {
                    true => day(self.from),
                    false => format!("{} – {}", day(self.from), day(self.to)),
                }
            }
        }
    }

    /// Every month the period touches, as `YYYY-MM`, oldest first.
    pub fn months(&self) -> Vec<String> {
        let mut months = Vec::new();
        let (mut y, mut m) = (self.from.year(), u8::from(self.from.month()));
        let last = (self.to.year(), u8::from(self.to.month()));
        while (y, m) <= last {
            months.push(format!("{y}-{m:02}"));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        months
    }

    /// The first day as `YYYY-MM-DD`.
    pub fn from_text(&self) -> String {
        format_date(self.from)
    }

    /// The last day as `YYYY-MM-DD`.
    pub fn to_text(&self) -> String {
        format_date(self.to)
    }
}

/// How a period splits into whole calendar months (whose figures a store can keep added
/// up by month) and the days of the months it covers only in part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The first day of the first whole month and the last of the last, if any.
    pub months: Option<(Date, Date)>,
    /// Ranges of days outside them (at most two).
    pub days: Vec<(Date, Date)>,
}

/// Splits the days `from` to `to` (inclusive) into whole months and the days outside them.
/// Never steps past the calendar's ends: a month that would begin or end beyond them is
/// counted by its days.
pub fn split(from: Date, to: Date) -> Split {
    let first = match from.day() {
        1 => Some(from),
        _ => last_of_month(from).next_day(),
    };
    let last = match to == last_of_month(to) {
        true => Some(to),
        false => first_of_month(to).previous_day(),
    };
    let (first, last) = match (first, last) {
        (Some(first), Some(last)) if first <= last => (first, last),
        _ => {
            return Split {
                months: None,
                days: vec![(from, to)],
            }
        }
    };
    let mut days = Vec::new();
    if let Some(before) = first.previous_day().filter(|_| from < first) {
        days.push((from, before));
    }
    if let Some(after) = last.next_day().filter(|_| last < to) {
        days.push((after, to));
    }
    Split {
        months: Some((first, last)),
        days,
    }
}

/// The first day of the month of `day`.
pub fn first_of_month(day: Date) -> Date {
    day.replace_day(1).unwrap_or(day)
}

/// The last day of the month of `day`.
pub fn last_of_month(day: Date) -> Date {
    let next = match day.month() {
        Month::December => Date::from_calendar_date(day.year() + 1, Month::January, 1),
        month => Date::from_calendar_date(day.year(), month.next(), 1),
    };
    next.map_or(day, |d| d - Duration::days(1))
}

/// `YYYY-MM` of a day.
pub fn month_of(day: Date) -> String {
    format!("{:04}-{:02}", day.year(), u8::from(day.month()))
}

fn month_start(year: i32, month: u8) -> Option<Date> {
    Date::from_calendar_date(year, Month::try_from(month).ok()?, 1).ok()
}

fn month_end(year: i32, month: u8) -> Option<Date> {
    let next = match month {
        12 => month_start(year + 1, 1)?,
        m => month_start(year, m + 1)?,
    };
    next.previous_day()
}

/// A [`Date`] on the wire as `YYYY-MM-DD`.
mod day {
    use crate::activity::{format_date, parse_date};
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_date(*date))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        parse_date(&text).ok_or_else(|| serde::de::Error::custom("not a YYYY-MM-DD date"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn shorthands_name_whole_calendar_periods() {
        let q3 = Period::parse("2026-Q3").expect("quarter");
        assert_eq!(
            (q3.from, q3.to),
            (date!(2026 - 07 - 01), date!(2026 - 09 - 30))
        );
        let feb = Period::parse("2024-02").expect("month");
        assert_eq!(feb.to, date!(2024 - 02 - 29));
        let year = Period::parse("2026").expect("year");
        assert_eq!(
            (year.from, year.to),
            (date!(2026 - 01 - 01), date!(2026 - 12 - 31))
        );
        for bad in [
            "2026-13",
            "2026-Q5",
            "2026-Q0",
            "26",
            "2026-1",
            "2026-10-01",
            "x",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        for text in ["2026", "2026-Q3", "2026-10"] {
            let period = Period::parse(text).expect("valid");
            assert_eq!(period.shorthand().as_deref(), Some(text));
        }
    }

    #[test]
    fn a_query_gives_a_shorthand_or_a_range_not_both() {
        assert!(Period::from_query(Some("2026"), None, None).is_ok());
        let range = Period::from_query(None, Some("2026-10-05"), Some("2026-11-20"));
        assert_eq!(range.map(|p| p.months().len()), Ok(2));
        assert_eq!(
            Period::from_query(Some("2026"), Some("2026-01-01"), None),
            Err(PeriodError::Both)
        );
        assert_eq!(
            Period::from_query(None, Some("2026-01-01"), None),
            Err(PeriodError::OneEnd)
        );
        assert_eq!(
            Period::from_query(None, Some("2026-12-01"), Some("2026-01-01")),
            Err(PeriodError::Reversed)
        );
        assert!(matches!(
            Period::from_query(None, Some("2026-02-30"), Some("2026-03-01")),
            Err(PeriodError::Day("from", _))
        ));
        assert_eq!(
            Period::from_query(None, None, None),
            Err(PeriodError::Missing)
        );
    }

    #[test]
    fn a_period_keeps_clear_of_the_calendars_ends() {
        for (from, to) in [
            ("9999-12-31", "9999-12-31"),
            ("-9999-01-01", "-9999-01-01"),
            ("0000-12-01", "0001-01-31"),
            ("9998-12-01", "9999-01-31"),
        ] {
            assert_eq!(
                Period::from_query(None, Some(from), Some(to)),
                Err(PeriodError::OutOfRange),
                "{from} {to}"
            );
        }
        for shorthand in ["0000", "0000-12", "9999-Q1", "9999-11"] {
            assert_eq!(
                Period::parse(shorthand),
                Err(PeriodError::OutOfRange),
                "{shorthand}"
            );
        }
        assert!(Period::parse("0001-01").is_ok());
        assert!(Period::parse("9998").is_ok());
        assert_eq!(Period::calendar_year(9999), Vec::new());
    }

    #[test]
    fn labels_read_naturally() {
        let label = |text: &str, lang| Period::parse(text).expect("valid").label(lang);
        assert_eq!(label("2026-10", Lang::Id), "Oktober 2026");
        assert_eq!(label("2026-Q3", Lang::Id), "Triwulan III 2026");
        assert_eq!(label("2026", Lang::Id), "Tahun 2026");
        assert_eq!(label("2026-Q1", Lang::En), "Quarter I 2026");
        let range = Period::new(date!(2026 - 10 - 01), date!(2026 - 11 - 15)).expect("range");
        assert_eq!(range.label(Lang::Id), "1 Oktober 2026 – 15 November 2026");
        assert_eq!(range.shorthand(), None);
    }

    fn whole(a: &str, b: &str) -> Option<(String, String)> {
        Some((a.into(), b.into()))
    }

    fn named(split: &Split) -> Option<(String, String)> {
        split.months.map(|(a, b)| (month_of(a), month_of(b)))
    }

    #[test]
    fn calendar_periods_are_whole_months() {
        let quarter = split(date!(2026 - 07 - 01), date!(2026 - 09 - 30));
        assert_eq!(named(&quarter), whole("2026-07", "2026-09"));
        assert!(quarter.days.is_empty());
        let year = split(date!(2025 - 01 - 01), date!(2025 - 12 - 31));
        assert_eq!(named(&year), whole("2025-01", "2025-12"));
        let february = split(date!(2024 - 02 - 01), date!(2024 - 02 - 29));
        assert_eq!(named(&february), whole("2024-02", "2024-02"));
    }

    #[test]
    fn a_range_reads_its_partial_months_from_the_days() {
        let range = split(date!(2026 - 01 - 15), date!(2026 - 03 - 10));
        assert_eq!(named(&range), whole("2026-02", "2026-02"));
        assert_eq!(
            range.days,
            vec![
                (date!(2026 - 01 - 15), date!(2026 - 01 - 31)),
                (date!(2026 - 03 - 01), date!(2026 - 03 - 10))
            ]
        );
        let across_a_year = split(date!(2025 - 12 - 02), date!(2026 - 01 - 31));
        assert_eq!(named(&across_a_year), whole("2026-01", "2026-01"));
        assert_eq!(
            across_a_year.days,
            vec![(date!(2025 - 12 - 02), date!(2025 - 12 - 31))]
        );
    }

    #[test]
    fn a_range_without_a_whole_month_is_all_days() {
        for (from, to) in [
            (date!(2026 - 01 - 15), date!(2026 - 02 - 10)),
            (date!(2026 - 03 - 01), date!(2026 - 03 - 30)),
            (date!(2026 - 03 - 05), date!(2026 - 03 - 05)),
            // At the calendar's ends, where no month begins after or ends before.
            (date!(9999 - 12 - 31), date!(9999 - 12 - 31)),
            (date!(-9999 - 01 - 01), date!(-9999 - 01 - 01)),
        ] {
            assert_eq!(
                split(from, to),
                Split {
                    months: None,
                    days: vec![(from, to)]
                }
            );
        }
    }

    #[test]
    fn a_month_has_a_first_and_a_last_day_and_a_name() {
        let (leap, winter) = (date!(2024 - 02 - 10), date!(2025 - 12 - 31));
        assert_eq!(first_of_month(leap), date!(2024 - 02 - 01));
        assert_eq!(last_of_month(leap), date!(2024 - 02 - 29));
        assert_eq!(last_of_month(winter), winter);
        assert_eq!(first_of_month(winter), date!(2025 - 12 - 01));
        assert_eq!(month_of(leap), "2024-02");
    }
}
