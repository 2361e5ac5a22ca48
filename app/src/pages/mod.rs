//! The screens: logging in, unlocking the device's data, the home page, the activity
//! list, the activity form, the evaluation, the officers assigned to cases, the audit
//! trail, the accounts, the case screens, the referrals to member agencies and the settings.

pub mod activity_form;
pub mod activity_list;
pub mod admin;
pub mod assign;
pub mod audit;
pub mod cases;
pub mod home;
pub mod identity_access;
pub mod login;
pub mod on_demand;
pub mod referrals;
pub mod settings;
pub mod stats;
pub mod unlock;

pub use activity_form::ActivityForm;
pub use activity_list::ActivityList;
pub use admin::AdminPage;
pub use assign::AssignPage;
pub use audit::AuditPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use settings::SettingsPage;
pub use stats::{ReportPage, StatsPage};
pub use unlock::UnlockPage;
