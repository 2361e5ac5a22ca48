//! Suppression for viewers: no count from 1 to 10 shows, and no hidden cell can be worked
//! out from what does show.
//!
//! Every figure of every area of every period suppressed together is one cell; every sum
//! that holds between cells is a group (a total and its parts): a breakdown and its total,
//! a kecamatan's figure and the regency's (the regency's cell is the sum of the 18
//! kecamatan's), the regency's table row and the kecamatan's own total (an equality is a
//! group of one part), a year's figure and its quarters', a quarter's and its months', and
//! a month's row of the trend in every period that shows it. The worker suppresses a
//! calendar year's 17 periods (the year, 4 quarters, 12 months) of all 19 areas together,
//! so no answer a viewer can ask for reveals what another hides.
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
//!    does, the list of villages not reached when the villages reached do.
//! 4. What a reader works out from what shows counts as a figure too: the cases at exactly
//!    one stage of the legal funnel (a stage less the next) are cells of the run, never
//!    sent; and the villages never reached are not sent to viewers at all, because two
//!    periods' lists differ by the villages first reached between their ends.

use super::{kecamatan_codes, Cell, Evaluation};
use crate::regions::REGENCY_CODE;
use crate::stats::SUPPRESS_AT_MOST;
use std::collections::BTreeSet;
use time::Date;

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

/// Where one evaluation's cells are, to tie it to the other areas' and periods'.
struct Shape {
    /// Every cell that adds up across kecamatan and across the months of a period, in the
    /// same order for every evaluation.
    additive: Vec<usize>,
    /// Cells that add up across kecamatan only: services still waiting (counted to each
    /// period's own end) and villages reached (a village reached twice counts once).
    area_only: Vec<usize>,
    /// The trend: each month's new cases, victims served and activities.
    trend: Vec<(String, [usize; 3])>,
    /// Its main totals: cases, victims, services requested, activities, participants.
    totals: [usize; 5],
    /// Villages reached, row by row.
    reached: Vec<usize>,
    /// The regency's table of kecamatan: each row's five cells.
    areas: Vec<[usize; 5]>,
}

/// Suppresses evaluations together: every area (the regency and its kecamatan, as
/// [`Evaluation::assemble_all`] gives them) of one or more periods. Give a calendar year
/// with its quarters and months, and no answer for one of them reveals what another
/// hides: a period whose other periods tile it is the sum of them.
pub fn suppress(evaluations: &mut [Evaluation]) {
    let mut cells = Cells::default();
    let keys: Vec<((Date, Date), String)> = evaluations
        .iter()
        .map(|e| ((e.period.from, e.period.to), e.area.clone()))
        .collect();
    // Cases at exactly each stage of the funnel (and at none), which a reader works out by
    // subtracting the stages shown: never sent, but suppressed as if they were.
    let mut exact_stages: Vec<Vec<Cell>> = evaluations.iter().map(exact_stages).collect();
    let shapes: Vec<Shape> = evaluations
        .iter_mut()
        .zip(exact_stages.iter_mut())
        .map(|(evaluation, exact)| collect(evaluation, exact, &mut cells))
        .collect();
    let find =
        |period: (Date, Date), area: &str| keys.iter().position(|(p, a)| *p == period && a == area);
    let periods: BTreeSet<(Date, Date)> = keys.iter().map(|(p, _)| *p).collect();
    for &period in &periods {
        // Across areas: the regency's cell is the sum of the kecamatan's.
        let Some(regency) = find(period, REGENCY_CODE) else {
            continue;
        };
        let kecamatan: Vec<&Shape> = kecamatan_codes()
            .into_iter()
            .filter_map(|code| find(period, code))
            .map(|i| &shapes[i])
            .collect();
        if kecamatan.len() != kecamatan_codes().len() {
            continue;
        }
        let r = &shapes[regency];
        for (p, &total) in r.additive.iter().enumerate() {
            cells.group(total, kecamatan.iter().map(|k| k.additive[p]).collect());
        }
        for (p, &total) in r.area_only.iter().enumerate() {
            cells.group(total, kecamatan.iter().map(|k| k.area_only[p]).collect());
        }
        for (m, (_, row)) in r.trend.iter().enumerate() {
            for (j, &total) in row.iter().enumerate() {
                cells.group(total, kecamatan.iter().map(|k| k.trend[m].1[j]).collect());
            }
        }
        for (row, one) in r.areas.iter().zip(&kecamatan) {
            for (&cell, &total) in row.iter().zip(&one.totals) {
                cells.group(cell, vec![total]);
            }
        }
        for (&row, one) in r.reached.iter().zip(&kecamatan) {
            cells.group(row, one.reached.clone());
        }
    }
    // Across periods: a period tiled by others given with it is their sum, area by area.
    for &period in &periods {
        let tiles = tiling(period, &periods);
        if tiles.is_empty() {
            continue;
        }
        for (i, (p, area)) in keys.iter().enumerate() {
            if *p != period {
                continue;
            }
            let parts: Vec<usize> = tiles.iter().filter_map(|t| find(*t, area)).collect();
            if parts.len() != tiles.len() {
                continue;
            }
            for (q, &total) in shapes[i].additive.iter().enumerate() {
                cells.group(
                    total,
                    parts.iter().map(|&j| shapes[j].additive[q]).collect(),
                );
            }
            // A month's row of the trend is the same figure in every period showing it.
            for (month, row) in &shapes[i].trend {
                let part = parts
                    .iter()
                    .find_map(|&j| shapes[j].trend.iter().find(|(m, _)| m == month));
                if let Some((_, part_row)) = part {
                    for (&cell, &same) in row.iter().zip(part_row) {
                        cells.group(cell, vec![same]);
                    }
                }
            }
        }
    }
    cells.apply();
    for evaluation in evaluations.iter_mut() {
        follow(evaluation);
    }
}

