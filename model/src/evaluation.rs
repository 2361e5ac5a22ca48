//! The evaluation: every figure supervisors and viewers see for a period and an area (the
//! regency or one kecamatan), assembled from the store's [`Tallies`], and suppressed for
//! viewers ([`suppress`]).
//!
//! A figure is `Option<u64>`: `None` (JSON `null`) is a suppressed cell. Breakdowns list
//! every code of their vocabulary, zeros included, so tables keep their shape.

pub mod csv;
mod groups;
pub mod period;
mod suppress;
mod tally;

pub use groups::{
    group_id, names_a_group, parse_groups, AreaGroup, AreaGroups, AreaSum, GroupDraft, GroupError,
    GroupList, Stage, GROUP_PREFIX, MAX_GROUP_NAME,
};
pub use period::{Period, PeriodError};
pub use suppress::{suppress, Cells};
pub use tally::{
    funnel_rank, ActivityTally, CaseDimension, CaseTally, DaysTally, ExploitationTally, LegalTally,
    ServedTally, ServiceTally, Tallies, VictimTally, DUE_WITHIN_DAYS, FUNNEL_STAGES, NOT_RECORDED,
};

use crate::activity::format_date;
use crate::lang::Lang;
use crate::regions::{self, REGENCY_CODE};
use crate::vocab::{self, Vocab};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use time::{Date, Duration};

/// A figure: `None` when suppressed.
pub type Cell = Option<u64>;

/// `GET /api/v1/stats` answer: the figures of one period and area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    /// The period the figures cover.
    pub period: Period,
    /// The area: the regency (`33.03`), one kecamatan code, or a group of kecamatan
    /// (`kelompok:zona-utara`).
    pub area: String,
    /// The group of kecamatan the area is, with its name and kecamatan; absent for the
    /// regency and a kecamatan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<AreaGroup>,
    /// Whether small cells were suppressed (the caller is a viewer).
    pub suppressed: bool,
    /// Cases reported in the period.
    pub cases: CaseFigures,
    /// Victims of those cases.
    pub victims: VictimFigures,
    /// Services requested in the period.
    pub services: ServiceFigures,
    /// How far the law enforcement of the period's cases went.
    pub legal: LegalFigures,
    /// Activities held in the period.
    pub activities: ActivityFigures,
    /// Villages reached by the period's activities.
    pub coverage: Coverage,
    /// The main figures of each kecamatan (for the regency; empty for one kecamatan).
    pub areas: Vec<AreaRow>,
    /// The main figures of each group of kecamatan a supervisor set (for the regency;
    /// absent when there are none, and for any other area).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupRow>,
    /// Whether the groups' figures are withheld for the whole of the period's year: shown,
    /// even as hidden cells, they would give a small count away (see [`suppress`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub groups_withheld: bool,
    /// Month by month, every month the period touches.
    pub trend: Vec<MonthRow>,
}

/// One code's count in a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count {
    /// The vocabulary code.
    pub code: String,
    /// How many.
    pub n: Cell,
}

/// Cases reported in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseFigures {
    /// All of them.
    pub total: Cell,
    /// By status (sums to the total).
    pub by_status: Vec<Count>,
    /// By modus (sums to the total).
    pub by_modus: Vec<Count>,
    /// By destination, [`NOT_RECORDED`] last (sums to the total).
    pub by_destination: Vec<Count>,
    /// By form of exploitation: a case may name several, or none.
    pub by_exploitation: Vec<Count>,
}

/// Victims of the cases reported in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VictimFigures {
    /// All of them.
    pub total: Cell,
    /// Women and girls.
    pub female: Cell,
    /// Men and boys.
    pub male: Cell,
    /// Under 18 when identified.
    pub children: Cell,
    /// 18 or older.
    pub adults: Cell,
    /// Girls.
    pub female_children: Cell,
    /// Boys.
    pub male_children: Cell,
    /// Women.
    pub female_adults: Cell,
    /// Men.
    pub male_adults: Cell,
}

/// Services of one type (or all) requested in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceRow {
    /// Service type code, `total` for all.
    pub code: String,
    /// Requested.
    pub requested: Cell,
    /// Delivered.
    pub delivered: Cell,
    /// Delivered more than 7 days after the request.
    pub late: Cell,
    /// Not delivered and waiting more than 7 days at the period's end (or today).
    pub waiting: Cell,
    /// Median days from request to delivery of those delivered.
    pub median_days: Option<f64>,
    /// Longest days from request to delivery of those delivered.
    pub longest_days: Option<u64>,
}

