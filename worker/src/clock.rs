//! The worker's clock is the model's one clock ([`gugus_model::clock`]): the system's, or
//! pinned from `GUGUS_NOW` at start (tests pin it to the dates that matter).

pub use gugus_model::clock::{now, now_unix, today_wib, WIB};
