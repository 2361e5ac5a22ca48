//! The shared language of Gugus.
//!
//! Record kinds and their validation, vocabularies (a stable code with an Indonesian and
//! an English label), the regency's regions, the sync wire types, the merge rule and the
//! device side's sync decisions.
//! No IO: this crate builds for wasm32 (the app) and natively (the worker) alike.
#![forbid(unsafe_code)]

pub mod activity;
pub mod agency;
pub mod api;
mod check;
pub mod clock;
pub mod device;
pub mod e2e;
pub mod evaluation;
pub mod field;
pub mod input;
pub mod kind;
pub mod lang;
pub mod merge;
pub mod password;
pub mod referral;
pub mod regions;
pub mod schema;
pub mod stats;
pub mod sync;
pub mod vocab;

pub use field::{FieldError, Problem};
pub use kind::RecordKind;
pub use lang::{Lang, Text};
