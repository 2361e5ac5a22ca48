//! Suppression for viewers: no count from 1 to 10 shows, and no hidden cell can be worked
//! out from what does show.
//!
//! Every figure of every area of every period suppressed together is one cell; every sum
//! that holds between cells is a group (a total and its parts): a breakdown and its total,
//! a kecamatan's figure and the regency's (the regency's cell is the sum of the 18
//! kecamatan's), the regency's table row and the kecamatan's own total (an equality is a
//! group of one part), a year's figure and its quarters', a quarter's and its months', and
//! a month's row of the trend in every period that shows it; and, when a supervisor set
//! groups of kecamatan, every sum between areas they make (a group's cell and its
//! kecamatan's, see [`super::AreaSum`]) and the regency's table row of a group and the
//! group's own total. The worker suppresses a calendar year's 17 periods (the year, 4
//! quarters, 12 months) of all 19 areas (and the groups') together, so no answer a viewer
//! can ask for reveals what another hides.
//!
//! 1. Primary: every count from 1 to [`SUPPRESS_AT_MOST`] is hidden (zero shows: it says
//!    nothing about anyone); a rupiah amount is hidden with its count of cases.
//! 2. Secondary, until nothing changes: in a group with its total shown, the hidden parts
//!    are worked out as a sum; one hidden part alone, or hidden parts that are all ones
//!    (or all tens, the only way small counts make their sum), would be exact, so the
//!    smallest shown non-zero part is hidden too (the total when none is left). In a group
//!    with its total hidden and every part shown, the total would be their sum, so the
//!    smallest shown non-zero part is hidden. The groups of kecamatan are settled after,
//!    list by list, and never hide a cell shown before them ([`Cells::hidden`]).
//! 3. Figures that are not counts follow their count: a percentage hides when its
//!    numerator or denominator does, a median or longest wait when its delivered count
//!    does, the list of villages not reached when the villages reached do.
//! 4. What a reader works out from what shows counts as a figure too: the cases at exactly
//!    one stage of the legal funnel (a stage less the next) are cells of the run, never
//!    sent; and the villages never reached are not sent to viewers at all, because two
//!    periods' lists differ by the villages first reached between their ends.

use super::{kecamatan_codes, AreaRow, Cell, Evaluation, GroupRow, Stage};
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

/// The cells of one suppression run and the sums that hold between them, each tagged
/// with the stage it comes into play (see [`Stage`]; 0 for everything without groups).
#[derive(Debug, Default)]
pub struct Cells<'a> {
    cells: Vec<&'a mut Cell>,
    primary: Vec<Primary>,
    /// The stage of each cell.
    cell_stage: Vec<usize>,
    /// Each sum: its stage, its total and its parts.
    groups: Vec<(usize, usize, Vec<usize>)>,
    /// The stage of what is added next.
    stage: usize,
}

impl<'a> Cells<'a> {
    /// Adds a count; answers its index.
    pub fn count(&mut self, cell: &'a mut Cell) -> usize {
        self.cells.push(cell);
        self.primary.push(Primary::Count);
        self.cell_stage.push(self.stage);
        self.cells.len() - 1
    }

    /// Adds an amount that is hidden with the count at `count`; answers its index.
    pub fn amount(&mut self, cell: &'a mut Cell, count: usize) -> usize {
        self.cells.push(cell);
        self.primary.push(Primary::Follows(count));
        self.cell_stage.push(self.stage);
        self.cells.len() - 1
    }

