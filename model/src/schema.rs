//! The fields of the record kinds that hang off a case (case, victim, victim identity,
//! service, legal step, note), described as data: one [`KindSpec`] per kind names each
//! field, its type, whether it is required and its label in both languages. Validation is
//! written once over these specs; each kind adds only its rules that span fields.
//!
//! The activity kind predates this module and keeps its own typed parser
//! ([`crate::activity::Activity`]), which the stats projection reads.

mod kinds;
pub mod view;

pub use kinds::{
    required_by_state, CASE, CASE_KEY, LEGAL_STEP, NOTE, REFERRAL, REFERRAL_STEP, SERVICE, VICTIM,
    VICTIM_IDENTITY,
};

use crate::check::{code, codes, count, date, present, region, text};
use crate::field::{FieldError, Problem};
use crate::input::{Nik, RecordId, RegionCode};
use crate::kind::{unknown_fields, RecordKind};
use crate::lang::{Lang, Text};
use crate::vocab::Vocab;
use serde_json::{Map, Value};
use time::Date;
use uuid::Uuid;

/// What a field holds, and so how it is checked and shown.
#[derive(Debug, Clone, Copy)]
pub enum FieldType {
    /// A `YYYY-MM-DD` date, never after today.
    Date,
    /// One code of a vocabulary.
    Code(Vocab),
    /// Any number of codes of a vocabulary (an empty list when absent).
    Codes(Vocab),
    /// Free text of at most `max` characters.
    Text {
        /// The most characters.
        max: usize,
    },
    /// A whole number from 0 to `max`.
    Count {
        /// The largest value.
        max: u64,
    },
    /// Yes or no.
    Bool,
    /// A kecamatan code of the regency.
    Kecamatan,
    /// A desa or kelurahan code, inside the record's `kecamatan` when that is given.
    Desa,
    /// The id of the parent record (never changes once the record exists).
    Parent(RecordKind),
    /// A list of user ids.
    UserIds,
    /// A list of at most [`MAX_LINKED_CASES`] other cases' ids (a case's links to cases
    /// of the same victim, issue #18).
    CaseIds,
    /// A NIK: exactly 16 digits. Identity.
    Nik,
    /// A phone number: 8 to 15 digits, with spaces, dashes and a leading `+` allowed.
    /// Identity.
    Phone,
    /// An agency code (`crate::agency`): its shape here; the worker checks it against the
    /// deployment's list (issue #19).
    Agency,
    /// A `YYYY-MM-DD` date that may be after today (a deadline).
    DueDate,
    /// The id of another record of the same kind (a referral's previous referral).
    RecordId,
}

/// One field of a kind.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The wire name.
    pub name: &'static str,
    /// What it holds.
    pub ty: FieldType,
    /// Whether a record must have it.
    pub required: bool,
    /// What a person reads beside it.
    pub label: Text,
}

/// Every field of a kind, in form order, and its rules that span fields.
#[derive(Debug, Clone, Copy)]
pub struct KindSpec {
    /// The kind.
    pub kind: RecordKind,
    /// The fields, in form order.
    pub fields: &'static [FieldSpec],
    /// Rules over several fields, run when every field on its own is valid.
    rules: fn(&Map<String, Value>, &mut Vec<FieldError>),
}

impl KindSpec {
    /// The field with this wire name.
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// The field that links a record to its parent, and the parent's kind.
    pub fn parent(&self) -> Option<(&'static str, RecordKind)> {
        self.fields.iter().find_map(|field| match field.ty {
            FieldType::Parent(kind) => Some((field.name, kind)),
            _ => None,
        })
    }

    /// The label of a field in `lang` (the name itself for an unknown field).
    pub fn label<'a>(&self, name: &'a str, lang: Lang) -> &'a str {
        match self.field(name) {
            Some(field) => field.label.get(lang),
            None => name,
        }
    }

    /// Checks a record's whole state: every field error at once, in form order.
    pub fn validate(
        &self,
        fields: &Map<String, Value>,
        today: Date,
    ) -> Result<(), Vec<FieldError>> {
        let names: Vec<&str> = self.fields.iter().map(|field| field.name).collect();
        let mut errors = unknown_fields(fields, &names);
        for field in self.fields {
            if let Err(error) = check(field, fields, today) {
                errors.push(error);
            }
        }
        if errors.is_empty() {
            (self.rules)(fields, &mut errors);
        }
        if errors.is_empty() {
            return Ok(());
        }
        let order = |name: &str| names.iter().position(|n| *n == name).unwrap_or(names.len());
        errors.sort_by_key(|error| order(&error.field));
        Err(errors)
    }
}

