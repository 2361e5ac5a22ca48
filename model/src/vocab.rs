//! Vocabularies: stable codes with an Indonesian and an English label.

use crate::lang::{t, Lang, Text};

/// One term of a vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// The stable code stored in records and sent over the wire.
    pub code: &'static str,
    /// What a person reads.
    pub label: Text,
}

/// A closed list of terms.
#[derive(Debug, Clone, Copy)]
pub struct Vocab {
    /// The terms in display order.
    pub terms: &'static [Term],
}

impl Vocab {
    /// The term with this code, if any.
    pub fn find(&self, code: &str) -> Option<&'static Term> {
        self.terms.iter().find(|term| term.code == code)
    }

    /// Whether `code` belongs to this vocabulary.
    pub fn contains(&self, code: &str) -> bool {
        self.find(code).is_some()
    }

    /// The label of `code` in `lang`, or the code itself when it is unknown.
    pub fn label<'a>(&self, code: &'a str, lang: Lang) -> &'a str {
        match self.find(code) {
            Some(term) => term.label.get(lang),
            None => code,
        }
    }
}

const fn term(code: &'static str, id: &'static str, en: &'static str) -> Term {
    Term {
        code,
        label: t(id, en),
    }
}

/// Kinds of prevention activity (domain: activity type).
pub const ACTIVITY_TYPES: Vocab = Vocab {
    terms: &[
        term("outreach", "Sosialisasi", "Outreach"),
        term("training", "Pelatihan", "Training"),
        term("advocacy", "Advokasi", "Advocacy"),
        term("coordination", "Rapat koordinasi", "Coordination meeting"),
        term("cooperation", "Kerja sama", "Cooperation"),
        term("campaign", "Kampanye", "Campaign"),
        term(
            "village_regulation",
            "Perdes migrasi aman",
            "Village safe-migration regulation",
        ),
    ],
};

/// Who an activity reached.
pub const AUDIENCES: Vocab = Vocab {
    terms: &[
        term("village_officials", "Perangkat desa", "Village officials"),
        term(
            "prospective_migrants",
            "Calon PMI dan keluarganya",
            "Prospective migrant workers and families",
        ),
        term("students", "Pelajar", "Students"),
        term("religious_leaders", "Tokoh agama", "Religious leaders"),
        term("youth", "Karang taruna / pemuda", "Youth groups"),
        term("pkk", "Ibu-ibu PKK", "PKK women's groups"),
        term("public", "Masyarakat umum", "General public"),
    ],
};

/// What an activity talked about.
pub const TOPICS: Vocab = Vocab {
    terms: &[
        term(
            "safe_migration",
            "Prosedur migrasi aman",
            "Safe migration procedure",
        ),
        term(
            "modus",
            "Mengenali modus TPPO",
            "Recognising trafficking modus",
        ),
        term("reporting", "Saluran pengaduan", "Reporting channels"),
        term("law", "UU TPPO", "The anti-trafficking law"),
        term(
            "online_recruitment",
            "Risiko rekrutmen daring",
            "Online recruitment risks",
        ),
    ],
};
