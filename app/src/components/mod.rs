//! Pieces shared by the pages: the header (navigation, language, sync state, logout) and
//! the form fields.

pub mod fields;
pub mod header;
pub mod sync_status;
