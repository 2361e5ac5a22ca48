//! The device's clock: today's local date for validation, now for the audit trail.

use time::{Date, Month};

/// Today's date on the device, in its own time zone (what the officer calls "today").
pub fn today() -> Date {
    let now = js_sys::Date::new_0();
    let month = Month::try_from(now.get_month() as u8 + 1).unwrap_or(Month::January);
    Date::from_calendar_date(now.get_full_year() as i32, month, now.get_date() as u8)
        .unwrap_or(Date::MIN)
}

/// Now, as an RFC 3339 timestamp in UTC (e.g. `2026-11-29T03:20:00.000Z`).
pub fn now_rfc3339() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The local date and time of an RFC 3339 timestamp: (date, hour, minute).
pub fn local_date_time(rfc3339: &str) -> Option<(Date, u8, u8)> {
    let parsed = js_sys::Date::new(&rfc3339.into());
    if parsed.get_time().is_nan() {
        return None;
    }
    let month = Month::try_from(parsed.get_month() as u8 + 1).ok()?;
    let date = Date::from_calendar_date(
        parsed.get_full_year() as i32,
        month,
        parsed.get_date() as u8,
    )
    .ok()?;
    Some((date, parsed.get_hours() as u8, parsed.get_minutes() as u8))
}

/// The unix seconds of an RFC 3339 timestamp (`None` when it does not parse).
pub fn unix_seconds(rfc3339: &str) -> Option<i64> {
    let ms = js_sys::Date::new(&rfc3339.into()).get_time();
    (!ms.is_nan()).then(|| (ms / 1000.0).floor() as i64)
}
