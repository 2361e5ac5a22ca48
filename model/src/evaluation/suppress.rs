//! Suppression for viewers: no count from 1 to 10 shows, and no hidden cell can be worked
//! out from what does show.
//!
//! Every figure of every area of a period is one cell; every sum that holds between cells
//! is a group (a total and its parts): a breakdown and its total, a kecamatan's figure and
//! the regency's (the regency's cell is the sum of the 18 kecamatan's), the regency's
//! table row and the kecamatan's own total (an equality is a group of one part). All areas
//! are suppressed together, so asking for a kecamatan reveals nothing the regency's page
//! hides, and the other way round.
//!
//! 1. Primary: every count from 1 to [`SUPPRESS_AT_MOST`] is hidden (zero shows: it says
//!    nothing about anyone); a rupiah amount is hidden with its count of cases.
//! 2. Secondary, until nothing changes: in a group with its total shown, the hidden parts
//!    are worked out as a sum; one hidden part alone, or hidden parts that can only be all
//!    ones (or all tens), would be exact, so the smallest shown non-zero part is hidden
//!    too (the total when none is left). In a group with its total hidden and every part
//!    shown, the total would be their sum, so the smallest shown non-zero part is hidden.
//! 3. Figures that are not counts follow their count: a percentage hides when its
//!    numerator or denominator does, a median or longest wait when its delivered count
//!    does, the list of villages not reached when the villages reached do; the villages
//!    never reached when they would reveal that 1 to 10 were ever reached.

use super::{Cell, Evaluation};
use crate::stats::SUPPRESS_AT_MOST;

/// How a cell is hidden in the first pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Primary {
    /// A count: hidden from 1 to [`SUPPRESS_AT_MOST`].
    Count,
    /// An amount: hidden when the count cell at this index is.
    Follows(usize),
}

/// The cells of one suppression run and the sums that hold between them.
#[derive(Debug, Default)]
pub struct Cells<'a> {
    cells: Vec<&'a mut Cell>,
    primary: Vec<Primary>,
    groups: Vec<(usize, Vec<usize>)>,
}

impl<'a> Cells<'a> {
    /// Adds a count; answers its index.
    pub fn count(&mut self, cell: &'a mut Cell) -> usize {
        self.cells.push(cell);
        self.primary.push(Primary::Count);
        self.cells.len() - 1
    }

    /// Adds an amount that is hidden with the count at `count`; answers its index.
    pub fn amount(&mut self, cell: &'a mut Cell, count: usize) -> usize {
        self.cells.push(cell);
        self.primary.push(Primary::Follows(count));
        self.cells.len() - 1
    }

    /// Adds counts; answers their indices.
    pub fn counts<I: IntoIterator<Item = &'a mut Cell>>(&mut self, cells: I) -> Vec<usize> {
        cells.into_iter().map(|cell| self.count(cell)).collect()
    }

    /// States that `total` is the sum of `parts`.
    pub fn group(&mut self, total: usize, parts: Vec<usize>) {
        self.groups.push((total, parts));
    }

    /// Which cells to hide.
    pub fn hidden(&self) -> Vec<bool> {
        let value: Vec<u64> = self.cells.iter().map(|c| c.unwrap_or(0)).collect();
        let small = |n: u64| (1..=SUPPRESS_AT_MOST).contains(&n);
        let mut hidden: Vec<bool> = self
            .primary
            .iter()
            .enumerate()
            .map(|(i, primary)| match primary {
                Primary::Count => small(value[i]),
                Primary::Follows(count) => small(value[*count]),
            })
            .collect();
        // The smallest shown non-zero part, to hide next.
        let next = |parts: &[usize], hidden: &[bool]| {
            parts
                .iter()
                .copied()
                .filter(|&p| !hidden[p] && value[p] > 0)
                .min_by_key(|&p| (value[p], p))
        };
        loop {
            let mut changed = false;
            for (total, parts) in &self.groups {
                let hidden_parts: Vec<usize> =
                    parts.iter().copied().filter(|&p| hidden[p]).collect();
                if !hidden[*total] {
                    if hidden_parts.is_empty() {
                        continue;
                    }
                    let k = hidden_parts.len() as u64;
                    let sum: u64 = hidden_parts.iter().map(|&p| value[p]).sum();
                    let exact = k == 1 || sum == k || sum == k * SUPPRESS_AT_MOST;
                    if exact {
                        let hide = next(parts, &hidden).unwrap_or(*total);
                        hidden[hide] = true;
                        changed = true;
                    }
                } else if hidden_parts.is_empty() {
                    if let Some(hide) = next(parts, &hidden) {
                        hidden[hide] = true;
                        changed = true;
                    }
                }
            }
            if !changed {
                return hidden;
            }
        }
    }

    /// Hides what [`Cells::hidden`] says.
    fn apply(self) {
        let hidden = self.hidden();
        for (cell, hide) in self.cells.into_iter().zip(hidden) {
            if hide {
                *cell = None;
            }
        }
    }
}

