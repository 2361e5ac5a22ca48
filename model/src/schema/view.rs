//! Typed views of the kinds that hang off a case: a record's fields, once validated, read
//! as types in one place. A consumer asks for `case.kecamatan`, not for the field named
//! `"kecamatan"`, so renaming a field in the specs without here fails the tests (each
//! kind's view reads every record its spec accepts), never a figure in silence.
//!
//! The views check each field's shape (present, of its type, a real date, a region of the
//! regency), not its vocabulary: a code retired from a vocabulary still reads, as stored.

use super::kinds::ASSIGNED_OFFICERS;
use crate::activity::parse_date;
use crate::check::{codes, count, present, region, required_str};
use crate::field::{FieldError, Problem};
use crate::input::{RecordId, RegionCode};
use serde_json::{Map, Value};
use time::Date;

type Fields = Map<String, Value>;

/// A case (kasus), as the evaluation and the lists read it.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFields {
    /// When it was reported.
    pub date_reported: Date,
    /// Its status code (`reported`, …, `closed`).
    pub status: String,
    /// The victims' home kecamatan.
    pub kecamatan: RegionCode,
    /// The home village, when known.
    pub desa: Option<RegionCode>,
    /// The modus code.
    pub modus: String,
    /// The destination code, when recorded.
    pub destination: Option<String>,
    /// The forms of exploitation, each once, in the order recorded.
    pub exploitation: Vec<String>,
    /// What happened, with no names ("" when not written).
    pub summary: String,
    /// The officers assigned, each once, in id order.
    pub assigned_officers: Vec<RecordId>,
}

impl CaseFields {
    /// Reads a validated case's fields.
    pub fn from_fields(f: &Fields) -> Result<CaseFields, FieldError> {
        Ok(CaseFields {
            date_reported: day(f, "date_reported")?,
            status: word(f, "status")?,
            kecamatan: region(f, "kecamatan", RegionCode::kecamatan)?,
            desa: optional(f, "desa", |f, name| region(f, name, RegionCode::village))?,
            modus: word(f, "modus")?,
            destination: optional(f, "destination", word)?,
            exploitation: codes(f, "exploitation", false, |_| true)?,
            summary: optional(f, "summary", word)?.unwrap_or_default(),
            assigned_officers: ids(f, ASSIGNED_OFFICERS)?,
        })
    }
}

/// A victim, with no identity (that is [`super::VICTIM_IDENTITY`], kept apart).
#[derive(Debug, Clone, PartialEq)]
pub struct VictimFields {
    /// The case.
    pub case_id: RecordId,
    /// Initials or a pseudonym.
    pub pseudonym: String,
    /// The sex code.
    pub sex: String,
    /// The age in years when identified.
    pub age: u64,
    /// The home kecamatan.
    pub kecamatan: RegionCode,
    /// The home village.
    pub desa: RegionCode,
}

impl VictimFields {
    /// Reads a validated victim's fields.
    pub fn from_fields(f: &Fields) -> Result<VictimFields, FieldError> {
        Ok(VictimFields {
            case_id: id(f, "case_id")?,
            pseudonym: word(f, "pseudonym")?,
            sex: word(f, "sex")?,
            age: count(f, "age", u64::MAX)?,
            kecamatan: region(f, "kecamatan", RegionCode::kecamatan)?,
            desa: region(f, "desa", RegionCode::village)?,
        })
    }

    /// Whether the victim was a child (under 18) when identified.
    pub fn is_child(&self) -> bool {
        self.age < 18
    }
}

/// A service to a victim.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFields {
    /// The victim.
    pub victim_id: RecordId,
    /// The service type code.
    pub service_type: String,
    /// The providing agency's code.
    pub provider: String,
    /// When it was requested.
    pub requested_on: Date,
    /// When it was delivered, once it was.
    pub delivered_on: Option<Date>,
    /// Its status code.
    pub status: String,
}

impl ServiceFields {
    /// Reads a validated service's fields.
    pub fn from_fields(f: &Fields) -> Result<ServiceFields, FieldError> {
        Ok(ServiceFields {
            victim_id: id(f, "victim_id")?,
            service_type: word(f, "type")?,
            provider: word(f, "provider")?,
            requested_on: day(f, "requested_on")?,
            delivered_on: optional(f, "delivered_on", day)?,
            status: word(f, "status")?,
        })
    }
}

/// A step of a case through the police, the prosecutor and the court.
#[derive(Debug, Clone, PartialEq)]
pub struct LegalStepFields {
    /// The case.
    pub case_id: RecordId,
    /// The stage code.
    pub stage: String,
    /// When it happened.
    pub date: Date,
    /// The suspects named, when given.
    pub suspects: Option<u64>,
    /// The restitution ordered in rupiah, when given.
    pub restitution: Option<u64>,
}

