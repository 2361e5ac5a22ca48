//! The one clock of Gugus: the worker, the app, the generator and every test read "now" and
//! "today" from here, never from the system directly.
//!
//! The clock is the system's, or the system's shifted so that it reads a pinned instant at
//! the moment it was pinned and runs on from there. Tests pin it to the dates that matter
//! (the last day of a month, 31 December, 29 February, the first days of a month) so that
//! a test passes on every date; the worker pins it from `GUGUS_NOW` ([`PIN_VAR`]) at start.
//! Time keeps running after a pin, so idle timeouts and "seconds ago" still mean what they
//! say.

use std::sync::atomic::{AtomicI64, Ordering};
use time::macros::time;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// The environment variable (native) that pins the clock: an RFC 3339 instant
/// (`2027-02-28T23:30:00+07:00`) or a date (`2028-02-29`, read as 10:00 WIB that day).
pub const PIN_VAR: &str = "GUGUS_NOW";

/// The app's localStorage key of a pinned clock (the browser's [`PIN_VAR`]).
pub const PIN_STORAGE_KEY: &str = "gugus.clock";

/// Western Indonesia Time (UTC+7): Purbalingga's time, in which the regency's days and
/// months fall.
pub const WIB: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

/// Milliseconds added to the system's clock (0: the system's own time).
static SHIFT_MS: AtomicI64 = AtomicI64::new(0);

/// The system's clock, in milliseconds since the Unix epoch.
#[cfg(not(target_arch = "wasm32"))]
fn system_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// The system's clock, in milliseconds since the Unix epoch.
#[cfg(target_arch = "wasm32")]
fn system_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Natively, the first read of the clock pins it from [`PIN_VAR`] when that is set, so a
/// test process, the generator and the worker all follow one pin without each asking.
/// (A pin that does not parse is left out here; the worker refuses it at start through
/// [`pin_from_env`].)
#[cfg(not(target_arch = "wasm32"))]
fn pin_once_from_env() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Some(at) = std::env::var(PIN_VAR).ok().and_then(|t| parse_pin(&t).ok()) {
            store_pin(at);
        }
    });
}

#[cfg(target_arch = "wasm32")]
fn pin_once_from_env() {}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    pin_once_from_env();
    system_ms().saturating_add(SHIFT_MS.load(Ordering::Relaxed))
}

/// Now, in unix seconds.
pub fn now_unix() -> i64 {
    now_ms().div_euclid(1000)
}

/// Now, in UTC.
pub fn now() -> OffsetDateTime {
    let nanos = i128::from(now_ms()) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Today's date in WIB: the regency's today.
pub fn today_wib() -> Date {
    now().to_offset(WIB).date()
}

/// From now on the clock reads `at`, and runs on from there.
pub fn pin(at: OffsetDateTime) {
    pin_once_from_env();
    store_pin(at);
}

fn store_pin(at: OffsetDateTime) {
    let at_ms = i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
    SHIFT_MS.store(at_ms.saturating_sub(system_ms()), Ordering::Relaxed);
}

/// Back to the system's own time.
pub fn unpin() {
    pin_once_from_env();
    SHIFT_MS.store(0, Ordering::Relaxed);
}

/// How far the clock is from the system's, in milliseconds (0 unpinned).
pub fn shift_ms() -> i64 {
    pin_once_from_env();
    SHIFT_MS.load(Ordering::Relaxed)
}

/// Whether the clock is pinned (shifted from the system's).
pub fn is_pinned() -> bool {
    shift_ms() != 0
}

/// Reads a pin: an RFC 3339 instant, or a date `YYYY-MM-DD` taken as 10:00 WIB that day
/// (far from both midnights, so a test run stays on that date).
pub fn parse_pin(text: &str) -> Result<OffsetDateTime, String> {
    let text = text.trim();
    if let Ok(at) = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) {
        return Ok(at);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).map(pin_of_date).map_err(|_| {
        format!("{PIN_VAR}: {text:?} is neither an RFC 3339 instant nor a date YYYY-MM-DD")
    })
}

/// The instant a pin that is only a date stands for: 10:00 WIB that day.
pub fn pin_of_date(date: Date) -> OffsetDateTime {
    PrimitiveDateTime::new(date, time!(10:00)).assume_offset(WIB)
}

/// Pins the clock from [`PIN_VAR`] when it is set (and not empty); says what it pinned to.
#[cfg(not(target_arch = "wasm32"))]
pub fn pin_from_env() -> Result<Option<OffsetDateTime>, String> {
    match std::env::var(PIN_VAR) {
        Ok(text) if !text.trim().is_empty() => {
            let at = parse_pin(&text)?;
            pin(at);
            Ok(Some(at))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn wib_is_seven_hours_ahead_of_utc() {
        assert_eq!(WIB.whole_hours(), 7);
        let late_utc = datetime!(2026-11-29 18:30 UTC);
        assert_eq!(late_utc.to_offset(WIB).date(), date!(2026 - 11 - 30));
    }

    #[test]
    fn a_pinned_clock_reads_the_pin_and_runs_on() {
        let at = parse_pin("2028-02-29").expect("a date pins");
        assert_eq!(at, datetime!(2028-02-29 10:00 +7));
        pin(at);
        let read = now();
        unpin();
        assert!(
            read >= at && read - at < time::Duration::seconds(60),
            "{read}"
        );
        assert_eq!(read.to_offset(WIB).date(), date!(2028 - 02 - 29));
        assert_eq!(
            parse_pin("2026-12-31T23:30:00+07:00"),
            Ok(datetime!(2026-12-31 23:30 +7))
        );
        assert!(parse_pin("31/12/2026").is_err());
    }
}