/// Where one evaluation's cells are, to tie it to the other areas'.
struct Shape {
    /// Every cell that adds up across kecamatan, in the same order for every area.
    shared: Vec<usize>,
    /// Its main totals: cases, victims, services requested, activities, participants.
    totals: [usize; 5],
    /// Villages reached, row by row.
    reached: Vec<usize>,
    /// The regency's table of kecamatan: each row's five cells.
    areas: Vec<[usize; 5]>,
}

/// Suppresses the evaluations of every area of one period, the regency first and then
/// each kecamatan in code order (as [`Evaluation::assemble_all`] gives them).
pub fn suppress(evaluations: &mut [Evaluation]) {
    let mut cells = Cells::default();
    let shapes: Vec<Shape> = evaluations
        .iter_mut()
        .map(|evaluation| collect(evaluation, &mut cells))
        .collect();
    if let Some((regency, kecamatan)) = shapes.split_first() {
        for (p, &total) in regency.shared.iter().enumerate() {
            cells.group(total, kecamatan.iter().map(|k| k.shared[p]).collect());
        }
        for (row, one) in regency.areas.iter().zip(kecamatan) {
            for (&cell, &total) in row.iter().zip(&one.totals) {
                cells.group(cell, vec![total]);
            }
        }
        for (&row, one) in regency.reached.iter().zip(kecamatan) {
            cells.group(row, one.reached.clone());
        }
    }
    cells.apply();
    for evaluation in evaluations.iter_mut() {
        follow(evaluation);
    }
}

