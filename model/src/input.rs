//! Validated inputs as types: a value of one of these has passed its check once, where it
//! was read, and every later use can rely on it.

use crate::field::Problem;
use crate::regions::{self, Level, Region};
use std::fmt;
use uuid::Uuid;

/// A record's or a user's id (a UUID, written hyphenated on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(Uuid);

impl RecordId {
    /// The id written in `text`, or [`Problem::NotAnId`].
    pub fn parse(text: &str) -> Result<RecordId, Problem> {
        Uuid::parse_str(text.trim())
            .map(RecordId)
            .map_err(|_| Problem::NotAnId)
    }

    /// The UUID itself.
    pub fn uuid(self) -> Uuid {
        self.0
    }
}

impl From<Uuid> for RecordId {
    fn from(id: Uuid) -> Self {
        RecordId(id)
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// A region of the regency (a kecamatan, a desa or a kelurahan), by its official code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionCode(&'static Region);

impl RegionCode {
    /// The kecamatan with the code `text`, or [`Problem::UnknownRegion`] (also for a
    /// village's code).
    pub fn kecamatan(text: &str) -> Result<RegionCode, Problem> {
        RegionCode::at(text, |region| region.level == Level::Kecamatan)
    }

    /// The desa or kelurahan with the code `text`, or [`Problem::UnknownRegion`].
    pub fn village(text: &str) -> Result<RegionCode, Problem> {
        RegionCode::at(text, Region::is_village)
    }

    fn at(text: &str, right_level: impl Fn(&Region) -> bool) -> Result<RegionCode, Problem> {
        match regions::find(text.trim()) {
            Some(region) if right_level(region) => Ok(RegionCode(region)),
            _ => Err(Problem::UnknownRegion),
        }
    }

    /// The official code (`33.03.08`, `33.03.08.2001`).
    pub fn code(self) -> &'static str {
        &self.0.code
    }

    /// The official name.
    pub fn name(self) -> &'static str {
        &self.0.name
    }

    /// The kecamatan's code: itself for a kecamatan, the one it lies in for a village.
    pub fn kecamatan_code(self) -> &'static str {
        self.0.kecamatan_code()
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A NIK, the national identity number: exactly 16 digits. Identity.
#[derive(Clone, PartialEq, Eq)]
pub struct Nik(String);

impl Nik {
    /// The NIK stored as `text`, or [`Problem::NotNik`]. Separators are not allowed here:
    /// a form removes them first ([`crate::schema::normalise_nik`]).
    pub fn parse(text: &str) -> Result<Nik, Problem> {
        if text.len() == 16 && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Nik(text.to_owned()))
        } else {
            Err(Problem::NotNik)
        }
    }

    /// The 16 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Never prints the number itself, so a NIK cannot reach a log through `{:?}`.
impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Nik(****************)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_a_uuid_and_anything_else_is_not_an_id() {
        let id = RecordId::parse("0192f1a0-7c1e-7000-8000-000000000001").unwrap();
        assert_eq!(id.to_string(), "0192f1a0-7c1e-7000-8000-000000000001");
        assert_eq!(RecordId::parse("kasus-1"), Err(Problem::NotAnId));
        assert_eq!(RecordId::parse(""), Err(Problem::NotAnId));
    }

    #[test]
    fn a_region_code_is_of_the_level_asked_for() {
        let mrebet = RegionCode::kecamatan("33.03.08").unwrap();
        assert_eq!(mrebet.name(), "Mrebet");
        assert_eq!(
            RegionCode::kecamatan("33.03.08.2001"),
            Err(Problem::UnknownRegion)
        );
        let village = RegionCode::village("33.03.08.2001").unwrap();
        assert_eq!(village.kecamatan_code(), "33.03.08");
        assert_eq!(RegionCode::village("33.03.08"), Err(Problem::UnknownRegion));
        assert_eq!(
            RegionCode::kecamatan("33.03.99"),
            Err(Problem::UnknownRegion)
        );
    }

    #[test]
    fn a_nik_is_sixteen_digits_and_never_debug_printed() {
        let nik = Nik::parse("3303084501070001").unwrap();
        assert_eq!(nik.as_str(), "3303084501070001");
        assert!(!format!("{nik:?}").contains("3303"));
        for wrong in [
            "330308450107000",
            "33030845010700011",
            "3303 0845 0107 0001",
            "",
        ] {
            assert_eq!(Nik::parse(wrong), Err(Problem::NotNik), "{wrong:?}");
        }
    }
}
