//! The screens: logging in, unlocking the device's data, the activity list, the activity
//! form, the evaluation, the officers assigned to cases, the audit trail, the accounts, and
//! the case screens.

pub mod activity_form;
pub mod activity_list;
pub mod admin;
pub mod assign;
pub mod audit;
pub mod cases;
pub mod login;
pub mod stats;
pub mod unlock;

pub use activity_form::ActivityForm;
pub use activity_list::ActivityList;
pub use admin::AdminPage;
pub use assign::AssignPage;
pub use audit::AuditPage;
pub use login::LoginPage;
pub use stats::StatsPage;
pub use unlock::UnlockPage;
