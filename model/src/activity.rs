//! The `activity` kind: an outreach, training, advocacy or coordination activity held in
//! a village, with its participants counted by sex and adult/child.

use crate::check::{code, codes, count, date, keep, region, text};
use crate::field::{FieldError, Problem};
use crate::input::RegionCode;
use crate::kind::unknown_fields;
use crate::lang::{t, Lang, Text};
use crate::vocab::{ACTIVITY_TYPES, AUDIENCES, TOPICS};
use serde_json::{json, Map, Value};
use time::{Date, Month};

/// The most participants of one sex and age group one activity may count: more than a
/// village hall, a school or a sports field holds at one session (a mistyped 99999 is
/// caught; a bigger event is recorded session by session).
pub const MAX_PARTICIPANTS: u64 = 5_000;
/// The longest free text (venue, partners, follow-up, notes), in characters.
pub const MAX_TEXT: usize = 2_000;

/// The four participant counts, by field name.
pub const PARTICIPANT_FIELDS: [&str; 4] = [
    "participants_female_adult",
    "participants_male_adult",
    "participants_female_child",
    "participants_male_child",
];

/// What an activity must have (`participants`: at least one person counted).
pub const REQUIRED: [&str; 6] = [
    "type",
    "date",
    "kecamatan",
    "desa",
    "audience",
    "participants",
];

const TEXT_FIELDS: [&str; 4] = ["venue", "partners", "follow_up", "notes"];

/// Every field of an activity, in form order.
pub const FIELDS: [&str; 14] = [
    "type",
    "date",
    "kecamatan",
    "desa",
    "venue",
    "audience",
    "participants_female_adult",
    "participants_male_adult",
    "participants_female_child",
    "participants_male_child",
    "topics",
    "partners",
    "follow_up",
    "notes",
];

/// A valid activity. Once you hold one, every field has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// Code from [`ACTIVITY_TYPES`].
    pub activity_type: String,
    /// When it took place; never after the day it was checked.
    pub date: Date,
    /// Kecamatan code.
    pub kecamatan: String,
    /// Desa or kelurahan code, inside `kecamatan`.
    pub desa: String,
    /// Where it took place.
    pub venue: String,
    /// Codes from [`AUDIENCES`]; at least one.
    pub audience: Vec<String>,
    /// Participants: [female adult, male adult, female child, male child].
    pub participants: [u64; 4],
    /// Codes from [`TOPICS`].
    pub topics: Vec<String>,
    /// Partner agencies, free text.
    pub partners: String,
    /// Follow-up commitments, free text.
    pub follow_up: String,
    /// Notes, free text.
    pub notes: String,
}

impl Activity {
    /// Checks every field of a record's fields and builds the activity, or returns every
    /// field error at once (so a form can show them all).
    pub fn parse(fields: &Map<String, Value>, today: Date) -> Result<Activity, Vec<FieldError>> {
        let mut errors = unknown_fields(fields, &FIELDS);
        let e = &mut errors;
        let activity_type = keep(e, code(fields, "type", |c| ACTIVITY_TYPES.contains(c)));
        let date = keep(e, date(fields, "date", today));
        let kecamatan = keep(e, region(fields, "kecamatan", RegionCode::kecamatan));
        let desa = keep(e, region(fields, "desa", RegionCode::village));
        let audience = keep(
            e,
            codes(fields, "audience", true, |c| AUDIENCES.contains(c)),
        );
        let topics = keep(e, codes(fields, "topics", false, |c| TOPICS.contains(c)));
        let counts = PARTICIPANT_FIELDS.map(|name| keep(e, count(fields, name, MAX_PARTICIPANTS)));
        let texts = TEXT_FIELDS.map(|name| keep(e, text(fields, name, MAX_TEXT)));
        if let (Some(kec), Some(desa)) = (kecamatan, desa) {
            if desa.kecamatan_code() != kec.code() {
                errors.push(FieldError::new("desa", Problem::VillageNotInKecamatan));
            }
        }
        let participants = counts.map(|c| c.unwrap_or(0));
        if counts.iter().all(Option::is_some) && participants.iter().sum::<u64>() == 0 {
            errors.push(FieldError::new("participants", Problem::NoParticipants));
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| field_order(&e.field));
            return Err(errors);
        }
        let [venue, partners, follow_up, notes] = texts.map(Option::unwrap_or_default);
        Ok(Activity {
            activity_type: activity_type.unwrap_or_default(),
            date: date.unwrap_or(today),
            kecamatan: kecamatan.map(|r| r.code().to_owned()).unwrap_or_default(),
            desa: desa.map(|r| r.code().to_owned()).unwrap_or_default(),
            venue,
            audience: audience.unwrap_or_default(),
            participants,
            topics: topics.unwrap_or_default(),
            partners,
            follow_up,
            notes,
        })
    }

    /// The record's fields, as stored and sent.
    pub fn to_fields(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        fields.insert("type".into(), json!(self.activity_type));
        fields.insert("date".into(), json!(format_date(self.date)));
        fields.insert("kecamatan".into(), json!(self.kecamatan));
        fields.insert("desa".into(), json!(self.desa));
        fields.insert("venue".into(), json!(self.venue));
        fields.insert("audience".into(), json!(self.audience));
        for (name, value) in PARTICIPANT_FIELDS.iter().zip(self.participants) {
            fields.insert((*name).into(), json!(value));
        }
        fields.insert("topics".into(), json!(self.topics));
        fields.insert("partners".into(), json!(self.partners));
        fields.insert("follow_up".into(), json!(self.follow_up));
        fields.insert("notes".into(), json!(self.notes));
        fields
    }

    /// Everyone who took part.
    pub fn total_participants(&self) -> u64 {
        self.participants.iter().sum()
    }

    /// Women and girls who took part.
    pub fn female(&self) -> u64 {
        self.participants[0] + self.participants[2]
    }

    /// Children (under 18) who took part.
    pub fn children(&self) -> u64 {
        self.participants[2] + self.participants[3]
    }
}

