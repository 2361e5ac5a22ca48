//! Wire types of the worker's API other than sync: login, accounts, sessions, the error
//! shape.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a user may do (`docs/sync-protocol.md`, scope by role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Records cases and activities in the field.
    Officer,
    /// The daily chair and secretary: every record, exact figures.
    Supervisor,
    /// Steering officials: aggregates only, small cells suppressed.
    Viewer,
    /// Manages accounts; sees and writes everything.
    Admin,
    /// A member agency's liaison (penghubung instansi, issue #19): sees and answers only
    /// the referrals addressed to its agency (`UserInfo::agency`).
    Liaison,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Officer,
        Role::Supervisor,
        Role::Viewer,
        Role::Admin,
        Role::Liaison,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Supervisor => "supervisor",
            Role::Viewer => "viewer",
            Role::Admin => "admin",
            Role::Liaison => "liaison",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// Whether the role pulls and pushes records at all.
    pub fn syncs_records(self) -> bool {
        !matches!(self, Role::Viewer)
    }

    /// Whether the role opens the evaluation pages.
    pub fn sees_evaluation(self) -> bool {
        !matches!(self, Role::Officer | Role::Liaison)
    }

    /// Whether the role's account belongs to one agency, which it must name.
    pub fn needs_agency(self) -> bool {
        matches!(self, Role::Liaison)
    }

    /// Whether the role refers victims' services to agencies and cancels referrals.
    pub fn refers(self) -> bool {
        matches!(self, Role::Officer | Role::Supervisor | Role::Admin)
    }

    /// Whether the role sets the groups of kecamatan viewers compare.
    pub fn sets_area_groups(self) -> bool {
        matches!(self, Role::Supervisor)
    }

    /// Whether the role holds a key pair, to open the identities shared with it (issue
    /// #18): the roles that sync records. A viewer reads no identity.
    pub fn holds_keys(self) -> bool {
        self.syncs_records()
    }

    /// Whether the role wraps case keys for others, holds the task force's index key and
    /// writes identities: every role that holds keys but a liaison, who only reads the
    /// identities a referral shares with its agency (issue #19).
    pub fn wraps_keys(self) -> bool {
        self.holds_keys() && !matches!(self, Role::Liaison)
    }

    /// Whether the role makes the task force's recovery key (once).
    pub fn makes_recovery_key(self) -> bool {
        matches!(self, Role::Admin)
    }

    /// Whether the role's figures have small cells suppressed.
    pub fn suppressed_figures(self) -> bool {
        matches!(self, Role::Viewer)
    }
}

/// `POST /api/v1/login` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// The account's username.
    pub username: String,
    /// The password, only ever sent over this request.
    pub password: String,
    /// The device's id (a UUID it made itself).
    pub device_id: Uuid,
}

/// Who is logged in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInfo {
    /// The user's id.
    pub id: Uuid,
    /// The login name.
    pub username: String,
    /// The display name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// The agency the user works for (an `AGENCIES` code); may be empty. Left out by
    /// workers older than this field, hence the default.
    #[serde(default)]
    pub agency: String,
}

/// `POST /api/v1/login` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// The bearer token for every other request.
    pub token: String,
    /// When the token stops working (RFC 3339).
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub expires_at: String,
    /// The user.
    pub user: UserInfo,
}

/// The body of every non-2xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// The error inside [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// A stable code: `bad_request`, `unauthorized`, `forbidden`, `mutation_gap`, ...
    pub code: String,
    /// A human sentence.
    pub message: String,
    /// With `mutation_gap`: the mutation id the server expects next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<u64>,
    /// With `weak_password`: why, as a [`crate::password::Weakness`] code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::password::Weakness::schema))]
    pub reason: Option<String>,
}

/// One account as an admin sees it (`GET /api/v1/users`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    /// The user's id.
    pub id: Uuid,
    /// The login name.
    pub username: String,
    /// The display name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// The agency the user works for; may be empty.
    #[serde(default)]
    pub agency: String,
    /// Whether the user may log in; an inactive user's sessions do not work.
    pub active: bool,
}

/// `GET /api/v1/users` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountList {
    /// Every account, by username.
    pub users: Vec<Account>,
}

/// `POST /api/v1/users` request. The role is a wire name, checked by the worker so that an
/// unknown one gets a clear message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAccount {
    /// The login name: 1 to 64 of `a-z 0-9 . _ -` (kept in lower case).
    pub username: String,
    /// The display name.
    pub name: String,
    /// `officer`, `supervisor`, `viewer` or `admin`.
    pub role: String,
    /// The agency; may be empty or left out.
    #[serde(default)]
    pub agency: String,
    /// The first password: at least 8 characters, and not easy to guess.
    pub password: String,
}

/// `POST /api/v1/users/{id}/password` request: an admin sets a new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPassword {
    /// The new password: at least 8 characters, and not easy to guess.
    pub password: String,
}

/// `POST /api/v1/account/password` request: users change their own password. The app
/// sends the account's key pair relocked under the new password with it (issue #18), so
/// any phone the user logs in on opens it with the new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePassword {
    /// The password the account has now.
    pub current_password: String,
    /// The new password: at least 8 characters, and not easy to guess.
    pub new_password: String,
    /// The account's key pair, the same public key, its private key locked under the new
    /// password. Required when the account has a live key pair, refused when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<crate::e2e::AccountKeys>,
}

/// One of the caller's live sessions (`GET /api/v1/sessions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// The session's opaque id (not the token, nor its hash).
    pub id: Uuid,
    /// The device that logged in.
    pub device_id: Uuid,
    /// When it logged in (RFC 3339).
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    /// When it was last used, to the minute (RFC 3339).
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub last_seen_at: String,
    /// When it stops working at the latest (RFC 3339); it stops earlier when idle 14 days.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub expires_at: String,
    /// Whether this is the session making the request.
    pub current: bool,
}

/// `GET /api/v1/sessions` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionList {
    /// The caller's live sessions, newest first.
    pub sessions: Vec<SessionInfo>,
}

/// One entry of the audit trail, as `GET /api/v1/audit` answers it. It names which fields
/// a change touched, never their values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Its place in the trail (higher is later).
    pub id: u64,
    /// When, in unix seconds (server time).
    pub at: i64,
    /// Who: `null` only for a failed login with a username no account has (the
    /// `detail` then holds the `username` tried).
    pub user_id: Option<Uuid>,
    /// Their login name (`null` with `user_id`).
    pub username: Option<String>,
    /// From which device, when a device was involved.
    pub device_id: Option<Uuid>,
    /// `mutation`, `identity_read`, `export`, `account` or `login`.
    pub action: String,
    /// The kind of the record concerned (`user` for an account change).
    pub record_kind: Option<String>,
    /// The record (or account) concerned.
    pub record_id: Option<Uuid>,
    /// What happened, without any identity or password: for a mutation
    /// `{"mutation_id", "op", "fields", "resolves", "status", "version", "device_at"}`.
    pub detail: serde_json::Value,
}

/// `GET /api/v1/audit` answer: the newest entries first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    /// The entries, newest first.
    pub entries: Vec<AuditEntry>,
    /// Whether older entries match too (ask again with `before` = the last id).
    pub more: bool,
}