/// Services requested in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceFigures {
    /// One row per service type.
    pub rows: Vec<ServiceRow>,
    /// All types.
    pub total: ServiceRow,
}

/// One stage of the law-enforcement funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FunnelStage {
    /// Stage code.
    pub code: String,
    /// Cases of the period that reached this stage or a later one.
    pub cases: Cell,
    /// Those as a percentage of the period's cases, one decimal.
    pub percent: Option<f64>,
}

/// How far the law enforcement of the period's cases went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalFigures {
    /// From police report to final verdict.
    pub funnel: Vec<FunnelStage>,
    /// Cases with restitution ordered.
    pub restitution_cases: Cell,
    /// Restitution ordered, in rupiah.
    pub restitution_rupiah: Cell,
}

/// Participants of the period's activities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participants {
    /// Everyone.
    pub total: Cell,
    /// Women and girls.
    pub female: Cell,
    /// Men and boys.
    pub male: Cell,
    /// Adults.
    pub adults: Cell,
    /// Children.
    pub children: Cell,
    /// Women.
    pub female_adults: Cell,
    /// Men.
    pub male_adults: Cell,
    /// Girls.
    pub female_children: Cell,
    /// Boys.
    pub male_children: Cell,
}

/// Activities held in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityFigures {
    /// All of them.
    pub total: Cell,
    /// By type (sums to the total).
    pub by_type: Vec<Count>,
    /// Who took part.
    pub participants: Participants,
}

/// Villages reached in one kecamatan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageRow {
    /// Kecamatan code.
    pub code: String,
    /// Its villages (a public fact, never suppressed).
    pub villages: u64,
    /// Villages where an activity was held.
    pub reached: Cell,
    /// The villages not reached (desa codes, in code order); `None` when suppressed with
    /// `reached`, which they would reveal.
    pub not_reached: Option<Vec<String>>,
    /// The villages no activity ever reached, up to the period's end; `None` for a viewer
    /// (two periods' lists would name the villages first reached between them).
    pub never_reached: Option<Vec<String>>,
}

/// Villages reached by the period's activities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    /// Villages in the area.
    pub villages: u64,
    /// Villages reached.
    pub reached: Cell,
    /// Kecamatan by kecamatan (one row for a kecamatan's evaluation).
    pub kecamatan: Vec<CoverageRow>,
}

/// A kecamatan's main figures, one row of the regency's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaRow {
    /// Kecamatan code.
    pub code: String,
    /// Cases reported.
    pub cases: Cell,
    /// Their victims.
    pub victims: Cell,
    /// Services requested.
    pub services: Cell,
    /// Activities held.
    pub activities: Cell,
    /// Participants of the activities.
    pub participants: Cell,
}

/// A group of kecamatan's main figures, one row of the regency's table of groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupRow {
    /// The group's `area` (`kelompok:zona-utara`).
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its kecamatan's codes.
    pub kecamatan: Vec<String>,
    /// Cases reported.
    pub cases: Cell,
    /// Their victims.
    pub victims: Cell,
    /// Services requested.
    pub services: Cell,
    /// Activities held.
    pub activities: Cell,
    /// Participants of the activities.
    pub participants: Cell,
}

/// What an evaluation covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Area {
    /// The whole regency.
    Regency,
    /// One kecamatan, by code.
    Kecamatan(String),
    /// A group of kecamatan a supervisor set.
    Group(AreaGroup),
}

impl Area {
    /// The area a query's `area` names: the regency's code, a kecamatan's or a group's
    /// (`kelompok:` and its id) among `groups`.
    pub fn parse(area: &str, groups: &[AreaGroup]) -> Option<Area> {
        if area == REGENCY_CODE {
            return Some(Area::Regency);
        }
        if let Some(id) = area.strip_prefix(GROUP_PREFIX) {
            let group = groups.iter().find(|g| g.id == id)?;
            return Some(Area::Group(group.clone()));
        }
        kecamatan_codes()
            .contains(&area)
            .then(|| Area::Kecamatan(area.to_owned()))
    }

    /// The code an evaluation states: `33.03`, `33.03.08` or `kelompok:zona-utara`.
    pub fn code(&self) -> String {
        match self {
            Area::Regency => REGENCY_CODE.to_owned(),
            Area::Kecamatan(code) => code.clone(),
            Area::Group(group) => group.area(),
        }
    }

