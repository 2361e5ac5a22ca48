//! Field-level validation errors, named and worded in both languages.

use crate::lang::Lang;
use serde::{Deserialize, Serialize};

/// What is wrong with one field's value. On the wire, `{"problem": code}` with `max` for
/// the two that have one; read back through [`RawProblem`] (a derived reader of this
/// tagged enum costs the app's first download about 3 KB gzipped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "problem", rename_all = "snake_case", try_from = "RawProblem")]
pub enum Problem {
    /// The field is required and missing or empty.
    Required,
    /// The value has the wrong JSON type (text where a number belongs, ...).
    WrongType,
    /// Not a real calendar date in `YYYY-MM-DD` form.
    NotADate,
    /// A date after today.
    InFuture,
    /// A code that is not in the field's vocabulary.
    UnknownCode,
    /// A region code that does not exist in the regency.
    UnknownRegion,
    /// A village that is not in the chosen kecamatan.
    VillageNotInKecamatan,
    /// A count below zero.
    Negative,
    /// A count that is not a whole number (a fraction, or not a number at all).
    NotWhole,
    /// A number above the field's maximum.
    TooLarge {
        /// The largest allowed value.
        max: u64,
    },
    /// A text longer than the field allows.
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// An activity whose participant counts add up to nobody.
    NoParticipants,
    /// A field the record kind does not have.
    UnknownField,
    /// A NIK that is not exactly 16 digits.
    NotNik,
    /// A phone number that is not 8 to 15 digits (spaces, dashes and a leading `+` allowed).
    NotPhone,
    /// Not a record or user id (a UUID).
    NotAnId,
    /// A delivery date before the date the service was requested.
    BeforeRequested,
    /// A link to the parent record, which never changes once the record exists.
    CannotChange,
    /// A parent record that does not exist (or is of another kind).
    UnknownParent,
    /// A user id that is not an active officer.
    UnknownOfficer,
    /// An identity value the server received in plain text, not as an envelope encrypted
    /// on the device (issue #18), or an envelope of the wrong shape.
    NotEncrypted,
    /// An identity envelope under a key no `case_key` record of its case names: nobody
    /// could ever open it (issue #18).
    UnknownKey,
    /// A link to a case that does not exist, or to the case itself.
    UnknownCase,
    /// An agency code the deployment's list does not have (issue #19).
    UnknownAgency,
    /// An agency that is no longer active: a new service, referral or account cannot
    /// name it.
    InactiveAgency,
    /// A referral's "needed by" date before the day it was made.
    BeforeReferred,
    /// A step of a referral that was already declined: nothing follows a decline but a
    /// new referral.
    ReferralDeclined,
    /// A step of a referral whose service was already delivered.
    ReferralDelivered,
    /// A step of a referral that was already cancelled.
    ReferralCancelled,
    /// An acceptance of a referral that was already accepted.
    ReferralAccepted,
    /// A referral's `previous_referral` that is not a declined referral of the same victim.
    NotDeclinedReferral,
}

impl Problem {
    /// Every problem that carries no figure (with `TooLarge` and `TooLong`, every one
    /// [`Problem::code`] names: a code missing here is refused when read).
    const WITHOUT_MAX: [Problem; 29] = [
        Problem::Required,
        Problem::WrongType,
        Problem::NotADate,
        Problem::InFuture,
        Problem::UnknownCode,
        Problem::UnknownRegion,
        Problem::VillageNotInKecamatan,
        Problem::Negative,
        Problem::NotWhole,
        Problem::NoParticipants,
        Problem::UnknownField,
        Problem::NotNik,
        Problem::NotPhone,
        Problem::NotAnId,
        Problem::BeforeRequested,
        Problem::CannotChange,
        Problem::UnknownParent,
        Problem::UnknownOfficer,
        Problem::NotEncrypted,
        Problem::UnknownKey,
        Problem::UnknownCase,
        Problem::UnknownAgency,
        Problem::InactiveAgency,
        Problem::BeforeReferred,
        Problem::ReferralDeclined,
        Problem::ReferralDelivered,
        Problem::ReferralCancelled,
        Problem::ReferralAccepted,
        Problem::NotDeclinedReferral,
    ];

