//! Why a new password is refused, in words. The worker judges a password (with a strength
//! estimator, against the account's own names and the regency's places); the app says
//! the reason to the admin in the officer's language.

use crate::lang::{t, Text};

/// The fewest characters a password may have.
pub const MIN_CHARS: usize = 8;

/// Why a password is too easy to guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    /// Fewer than [`MIN_CHARS`] characters.
    TooShort,
    /// One of the passwords people use most, or close to one.
    Common,
    /// The same characters, or the same few, over and over.
    Repeated,
    /// A run like `abcd`, `1234` or a row of keys such as `qwerty`.
    Sequence,
    /// A year or a date.
    Date,
    /// The account's username, name or agency, the regency's or a village's name, or a
    /// word of the task force's.
    Personal,
    /// Short of any of those, still too few guesses away.
    Guessable,
}

impl Weakness {
    /// Every reason.
    pub const ALL: [Weakness; 7] = [
        Weakness::TooShort,
        Weakness::Common,
        Weakness::Repeated,
        Weakness::Sequence,
        Weakness::Date,
        Weakness::Personal,
        Weakness::Guessable,
    ];

    /// The code the worker sends as the error's `reason`.
    pub fn code(self) -> &'static str {
        match self {
            Weakness::TooShort => "too_short",
            Weakness::Common => "common",
            Weakness::Repeated => "repeated",
            Weakness::Sequence => "sequence",
            Weakness::Date => "date",
            Weakness::Personal => "personal",
            Weakness::Guessable => "guessable",
        }
    }

    /// The reason a code names.
    pub fn parse(code: &str) -> Option<Weakness> {
        Weakness::ALL.into_iter().find(|w| w.code() == code)
    }

    /// The schema of a `weak_password` error's `reason`: one of the codes.
    #[cfg(feature = "openapi")]
    pub fn schema() -> utoipa::openapi::schema::Object {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(Weakness::ALL.map(Weakness::code)))
            .description(Some(
                "With `weak_password`: why the password is too easy to guess.",
            ))
            .build()
    }

    /// A `weak_password` error's `reason` in words: a reason this build does not know, or
    /// none, reads as [`Weakness::Guessable`].
    pub fn reason_text(reason: Option<&str>) -> Text {
        reason
            .and_then(Weakness::parse)
            .unwrap_or(Weakness::Guessable)
            .text()
    }

    /// The reason in words.
    pub fn text(self) -> Text {
        match self {
            Weakness::TooShort => t(
                "Kata sandi paling sedikit 8 karakter.",
                "The password needs at least 8 characters.",
            ),
            Weakness::Common => t(
                "Kata sandi ini termasuk yang paling banyak dipakai orang (atau mirip), jadi mudah ditebak.",
                "This is one of the passwords people use most (or close to one), so it is easy to guess.",
            ),
            Weakness::Repeated => t(
                "Kata sandi ini mengulang huruf atau angka yang sama, jadi mudah ditebak.",
                "This password repeats the same letters or digits, so it is easy to guess.",
            ),
            Weakness::Sequence => t(
                "Kata sandi ini berupa urutan seperti abcd, 1234 atau qwerty, jadi mudah ditebak.",
                "This password is a run such as abcd, 1234 or qwerty, so it is easy to guess.",
            ),
            Weakness::Date => t(
                "Kata sandi ini bertumpu pada tahun atau tanggal, jadi mudah ditebak.",
                "This password rests on a year or a date, so it is easy to guess.",
            ),
            Weakness::Personal => t(
                "Kata sandi ini memuat nama pengguna, nama, instansi, nama daerah atau kata yang dekat dengan gugus tugas, jadi mudah ditebak.",
                "This password holds the username, the name, the agency, a place name or a word close to the task force, so it is easy to guess.",
            ),
            Weakness::Guessable => t(
                "Kata sandi ini terlalu mudah ditebak.",
                "This password is too easy to guess.",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_its_own_code_and_words() {
        for weakness in Weakness::ALL {
            assert_eq!(Weakness::parse(weakness.code()), Some(weakness));
            assert!(weakness.text().id.ends_with('.'));
        }
        assert_eq!(Weakness::parse("weak"), None);
    }
}