    /// Whether the kecamatan `code` is in the area.
    pub fn covers(&self, code: &str) -> bool {
        match self {
            Area::Regency => true,
            Area::Kecamatan(one) => one == code,
            Area::Group(group) => group.holds(code),
        }
    }

    /// The kecamatan the area holds, or `None` for the whole regency.
    pub fn kecamatan(&self) -> Option<Vec<&str>> {
        match self {
            Area::Regency => None,
            Area::Kecamatan(code) => Some(vec![code.as_str()]),
            Area::Group(group) => Some(group.kecamatan.iter().map(String::as_str).collect()),
        }
    }
}

/// One month of the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Cases reported.
    pub new_cases: Cell,
    /// Victims who received a service (each once).
    pub victims_served: Cell,
    /// Activities held.
    pub activities: Cell,
}

impl Evaluation {
    /// The exact figures of `area` in `period`, from tallies of the regency that cover at
    /// least the period's months (rows of other months are left out); the regency's with
    /// its table of `groups`. A service waits when it was requested more than 7 days
    /// before the period's end, or before `today` while the period runs.
    pub fn assemble(
        period: Period,
        area: &Area,
        tallies: &Tallies,
        today: Date,
        groups: &[AreaGroup],
    ) -> Evaluation {
        match area {
            Area::Regency => {
                Evaluation::assemble_many(&[period], tallies, today, groups).swap_remove(0)
            }
            area => {
                let code = area.code();
                let keep = |kecamatan: &str| area.covers(kecamatan);
                let part = tallies.within(&code, &keep);
                let mut evaluation = Evaluation::assemble_one(period, &code, &keep, &part, today);
                if let Area::Group(group) = area {
                    evaluation.group = Some(group.clone());
                }
                evaluation
            }
        }
    }

    /// Every kecamatan's exact figures: the regency first, then each kecamatan in code
    /// order.
    pub fn assemble_all(period: Period, tallies: &Tallies, today: Date) -> Vec<Evaluation> {
        Evaluation::assemble_many(&[period], tallies, today, &[])
    }

    /// Every area's exact figures for each period in turn (the regency first, then each
    /// kecamatan in code order, then each of `groups`), the tallies split by kecamatan
    /// once for all of them.
    pub fn assemble_many(
        periods: &[Period],
        tallies: &Tallies,
        today: Date,
        groups: &[AreaGroup],
    ) -> Vec<Evaluation> {
        let parts: Vec<(&str, Tallies)> = kecamatan_codes()
            .into_iter()
            .map(|code| (code, tallies.of_kecamatan(code)))
            .collect();
        let group_parts: Vec<(String, Tallies)> = groups
            .iter()
            .map(|g| {
                let area = g.area();
                let part = tallies.within(&area, &|k| g.holds(k));
                (area, part)
            })
            .collect();
        let mut all = Vec::with_capacity(periods.len() * (parts.len() + groups.len() + 1));
        for &period in periods {
            let kecamatan: Vec<Evaluation> = parts
                .iter()
                .map(|(code, part)| {
                    Evaluation::assemble_one(period, code, &|k| k == *code, part, today)
                })
                .collect();
            let grouped: Vec<Evaluation> = groups
                .iter()
                .zip(&group_parts)
                .map(|(g, (area, part))| {
                    let mut e =
                        Evaluation::assemble_one(period, area, &|k| g.holds(k), part, today);
                    e.group = Some(g.clone());
                    e
                })
                .collect();
            let mut regency =
                Evaluation::assemble_one(period, REGENCY_CODE, &|_| true, tallies, today);
            regency.areas = kecamatan.iter().map(Evaluation::area_row).collect();
            regency.groups = groups
                .iter()
                .zip(&grouped)
                .map(|(g, e)| {
                    let row = e.area_row();
                    GroupRow {
                        code: row.code,
                        name: g.name.clone(),
                        kecamatan: g.kecamatan.clone(),
                        cases: row.cases,
                        victims: row.victims,
                        services: row.services,
                        activities: row.activities,
                        participants: row.participants,
                    }
                })
                .collect();
            all.push(regency);
            all.extend(kecamatan);
            all.extend(grouped);
        }
        all
    }

    /// What a viewer may see of `area` in `period`: every area's figures (the regency, its
    /// kecamatan and the current groups) of every calendar period of the period's year
    /// (the year, its quarters and its months) suppressed together, so that no answer a
    /// viewer can ask for reveals what another hides. `None` when `period` is not one of
    /// them.
    pub fn for_viewer(
        period: Period,
        area: &Area,
        tallies: &Tallies,
        today: Date,
        groups: &AreaGroups,
    ) -> Option<Evaluation> {
        let code = area.code();
        Evaluation::suppressed_year(period.from.year(), tallies, today, groups)
            .into_iter()
            .find(|e| e.period == period && e.area == code)
    }

