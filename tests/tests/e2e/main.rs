//! The end-to-end tests, one binary (one link, and its tests run side by side): the real
//! worker binary, real headless Chromium over WebDriver, real SQLite and PostgreSQL. Each
//! module is one journey or property (README, "Tests"); `cargo test -p gugus-e2e --test e2e
//! MODULE` runs one.

mod account_keys;
mod admin_and_audit;
mod agencies;
mod area_groups;
mod case_journey;
mod conflict_resolution;
mod content_security_policy;
mod crash;
mod evaluation;
mod evaluation_phone;
mod expired_session;
mod first_screen;
mod identity_sharing;
mod lambda;
mod load;
mod logout_and_second_user;
mod logout_offline;
mod migrate;
mod officer_forms;
mod offline_pages;
mod recovery_key;
mod referrals;
mod settings_and_home;
mod shell_update;
mod walking_skeleton;
