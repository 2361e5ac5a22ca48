//! The shared store story: every step runs against SQLite and PostgreSQL, each over a
//! fresh database, through the real router over HTTP.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod audit;
mod batch;
mod cases;
mod conflicts;
mod evaluation;
mod keys;
mod matrix;
mod merge;
mod payloads;
mod push;
mod referral_sharing;
mod referrals;
mod roles;
mod startup;
mod stats;
mod users;