    /// Every area's figures of every calendar period of `year`, suppressed together: the
    /// regency, its kecamatan and the current groups, answered; and, never answered but
    /// suppressed with them, the groups of earlier lists and the atoms every list cuts the
    /// regency into (see [`groups::plan`]).
    pub fn suppressed_year(
        year: i32,
        tallies: &Tallies,
        today: Date,
        groups: &AreaGroups,
    ) -> Vec<Evaluation> {
        let periods = Period::calendar_year(year);
        let mut all = Evaluation::assemble_many(&periods, tallies, today, groups.current());
        let answered = all.len();
        let plan = groups::plan(groups);
        for hidden in &plan.hidden {
            let area = hidden.area();
            let keep = |k: &str| hidden.holds(k);
            let part = tallies.within(&area, &keep);
            for &period in &periods {
                all.push(Evaluation::assemble_one(period, &area, &keep, &part, today));
            }
        }
        let shown = suppress(&mut all, &plan.stages);
        all.truncate(answered);
        if !shown {
            all.retain(|e| !e.area.starts_with(GROUP_PREFIX));
            for evaluation in &mut all {
                evaluation.groups.clear();
                evaluation.groups_withheld = true;
            }
        }
        all
    }

    /// The area's name as a reader says it: the regency, a kecamatan, or a group.
    pub fn area_name(&self, lang: Lang) -> String {
        match (&self.group, lang) {
            (Some(group), Lang::Id) => format!("Kelompok {}", group.name),
            (Some(group), Lang::En) => format!("Group {}", group.name),
            (None, _) => csv::area_name(&self.area, lang),
        }
    }

    /// This kecamatan's row of the regency's table.
    fn area_row(&self) -> AreaRow {
        AreaRow {
            code: self.area.clone(),
            cases: self.cases.total,
            victims: self.victims.total,
            services: self.services.total.requested,
            activities: self.activities.total,
            participants: self.activities.participants.total,
        }
    }

    /// The figures of one area, without the regency's table of kecamatan: one pass over
    /// each kind of tally.
    fn assemble_one(
        period: Period,
        area: &str,
        covers: &dyn Fn(&str) -> bool,
        tallies: &Tallies,
        today: Date,
    ) -> Evaluation {
        let months = period.months();
        let month_set: BTreeSet<&str> = months.iter().map(String::as_str).collect();
        let here = |kecamatan: &str, month: &str| covers(kecamatan) && month_set.contains(month);
        type Counts<'a> = BTreeMap<&'a str, u64>;
        fn add<'a>(map: &mut Counts<'a>, key: &'a str, n: u64) {
            *map.entry(key).or_default() += n;
        }

        let (mut status, mut modus, mut destination, mut new_cases) =
            (Counts::new(), Counts::new(), Counts::new(), Counts::new());
        let mut case_total = 0;
        for t in tallies
            .cases
            .iter()
            .filter(|t| here(&t.kecamatan, &t.month))
        {
            let code = t.code.as_str();
            match t.dimension {
                CaseDimension::Status => {
                    // Every case has one status: these rows count each case once.
                    case_total += t.n;
                    add(&mut status, code, t.n);
                    add(&mut new_cases, t.month.as_str(), t.n);
                }
                CaseDimension::Modus => add(&mut modus, code, t.n),
                CaseDimension::Destination => add(&mut destination, code, t.n),
            }
        }
        let mut forms = Counts::new();
        for t in tallies
            .exploitation
            .iter()
            .filter(|t| here(&t.kecamatan, &t.month))
        {
            add(&mut forms, t.form.as_str(), t.n);
        }
        let mut by_destination = breakdown(vocab::DESTINATIONS, &destination);
        by_destination.push(Count {
            code: NOT_RECORDED.into(),
            n: Some(destination.get(NOT_RECORDED).copied().unwrap_or(0)),
        });
        let case_figures = CaseFigures {
            total: Some(case_total),
            by_status: breakdown(vocab::CASE_STATUSES, &status),
            by_modus: breakdown(vocab::MODUS, &modus),
            by_destination,
            by_exploitation: breakdown(vocab::EXPLOITATION, &forms),
        };