    /// The problem in words, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Problem::Required, Lang::Id) => "Wajib diisi.".into(),
            (Problem::Required, Lang::En) => "Required.".into(),
            (Problem::WrongType, Lang::Id) => "Jenis isian tidak sesuai.".into(),
            (Problem::WrongType, Lang::En) => "Wrong kind of value.".into(),
            (Problem::NotADate, Lang::Id) => "Tanggal tidak valid.".into(),
            (Problem::NotADate, Lang::En) => "Not a valid date.".into(),
            (Problem::InFuture, Lang::Id) => "Tanggal tidak boleh melewati hari ini.".into(),
            (Problem::InFuture, Lang::En) => "The date cannot be later than today.".into(),
            (Problem::UnknownCode, Lang::Id) => "Pilihan tidak dikenal.".into(),
            (Problem::UnknownCode, Lang::En) => "Unknown choice.".into(),
            (Problem::UnknownRegion, Lang::Id) => {
                "Wilayah tidak ada di Kabupaten Purbalingga.".into()
            }
            (Problem::UnknownRegion, Lang::En) => "Not a region of Purbalingga Regency.".into(),
            (Problem::VillageNotInKecamatan, Lang::Id) => {
                "Desa ini tidak berada di kecamatan yang dipilih.".into()
            }
            (Problem::VillageNotInKecamatan, Lang::En) => {
                "This village is not in the chosen district.".into()
            }
            (Problem::Negative, Lang::Id) => "Tidak boleh kurang dari 0.".into(),
            (Problem::Negative, Lang::En) => "Cannot be less than 0.".into(),
            (Problem::NotWhole, Lang::Id) => "Harus bilangan bulat, misalnya 12.".into(),
            (Problem::NotWhole, Lang::En) => "Must be a whole number, such as 12.".into(),
            (Problem::TooLarge { max }, Lang::Id) => {
                format!("Paling banyak {}.", grouped(*max, '.'))
            }
            (Problem::TooLarge { max }, Lang::En) => format!("At most {}.", grouped(*max, ',')),
            (Problem::TooLong { max }, Lang::Id) => format!("Paling banyak {max} karakter."),
            (Problem::TooLong { max }, Lang::En) => format!("At most {max} characters."),
            (Problem::NoParticipants, Lang::Id) => {
                "Isi jumlah peserta, paling sedikit satu orang.".into()
            }
            (Problem::NoParticipants, Lang::En) => {
                "Enter the participants: at least one person.".into()
            }
            (Problem::UnknownField, Lang::Id) => "Isian ini tidak dikenal.".into(),
            (Problem::UnknownField, Lang::En) => "Unknown field.".into(),
            (Problem::NotNik, Lang::Id) => "NIK harus 16 angka.".into(),
            (Problem::NotNik, Lang::En) => "A NIK is exactly 16 digits.".into(),
            (Problem::NotPhone, Lang::Id) => {
                "Nomor HP harus 8 sampai 15 angka, boleh diawali +.".into()
            }
            (Problem::NotPhone, Lang::En) => {
                "A phone number is 8 to 15 digits, optionally starting with +.".into()
            }
            (Problem::NotAnId, Lang::Id) => "Bukan kode data yang sah.".into(),
            (Problem::NotAnId, Lang::En) => "Not a valid record id.".into(),
            (Problem::BeforeRequested, Lang::Id) => {
                "Tidak boleh sebelum tanggal permintaan layanan.".into()
            }
            (Problem::BeforeRequested, Lang::En) => {
                "Cannot be before the date the service was requested.".into()
            }
            (Problem::CannotChange, Lang::Id) => "Tidak dapat diubah setelah disimpan.".into(),
            (Problem::CannotChange, Lang::En) => "Cannot be changed once saved.".into(),
            (Problem::UnknownParent, Lang::Id) => {
                "Data induknya tidak ditemukan. Simpan dan kirim data induknya dulu.".into()
            }
            (Problem::UnknownParent, Lang::En) => {
                "The record it belongs to was not found. Save and send that record first.".into()
            }
            (Problem::UnknownOfficer, Lang::Id) => "Petugas ini tidak dikenal.".into(),
            (Problem::UnknownOfficer, Lang::En) => "Unknown officer.".into(),
            (Problem::NotEncrypted, Lang::Id) => {
                "Identitas harus dienkripsi di perangkat sebelum dikirim.".into()
            }
            (Problem::NotEncrypted, Lang::En) => {
                "Identity must be encrypted on the device before it is sent.".into()
            }
            (Problem::UnknownKey, Lang::Id) => {
                "Kunci identitas ini belum terkirim untuk kasusnya. Kirim ulang dari HP yang mengisinya.".into()
            }
            (Problem::UnknownKey, Lang::En) => {
                "This identity's key has not been sent for its case. Send again from the phone that entered it.".into()
            }
            (Problem::UnknownCase, Lang::Id) => {
                "Kasus yang ditautkan tidak ditemukan, atau kasus ini sendiri.".into()
            }
            (Problem::UnknownCase, Lang::En) => {
                "The linked case was not found, or is this case itself.".into()
            }
            (Problem::UnknownAgency, Lang::Id) => "Instansi ini tidak ada dalam daftar.".into(),
            (Problem::UnknownAgency, Lang::En) => "This agency is not in the list.".into(),
            (Problem::InactiveAgency, Lang::Id) => {
                "Instansi ini sudah tidak aktif. Pilih instansi lain.".into()
            }
            (Problem::InactiveAgency, Lang::En) => {
                "This agency is no longer active. Choose another.".into()
            }
            (Problem::BeforeReferred, Lang::Id) => {
                "Batas waktu tidak boleh sebelum tanggal rujukan.".into()
            }
            (Problem::BeforeReferred, Lang::En) => {
                "The deadline cannot be before the date of the referral.".into()
            }
            (Problem::ReferralDeclined, Lang::Id) => {
                "Rujukan ini sudah ditolak. Buat rujukan baru ke instansi lain.".into()
            }
            (Problem::ReferralDeclined, Lang::En) => {
                "This referral was already declined. Refer to another agency.".into()
            }
            (Problem::ReferralDelivered, Lang::Id) => {
                "Layanan rujukan ini sudah dicatat diberikan.".into()
            }
            (Problem::ReferralDelivered, Lang::En) => {
                "This referral's service is already recorded as delivered.".into()
            }
            (Problem::ReferralCancelled, Lang::Id) => "Rujukan ini sudah dibatalkan.".into(),
            (Problem::ReferralCancelled, Lang::En) => "This referral was already cancelled.".into(),
            (Problem::ReferralAccepted, Lang::Id) => "Rujukan ini sudah diterima.".into(),
            (Problem::ReferralAccepted, Lang::En) => "This referral was already accepted.".into(),
            (Problem::NotDeclinedReferral, Lang::Id) => {
                "Rujukan sebelumnya harus rujukan korban yang sama yang sudah ditolak.".into()
            }
            (Problem::NotDeclinedReferral, Lang::En) => {
                "The earlier referral must be a declined referral of the same victim.".into()
            }
        }
    }

    /// A stable machine code for the problem.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::WrongType => "wrong_type",
            Problem::NotADate => "not_a_date",
            Problem::InFuture => "in_future",
            Problem::UnknownCode => "unknown_code",
            Problem::UnknownRegion => "unknown_region",
            Problem::VillageNotInKecamatan => "village_not_in_kecamatan",
            Problem::Negative => "negative",
            Problem::NotWhole => "not_whole",
            Problem::TooLarge { .. } => "too_large",
            Problem::TooLong { .. } => "too_long",
            Problem::NoParticipants => "no_participants",
            Problem::UnknownField => "unknown_field",
            Problem::NotNik => "not_nik",
            Problem::NotPhone => "not_phone",
            Problem::NotAnId => "not_an_id",
            Problem::BeforeRequested => "before_requested",
            Problem::CannotChange => "cannot_change",
            Problem::UnknownParent => "unknown_parent",
            Problem::UnknownOfficer => "unknown_officer",
            Problem::NotEncrypted => "not_encrypted",
            Problem::UnknownKey => "unknown_key",
            Problem::UnknownCase => "unknown_case",
            Problem::UnknownAgency => "unknown_agency",
            Problem::InactiveAgency => "inactive_agency",
            Problem::BeforeReferred => "before_referred",
            Problem::ReferralDeclined => "referral_declined",
            Problem::ReferralDelivered => "referral_delivered",
            Problem::ReferralCancelled => "referral_cancelled",
            Problem::ReferralAccepted => "referral_accepted",
            Problem::NotDeclinedReferral => "not_declined_referral",
        }
    }
}

