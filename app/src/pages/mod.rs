//! The screens: logging in, the activity list, the activity form and the evaluation.

pub mod activity_form;
pub mod activity_list;
pub mod login;
pub mod stats;

pub use activity_form::ActivityForm;
pub use activity_list::ActivityList;
pub use login::LoginPage;
pub use stats::StatsPage;