        // [female child, female adult, male child, male adult]
        let mut people = [0u64; 4];
        for t in tallies
            .victims
            .iter()
            .filter(|t| here(&t.kecamatan, &t.month))
        {
            let i = usize::from(t.sex != "female") * 2 + usize::from(!t.child);
            people[i] += t.n;
        }
        let [fc, fa, mc, ma] = people;
        let victims = VictimFigures {
            total: Some(fc + fa + mc + ma),
            female: Some(fc + fa),
            male: Some(mc + ma),
            children: Some(fc + mc),
            adults: Some(fa + ma),
            female_children: Some(fc),
            male_children: Some(mc),
            female_adults: Some(fa),
            male_adults: Some(ma),
        };

        let until = period.to.min(today);
        let waiting_before = format_date(until - Duration::days(DUE_WITHIN_DAYS as i64));
        let mut rows: BTreeMap<&str, ServiceSums> = BTreeMap::new();
        let mut all = ServiceSums::default();
        for t in tallies
            .services
            .iter()
            .filter(|t| here(&t.kecamatan, &t.month))
        {
            let waiting = t.waiting(&waiting_before);
            rows.entry(t.service_type.as_str())
                .or_default()
                .add(t, waiting);
            all.add(t, waiting);
        }
        if tallies.days_area == area {
            for t in tallies
                .days
                .iter()
                .filter(|t| month_set.contains(t.month.as_str()))
            {
                rows.entry(t.service_type.as_str())
                    .or_default()
                    .add_days(t.days, t.n);
                all.add_days(t.days, t.n);
            }
        }
        let service_figures = ServiceFigures {
            rows: vocab::SERVICE_TYPES
                .terms
                .iter()
                .map(|term| {
                    let sums = rows.get(term.code).cloned().unwrap_or_default();
                    sums.row(term.code)
                })
                .collect(),
            total: all.row("total"),
        };

        let (mut furthest, mut restitution_cases, mut rupiah) = ([0u64; 6], 0, 0);
        for t in tallies
            .legal
            .iter()
            .filter(|t| here(&t.kecamatan, &t.month))
        {
            if let Some(f) = t.furthest {
                // A case that reached a stage reached every stage before it.
                for reached in furthest.iter_mut().take(usize::from(f) + 1) {
                    *reached += t.n;
                }
            }
            if t.restitution {
                restitution_cases += t.n;
                rupiah += t.rupiah;
            }
        }
        let legal_figures = LegalFigures {
            funnel: FUNNEL_STAGES
                .iter()
                .zip(furthest)
                .map(|(code, reached)| FunnelStage {
                    code: (*code).into(),
                    cases: Some(reached),
                    percent: percent(reached, case_total),
                })
                .collect(),
            restitution_cases: Some(restitution_cases),
            restitution_rupiah: Some(rupiah),
        };

        let (mut types, mut month_activities) = (Counts::new(), Counts::new());
        let (mut activity_total, mut p) = (0, [0u64; 4]);
        for t in tallies
            .activities
            .iter()
            .filter(|t| here(&t.kecamatan, &t.month))
        {
            activity_total += t.n;
            add(&mut types, t.activity_type.as_str(), t.n);
            add(&mut month_activities, t.month.as_str(), t.n);
            for (sum, n) in p.iter_mut().zip(t.participants) {
                *sum += n;
            }
        }
        let [fa, ma, fc, mc] = p;
        let activity_figures = ActivityFigures {
            total: Some(activity_total),
            by_type: breakdown(vocab::ACTIVITY_TYPES, &types),
            participants: Participants {
                total: Some(fa + ma + fc + mc),
                female: Some(fa + fc),
                male: Some(ma + mc),
                adults: Some(fa + ma),
                children: Some(fc + mc),
                female_adults: Some(fa),
                male_adults: Some(ma),
                female_children: Some(fc),
                male_children: Some(mc),
            },
        };