/// Adds an evaluation's cells and its own groups.
fn collect<'a>(evaluation: &'a mut Evaluation, cells: &mut Cells<'a>) -> Shape {
    evaluation.suppressed = true;
    let Evaluation {
        cases,
        victims,
        services,
        legal,
        activities,
        coverage,
        areas,
        trend,
        ..
    } = evaluation;
    let mut shared = Vec::new();

    let case_total = cells.count(&mut cases.total);
    for breakdown in [
        &mut cases.by_status,
        &mut cases.by_modus,
        &mut cases.by_destination,
    ] {
        let parts = cells.counts(breakdown.iter_mut().map(|c| &mut c.n));
        shared.extend(&parts);
        cells.group(case_total, parts);
    }
    shared.push(case_total);
    shared.extend(cells.counts(cases.by_exploitation.iter_mut().map(|c| &mut c.n)));

    let v = cells.counts([
        &mut victims.total,
        &mut victims.female,
        &mut victims.male,
        &mut victims.children,
        &mut victims.adults,
        &mut victims.female_children,
        &mut victims.male_children,
        &mut victims.female_adults,
        &mut victims.male_adults,
    ]);
    let [total, female, male, children, adults, fc, mc, fa, ma] =
        [v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]];
    crossed(
        cells,
        [total, female, male, children, adults, fc, mc, fa, ma],
    );
    shared.extend(&v);
    let victim_total = total;

    let mut columns: [Vec<usize>; 4] = Default::default();
    for row in services.rows.iter_mut() {
        let row_cells = cells.counts([
            &mut row.requested,
            &mut row.delivered,
            &mut row.late,
            &mut row.waiting,
        ]);
        for (column, cell) in columns.iter_mut().zip(row_cells) {
            column.push(cell);
        }
    }
    let service_totals = cells.counts([
        &mut services.total.requested,
        &mut services.total.delivered,
        &mut services.total.late,
        &mut services.total.waiting,
    ]);
    for (column, &total) in columns.iter().zip(&service_totals) {
        shared.extend(column);
        cells.group(total, column.clone());
    }
    shared.extend(&service_totals);

    shared.extend(cells.counts(legal.funnel.iter_mut().map(|s| &mut s.cases)));
    let restitution = cells.count(&mut legal.restitution_cases);
    let rupiah = cells.amount(&mut legal.restitution_rupiah, restitution);
    shared.extend([restitution, rupiah]);

    let activity_total = cells.count(&mut activities.total);
    let by_type = cells.counts(activities.by_type.iter_mut().map(|c| &mut c.n));
    cells.group(activity_total, by_type.clone());
    shared.push(activity_total);
    shared.extend(by_type);
    let p = &mut activities.participants;
    let v = cells.counts([
        &mut p.total,
        &mut p.female,
        &mut p.male,
        &mut p.children,
        &mut p.adults,
        &mut p.female_children,
        &mut p.male_children,
        &mut p.female_adults,
        &mut p.male_adults,
    ]);
    crossed(
        cells,
        [v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]],
    );
    shared.extend(&v);
    let participant_total = v[0];

    let coverage_total = cells.count(&mut coverage.reached);
    let reached = cells.counts(coverage.kecamatan.iter_mut().map(|r| &mut r.reached));
    cells.group(coverage_total, reached.clone());
    shared.push(coverage_total);

    let (mut new_cases, mut month_activities) = (Vec::new(), Vec::new());
    for month in trend.iter_mut() {
        let row = cells.counts([
            &mut month.new_cases,
            &mut month.victims_served,
            &mut month.activities,
        ]);
        new_cases.push(row[0]);
        month_activities.push(row[2]);
        shared.extend(row);
    }
    cells.group(case_total, new_cases);
    cells.group(activity_total, month_activities);

    let service_total = service_totals[0];
    let totals = [
        case_total,
        victim_total,
        service_total,
        activity_total,
        participant_total,
    ];
    let mut rows = Vec::new();
    for row in areas.iter_mut() {
        let r = cells.counts([
            &mut row.cases,
            &mut row.victims,
            &mut row.services,
            &mut row.activities,
            &mut row.participants,
        ]);
        rows.push([r[0], r[1], r[2], r[3], r[4]]);
    }
    if !rows.is_empty() {
        for (i, &total) in totals.iter().enumerate() {
            cells.group(total, rows.iter().map(|r| r[i]).collect());
        }
    }
    Shape {
        shared,
        totals,
        reached,
        areas: rows,
    }
}

/// The sums inside a two-way table (sex by child or adult) and its margins, given as
/// [total, female, male, children, adults, female children, male children, female
/// adults, male adults].
fn crossed(cells: &mut Cells<'_>, [total, f, m, c, a, fc, mc, fa, ma]: [usize; 9]) {
    cells.group(total, vec![f, m]);
    cells.group(total, vec![c, a]);
    cells.group(f, vec![fc, fa]);
    cells.group(m, vec![mc, ma]);
    cells.group(c, vec![fc, mc]);
    cells.group(a, vec![fa, ma]);
}

fn small(n: u64) -> bool {
    (1..=SUPPRESS_AT_MOST).contains(&n)
}

/// Hides the figures that are not counts with the counts they would reveal.
fn follow(evaluation: &mut Evaluation) {
    let base = evaluation.cases.total;
    for stage in &mut evaluation.legal.funnel {
        if stage.cases.is_none() || base.is_none() {
            stage.percent = None;
        }
    }
    let services = &mut evaluation.services;
    for row in services.rows.iter_mut().chain([&mut services.total]) {
        if row.delivered.is_none() {
            row.median_days = None;
            row.longest_days = None;
        }
    }
    for row in &mut evaluation.coverage.kecamatan {
        if row.reached.is_none() {
            row.not_reached = None;
        }
        let ever = |list: &Vec<String>| row.villages.saturating_sub(list.len() as u64);
        if row
            .never_reached
            .as_ref()
            .is_some_and(|list| small(ever(list)))
        {
            row.never_reached = None;
        }
    }
}