/// The periods of `all` that tile `period` exactly, each the largest inside it (a year's
/// quarters, not its months), or none.
fn tiling(period: (Date, Date), all: &BTreeSet<(Date, Date)>) -> Vec<(Date, Date)> {
    let inside = |(a, b): (Date, Date), (c, d): (Date, Date)| c <= a && b <= d && (a, b) != (c, d);
    let within: Vec<(Date, Date)> = all.iter().copied().filter(|q| inside(*q, period)).collect();
    let largest: Vec<(Date, Date)> = within
        .iter()
        .copied()
        .filter(|q| !within.iter().any(|r| inside(*q, *r)))
        .collect();
    let mut next = period.0;
    for (from, to) in &largest {
        if *from != next {
            return Vec::new();
        }
        next = match to.next_day() {
            Some(day) => day,
            None => return Vec::new(),
        };
    }
    match largest.last() {
        Some((_, to)) if *to == period.1 => largest,
        _ => Vec::new(),
    }
}

/// The cases of an evaluation with no step of the legal funnel, then at exactly each of
/// its stages (each stage counts the cases that reached it or any later one).
fn exact_stages(evaluation: &Evaluation) -> Vec<Cell> {
    let reached: Vec<u64> = evaluation
        .legal
        .funnel
        .iter()
        .map(|stage| stage.cases.unwrap_or(0))
        .collect();
    let total = evaluation.cases.total.unwrap_or(0);
    let mut exact = vec![Some(
        total.saturating_sub(reached.first().copied().unwrap_or(0)),
    )];
    for (k, &n) in reached.iter().enumerate() {
        let later = reached.get(k + 1).copied().unwrap_or(0);
        exact.push(Some(n.saturating_sub(later)));
    }
    exact
}

/// Adds an evaluation's cells and its own groups; `exact_stages` are its
/// [`exact_stages`], counted but never shown.
fn collect<'a>(
    evaluation: &'a mut Evaluation,
    exact_stages: &'a mut [Cell],
    cells: &mut Cells<'a>,
) -> Shape {
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
    let mut additive = Vec::new();

    let case_total = cells.count(&mut cases.total);
    for breakdown in [
        &mut cases.by_status,
        &mut cases.by_modus,
        &mut cases.by_destination,
    ] {
        let parts = cells.counts(breakdown.iter_mut().map(|c| &mut c.n));
        additive.extend(&parts);
        cells.group(case_total, parts);
    }
    additive.push(case_total);
    additive.extend(cells.counts(cases.by_exploitation.iter_mut().map(|c| &mut c.n)));

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
    additive.extend(&v);
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
    let mut area_only = Vec::new();
    for (i, (column, &total)) in columns.iter().zip(&service_totals).enumerate() {
        // Waiting is counted to each period's own end: it adds up across areas only.
        let list = if i == 3 {
            &mut area_only
        } else {
            &mut additive
        };
        list.extend(column);
        list.push(total);
        cells.group(total, column.clone());
    }

    let funnel = cells.counts(legal.funnel.iter_mut().map(|s| &mut s.cases));
    let exact = cells.counts(exact_stages.iter_mut());
    // Each stage is the cases at exactly it and those at any later one; the cases are
    // those with no step and those that reached the first.
    if let (Some((&none, at)), Some(&first)) = (exact.split_first(), funnel.first()) {
        cells.group(case_total, vec![none, first]);
        for (k, &stage) in funnel.iter().enumerate() {
            let mut parts = vec![at[k]];
            parts.extend(funnel.get(k + 1));
            cells.group(stage, parts);
        }
    }
    additive.extend(&funnel);
    additive.extend(&exact);
    let restitution = cells.count(&mut legal.restitution_cases);
    let rupiah = cells.amount(&mut legal.restitution_rupiah, restitution);
    additive.extend([restitution, rupiah]);

    let activity_total = cells.count(&mut activities.total);
    let by_type = cells.counts(activities.by_type.iter_mut().map(|c| &mut c.n));
    cells.group(activity_total, by_type.clone());
    additive.push(activity_total);
    additive.extend(by_type);
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
    additive.extend(&v);
    let participant_total = v[0];

    let coverage_total = cells.count(&mut coverage.reached);
    let reached = cells.counts(coverage.kecamatan.iter_mut().map(|r| &mut r.reached));
    cells.group(coverage_total, reached.clone());
    area_only.push(coverage_total);

    let (mut new_cases, mut month_activities, mut rows) = (Vec::new(), Vec::new(), Vec::new());
    for month in trend.iter_mut() {
        let row = cells.counts([
            &mut month.new_cases,
            &mut month.victims_served,
            &mut month.activities,
        ]);
        new_cases.push(row[0]);
        month_activities.push(row[2]);
        rows.push((month.month.clone(), [row[0], row[1], row[2]]));
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
    let mut table = Vec::new();
    for row in areas.iter_mut() {
        let r = cells.counts([
            &mut row.cases,
            &mut row.victims,
            &mut row.services,
            &mut row.activities,
            &mut row.participants,
        ]);
        table.push([r[0], r[1], r[2], r[3], r[4]]);
    }
    if !table.is_empty() {
        for (i, &total) in totals.iter().enumerate() {
            cells.group(total, table.iter().map(|r| r[i]).collect());
        }
    }
    Shape {
        additive,
        area_only,
        trend: rows,
        totals,
        reached,
        areas: table,
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
        // Two periods' lists differ by the villages first reached between their ends, a
        // count no other figure hides: viewers get none.
        row.never_reached = None;
    }
}
