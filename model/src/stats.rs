//! The activity figures per kecamatan (`GET /api/v1/stats/activities`) and the
//! suppression threshold for viewers.

use crate::evaluation::Evaluation;
use crate::regions::{self, REGENCY_CODE};
use serde::{Deserialize, Serialize};

/// The smallest count a viewer may see; counts from 1 to this are suppressed.
pub const SUPPRESS_AT_MOST: u64 = 10;

/// Activities and participants of one kecamatan (or the regency's total) in a period.
/// `None` is a suppressed cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityRow {
    /// Kecamatan code, or `33.03` for the total.
    pub kecamatan: String,
    /// Its name.
    pub name: String,
    /// Activities held.
    pub activities: Option<u64>,
    /// Everyone who took part.
    pub participants: Option<u64>,
    /// Women and girls.
    pub female: Option<u64>,
    /// Men and boys.
    pub male: Option<u64>,
    /// Children (under 18).
    pub children: Option<u64>,
}

/// `GET /api/v1/stats/activities` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityStats {
    /// First day of the period (`YYYY-MM-DD`, inclusive).
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub from: String,
    /// Last day of the period (`YYYY-MM-DD`, inclusive).
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub to: String,
    /// Whether small cells were suppressed (the caller is a viewer).
    pub suppressed: bool,
    /// One row per kecamatan, all 18, in code order.
    pub rows: Vec<ActivityRow>,
    /// The regency's total.
    pub total: ActivityRow,
}

/// Exact counts of one kecamatan, as the store adds them up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ActivityCounts {
    /// Activities held.
    pub activities: u64,
    /// Women and girls.
    pub female: u64,
    /// Men and boys.
    pub male: u64,
    /// Children (under 18).
    pub children: u64,
}

impl ActivityCounts {
    /// Adds another kecamatan's counts.
    pub fn add(&mut self, other: &ActivityCounts) {
        self.activities += other.activities;
        self.female += other.female;
        self.male += other.male;
        self.children += other.children;
    }

    /// An exact row.
    pub fn row(&self, kecamatan: &str, name: &str) -> ActivityRow {
        ActivityRow {
            kecamatan: kecamatan.into(),
            name: name.into(),
            activities: Some(self.activities),
            participants: Some(self.female + self.male),
            female: Some(self.female),
            male: Some(self.male),
            children: Some(self.children),
        }
    }
}

impl ActivityRow {
    /// One area's row from its evaluation: exact, or suppressed as the evaluation is.
    pub fn of(evaluation: &Evaluation) -> ActivityRow {
        let p = &evaluation.activities.participants;
        ActivityRow {
            kecamatan: evaluation.area.clone(),
            name: regions::name_of(&evaluation.area).into(),
            activities: evaluation.activities.total,
            participants: p.total,
            female: p.female,
            male: p.male,
            children: p.children,
        }
    }
}

impl ActivityStats {
    /// The table of one period from its evaluations of the regency and of every kecamatan
    /// (as [`Evaluation::assemble_all`] gives them): a viewer's comes from evaluations
    /// suppressed together with the rest of their year, so it shows and hides exactly
    /// what the evaluation page does. `None` when an area is missing.
    pub fn of(evaluations: &[&Evaluation]) -> Option<ActivityStats> {
        let regency = evaluations.iter().find(|e| e.area == REGENCY_CODE)?;
        let rows = crate::evaluation::kecamatan_codes()
            .into_iter()
            .map(|code| {
                evaluations
                    .iter()
                    .find(|e| e.area == code)
                    .map(|e| ActivityRow::of(e))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(ActivityStats {
            from: regency.period.from_text(),
            to: regency.period.to_text(),
            suppressed: regency.suppressed,
            rows,
            total: ActivityRow::of(regency),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::{self, ActivityTally, Period, Tallies};
    use time::macros::date;

    #[test]
    fn a_viewer_table_shows_and_hides_what_the_evaluation_does() {
        let activity = |kecamatan: &str, month: &str, n, participants| ActivityTally {
            kecamatan: kecamatan.into(),
            month: month.into(),
            activity_type: "outreach".into(),
            n,
            participants,
        };
        let tallies = Tallies {
            activities: vec![
                activity("33.03.08", "2026-10", 12, [40, 30, 12, 11]),
                activity("33.03.02", "2026-10", 3, [4, 2, 0, 0]),
                activity("33.03.02", "2026-11", 14, [25, 25, 0, 0]),
            ],
            ..Tallies::default()
        };
        let today = date!(2026 - 12 - 03);
        let periods = Period::calendar_year(2026);
        let exact = Evaluation::assemble_many(&periods, &tallies, today, &[]);
        let mut suppressed = exact.clone();
        evaluation::suppress(&mut suppressed, &[]);
        let october = Period::parse("2026-10").expect("a month");
        let of = |all: &[Evaluation]| {
            let month: Vec<&Evaluation> = all.iter().filter(|e| e.period == october).collect();
            ActivityStats::of(&month).expect("every area")
        };
        let (exact, viewer) = (of(&exact), of(&suppressed));
        assert_eq!(
            (exact.from.as_str(), exact.to.as_str()),
            ("2026-10-01", "2026-10-31")
        );
        assert_eq!(exact.rows.len(), 18);
        assert!(!exact.suppressed && viewer.suppressed);
        let mrebet = |stats: &ActivityStats| stats.rows[7].clone();
        assert_eq!(mrebet(&exact).kecamatan, "33.03.08");
        assert_eq!(mrebet(&exact).participants, Some(93));
        assert_eq!(mrebet(&exact).children, Some(23));
        assert_eq!(exact.total.activities, Some(15));
        // Bojongsari's 3 activities hide, and so does what would reveal them.
        let bojongsari = &viewer.rows[1];
        assert_eq!(
            (bojongsari.activities, bojongsari.participants),
            (None, None)
        );
        assert_eq!(viewer.total.activities, None);
        for row in viewer.rows.iter().chain([&viewer.total]) {
            for cell in [
                row.activities,
                row.participants,
                row.female,
                row.male,
                row.children,
            ] {
                assert!(!matches!(cell, Some(1..=SUPPRESS_AT_MOST)), "{row:?}");
            }
        }
        let october_regency = suppressed
            .iter()
            .find(|e| e.period == october && e.area == REGENCY_CODE)
            .expect("the regency");
        assert_eq!(viewer.total, ActivityRow::of(october_regency));
    }
}
