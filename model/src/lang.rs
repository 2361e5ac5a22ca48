//! The two languages of the product: Bahasa Indonesia first, English second.

use serde::{Deserialize, Serialize};

/// A language a person can choose. Bahasa Indonesia is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bahasa Indonesia.
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag, for `<html lang>` and number formatting.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// Parses a tag as stored in settings; anything unknown is Indonesian.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Id
        }
    }
}

/// A fixed text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    /// Bahasa Indonesia.
    pub id: &'static str,
    /// English.
    pub en: &'static str,
}

impl Text {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Id => self.id,
            Lang::En => self.en,
        }
    }
}

/// Shorthand for a [`Text`] constant.
pub const fn t(id: &'static str, en: &'static str) -> Text {
    Text { id, en }
}

/// The months' names in Bahasa Indonesia, January first.
const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// The months' names in English, January first.
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A month's name in `lang` (1 is January; out of range clamps).
pub fn month_name(month: u8, lang: Lang) -> &'static str {
    let months = match lang {
        Lang::Id => &MONTHS_ID,
        Lang::En => &MONTHS_EN,
    };
    months[usize::from(month.clamp(1, 12)) - 1]
}
