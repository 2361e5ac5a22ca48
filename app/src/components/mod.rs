//! Pieces shared by the pages: the header (navigation, language, sync state, logout) and
//! the form fields, and the form of any record kind described by a `KindSpec`.

pub mod fields;
pub mod header;
pub mod record_form;
pub mod sync_status;
