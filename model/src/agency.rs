//! The task force's member agencies as data (issue #19): each deployment keeps its own list,
//! seeded on first start from [`crate::vocab::AGENCIES`]. Accounts, services and referrals
//! name an agency by its code. An agency is never deleted, only deactivated: records that
//! name it stay valid.

use crate::lang::Lang;
use crate::vocab::{AGENCIES, AGENCY_KINDS};
use serde::{Deserialize, Serialize};

/// The longest agency code.
pub const MAX_CODE: usize = 32;
/// The longest agency name.
pub const MAX_NAME: usize = 120;

/// One agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agency {
    /// The stable code (lowercase letters, digits and `_`), never changed.
    pub code: String,
    /// The Indonesian name.
    pub name_id: String,
    /// The English name.
    pub name_en: String,
    /// An [`AGENCY_KINDS`] code.
    pub kind: String,
    /// Whether new services, referrals and accounts may name it.
    pub active: bool,
}

impl Agency {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.name_id,
            Lang::En => &self.name_en,
        }
    }
}

/// `GET /api/v1/agencies` answer: every agency, active or not, in the deployment's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyList {
    /// The agencies.
    pub agencies: Vec<Agency>,
}

impl AgencyList {
    /// The agency with this code.
    pub fn find(&self, code: &str) -> Option<&Agency> {
        self.agencies.iter().find(|agency| agency.code == code)
    }

    /// The name of `code` in `lang`: from this list, else from the seed vocabulary, else
    /// the code itself (a list not loaded yet still reads).
    pub fn label<'a>(&'a self, code: &'a str, lang: Lang) -> &'a str {
        match self.find(code) {
            Some(agency) => agency.name(lang),
            None => AGENCIES.label(code, lang),
        }
    }

    /// The active agencies, in order.
    pub fn active(&self) -> impl Iterator<Item = &Agency> {
        self.agencies.iter().filter(|agency| agency.active)
    }
}

/// `POST /api/v1/agencies` (a new agency) and `PUT /api/v1/agencies/{code}` (its names,
/// kind and active flag; the code in the body must match the path) request.
pub type AgencyInput = Agency;

/// Why an agency as typed cannot be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyProblem {
    /// The code is empty, too long, or has other characters than `a-z`, `0-9` and `_`.
    BadCode,
    /// A name is empty or longer than [`MAX_NAME`].
    BadName,
    /// The kind is not an [`AGENCY_KINDS`] code.
    BadKind,
}

impl AgencyProblem {
    /// The wire code (`bad_request` answers carry it in the message).
    pub fn code(self) -> &'static str {
        match self {
            AgencyProblem::BadCode => "bad_code",
            AgencyProblem::BadName => "bad_name",
            AgencyProblem::BadKind => "bad_kind",
        }
    }
}

/// Whether `code` is an agency code's shape.
pub fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_CODE
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks an agency as typed (names trimmed first).
pub fn check(agency: &Agency) -> Result<Agency, AgencyProblem> {
    if !is_code(&agency.code) {
        return Err(AgencyProblem::BadCode);
    }
    let name_id = agency.name_id.trim();
    let name_en = agency.name_en.trim();
    let named = |name: &str| !name.is_empty() && name.chars().count() <= MAX_NAME;
    if !named(name_id) || !named(name_en) {
        return Err(AgencyProblem::BadName);
    }
    if !AGENCY_KINDS.contains(&agency.kind) {
        return Err(AgencyProblem::BadKind);
    }
    Ok(Agency {
        code: agency.code.clone(),
        name_id: name_id.to_owned(),
        name_en: name_en.to_owned(),
        kind: agency.kind.clone(),
        active: agency.active,
    })
}

/// The kind of each seeded agency.
fn seed_kind(code: &str) -> &'static str {
    match code {
        "dinsos" | "disnaker" | "disdukcapil" => "government",
        "uptd_ppa" => "service_unit",
        "police" | "prosecutor" | "court" => "law_enforcement",
        "health" | "hospital" => "health",
        "kemenag" | "immigration" | "bp3mi" | "lpsk" => "national",
        "village" => "village",
        "ngo" => "ngo",
        _ => "other",
    }
}

/// The list a deployment starts with: [`AGENCIES`], every one active.
pub fn seed() -> Vec<Agency> {
    AGENCIES
        .terms
        .iter()
        .map(|term| Agency {
            code: term.code.to_owned(),
            name_id: term.label.get(Lang::Id).to_owned(),
            name_en: term.label.get(Lang::En).to_owned(),
            kind: seed_kind(term.code).to_owned(),
            active: true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_keeps_every_name_and_checks() {
        let seed = seed();
        assert_eq!(seed.len(), AGENCIES.terms.len());
        for agency in &seed {
            assert_eq!(check(agency).as_ref(), Ok(agency), "{}", agency.code);
        }
        let list = AgencyList { agencies: seed };
        assert_eq!(list.label("uptd_ppa", Lang::Id), "UPTD PPA");
        assert_eq!(
            list.find("bp3mi").map(|a| a.kind.as_str()),
            Some("national")
        );
    }

    #[test]
    fn a_bad_code_name_or_kind_is_named() {
        let good = seed().remove(0);
        let with = |change: fn(&mut Agency)| {
            let mut agency = good.clone();
            change(&mut agency);
            check(&agency)
        };
        assert_eq!(
            with(|a| a.code = "Dinsos".into()),
            Err(AgencyProblem::BadCode)
        );
        assert_eq!(
            with(|a| a.code = String::new()),
            Err(AgencyProblem::BadCode)
        );
        assert_eq!(
            with(|a| a.code = "a".repeat(33)),
            Err(AgencyProblem::BadCode)
        );
        assert_eq!(
            with(|a| a.name_id = "  ".into()),
            Err(AgencyProblem::BadName)
        );
        assert_eq!(
            with(|a| a.name_en = "x".repeat(121)),
            Err(AgencyProblem::BadName)
        );
        assert_eq!(
            with(|a| a.kind = "army".into()),
            Err(AgencyProblem::BadKind)
        );
        let trimmed = with(|a| a.name_id = "  Dinsos  ".into()).unwrap();
        assert_eq!(trimmed.name_id, "Dinsos");
    }

    #[test]
    fn an_unknown_code_reads_as_the_seed_or_itself() {
        let empty = AgencyList::default();
        assert_eq!(empty.label("police", Lang::Id), "Polres Purbalingga");
        assert_eq!(empty.label("lsm_baru", Lang::Id), "lsm_baru");
    }
}
