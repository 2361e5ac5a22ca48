//! How long a service took or has waited, and whether that is late (UU 21/2007 art. 51:
//! rehabilitation within 7 days of the request). Shared by the case page and the home
//! page.

use gugus_model::activity::parse_date;
use gugus_model::schema::as_typed as text;
use serde_json::{Map, Value};
use time::Date;

/// The most days a service may take (UU 21/2007 art. 51: rehabilitation within 7 days of
/// the request).
pub const SERVICE_DAYS: i64 = 7;

/// The days from a service's request to its delivery, or to `today` while it waits;
/// `None` without a valid request date. The flag says whether it was delivered.
pub fn service_days(fields: &Map<String, Value>, today: Date) -> Option<(i64, bool)> {
    let requested = parse_date(&text(fields, "requested_on"))?;
    let delivered = parse_date(&text(fields, "delivered_on"));
    let end = delivered.unwrap_or(today);
    Some(((end - requested).whole_days(), delivered.is_some()))
}

/// The days a service not yet delivered has waited, when that is over
/// [`SERVICE_DAYS`]: what the home page calls overdue.
pub fn overdue_days(fields: &Map<String, Value>, today: Date) -> Option<i64> {
    match service_days(fields, today)? {
        (days, false) if days > SERVICE_DAYS => Some(days),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn fields(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_service_counts_the_days_to_delivery_or_so_far() {
        let today = date!(2026 - 11 - 29);
        let delivered = fields(json!({"requested_on": "2026-10-01", "delivered_on": "2026-10-11"}));
        assert_eq!(service_days(&delivered, today), Some((10, true)));
        let waiting = fields(json!({"requested_on": "2026-11-26"}));
        assert_eq!(service_days(&waiting, today), Some((3, false)));
        assert_eq!(service_days(&fields(json!({})), today), None);
    }

    #[test]
    fn only_a_service_still_waiting_past_seven_days_is_overdue() {
        let today = date!(2026 - 11 - 29);
        let late = fields(json!({"requested_on": "2026-11-09"}));
        assert_eq!(overdue_days(&late, today), Some(20));
        let seven = fields(json!({"requested_on": "2026-11-22"}));
        assert_eq!(overdue_days(&seven, today), None);
        let delivered_late =
            fields(json!({"requested_on": "2026-10-01", "delivered_on": "2026-10-20"}));
        assert_eq!(overdue_days(&delivered_late, today), None);
        assert_eq!(overdue_days(&fields(json!({})), today), None);
    }
}