impl KindSpec {
    /// Checks a record whose values but its links are end-to-end envelopes (a victim's
    /// identity, issue #18), as the server can: every link as [`KindSpec::validate`] does,
    /// every other value present when required and an envelope of the right shape
    /// (`crate::e2e::Envelope::parse`), else [`Problem::NotEncrypted`]; and the NIK's
    /// blind index (`crate::e2e::NIK_INDEX_FIELD`), when there is one, of its shape. What the value says
    /// (a NIK of 16 digits, a phone number) was checked on the device before it was sealed.
    pub fn validate_sealed(
        &self,
        fields: &Map<String, Value>,
        today: Date,
    ) -> Result<(), Vec<FieldError>> {
        let mut names: Vec<&str> = self.fields.iter().map(|field| field.name).collect();
        // The blind index of the NIK travels beside the envelopes, unsealed.
        names.push(crate::e2e::NIK_INDEX_FIELD);
        let mut errors = unknown_fields(fields, &names);
        match fields.get(crate::e2e::NIK_INDEX_FIELD) {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) if crate::e2e::check_nik_index(text) => {}
            Some(_) => errors.push(FieldError::new(
                crate::e2e::NIK_INDEX_FIELD,
                Problem::WrongType,
            )),
        }
        for field in self.fields {
            let checked = match (field.ty, present(fields, field.name)) {
                (FieldType::Parent(_), _) => check(field, fields, today),
                (_, None) if field.required => Err(FieldError::new(field.name, Problem::Required)),
                (_, None) => Ok(()),
                (_, Some(value)) => match value.as_str().map(crate::e2e::Envelope::parse) {
                    Some(Ok(_)) => Ok(()),
                    _ => Err(FieldError::new(field.name, Problem::NotEncrypted)),
                },
            };
            if let Err(error) = checked {
                errors.push(error);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Checks one field on its own.
fn check(spec: &FieldSpec, fields: &Map<String, Value>, today: Date) -> Result<(), FieldError> {
    let name = spec.name;
    if present(fields, name).is_none() {
        return match spec.required {
            true => Err(FieldError::new(name, Problem::Required)),
            false => Ok(()),
        };
    }
    match spec.ty {
        FieldType::Date => date(fields, name, today).map(drop),
        FieldType::Code(vocab) => code(fields, name, |c| vocab.contains(c)).map(drop),
        FieldType::Codes(vocab) => {
            codes(fields, name, spec.required, |c| vocab.contains(c)).map(drop)
        }
        FieldType::Text { max } => text(fields, name, max).map(drop),
        FieldType::Count { max } => count(fields, name, max).map(drop),
        FieldType::Bool => match fields.get(name) {
            Some(Value::Bool(_)) => Ok(()),
            _ => Err(FieldError::new(name, Problem::WrongType)),
        },
        FieldType::Kecamatan => region(fields, name, RegionCode::kecamatan).map(drop),
        FieldType::Desa => region(fields, name, RegionCode::village).map(drop),
        FieldType::Parent(_) => id(fields.get(name), name).map(drop),
        FieldType::UserIds => match fields.get(name) {
            Some(Value::Array(items)) => items
                .iter()
                .try_for_each(|item| id(Some(item), name).map(drop)),
            _ => Err(FieldError::new(name, Problem::WrongType)),
        },
        FieldType::CaseIds => match fields.get(name) {
            Some(Value::Array(items)) if items.len() > MAX_LINKED_CASES => Err(FieldError::new(
                name,
                Problem::TooLarge {
                    max: MAX_LINKED_CASES as u64,
                },
            )),
            Some(Value::Array(items)) => items
                .iter()
                .try_for_each(|item| id(Some(item), name).map(drop)),
            _ => Err(FieldError::new(name, Problem::WrongType)),
        },
        FieldType::Nik => match fields.get(name) {
            Some(Value::String(s)) => Nik::parse(s)
                .map(drop)
                .map_err(|problem| FieldError::new(name, problem)),
            _ => Err(FieldError::new(name, Problem::WrongType)),
        },
        FieldType::Phone => match fields.get(name) {
            Some(Value::String(s)) if is_phone(s) => Ok(()),
            Some(Value::String(_)) => Err(FieldError::new(name, Problem::NotPhone)),
            _ => Err(FieldError::new(name, Problem::WrongType)),
        },
        FieldType::Agency => code(fields, name, crate::agency::is_code).map(drop),
        FieldType::DueDate => match fields.get(name) {
            Some(Value::String(s)) if crate::activity::parse_date(s.trim()).is_some() => Ok(()),
            Some(Value::String(_)) => Err(FieldError::new(name, Problem::NotADate)),
            _ => Err(FieldError::new(name, Problem::WrongType)),
        },
        FieldType::RecordId => id(fields.get(name), name).map(drop),
    }
}

/// A UUID, as text.
fn id(value: Option<&Value>, name: &str) -> Result<Uuid, FieldError> {
    match value {
        Some(Value::String(s)) => RecordId::parse(s)
            .map(RecordId::uuid)
            .map_err(|problem| FieldError::new(name, problem)),
        _ => Err(FieldError::new(name, Problem::WrongType)),
    }
}

/// A NIK as typed from a KTP (`3303 0845 0107 0001`, `3303.0845.0107.0001`) with its
/// separators (spaces, dots, dashes) removed. Anything with other characters is left as
/// typed, for the check to name.
pub fn normalise_nik(typed: &str) -> String {
    let typed = typed.trim();
    if typed
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-'))
    {
        typed.chars().filter(char::is_ascii_digit).collect()
    } else {
        typed.to_owned()
    }
}

/// A phone number as typed (`+62 812-3456-7890`, `0812 3456 7890`, `(0281) 891234`) as
/// digits only, an Indonesian `+62` written as the `0` dialled at home; another country's
/// code keeps its `+` (`+60 12-345 6789` is `+60123456789`). Anything with other
/// characters is left as typed, for the check to name.
pub fn normalise_phone(typed: &str) -> String {
    let typed = typed.trim();
    let (plus, rest) = match typed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, typed),
    };
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')'))
    {
        return typed.to_owned();
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    match (plus, digits.strip_prefix("62")) {
        (true, Some(national)) => format!("0{national}"),
        (true, None) => format!("+{digits}"),
        (false, _) => digits,
    }
}

