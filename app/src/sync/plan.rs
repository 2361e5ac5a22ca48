//! Pure planning for the sync loop: which changes go in the next push
//! (`model::device::next_batch`), how long to wait after a failure.

pub use gugus_model::device::next_batch;

/// The first wait after a failure, in milliseconds.
pub const BACKOFF_BASE_MS: u32 = 2_000;
/// The longest wait between retries, in milliseconds.
pub const BACKOFF_MAX_MS: u32 = 5 * 60_000;

/// How long to wait before retry number `failures` (1 for the first): doubling from
/// [`BACKOFF_BASE_MS`] up to [`BACKOFF_MAX_MS`], spread by `jitter` (0 to 1) over half to
/// one and a half times that, so phones that lost the server together do not return
/// together.
pub fn backoff_ms(failures: u32, jitter: f64) -> u32 {
    let doublings = failures.saturating_sub(1).min(16);
    let plain = BACKOFF_BASE_MS
        .saturating_mul(1 << doublings)
        .min(BACKOFF_MAX_MS);
    let spread = 0.5 + jitter.clamp(0.0, 1.0);
    (f64::from(plain) * spread) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn backoff_doubles_up_to_a_cap_with_jitter() {
        assert_eq!(backoff_ms(1, 0.5), 2_000);
        assert_eq!(backoff_ms(2, 0.5), 4_000);
        assert_eq!(backoff_ms(3, 0.0), 4_000);
        assert_eq!(backoff_ms(3, 1.0), 12_000);
        assert_eq!(backoff_ms(40, 0.5), BACKOFF_MAX_MS);
    }
}
