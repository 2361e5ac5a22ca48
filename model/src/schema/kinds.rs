//! The specs of the kinds that hang off a case (`docs/domain.md`, "Record kinds").

use super::{FieldSpec, FieldType, KindSpec};
use crate::activity::parse_date;
use crate::field::{FieldError, Problem};
use crate::kind::RecordKind;
use crate::lang::t;
use crate::regions;
use crate::vocab::*;
use serde_json::{Map, Value};

/// The case field that lists the officers assigned to it.
pub(super) const ASSIGNED_OFFICERS: &str = "assigned_officers";
/// The case field that lists the other cases of the same victim.
pub(super) const LINKED_CASES: &str = "linked_cases";

/// The longest free text of a summary, a service's notes or a note.
const LONG_TEXT: usize = 4_000;
/// The largest restitution a court orders, in rupiah (ten trillion).
const MAX_RUPIAH: u64 = 10_000_000_000_000;

const fn field(
    name: &'static str,
    ty: FieldType,
    required: bool,
    id: &'static str,
    en: &'static str,
) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required,
        label: t(id, en),
    }
}

const REQUIRED: bool = true;
const OPTIONAL: bool = false;

/// A case (kasus): what happened, where it stands, and who handles it.
pub const CASE: KindSpec = KindSpec {
    kind: RecordKind::Case,
    fields: &[
        field(
            "date_reported",
            FieldType::Date,
            REQUIRED,
            "Tanggal laporan",
            "Date reported",
        ),
        field(
            "source",
            FieldType::Code(CASE_SOURCES),
            REQUIRED,
            "Sumber laporan",
            "Source of the report",
        ),
        field(
            "status",
            FieldType::Code(CASE_STATUSES),
            REQUIRED,
            "Status",
            "Status",
        ),
        field(
            "closing_reason",
            FieldType::Code(CLOSING_REASONS),
            OPTIONAL,
            "Alasan penutupan",
            "Reason for closing",
        ),
        field(
            "kecamatan",
            FieldType::Kecamatan,
            REQUIRED,
            "Kecamatan asal korban",
            "Victim's home district",
        ),
        field(
            "desa",
            FieldType::Desa,
            OPTIONAL,
            "Desa/kelurahan asal korban",
            "Victim's home village",
        ),
        field("modus", FieldType::Code(MODUS), REQUIRED, "Modus", "Modus"),
        field(
            "exploitation",
            FieldType::Codes(EXPLOITATION),
            OPTIONAL,
            "Bentuk eksploitasi",
            "Forms of exploitation",
        ),
        field(
            "means",
            FieldType::Codes(MEANS),
            OPTIONAL,
            "Cara yang digunakan pelaku",
            "Means used",
        ),
        field(
            "recruitment",
            FieldType::Codes(RECRUITMENT),
            OPTIONAL,
            "Jalur perekrutan",
            "Recruitment channel",
        ),
        field(
            "destination",
            FieldType::Code(DESTINATIONS),
            OPTIONAL,
            "Negara tujuan",
            "Destination",
        ),
        field(
            "destination_place",
            FieldType::Text { max: 200 },
            OPTIONAL,
            "Kota/provinsi tujuan",
            "Destination city or province",
        ),
        field(
            "transit",
            FieldType::Text { max: 200 },
            OPTIONAL,
            "Tempat transit",
            "Transit",
        ),
        field(
            "summary",
            FieldType::Text { max: LONG_TEXT },
            OPTIONAL,
            "Ringkasan kejadian (tanpa nama)",
            "What happened (no names)",
        ),
        field(
            ASSIGNED_OFFICERS,
            FieldType::UserIds,
            OPTIONAL,
            "Petugas yang menangani",
            "Assigned officers",
        ),
        field(
            "sensitive",
            FieldType::Bool,
            OPTIONAL,
            "Kasus sensitif",
            "Sensitive case",
        ),
        field(
            LINKED_CASES,
            FieldType::CaseIds,
            OPTIONAL,
            "Kasus terkait (korban yang sama)",
            "Linked cases (the same victim)",
        ),
    ],
    rules: case_rules,
};

