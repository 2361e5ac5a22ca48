//! The regency's clock: Purbalingga keeps Western Indonesia Time (WIB, UTC+7).

use time::{Date, OffsetDateTime, UtcOffset};

/// Western Indonesia Time.
pub const WIB: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

/// Today's date in WIB: no activity may be dated after it.
pub fn today_wib() -> Date {
    OffsetDateTime::now_utc().to_offset(WIB).date()
}

/// Now, in unix seconds.
pub fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wib_is_seven_hours_ahead_of_utc() {
        assert_eq!(WIB.whole_hours(), 7);
        let late_utc = time::macros::datetime!(2026-11-29 18:30 UTC);
        assert_eq!(
            late_utc.to_offset(WIB).date(),
            time::macros::date!(2026 - 11 - 30)
        );
    }
}
