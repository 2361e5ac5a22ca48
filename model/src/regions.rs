//! The regency's regions: Kabupaten Purbalingga (33.03), its 18 kecamatan and
//! 239 desa and kelurahan, with their official codes, from the data file the crate carries.

use std::sync::LazyLock;

const CSV: &str = include_str!("../data/regions-3303-purbalingga.csv");

/// The regency's code.
pub const REGENCY_CODE: &str = "33.03";

/// What a region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The regency itself.
    Kabupaten,
    /// A district.
    Kecamatan,
    /// A rural village.
    Desa,
    /// An urban village.
    Kelurahan,
}

/// One region with its official code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The official code, e.g. `33.03.08` or `33.03.08.2001`.
    pub code: String,
    /// The official name.
    pub name: String,
    /// Its level.
    pub level: Level,
}

impl Region {
    /// Whether this is a desa or a kelurahan.
    pub fn is_village(&self) -> bool {
        matches!(self.level, Level::Desa | Level::Kelurahan)
    }

    /// The code of the kecamatan a village belongs to (the first three parts of its code).
    pub fn kecamatan_code(&self) -> &str {
        match self.code.match_indices('.').nth(2) {
            Some((at, _)) => &self.code[..at],
            None => &self.code,
        }
    }
}

static REGIONS: LazyLock<Vec<Region>> = LazyLock::new(|| parse(CSV));

fn parse(csv: &str) -> Vec<Region> {
    csv.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let mut parts = line.trim().splitn(3, ',');
            let code = parts.next().unwrap_or_default().to_owned();
            let name = parts.next().unwrap_or_default().to_owned();
            let level = match parts.next().unwrap_or_default() {
                "kabupaten" => Level::Kabupaten,
                "kecamatan" => Level::Kecamatan,
                "kelurahan" => Level::Kelurahan,
                _ => Level::Desa,
            };
            Region { code, name, level }
        })
        .collect()
}

/// Every region, in the data file's order (each kecamatan followed by its villages).
pub fn all() -> &'static [Region] {
    &REGIONS
}

/// The region with this code.
pub fn find(code: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|region| region.code == code)
}

/// The 18 kecamatan, in code order.
pub fn kecamatan() -> impl Iterator<Item = &'static Region> {
    REGIONS
        .iter()
        .filter(|region| region.level == Level::Kecamatan)
}

/// Every desa and kelurahan.
pub fn villages() -> impl Iterator<Item = &'static Region> {
    REGIONS.iter().filter(|region| region.is_village())
}

/// The desa and kelurahan of one kecamatan.
pub fn villages_of(kecamatan_code: &str) -> impl Iterator<Item = &'static Region> + '_ {
    villages().filter(move |village| village.kecamatan_code() == kecamatan_code)
}

/// The name of a region, or the code itself when it is unknown.
pub fn name_of(code: &str) -> &str {
    find(code).map_or(code, |region| region.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_regency_has_18_kecamatan_and_239_villages() {
        assert_eq!(kecamatan().count(), 18);
        assert_eq!(villages().count(), 239);
        assert_eq!(
            villages().filter(|v| v.level == Level::Kelurahan).count(),
            15
        );
        assert_eq!(find(REGENCY_CODE).map(|r| r.level), Some(Level::Kabupaten));
    }

    #[test]
    fn every_village_belongs_to_a_known_kecamatan() {
        for village in villages() {
            let kec = find(village.kecamatan_code()).expect("kecamatan exists");
            assert_eq!(kec.level, Level::Kecamatan, "{}", village.code);
        }
        let per_kecamatan: usize = kecamatan().map(|k| villages_of(&k.code).count()).sum();
        assert_eq!(per_kecamatan, 239);
    }

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = all().iter().map(|r| r.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all().len());
        assert_eq!(name_of("33.03.08"), "Mrebet");
        assert_eq!(name_of("99.99"), "99.99");
    }
}