/// A victim (korban) of a case, without identity: those fields are in [`VICTIM_IDENTITY`].
pub const VICTIM: KindSpec = KindSpec {
    kind: RecordKind::Victim,
    fields: &[
        field(
            "case_id",
            FieldType::Parent(RecordKind::Case),
            REQUIRED,
            "Kasus",
            "Case",
        ),
        field(
            "pseudonym",
            FieldType::Text { max: 60 },
            REQUIRED,
            "Inisial atau nama samaran",
            "Initials or pseudonym",
        ),
        field(
            "sex",
            FieldType::Code(SEXES),
            REQUIRED,
            "Jenis kelamin",
            "Sex",
        ),
        field(
            "age",
            FieldType::Count { max: 120 },
            REQUIRED,
            "Usia saat ditemukan (tahun)",
            "Age when identified (years)",
        ),
        field(
            "kecamatan",
            FieldType::Kecamatan,
            REQUIRED,
            "Kecamatan asal",
            "Home district",
        ),
        field(
            "desa",
            FieldType::Desa,
            REQUIRED,
            "Desa/kelurahan asal",
            "Home village",
        ),
        field(
            "education",
            FieldType::Code(EDUCATION),
            OPTIONAL,
            "Pendidikan terakhir",
            "Education",
        ),
        field(
            "former_migrant",
            FieldType::Bool,
            OPTIONAL,
            "Pernah menjadi PMI",
            "Former migrant worker",
        ),
        field(
            "vulnerabilities",
            FieldType::Codes(VULNERABILITIES),
            OPTIONAL,
            "Kerentanan",
            "Vulnerabilities",
        ),
        field(
            "consent",
            FieldType::Bool,
            OPTIONAL,
            "Korban setuju datanya dicatat",
            "Consents to the record",
        ),
        field(
            "consent_date",
            FieldType::Date,
            OPTIONAL,
            "Tanggal persetujuan",
            "Date of consent",
        ),
    ],
    rules: victim_rules,
};

/// A victim's identity: personal data, kept apart from the victim record, encrypted on
/// the device and never in aggregates or exports.
pub const VICTIM_IDENTITY: KindSpec = KindSpec {
    kind: RecordKind::VictimIdentity,
    fields: &[
        field(
            "victim_id",
            FieldType::Parent(RecordKind::Victim),
            REQUIRED,
            "Korban",
            "Victim",
        ),
        field(
            "full_name",
            FieldType::Text { max: 120 },
            REQUIRED,
            "Nama lengkap",
            "Full name",
        ),
        field(
            "nik",
            FieldType::Nik,
            OPTIONAL,
            "NIK",
            "NIK (national identity number)",
        ),
        field(
            "phone",
            FieldType::Phone,
            OPTIONAL,
            "Nomor HP",
            "Phone number",
        ),
        field(
            "address",
            FieldType::Text { max: 500 },
            OPTIONAL,
            "Alamat",
            "Address",
        ),
        field(
            "family_contact",
            FieldType::Text { max: 300 },
            OPTIONAL,
            "Kontak keluarga",
            "Family contact",
        ),
    ],
    rules: no_rules,
};

/// A service (layanan) for a victim, with the days from request to delivery.
pub const SERVICE: KindSpec = KindSpec {
    kind: RecordKind::Service,
    fields: &[
        field(
            "victim_id",
            FieldType::Parent(RecordKind::Victim),
            REQUIRED,
            "Korban",
            "Victim",
        ),
        field(
            "type",
            FieldType::Code(SERVICE_TYPES),
            REQUIRED,
            "Jenis layanan",
            "Service",
        ),
        field(
            "provider",
            FieldType::Agency,
            REQUIRED,
            "Instansi pemberi layanan",
            "Provider agency",
        ),
        field(
            "requested_on",
            FieldType::Date,
            REQUIRED,
            "Tanggal permintaan",
            "Date requested",
        ),
        field(
            "delivered_on",
            FieldType::Date,
            OPTIONAL,
            "Tanggal diberikan",
            "Date delivered",
        ),
        field(
            "status",
            FieldType::Code(SERVICE_STATUSES),
            REQUIRED,
            "Status",
            "Status",
        ),
        field(
            "notes",
            FieldType::Text { max: LONG_TEXT },
            OPTIONAL,
            "Keterangan",
            "Notes",
        ),
    ],
    rules: service_rules,
};