    /// Adds counts; answers their indices.
    pub fn counts<I: IntoIterator<Item = &'a mut Cell>>(&mut self, cells: I) -> Vec<usize> {
        cells.into_iter().map(|cell| self.count(cell)).collect()
    }

    /// States that `total` is the sum of `parts`.
    pub fn group(&mut self, total: usize, parts: Vec<usize>) {
        self.groups.push((self.stage, total, parts));
    }

    /// Tags what is added next with `stage`.
    pub fn set_stage(&mut self, stage: usize) {
        self.stage = stage;
    }

    /// Which cells to hide. Stage by stage: the sums of the stages so far are settled,
    /// then every cell of those stages left shown is pinned, since a reader may have kept
    /// it: a later stage hides only its own cells (or none), never one shown before.
    pub fn hidden(&self) -> Vec<bool> {
        self.settled().0
    }

    /// As [`Cells::hidden`], and whether a sum of a list of groups (stage 1 or later)
    /// still gives a hidden cell away: one whose pinned cells leave nothing to hide.
    fn settled(&self) -> (Vec<bool>, bool) {
        let value: Vec<u64> = self.cells.iter().map(|c| c.unwrap_or(0)).collect();
        let small = |n: u64| (1..=SUPPRESS_AT_MOST).contains(&n);
        let primary: Vec<bool> = self
            .primary
            .iter()
            .enumerate()
            .map(|(i, primary)| match primary {
                Primary::Count => small(value[i]),
                Primary::Follows(count) => small(value[*count]),
            })
            .collect();
        let mut hidden = primary.clone();
        let mut pinned = vec![false; self.cells.len()];
        let mut exposed = false;
        let last = self.cell_stage.iter().copied().max().unwrap_or(0);
        for stage in 0..=last {
            let groups: Vec<&(usize, usize, Vec<usize>)> =
                self.groups.iter().filter(|g| g.0 <= stage).collect();
            exposed |= settle(
                &value,
                &primary,
                &self.cell_stage,
                &mut hidden,
                &mut pinned,
                &groups,
            );
            for (i, &of) in self.cell_stage.iter().enumerate() {
                if of <= stage && !hidden[i] {
                    pinned[i] = true;
                }
            }
        }
        exposed |= self.groups.iter().any(|(_, total, parts)| {
            let values: Vec<u64> = parts
                .iter()
                .filter(|&&p| hidden[p])
                .map(|&p| value[p])
                .collect();
            !hidden[*total] && !values.is_empty() && exact(&values)
        });
        (hidden, exposed)
    }

    /// Hides what [`Cells::hidden`] says; answers whether a sum of a list of groups still
    /// gives a hidden cell away.
    fn apply(self) -> bool {
        let (hidden, exposed) = self.settled();
        for (cell, hide) in self.cells.into_iter().zip(hidden) {
            if hide {
                *cell = None;
            }
        }
        exposed
    }
}

/// Whether hidden parts of these values are each known from their sum: one alone, or
/// all ones, or all tens (a reader who takes hidden counts for small ones finds only one
/// way to make the sum).
fn exact(values: &[u64]) -> bool {
    let (k, sum) = (values.len() as u64, values.iter().sum::<u64>());
    let all = |keep: fn(u64) -> bool| values.iter().all(|&v| keep(v));
    k == 1
        || (sum == k && all(|v| v >= 1))
        || (sum == k * SUPPRESS_AT_MOST && all(|v| v <= SUPPRESS_AT_MOST))
}

