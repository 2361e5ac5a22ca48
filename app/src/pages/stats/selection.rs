//! What the evaluation shows: a calendar month, quarter or year (or, for supervisors, a
//! range of days) and the regency or one kecamatan. Remembered on the device, so a reload,
//! the report page and the next visit show the same period.

use gugus_model::activity::{format_date, parse_date};
use gugus_model::evaluation::{self, Period};
use gugus_model::regions::REGENCY_CODE;
use serde::{Deserialize, Serialize};
use time::Date;

const KEY: &str = "gugus.evaluation";

/// How the period is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A calendar month.
    Month,
    /// A calendar quarter.
    Quarter,
    /// A calendar year.
    Year,
    /// Any range of days (supervisors and admins).
    Range,
}

impl Kind {
    /// The value in the form's select.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Month => "month",
            Kind::Quarter => "quarter",
            Kind::Year => "year",
            Kind::Range => "range",
        }
    }

    /// The kind with this select value.
    pub fn parse(code: &str) -> Kind {
        match code {
            "quarter" => Kind::Quarter,
            "year" => Kind::Year,
            "range" => Kind::Range,
            _ => Kind::Month,
        }
    }
}

/// Whether `area` may be asked for: the regency, a kecamatan, or a group of kecamatan.
fn known_area(area: &str) -> bool {
    evaluation::is_area(area) || evaluation::names_a_group(area)
}

/// The evaluation's period and area, as the form holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// How the period is given.
    pub kind: Kind,
    /// The year of a month, quarter or year.
    pub year: i32,
    /// The month (1 to 12).
    pub month: u8,
    /// The quarter (1 to 4).
    pub quarter: u8,
    /// The first day of a range, `YYYY-MM-DD`.
    pub from: String,
    /// The last day of a range.
    pub to: String,
    /// The regency's code or a kecamatan's.
    pub area: String,
}

impl Selection {
    /// This month, the regency.
    pub fn this_month(today: Date) -> Selection {
        let month = u8::from(today.month());
        Selection {
            kind: Kind::Month,
            year: today.year(),
            month,
            quarter: (month - 1) / 3 + 1,
            from: format_date(today.replace_day(1).unwrap_or(today)),
            to: format_date(today),
            area: REGENCY_CODE.into(),
        }
    }

    /// The last quarter that has ended by `today`, the regency: what a viewer lands on,
    /// since a month just begun has so few records that nearly every figure is hidden.
    pub fn last_complete_quarter(today: Date) -> Selection {
        let quarter = (u8::from(today.month()) - 1) / 3 + 1;
        let (year, quarter) = match quarter {
            1 => (today.year() - 1, 4),
            q => (today.year(), q - 1),
        };
        Selection {
            kind: Kind::Quarter,
            year,
            month: (quarter - 1) * 3 + 1,
            quarter,
            ..Selection::this_month(today)
        }
    }

    /// The selection remembered on this device, or else this month (the last complete
    /// quarter for a viewer, who sees small counts hidden).
    pub fn remembered(today: Date, viewer: bool) -> Selection {
        web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .and_then(|json| serde_json::from_str::<Selection>(&json).ok())
            .filter(|s| known_area(&s.area))
            .unwrap_or_else(|| match viewer {
                true => Selection::last_complete_quarter(today),
                false => Selection::this_month(today),
            })
    }

    /// Remembers the selection on this device (a full storage only costs the memory).
    pub fn remember(&self) {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            if let Ok(json) = serde_json::to_string(self) {
                let _ = storage.set_item(KEY, &json);
            }
        }
    }

    /// The period, if the form holds a valid one.
    pub fn period(&self) -> Option<Period> {
        match self.kind {
            Kind::Month => Period::parse(&format!("{:04}-{:02}", self.year, self.month)).ok(),
            Kind::Quarter => Period::parse(&format!("{:04}-Q{}", self.year, self.quarter)).ok(),
            Kind::Year => Period::parse(&format!("{:04}", self.year)).ok(),
            Kind::Range => {
                let (from, to) = (parse_date(&self.from)?, parse_date(&self.to)?);
                Period::new(from, to).ok()
            }
        }
    }

    /// The query string of `/stats` for this selection (every part checked: digits,
    /// dashes, dots and `Q` only).
    pub fn query(&self) -> Option<String> {
        let when = period_query(self.period()?);
        known_area(&self.area).then(|| format!("{when}&area={}", self.area))
    }
}

/// The period's part of a query: `period=2026-Q3` when it is a calendar month, quarter or
/// year, else `from=YYYY-MM-DD&to=YYYY-MM-DD`.
pub fn period_query(period: Period) -> String {
    match period.shorthand() {
        Some(shorthand) => format!("period={shorthand}"),
        None => format!("from={}&to={}", period.from_text(), period.to_text()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn each_kind_names_its_period() {
        let mut s = Selection::this_month(date!(2026 - 11 - 29));
        assert_eq!(s.query().as_deref(), Some("period=2026-11&area=33.03"));
        s.kind = Kind::Quarter;
        assert_eq!(s.query().as_deref(), Some("period=2026-Q4&area=33.03"));
        s.kind = Kind::Year;
        s.area = "33.03.08".into();
        assert_eq!(s.query().as_deref(), Some("period=2026&area=33.03.08"));
        s.kind = Kind::Range;
        assert_eq!(
            s.query().as_deref(),
            Some("from=2026-11-01&to=2026-11-29&area=33.03.08")
        );
        s.to = "2026-10-01".into();
        assert_eq!(s.query(), None, "a range backwards is refused");
        s.to = "2026-11-29".into();
        s.area = "33.03.99".into();
        assert_eq!(s.query(), None, "an unknown area is refused");
        s.area = "kelompok:zona-utara".into();
        assert!(s
            .query()
            .is_some_and(|q| q.ends_with("&area=kelompok:zona-utara")));
        s.area = "kelompok:Zona&x=1".into();
        assert_eq!(s.query(), None, "a group id is letters, digits and dashes");
    }

    #[test]
    fn a_range_that_is_a_whole_month_asks_for_the_month() {
        let mut s = Selection::this_month(date!(2026 - 11 - 29));
        s.kind = Kind::Range;
        s.from = "2025-08-01".into();
        s.to = "2025-08-31".into();
        assert_eq!(s.query().as_deref(), Some("period=2025-08&area=33.03"));
    }

    #[test]
    fn a_period_alone_reads_as_its_shorthand_or_its_days() {
        let quarter = Period::parse("2026-Q2").expect("a quarter");
        assert_eq!(period_query(quarter), "period=2026-Q2");
        let days = Period::new(date!(2026 - 03 - 05), date!(2026 - 04 - 20)).expect("a range");
        assert_eq!(period_query(days), "from=2026-03-05&to=2026-04-20");
    }
}