/// A step of law enforcement (penegakan hukum) in a case.
pub const LEGAL_STEP: KindSpec = KindSpec {
    kind: RecordKind::LegalStep,
    fields: &[
        field(
            "case_id",
            FieldType::Parent(RecordKind::Case),
            REQUIRED,
            "Kasus",
            "Case",
        ),
        field(
            "stage",
            FieldType::Code(LEGAL_STAGES),
            REQUIRED,
            "Tahap",
            "Stage",
        ),
        field("date", FieldType::Date, REQUIRED, "Tanggal", "Date"),
        field(
            "reference",
            FieldType::Text { max: 120 },
            OPTIONAL,
            "Nomor surat/perkara",
            "Reference number",
        ),
        field(
            "suspects",
            FieldType::Count { max: 1_000 },
            OPTIONAL,
            "Jumlah tersangka",
            "Suspects",
        ),
        field(
            "articles",
            FieldType::Text { max: 300 },
            OPTIONAL,
            "Pasal yang disangkakan",
            "Articles charged",
        ),
        field(
            "sentence",
            FieldType::Text { max: 300 },
            OPTIONAL,
            "Vonis",
            "Sentence",
        ),
        field(
            "restitution",
            FieldType::Count { max: MAX_RUPIAH },
            OPTIONAL,
            "Restitusi yang diputus (Rp)",
            "Restitution ordered (Rp)",
        ),
    ],
    rules: no_rules,
};

/// A note (catatan) on a case: written once, never edited.
pub const NOTE: KindSpec = KindSpec {
    kind: RecordKind::Note,
    fields: &[
        field(
            "case_id",
            FieldType::Parent(RecordKind::Case),
            REQUIRED,
            "Kasus",
            "Case",
        ),
        field(
            "text",
            FieldType::Text { max: LONG_TEXT },
            REQUIRED,
            "Catatan",
            "Note",
        ),
    ],
    rules: no_rules,
};

/// A case's key wrapped for one reader (issue #18): what `crate::e2e::WrappedKey` holds, as
/// a record of the case, so that wrapping works offline and syncs in order with the case.
/// Never edited: a new key, or a new reader, is a new record.
pub const CASE_KEY: KindSpec = KindSpec {
    kind: RecordKind::CaseKey,
    fields: &[
        field(
            "case_id",
            FieldType::Parent(RecordKind::Case),
            REQUIRED,
            "Kasus",
            "Case",
        ),
        field(
            "key_id",
            FieldType::Text { max: 36 },
            REQUIRED,
            "Kunci",
            "Key",
        ),
        field(
            "reader",
            FieldType::Text { max: 36 },
            REQUIRED,
            "Pemegang",
            "Reader",
        ),
        field(
            "ephemeral",
            FieldType::Text { max: 130 },
            REQUIRED,
            "Kunci publik sementara",
            "Ephemeral public key",
        ),
        field(
            "nonce",
            FieldType::Text { max: 24 },
            REQUIRED,
            "Nonce",
            "Nonce",
        ),
        field(
            "wrapped",
            FieldType::Text { max: 96 },
            REQUIRED,
            "Kunci terbungkus",
            "Wrapped key",
        ),
        field(
            "reader_key",
            FieldType::Text { max: 16 },
            OPTIONAL,
            "Sidik kunci pemegang",
            "Reader's key fingerprint",
        ),
    ],
    rules: case_key_rules,
};

