//! The device's clock: the model's one clock ([`gugus_model::clock`]) read in the device's
//! own time zone. Today's local date for validation, now for the audit trail.
//!
//! Tests pin it (as they pin the worker's) by leaving an instant under [`PIN_KEY`] in the
//! page's localStorage before the app starts; [`pin_from_storage`] reads it once at start.
//! Anyone who can write that key can as well set the phone's own clock: it opens nothing.

use gugus_model::clock;
use time::{Date, Month, OffsetDateTime};
use wasm_bindgen::JsValue;

/// The localStorage key of a pinned clock (an RFC 3339 instant or a date `YYYY-MM-DD`).
pub use clock::PIN_STORAGE_KEY as PIN_KEY;

/// Pins the clock from [`PIN_KEY`] when the page's localStorage holds one.
pub fn pin_from_storage() {
    let stored = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|storage| storage.get_item(PIN_KEY).ok().flatten());
    if let Some(at) = stored.as_deref().and_then(read_pin) {
        clock::pin(at);
    }
}

/// Reads a pin as [`clock::parse_pin`] does, with the browser's own date parser for an
/// instant: `time`'s parser would cost the first download about 4 KB.
fn read_pin(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Some(date) = gugus_model::activity::parse_date(text) {
        return Some(clock::pin_of_date(date));
    }
    let ms = js_sys::Date::new(&text.into()).get_time();
    if ms.is_nan() {
        return None;
    }
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000).ok()
}

/// Now, as a JS `Date`.
fn now_date() -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(clock::now_ms() as f64))
}

/// Today's date on the device, in its own time zone (what the officer calls "today").
pub fn today() -> Date {
    let now = now_date();
    let month = Month::try_from(now.get_month() as u8 + 1).unwrap_or(Month::January);
    Date::from_calendar_date(now.get_full_year() as i32, month, now.get_date() as u8)
        .unwrap_or(Date::MIN)
}

/// Now, as an RFC 3339 timestamp in UTC (e.g. `2026-11-29T03:20:00.000Z`).
pub fn now_rfc3339() -> String {
    String::from(now_date().to_iso_string())
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    clock::now_ms() as f64
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

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_pin_reads_as_the_model_reads_it() {
        for text in [
            "2026-12-31T23:30:00+07:00",
            "2024-02-29T03:04:05.250Z",
            " 2028-02-29 ",
            "2026-11-29",
        ] {
            assert_eq!(read_pin(text), clock::parse_pin(text).ok(), "{text}");
        }
        assert_eq!(read_pin("bukan tanggal"), None);
    }
}