fn is_phone(text: &str) -> bool {
    let text = text.trim();
    let rest = text.strip_prefix('+').unwrap_or(text);
    let digits = rest.bytes().filter(u8::is_ascii_digit).count();
    rest.bytes()
        .all(|b| b.is_ascii_digit() || b == b' ' || b == b'-')
        && (8..=15).contains(&digits)
}

/// A field's value as a form shows it: text as typed, a number as its digits, anything
/// else (absent, a list, yes or no) as "". For forms and drafts, whose values may not be
/// valid yet; a validated record is read through its kind's [`view`].
pub fn as_typed(fields: &Map<String, Value>, name: &str) -> String {
    match fields.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The codes of a multiple choice as a form holds them (texts only; none when absent).
pub fn codes_as_typed(fields: &Map<String, Value>, name: &str) -> Vec<String> {
    match fields.get(name) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// The parent id a record's fields name, if the kind has a parent and the id is valid.
pub fn parent_id(kind: RecordKind, fields: &Map<String, Value>) -> Option<Uuid> {
    let (name, _) = kind.spec()?.parent()?;
    id(fields.get(name), name).ok()
}

/// The user ids a case assigns (an empty list when none or malformed).
pub fn assigned_officers(fields: &Map<String, Value>) -> Vec<Uuid> {
    ids_in(fields, kinds::ASSIGNED_OFFICERS)
}

/// The other cases a case is linked to (an empty list when none or malformed).
pub fn linked_cases(fields: &Map<String, Value>) -> Vec<Uuid> {
    ids_in(fields, kinds::LINKED_CASES)
}

/// The ids a list field holds, sorted and once each (the malformed ones left out).
fn ids_in(fields: &Map<String, Value>, name: &str) -> Vec<Uuid> {
    match fields.get(name) {
        Some(Value::Array(items)) => {
            let mut ids: Vec<Uuid> = items
                .iter()
                .filter_map(|item| id(Some(item), name).ok())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        }
        _ => Vec::new(),
    }
}

/// The name of the case field that lists its assigned officers.
pub const ASSIGNED_OFFICERS: &str = kinds::ASSIGNED_OFFICERS;
/// The name of the case field that lists the other cases it is linked to.
pub const LINKED_CASES: &str = kinds::LINKED_CASES;
/// The most cases one case may be linked to.
pub const MAX_LINKED_CASES: usize = 20;

#[cfg(test)]
mod tests;