/// A wrapped case key's fields are of their shapes (`crate::e2e::WrappedKey::from_fields`).
fn case_key_rules(fields: &Map<String, Value>, errors: &mut Vec<FieldError>) {
    if let Err(error) = crate::e2e::WrappedKey::from_fields(fields) {
        errors.push(error);
    }
}

fn no_rules(_: &Map<String, Value>, _: &mut Vec<FieldError>) {}

fn filled(fields: &Map<String, Value>, name: &str) -> bool {
    super::present(fields, name).is_some()
}

fn text_of<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    super::present(fields, name).and_then(Value::as_str)
}

/// A village, when given, lies in the kecamatan.
fn village_in_kecamatan(fields: &Map<String, Value>, errors: &mut Vec<FieldError>) {
    let (Some(kecamatan), Some(desa)) = (text_of(fields, "kecamatan"), text_of(fields, "desa"))
    else {
        return;
    };
    if regions::find(desa.trim()).map(|d| d.kecamatan_code()) != Some(kecamatan.trim()) {
        errors.push(FieldError::new("desa", Problem::VillageNotInKecamatan));
    }
}

/// Whether field `name` of a `kind` record belongs to some states only, and then whether
/// `fields` are in such a state: a closed case needs its closing reason, a victim's
/// consent its date. `None` for a field that is always there (required or not).
pub fn required_by_state(
    kind: RecordKind,
    name: &str,
    fields: &Map<String, Value>,
) -> Option<bool> {
    match (kind, name) {
        (RecordKind::Case, "closing_reason") => Some(text_of(fields, "status") == Some("closed")),
        (RecordKind::Victim, "consent_date") => {
            Some(fields.get("consent") == Some(&Value::Bool(true)))
        }
        _ => None,
    }
}

/// The fields `kind` requires in the state `fields` describe that are not filled.
fn missing_by_state(kind: RecordKind, fields: &Map<String, Value>, errors: &mut Vec<FieldError>) {
    for name in ["closing_reason", "consent_date"] {
        if required_by_state(kind, name, fields) == Some(true) && !filled(fields, name) {
            errors.push(FieldError::new(name, Problem::Required));
        }
    }
}

fn case_rules(fields: &Map<String, Value>, errors: &mut Vec<FieldError>) {
    village_in_kecamatan(fields, errors);
    missing_by_state(RecordKind::Case, fields, errors);
}

fn victim_rules(fields: &Map<String, Value>, errors: &mut Vec<FieldError>) {
    village_in_kecamatan(fields, errors);
    missing_by_state(RecordKind::Victim, fields, errors);
}

fn service_rules(fields: &Map<String, Value>, errors: &mut Vec<FieldError>) {
    let day = |name| text_of(fields, name).and_then(|s| parse_date(s.trim()));
    if let (Some(requested), Some(delivered)) = (day("requested_on"), day("delivered_on")) {
        if delivered < requested {
            errors.push(FieldError::new("delivered_on", Problem::BeforeRequested));
        }
    }
    if text_of(fields, "status") == Some("delivered") && !filled(fields, "delivered_on") {
        errors.push(FieldError::new("delivered_on", Problem::Required));
    }
}

/// The longest reason or note of a referral.
const REFERRAL_TEXT: usize = 1_000;

