//! Pieces shared by the pages: the header (navigation, language, sync state, logout), a
//! record's badges and what the server said of it, a list's rows keyed on record ids, the
//! form fields, and the form of any record kind described by a `KindSpec`.

pub mod badges;
pub mod fields;
pub mod header;
pub mod notices;
pub mod record_form;
pub mod rows;
pub mod sync_status;

pub use badges::{badges_of, line_badges, Badges};
pub use rows::{Line, Marks, Rows};
