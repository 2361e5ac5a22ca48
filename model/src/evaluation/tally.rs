//! The exact counts the store adds up for a period, each grouped by kecamatan and month,
//! from which every figure of every area, and of every calendar period inside the one
//! asked for, is assembled ([`super::Evaluation::assemble`]).

use serde::{Deserialize, Serialize};

/// The stages of the law-enforcement funnel, in order (the `legal_stages` vocabulary
/// without `restitution`, which is counted on its own).
pub const FUNNEL_STAGES: [&str; 6] = [
    "police_report",
    "investigation",
    "dossier_complete",
    "prosecution",
    "verdict",
    "final",
];

/// The funnel position of a stage code, `None` for `restitution` or an unknown code.
pub fn funnel_rank(stage: &str) -> Option<u8> {
    FUNNEL_STAGES
        .iter()
        .position(|s| *s == stage)
        .and_then(|i| u8::try_from(i).ok())
}

/// Days from a request within which a service is due (UU 21/2007 art. 51).
pub const DUE_WITHIN_DAYS: u64 = 7;

/// The code a breakdown uses for a case with no destination recorded.
pub const NOT_RECORDED: &str = "not_recorded";

/// The breakdown a [`CaseTally`] row counts cases in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseDimension {
    /// By status: every case has one, so these rows also give the total.
    Status,
    /// By modus.
    Modus,
    /// By destination ([`NOT_RECORDED`] when none).
    Destination,
}

impl CaseDimension {
    /// Every dimension, in order.
    pub const ALL: [CaseDimension; 3] = [Self::Status, Self::Modus, Self::Destination];

    /// The name the store keeps it under.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::Modus => "modus",
            Self::Destination => "destination",
        }
    }

    /// The dimension of a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == name)
    }
}

/// Cases reported in the period in one kecamatan and month with the same code in one
/// breakdown. Each breakdown counts every case once, so the rows of one dimension of a
/// kecamatan and month add up to its cases (one breakdown at a time keeps the rows few:
/// the sum, not the product, of the vocabularies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseTally {
    /// The case's kecamatan.
    pub kecamatan: String,
    /// `YYYY-MM` of the date reported.
    pub month: String,
    /// Which breakdown.
    pub dimension: CaseDimension,
    /// The code in it: a status, modus or destination code.
    pub code: String,
    /// How many.
    pub n: u64,
}

/// Cases reported in the period naming one form of exploitation (a case may name several).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExploitationTally {
    /// The case's kecamatan.
    pub kecamatan: String,
    /// `YYYY-MM` of the date reported.
    pub month: String,
    /// Form code.
    pub form: String,
    /// How many cases.
    pub n: u64,
}

/// Victims of the cases reported in the period, by sex and child or adult.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimTally {
    /// Their case's kecamatan.
    pub kecamatan: String,
    /// `YYYY-MM` of their case's date reported.
    pub month: String,
    /// Sex code.
    pub sex: String,
    /// Under 18 when identified.
    pub child: bool,
    /// How many.
    pub n: u64,
}

/// Services requested in one kecamatan and month of one type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTally {
    /// Their case's kecamatan.
    pub kecamatan: String,
    /// `YYYY-MM` of the request.
    pub month: String,
    /// Service type code.
    pub service_type: String,
    /// How many were requested (delivered, waiting or cancelled).
    pub requested: u64,
    /// How many were delivered.
    pub delivered: u64,
    /// How many were delivered more than [`DUE_WITHIN_DAYS`] after the request.
    pub late: u64,
    /// How many are neither delivered nor cancelled.
    pub pending: u64,
    /// Of those, how many were requested before each of these days (`YYYY-MM-DD`): the
    /// days in this month from which a period counts more than [`DUE_WITHIN_DAYS`] waited
    /// (its end or today, whichever is earlier, less the days due).
    pub waiting_before: Vec<(String, u64)>,
}

impl ServiceTally {
    /// How many of its services wait too long as of `cutoff` (`YYYY-MM-DD`): those
    /// requested before it.
    pub fn waiting(&self, cutoff: &str) -> u64 {
        let month = cutoff.get(..7).unwrap_or_default();
        match month.cmp(self.month.as_str()) {
            std::cmp::Ordering::Greater => self.pending,
            std::cmp::Ordering::Less => 0,
            // The store counts the cutoffs of every period it reads the month for; any
            // other day in the month would be counted from the nearest one before it.
            std::cmp::Ordering::Equal => self
                .waiting_before
                .iter()
                .filter(|(day, _)| day.as_str() <= cutoff)
                .max_by(|a, b| a.0.cmp(&b.0))
                .map_or(0, |(_, n)| *n),
        }
    }
}