/// A [`Problem`] as read from the wire, before its code is known to be one.
#[derive(Deserialize)]
struct RawProblem {
    problem: String,
    #[serde(default)]
    max: Option<u64>,
}

/// A [`FieldError`] as it arrives.
#[derive(Deserialize)]
struct RawFieldError {
    field: String,
    problem: String,
    #[serde(default)]
    max: Option<u64>,
}

impl TryFrom<RawFieldError> for FieldError {
    type Error = String;

    fn try_from(raw: RawFieldError) -> Result<FieldError, String> {
        let problem = Problem::try_from(RawProblem {
            problem: raw.problem,
            max: raw.max,
        })?;
        Ok(FieldError {
            field: raw.field,
            problem,
        })
    }
}

impl TryFrom<RawProblem> for Problem {
    type Error = String;

    fn try_from(raw: RawProblem) -> Result<Problem, String> {
        let max = || {
            raw.max
                .ok_or_else(|| format!("{} needs a max", raw.problem))
        };
        Ok(match raw.problem.as_str() {
            "too_large" => Problem::TooLarge { max: max()? },
            "too_long" => Problem::TooLong {
                max: usize::try_from(max()?).map_err(|e| e.to_string())?,
            },
            code => Problem::WITHOUT_MAX
                .iter()
                .find(|p| p.code() == code)
                .cloned()
                .ok_or_else(|| format!("unknown problem {code:?}"))?,
        })
    }
}

