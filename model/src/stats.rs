//! Evaluation figures and the suppression rule for viewers.

use serde::{Deserialize, Serialize};

/// The smallest count a viewer may see; counts from 1 to this are suppressed.
pub const SUPPRESS_AT_MOST: u64 = 10;

/// Activities and participants of one kecamatan (or the regency's total) in a period.
/// `None` is a suppressed cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct ActivityStats {
    /// First day of the period (`YYYY-MM-DD`, inclusive).
    pub from: String,
    /// Last day of the period (`YYYY-MM-DD`, inclusive).
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

fn small(value: Option<u64>) -> bool {
    matches!(value, Some(n) if (1..=SUPPRESS_AT_MOST).contains(&n))
}

/// Suppresses a viewer's table so that no count from 1 to 10 shows and none can be worked
/// out from what does show.
///
/// Primary: every cell from 1 to 10. Within a row, `participants = female + male`, so if
/// any of the three is hidden all three are. Down a column the total is the sum of the
/// rows, so a column with any hidden cell has its total hidden; the total row then gets
/// the same within-row rule.
pub fn suppress(rows: &mut [ActivityRow], total: &mut ActivityRow) {
    for row in rows.iter_mut() {
        suppress_row(row);
    }
    let columns: [fn(&mut ActivityRow) -> &mut Option<u64>; 5] = [
        |r| &mut r.activities,
        |r| &mut r.participants,
        |r| &mut r.female,
        |r| &mut r.male,
        |r| &mut r.children,
    ];
    for column in columns {
        if rows.iter_mut().any(|row| column(row).is_none()) {
            *column(total) = None;
        }
    }
    suppress_row(total);
}

fn suppress_row(row: &mut ActivityRow) {
    for cell in [
        &mut row.activities,
        &mut row.participants,
        &mut row.female,
        &mut row.male,
        &mut row.children,
    ] {
        if small(*cell) {
            *cell = None;
        }
    }
    if row.participants.is_none() || row.female.is_none() || row.male.is_none() {
        row.participants = None;
        row.female = None;
        row.male = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn table(counts: &[(u64, u64, u64, u64)]) -> (Vec<ActivityRow>, ActivityRow) {
        let mut sum = ActivityCounts::default();
        let rows = counts
            .iter()
            .enumerate()
            .map(|(i, &(activities, female, male, children))| {
                let c = ActivityCounts {
                    activities,
                    female,
                    male,
                    children: children.min(female + male),
                };
                sum.add(&c);
                c.row(&format!("k{i}"), "")
            })
            .collect();
        (rows, sum.row("total", ""))
    }

    fn cells(row: &ActivityRow) -> [Option<u64>; 5] {
        [
            row.activities,
            row.participants,
            row.female,
            row.male,
            row.children,
        ]
    }

    proptest! {
        #[test]
        fn no_small_count_shows_and_none_can_be_worked_out(
            counts in proptest::collection::vec((0u64..40, 0u64..40, 0u64..40, 0u64..40), 1..18)
        ) {
            let (mut rows, mut total) = table(&counts);
            suppress(&mut rows, &mut total);
            for row in rows.iter().chain([&total]) {
                for cell in cells(row) {
                    prop_assert!(!small(cell), "a small count shows: {row:?}");
                }
                // participants = female + male: two shown never reveal a hidden third.
                let shown = [row.participants, row.female, row.male].iter().filter(|c| c.is_some()).count();
                prop_assert!(shown == 0 || shown == 3, "{row:?}");
            }
            // A shown total with a hidden cell in its column would reveal the cell.
            for i in 0..5 {
                if cells(&total)[i].is_some() {
                    prop_assert!(rows.iter().all(|row| cells(row)[i].is_some()));
                }
            }
        }
    }

    #[test]
    fn exact_figures_pass_through_untouched() {
        let (mut rows, mut total) = table(&[(12, 30, 25, 11), (0, 0, 0, 0)]);
        suppress(&mut rows, &mut total);
        assert_eq!(rows[0].participants, Some(55));
        assert_eq!(rows[1].activities, Some(0), "zero is not suppressed");
        assert_eq!(total.activities, Some(12));
    }
}