/// A referral (rujukan) of a victim's service to a member agency (issue #19). Written once,
/// never edited: its life is its steps. Besides what is asked, it carries only the facts of
/// the case the referring officer chose to share with the agency (`sex` to `needs`); the
/// agency's liaison sees the referral, never the case.
pub const REFERRAL: KindSpec = KindSpec {
    kind: RecordKind::Referral,
    fields: &[
        field(
            "victim_id",
            FieldType::Parent(RecordKind::Victim),
            REQUIRED,
            "Korban",
            "Victim",
        ),
        field(
            "agency",
            FieldType::Agency,
            REQUIRED,
            "Instansi tujuan",
            "Agency referred to",
        ),
        field(
            "service",
            FieldType::Code(SERVICE_TYPES),
            REQUIRED,
            "Layanan yang dibutuhkan",
            "Service needed",
        ),
        field(
            "reason",
            FieldType::Text { max: REFERRAL_TEXT },
            REQUIRED,
            "Alasan rujukan",
            "Reason for the referral",
        ),
        field(
            "urgency",
            FieldType::Code(REFERRAL_URGENCIES),
            REQUIRED,
            "Tingkat kepentingan",
            "Urgency",
        ),
        field(
            "referred_on",
            FieldType::Date,
            REQUIRED,
            "Tanggal rujukan",
            "Date referred",
        ),
        field(
            "needed_by",
            FieldType::DueDate,
            REQUIRED,
            "Dibutuhkan paling lambat",
            "Needed by",
        ),
        field(
            "previous_referral",
            FieldType::RecordId,
            OPTIONAL,
            "Rujukan sebelumnya (ditolak)",
            "Earlier referral (declined)",
        ),
        field(
            "sex",
            FieldType::Code(SEXES),
            OPTIONAL,
            "Jenis kelamin korban",
            "Victim's sex",
        ),
        field(
            "age_group",
            FieldType::Code(AGE_GROUPS),
            OPTIONAL,
            "Kelompok umur korban",
            "Victim's age group",
        ),
        field(
            "kecamatan",
            FieldType::Kecamatan,
            OPTIONAL,
            "Kecamatan asal korban",
            "Victim's home district",
        ),
        field("modus", FieldType::Code(MODUS), OPTIONAL, "Modus", "Modus"),
        field(
            "needs",
            FieldType::Text { max: REFERRAL_TEXT },
            OPTIONAL,
            "Yang perlu diketahui instansi",
            "What the agency needs to know",
        ),
        field(
            "share_identity",
            FieldType::Bool,
            OPTIONAL,
            "Bagikan identitas korban kepada penghubung instansi ini",
            "Share the victim's identity with this agency's liaison",
        ),
    ],
    rules: referral_rules,
};

/// A step of a referral: the agency's answer, or the referring side's cancellation. Written
/// once, never edited (`crate::referral`).
pub const REFERRAL_STEP: KindSpec = KindSpec {
    kind: RecordKind::ReferralStep,
    fields: &[
        field(
            "referral_id",
            FieldType::Parent(RecordKind::Referral),
            REQUIRED,
            "Rujukan",
            "Referral",
        ),
        field(
            "action",
            FieldType::Code(REFERRAL_ACTIONS),
            REQUIRED,
            "Langkah",
            "Step",
        ),
        field("date", FieldType::Date, REQUIRED, "Tanggal", "Date"),
        field(
            "decline_reason",
            FieldType::Code(DECLINE_REASONS),
            OPTIONAL,
            "Alasan penolakan",
            "Reason for declining",
        ),
        field(
            "note",
            FieldType::Text { max: REFERRAL_TEXT },
            OPTIONAL,
            "Catatan",
            "Note",
        ),
    ],
    rules: referral_step_rules,
};

fn referral_rules(fields: &Map<String, Value>, errors: &mut Vec<FieldError>) {
    let day = |name| text_of(fields, name).and_then(|s| parse_date(s.trim()));
    if let (Some(referred), Some(needed)) = (day("referred_on"), day("needed_by")) {
        if needed < referred {
            errors.push(FieldError::new("needed_by", Problem::BeforeReferred));
        }
    }
}

fn referral_step_rules(fields: &Map<String, Value>, errors: &mut Vec<FieldError>) {
    let declines = text_of(fields, "action") == Some("decline");
    if declines && !filled(fields, "decline_reason") {
        errors.push(FieldError::new("decline_reason", Problem::Required));
    }
    if !declines && filled(fields, "decline_reason") {
        errors.push(FieldError::new("decline_reason", Problem::UnknownField));
    }
}