/// `n` with its thousands grouped by `separator` (5.000 in Indonesian, 5,000 in English).
pub fn grouped(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

/// One field's validation error: which field, and what is wrong with it.
///
/// On the wire one flat object, `{"field", "problem", "max"?}`, read back through
/// [`RawFieldError`]: a derived reader of a `flatten`ed field buffers the whole object
/// first, which costs the app's first download several kilobytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "RawFieldError")]
#[error("{field}: {}", problem.message(Lang::En))]
pub struct FieldError {
    /// The field's wire name, e.g. `participants_female_adult`.
    pub field: String,
    /// What is wrong.
    #[serde(flatten)]
    pub problem: Problem,
}

impl FieldError {
    /// A new error for `field`.
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        Self {
            field: field.into(),
            problem,
        }
    }

    /// The whole sentence, naming the field with its label, in `lang`.
    pub fn message(&self, label: &str, lang: Lang) -> String {
        format!("{label}: {}", self.problem.message(lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_reads_back_as_written() {
        let mut all = Problem::WITHOUT_MAX.to_vec();
        all.push(Problem::TooLarge { max: 5_000 });
        all.push(Problem::TooLong { max: 2_000 });
        let codes: std::collections::BTreeSet<&str> = all.iter().map(Problem::code).collect();
        assert_eq!(codes.len(), all.len(), "every code once");
        for problem in all {
            let error = FieldError::new("venue", problem);
            let text = serde_json::to_string(&error).expect("writes");
            let back: FieldError = serde_json::from_str(&text).expect("reads");
            assert_eq!(back, error, "{text}");
        }
        assert_eq!(
            serde_json::to_value(FieldError::new("n", Problem::TooLarge { max: 7 }))
                .expect("writes"),
            serde_json::json!({"field": "n", "problem": "too_large", "max": 7})
        );
        for bad in [
            r#"{"field": "n", "problem": "too_large"}"#,
            r#"{"field": "n", "problem": "strange"}"#,
        ] {
            assert!(serde_json::from_str::<FieldError>(bad).is_err(), "{bad}");
        }
    }
}