impl LegalStepFields {
    /// Reads a validated legal step's fields.
    pub fn from_fields(f: &Fields) -> Result<LegalStepFields, FieldError> {
        let whole = |f: &Fields, name: &str| count(f, name, u64::MAX);
        Ok(LegalStepFields {
            case_id: id(f, "case_id")?,
            stage: word(f, "stage")?,
            date: day(f, "date")?,
            suspects: optional(f, "suspects", whole)?,
            restitution: optional(f, "restitution", whole)?,
        })
    }
}

/// A required text, trimmed.
fn word(f: &Fields, name: &str) -> Result<String, FieldError> {
    required_str(f, name).map(str::to_owned)
}

fn day(f: &Fields, name: &str) -> Result<Date, FieldError> {
    parse_date(required_str(f, name)?).ok_or_else(|| FieldError::new(name, Problem::NotADate))
}

fn id(f: &Fields, name: &str) -> Result<RecordId, FieldError> {
    RecordId::parse(required_str(f, name)?).map_err(|problem| FieldError::new(name, problem))
}

/// A list of ids, each once, in order (empty when absent).
fn ids(f: &Fields, name: &str) -> Result<Vec<RecordId>, FieldError> {
    let mut ids = codes(f, name, false, |_| true)?
        .iter()
        .map(|text| RecordId::parse(text).map_err(|problem| FieldError::new(name, problem)))
        .collect::<Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// An optional field: `None` when absent or empty, else read as when required.
fn optional<T>(
    f: &Fields,
    name: &str,
    read: impl Fn(&Fields, &str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    present(f, name).map(|_| read(f, name)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{CASE, LEGAL_STEP, SERVICE, VICTIM};
    use serde_json::json;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 03);
    const CASE_ID: &str = "0192f1a0-7c1e-7000-8000-000000000001";

    fn fields(value: Value) -> Fields {
        value.as_object().cloned().expect("an object")
    }

    #[test]
    fn a_valid_case_reads_as_its_view() {
        let f = fields(json!({
            "date_reported": "2026-09-03", "source": "police", "status": "reported",
            "kecamatan": "33.03.08", "desa": "33.03.08.2001", "modus": "online_scam",
            "exploitation": ["forced_labour", "sexual", "forced_labour"],
            "assigned_officers": [CASE_ID, CASE_ID],
        }));
        CASE.validate(&f, TODAY).expect("valid");
        let case = CaseFields::from_fields(&f).expect("a case");
        assert_eq!(case.date_reported, date!(2026 - 09 - 03));
        assert_eq!(case.kecamatan.name(), "Mrebet");
        assert_eq!(case.desa.map(RegionCode::code), Some("33.03.08.2001"));
        assert_eq!(case.exploitation, ["forced_labour", "sexual"]);
        assert_eq!(case.destination, None);
        assert_eq!(case.assigned_officers.len(), 1);
    }

    #[test]
    fn a_missing_or_renamed_field_names_itself() {
        let f = fields(json!({
            "reported_on": "2026-09-03", "status": "reported",
            "kecamatan": "33.03.08", "modus": "online_scam",
        }));
        let error = CaseFields::from_fields(&f).unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.problem),
            ("date_reported", Problem::Required)
        );
        let f = fields(
            json!({"case_id": CASE_ID, "pseudonym": "S.", "sex": "female", "age": "17",
                              "kecamatan": "33.03.08", "desa": "33.03.08.2001"}),
        );
        let error = VictimFields::from_fields(&f).unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.problem),
            ("age", Problem::WrongType)
        );
    }

    #[test]
    fn victims_services_and_legal_steps_read_as_their_views() {
        let victim = fields(
            json!({"case_id": CASE_ID, "pseudonym": "S.", "sex": "female",
                                   "age": 17, "kecamatan": "33.03.08", "desa": "33.03.08.2001"}),
        );
        VICTIM.validate(&victim, TODAY).expect("valid");
        let victim = VictimFields::from_fields(&victim).expect("a victim");
        assert!(victim.is_child());
        assert_eq!(victim.case_id.to_string(), CASE_ID);

        let service = fields(json!({"victim_id": CASE_ID, "type": "shelter",
            "provider": "uptd_ppa", "requested_on": "2026-10-01", "status": "requested"}));
        SERVICE.validate(&service, TODAY).expect("valid");
        let service = ServiceFields::from_fields(&service).expect("a service");
        assert_eq!(service.delivered_on, None);
        assert_eq!(service.service_type, "shelter");

        let step = fields(json!({"case_id": CASE_ID, "stage": "restitution",
                                 "date": "2026-10-01", "restitution": 25_000_000}));
        LEGAL_STEP.validate(&step, TODAY).expect("valid");
        let step = LegalStepFields::from_fields(&step).expect("a step");
        assert_eq!(step.restitution, Some(25_000_000));
        assert_eq!(step.suspects, None);
    }
}