        let reached: BTreeSet<&str> = tallies
            .reached
            .iter()
            .filter(|(_, month)| month_set.contains(month.as_str()))
            .map(|(desa, _)| desa.as_str())
            .collect();
        // Ever reached by the period's end: before the tallies' period, or in a month of
        // it up to this period's last.
        let last = months.last().map(String::as_str).unwrap_or_default();
        let ever: BTreeSet<&str> = tallies
            .reached_before
            .iter()
            .map(String::as_str)
            .chain(
                tallies
                    .reached
                    .iter()
                    .filter(|(_, month)| month.as_str() <= last)
                    .map(|(desa, _)| desa.as_str()),
            )
            .collect();
        let coverage_rows: Vec<CoverageRow> = kecamatan_codes()
            .into_iter()
            .filter(|code| covers(code))
            .map(|code| {
                let villages: Vec<&str> = regions::villages_of(code)
                    .map(|v| v.code.as_str())
                    .collect();
                let missing = |set: &BTreeSet<&str>| -> Vec<String> {
                    let left = villages.iter().filter(|v| !set.contains(*v));
                    left.map(|v| (*v).to_owned()).collect()
                };
                let not_reached = missing(&reached);
                CoverageRow {
                    code: code.into(),
                    villages: villages.len() as u64,
                    reached: Some((villages.len() - not_reached.len()) as u64),
                    not_reached: Some(not_reached),
                    never_reached: Some(missing(&ever)),
                }
            })
            .collect();
        let coverage = Coverage {
            villages: coverage_rows.iter().map(|r| r.villages).sum(),
            reached: Some(coverage_rows.iter().filter_map(|r| r.reached).sum()),
            kecamatan: coverage_rows,
        };

        let mut served = Counts::new();
        for t in tallies
            .served
            .iter()
            .filter(|t| here(&t.kecamatan, &t.month))
        {
            add(&mut served, t.month.as_str(), t.n);
        }
        let trend = months
            .iter()
            .map(|month| {
                let of = |map: &Counts<'_>| Some(map.get(month.as_str()).copied().unwrap_or(0));
                MonthRow {
                    month: month.clone(),
                    new_cases: of(&new_cases),
                    victims_served: of(&served),
                    activities: of(&month_activities),
                }
            })
            .collect();

        Evaluation {
            period,
            area: area.into(),
            group: None,
            suppressed: false,
            cases: case_figures,
            victims,
            services: service_figures,
            legal: legal_figures,
            activities: activity_figures,
            coverage,
            areas: Vec::new(),
            groups: Vec::new(),
            groups_withheld: false,
            trend,
        }
    }
}

/// The sums of one row of the services table.
#[derive(Debug, Clone, Default)]
struct ServiceSums {
    requested: u64,
    delivered: u64,
    late: u64,
    waiting: u64,
    /// Days from request to delivery → how many.
    days: BTreeMap<u64, u64>,
}

impl ServiceSums {
    /// Adds a tally, of which `waiting` wait too long.
    fn add(&mut self, t: &ServiceTally, waiting: u64) {
        self.requested += t.requested;
        self.delivered += t.delivered;
        self.late += t.late;
        self.waiting += waiting;
    }

    /// Adds `n` services delivered after `days`.
    fn add_days(&mut self, days: u64, n: u64) {
        *self.days.entry(days).or_default() += n;
    }

    fn row(&self, code: &str) -> ServiceRow {
        ServiceRow {
            code: code.into(),
            requested: Some(self.requested),
            delivered: Some(self.delivered),
            late: Some(self.late),
            waiting: Some(self.waiting),
            median_days: median(&self.days),
            longest_days: self.days.keys().next_back().copied(),
        }
    }
}

/// The regency's kecamatan codes, in code order.
pub fn kecamatan_codes() -> Vec<&'static str> {
    let mut codes: Vec<&str> = regions::kecamatan().map(|r| r.code.as_str()).collect();
    codes.sort_unstable();
    codes
}

/// Whether `area` is the regency's code or one of its kecamatan.
pub fn is_area(area: &str) -> bool {
    area == REGENCY_CODE || kecamatan_codes().contains(&area)
}

fn breakdown(vocab: Vocab, counts: &BTreeMap<&str, u64>) -> Vec<Count> {
    let terms = vocab.terms.iter();
    terms
        .map(|term| Count {
            code: term.code.into(),
            n: Some(counts.get(term.code).copied().unwrap_or(0)),
        })
        .collect()
}

/// A percentage with one decimal; none of nothing.
fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The median of a histogram (value → how many), the mean of the two middle values when
/// the count is even.
fn median(histogram: &BTreeMap<u64, u64>) -> Option<f64> {
    let n: u64 = histogram.values().sum();
    if n == 0 {
        return None;
    }
    let nth = |k: u64| {
        let mut seen = 0;
        for (&value, &count) in histogram {
            seen += count;
            if seen > k {
                return value;
            }
        }
        0
    };
    let (low, high) = (nth((n - 1) / 2), nth(n / 2));
    Some((low + high) as f64 / 2.0)
}

#[cfg(test)]
mod tests;