/// Hides more cells until no sum of `groups` gives one away: in a sum with its total
/// shown, the hidden parts are worked out as a sum, so one hidden part alone, or hidden
/// parts that can only be all ones (or all tens), take the smallest shown non-zero part
/// with them (the total when none is left, a zero part when the total is pinned); a
/// hidden total with every part shown takes the smallest shown non-zero part.
///
/// A `pinned` cell stays shown. A hidden cell of a list of groups (stage 1 or later) that
/// its pinned neighbours give away (a total whose every part is pinned, or the one hidden
/// part of a pinned total whose other parts are pinned) is known all the same: it is
/// pinned too and shown when it is not a small count; a small total is answered `true`
/// (a small part is left to the final check, which answers the same). A sum whose pinned cells give a part away is left as it is: no hiding can take
/// back what was shown.
fn settle(
    value: &[u64],
    primary: &[bool],
    cell_stage: &[usize],
    hidden: &mut [bool],
    pinned: &mut [bool],
    groups: &[&(usize, usize, Vec<usize>)],
) -> bool {
    let mut exposed = false;
    // The smallest shown part that may still be hidden, non-zero or zero.
    let next = |parts: &[usize], hidden: &[bool], pinned: &[bool], zero: bool| {
        let open = parts.iter().copied().filter(|&p| !hidden[p] && !pinned[p]);
        open.filter(|&p| (value[p] == 0) == zero)
            .min_by_key(|&p| (value[p], p))
    };
    loop {
        let mut changed = false;
        for (_, total, parts) in groups {
            let total = *total;
            let hidden_parts: Vec<usize> = parts.iter().copied().filter(|&p| hidden[p]).collect();
            if !hidden[total] {
                if hidden_parts.is_empty() {
                    continue;
                }
                let values: Vec<u64> = hidden_parts.iter().map(|&p| value[p]).collect();
                if !exact(&values) {
                    continue;
                }
                let hide = next(parts, hidden, pinned, false)
                    .or((!pinned[total]).then_some(total))
                    .or_else(|| next(parts, hidden, pinned, true));
                if let Some(hide) = hide {
                    hidden[hide] = true;
                    changed = true;
                } else if let [part] = hidden_parts[..] {
                    // Everything else of the sum is pinned: the part is known. Shown, if
                    // it is not a small count and not settled before this stage.
                    if cell_stage[part] > 0 && !primary[part] {
                        hidden[part] = false;
                        pinned[part] = true;
                        changed = true;
                    }
                }
            } else if hidden_parts.is_empty() {
                if let Some(hide) = next(parts, hidden, pinned, false) {
                    hidden[hide] = true;
                    changed = true;
                } else if cell_stage[total] > 0 && parts.iter().all(|&p| pinned[p]) {
                    hidden[total] = false;
                    pinned[total] = true;
                    exposed |= primary[total];
                    changed = true;
                }
            }
        }
        if !changed {
            return exposed;
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
    /// Villages reached, row by row: each kecamatan's code and cell.
    reached: Vec<(String, usize)>,
    /// The regency's table of kecamatan: each row's five cells.
    areas: Vec<[usize; 5]>,
    /// The regency's table of groups: each row's group (its `area`) and five cells.
    groups: Vec<(String, [usize; 5])>,
}

/// Suppresses evaluations together: every area (the regency, its kecamatan and the
/// `groups` of kecamatan, as [`Evaluation::assemble_many`] gives them) of one or more
/// periods. Give a calendar year with its quarters and months, and no answer for one of
/// them reveals what another hides: a period whose other periods tile it is the sum of
/// them. `stages` are the lists of groups of kecamatan ever set, oldest first, each
/// settled after the ones before it ([`Evaluation::suppressed_year`] gives them).
///
/// Answers `false` when the groups' figures cannot be shown at all: a sum they make still
/// gives a hidden cell away and every cell that could hide it was shown before them (two
/// groups of ten cases each in a regency whose twenty was shown before any group was
/// set, say). Their figures are then withheld; the regency's and the kecamatan's, settled
/// before any group, stand.
pub fn suppress(evaluations: &mut [Evaluation], stages: &[Stage]) -> bool {
    let mut cells = Cells::default();
    // The stage an area comes into play: 0 for the regency and its kecamatan.
    let stage_of = |area: &str| {
        stages
            .iter()
            .position(|s| s.areas.iter().any(|a| a == area))
            .map_or(0, |k| k + 1)
    };
    let last = stages.len();
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
        .map(|(evaluation, exact)| {
            cells.set_stage(stage_of(&evaluation.area));
            collect(evaluation, exact, &mut cells, last)
        })
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
        cells.set_stage(0);
        tie(&mut cells, r, &kecamatan);
        for (row, one) in r.areas.iter().zip(&kecamatan) {
            for (&cell, &total) in row.iter().zip(&one.totals) {
                cells.group(cell, vec![total]);
            }
        }
        // The sums between areas each list of groups makes, stage by stage.
        for (k, stage) in stages.iter().enumerate() {
            cells.set_stage(k + 1);
            for sum in &stage.sums {
                let Some(whole) = find(period, &sum.whole) else {
                    continue;
                };
                let parts: Vec<&Shape> = sum
                    .parts
                    .iter()
                    .filter_map(|area| find(period, area))
                    .map(|i| &shapes[i])
                    .collect();
                if parts.len() == sum.parts.len() {
                    tie(&mut cells, &shapes[whole], &parts);
                }
            }
        }
        // The regency's table of the current groups: each row is the group's total.
        cells.set_stage(last);
        for (code, row) in &r.groups {
            if let Some(g) = find(period, code) {
                for (&cell, &total) in row.iter().zip(&shapes[g].totals) {
                    cells.group(cell, vec![total]);
                }
            }
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
            cells.set_stage(stage_of(area));
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
    let exposed = cells.apply();
    for evaluation in evaluations.iter_mut() {
        follow(evaluation);
    }
    !exposed
}

/// States that every cell of `whole` adding up across areas is the sum of the same cell of
/// `parts` (a regency and its kecamatan, a group and its kecamatan), and that each of its
/// kecamatan's villages reached is the same cell of the part holding that kecamatan.
fn tie(cells: &mut Cells<'_>, whole: &Shape, parts: &[&Shape]) {
    for (code, row) in &whole.reached {
        let same = parts
            .iter()
            .find_map(|part| part.reached.iter().find(|(c, _)| c == code));
        if let Some((_, cell)) = same {
            cells.group(*row, vec![*cell]);
        }
    }
    for (p, &total) in whole.additive.iter().enumerate() {
        cells.group(total, parts.iter().map(|k| k.additive[p]).collect());
    }
    for (p, &total) in whole.area_only.iter().enumerate() {
        cells.group(total, parts.iter().map(|k| k.area_only[p]).collect());
    }
    for (m, (_, row)) in whole.trend.iter().enumerate() {
        for (j, &total) in row.iter().enumerate() {
            cells.group(total, parts.iter().map(|k| k.trend[m].1[j]).collect());
        }
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
/// [`exact_stages`], counted but never shown. The regency's table of groups comes into
/// play with the current list, at stage `last`.
fn collect<'a>(
    evaluation: &'a mut Evaluation,
    exact_stages: &'a mut [Cell],
    cells: &mut Cells<'a>,
    last: usize,
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
        groups,
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
    let codes: Vec<String> = coverage.kecamatan.iter().map(|r| r.code.clone()).collect();
    let reached = cells.counts(coverage.kecamatan.iter_mut().map(|r| &mut r.reached));
    cells.group(coverage_total, reached.clone());
    let reached = codes.into_iter().zip(reached).collect();
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
    let table: Vec<[usize; 5]> = areas
        .iter_mut()
        .map(|row| {
            let AreaRow {
                cases,
                victims,
                services,
                activities,
                participants,
                ..
            } = row;
            five(cells, [cases, victims, services, activities, participants])
        })
        .collect();
    if !table.is_empty() {
        for (i, &total) in totals.iter().enumerate() {
            cells.group(total, table.iter().map(|r| r[i]).collect());
        }
    }
    cells.set_stage(last);
    let group_table = groups
        .iter_mut()
        .map(|row| {
            let GroupRow {
                code,
                cases,
                victims,
                services,
                activities,
                participants,
                ..
            } = row;
            let figures = five(cells, [cases, victims, services, activities, participants]);
            (code.clone(), figures)
        })
        .collect();
    Shape {
        additive,
        area_only,
        trend: rows,
        totals,
        reached,
        areas: table,
        groups: group_table,
    }
}

/// Adds a table row's five counts (cases, victims, services, activities, participants);
/// answers their indices.
fn five<'a>(cells: &mut Cells<'a>, row: [&'a mut Cell; 5]) -> [usize; 5] {
    let r = cells.counts(row);
    [r[0], r[1], r[2], r[3], r[4]]
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