/// The label of an activity field (or `participants`, for the total), in `lang`.
pub fn field_label(field: &str, lang: Lang) -> &'static str {
    let text: Text = match field {
        "type" => t("Jenis kegiatan", "Activity type"),
        "date" => t("Tanggal", "Date"),
        "kecamatan" => t("Kecamatan", "District (kecamatan)"),
        "desa" => t("Desa/kelurahan", "Village (desa/kelurahan)"),
        "venue" => t("Tempat", "Venue"),
        "audience" => t("Sasaran", "Audience"),
        "participants_female_adult" => t("Perempuan dewasa", "Adult women"),
        "participants_male_adult" => t("Laki-laki dewasa", "Adult men"),
        "participants_female_child" => t("Anak perempuan", "Girls"),
        "participants_male_child" => t("Anak laki-laki", "Boys"),
        "participants" => t("Peserta", "Participants"),
        "topics" => t("Materi", "Topics"),
        "partners" => t("Instansi mitra", "Partner agencies"),
        "follow_up" => t("Rencana tindak lanjut", "Follow-up commitments"),
        "notes" => t("Catatan", "Notes"),
        _ => t("Isian", "Field"),
    };
    text.get(lang)
}

fn field_order(field: &str) -> usize {
    FIELDS
        .iter()
        .position(|f| *f == field)
        .unwrap_or(match field {
            "participants" => 10,
            _ => FIELDS.len(),
        })
}

/// Formats a date as `YYYY-MM-DD`.
///
/// By hand rather than with `time`'s format descriptions, whose interpreter would be the
/// only user of `time`'s formatting code in the app's wasm; the result is the same as
/// `[year]-[month]-[day]` (tested against it).
pub fn format_date(date: Date) -> String {
    let year = date.year();
    let sign = match year {
        ..0 => "-",
        10_000.. => "+",
        _ => "",
    };
    let (abs, month, day) = (year.unsigned_abs(), u8::from(date.month()), date.day());
    format!("{sign}{abs:04}-{month:02}-{day:02}")
}

/// Parses a `YYYY-MM-DD` date: what `time` parses with `[year]-[month]-[day]` (a year of
/// four digits, optionally signed), by hand like [`format_date`].
pub fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let (sign, rest) = match bytes.split_first() {
        Some((b'-', rest)) => (-1, rest),
        Some((b'+', rest)) => (1, rest),
        _ => (1, bytes),
    };
    let (year, rest) = rest.split_at_checked(4)?;
    let [b'-', m1, m2, b'-', d1, d2] = *rest else {
        return None;
    };
    let number = |digits: &[u8]| -> Option<i32> {
        digits.iter().try_fold(0_i32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + i32::from(b - b'0'))
        })
    };
    let year = number(year)? * sign;
    let month = Month::try_from(u8::try_from(number(&[m1, m2])?).ok()?).ok()?;
    let day = u8::try_from(number(&[d1, d2])?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

#[cfg(test)]
mod tests;