/// Services delivered in one month (by the request) of one type after the same number of
/// days, in the area [`Tallies::days_area`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaysTally {
    /// `YYYY-MM` of the request.
    pub month: String,
    /// Service type code.
    pub service_type: String,
    /// Whole days from request to delivery.
    pub days: u64,
    /// How many.
    pub n: u64,
}

/// Victims who received at least one service in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServedTally {
    /// Their case's kecamatan.
    pub kecamatan: String,
    /// `YYYY-MM` of the delivery.
    pub month: String,
    /// How many victims (each counted once a month).
    pub n: u64,
}

/// Cases reported in the period by how far their law enforcement went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalTally {
    /// The case's kecamatan.
    pub kecamatan: String,
    /// `YYYY-MM` of the case's date reported.
    pub month: String,
    /// The furthest funnel stage ([`FUNNEL_STAGES`] index) a legal step of the case
    /// records; `None` when it has only a restitution step.
    pub furthest: Option<u8>,
    /// A step records restitution ordered (more than Rp 0).
    pub restitution: bool,
    /// How many cases.
    pub n: u64,
    /// Restitution ordered, in rupiah: per case the largest amount its steps record.
    pub rupiah: u64,
}

/// Activities held in the period with the same kecamatan, month and type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityTally {
    /// Where.
    pub kecamatan: String,
    /// `YYYY-MM` of the date held.
    pub month: String,
    /// Activity type code.
    pub activity_type: String,
    /// How many activities.
    pub n: u64,
    /// Participants: [female adult, male adult, female child, male child].
    pub participants: [u64; 4],
}

impl Tallies {
    /// The rows of one kecamatan, and its villages reached.
    pub fn of_kecamatan(&self, code: &str) -> Tallies {
        self.within(code, &|kecamatan| kecamatan == code)
    }

    /// The rows of the kecamatan `keep` holds, and their villages reached; the days to
    /// delivery only when they were read for `area`.
    pub fn within(&self, area: &str, keep: &dyn Fn(&str) -> bool) -> Tallies {
        fn rows<T: Clone>(rows: &[T], keep: &dyn Fn(&str) -> bool, of: fn(&T) -> &str) -> Vec<T> {
            rows.iter().filter(|t| keep(of(t))).cloned().collect()
        }
        // A village's code is its kecamatan's and its own number: 33.03.08.2001.
        let here = |desa: &str| desa.rfind('.').is_some_and(|at| keep(&desa[..at]));
        Tallies {
            cases: rows(&self.cases, keep, |t| &t.kecamatan),
            exploitation: rows(&self.exploitation, keep, |t| &t.kecamatan),
            victims: rows(&self.victims, keep, |t| &t.kecamatan),
            services: rows(&self.services, keep, |t| &t.kecamatan),
            days_area: self.days_area.clone(),
            days: match self.days_area == area {
                true => self.days.clone(),
                false => Vec::new(),
            },
            served: rows(&self.served, keep, |t| &t.kecamatan),
            legal: rows(&self.legal, keep, |t| &t.kecamatan),
            activities: rows(&self.activities, keep, |t| &t.kecamatan),
            reached: self
                .reached
                .iter()
                .filter(|(desa, _)| here(desa))
                .cloned()
                .collect(),
            reached_before: self
                .reached_before
                .iter()
                .filter(|desa| here(desa))
                .cloned()
                .collect(),
        }
    }
}

/// Everything the store adds up for one period, over the whole regency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tallies {
    /// Cases, one breakdown at a time.
    pub cases: Vec<CaseTally>,
    /// Forms of exploitation.
    pub exploitation: Vec<ExploitationTally>,
    /// Victims.
    pub victims: Vec<VictimTally>,
    /// Services.
    pub services: Vec<ServiceTally>,
    /// The area whose days from request to delivery [`Tallies::days`] holds (the median
    /// and the longest are worked out for it alone: they add up neither across areas nor
    /// into anything suppressed).
    pub days_area: String,
    /// The delivered services of [`Tallies::days_area`] by days to delivery.
    pub days: Vec<DaysTally>,
    /// Victims served by month.
    pub served: Vec<ServedTally>,
    /// Law enforcement.
    pub legal: Vec<LegalTally>,
    /// Activities.
    pub activities: Vec<ActivityTally>,
    /// The villages (desa codes) where an activity was held in the period, with the
    /// months (`YYYY-MM`) it was: one pair each.
    pub reached: Vec<(String, String)>,
    /// The villages where an activity was held before the period.
    pub reached_before: Vec<String>,
}
