//! The audit trail (`audit_log`, migration 0005): append-only, in the same store as the
//! records. Pushes append their applied mutations inside their own transaction; the routes
//! append identity reads, exports and account changes through [`super::Store::append_audit`].

use serde_json::Value;
use uuid::Uuid;

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// A mutation a push applied (in full, or with conflicts).
    Mutation,
    /// A victim's identity sent to a device.
    IdentityRead,
    /// An export of figures or records.
    Export,
    /// An account or session change.
    Account,
    /// A login attempt on an account that exists, succeeded or not.
    Login,
    /// A setting a supervisor changed (the groups of kecamatan).
    Setting,
    /// Identities the store held in plain text, sealed by a supervisor's device and their
    /// plain text removed (issue #18's migration).
    IdentityMigrated,
}

impl AuditAction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Mutation => "mutation",
            AuditAction::IdentityRead => "identity_read",
            AuditAction::Export => "export",
            AuditAction::Account => "account",
            AuditAction::Login => "login",
            AuditAction::Setting => "setting",
            AuditAction::IdentityMigrated => "identity_migrated",
        }
    }
}

/// An entry to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    /// When (unix seconds).
    pub at: i64,
    /// Who: `None` only for a failed login with a username no account has.
    pub user_id: Option<Uuid>,
    /// From which device, if any.
    pub device_id: Option<Uuid>,
    /// What.
    pub action: AuditAction,
    /// The record's kind (`user` for an account).
    pub record_kind: Option<String>,
    /// The record or account.
    pub record_id: Option<Uuid>,
    /// The particulars: never an identity value, a password or a token.
    pub detail: Value,
}

/// Which entries to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only this user's.
    pub user_id: Option<Uuid>,
    /// Only about this record.
    pub record_id: Option<Uuid>,
    /// At or after (unix seconds).
    pub from: Option<i64>,
    /// Before (unix seconds).
    pub to: Option<i64>,
    /// Only entries older than this id (the next page).
    pub before: Option<u64>,
    /// At most this many.
    pub limit: u32,
}
