//! Wire types of the worker's API other than sync: login, the error shape.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a user may do (`sync-protocol.md`, scope by role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
}

impl Role {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Supervisor => "supervisor",
            Role::Viewer => "viewer",
            Role::Admin => "admin",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Role> {
        [Role::Officer, Role::Supervisor, Role::Viewer, Role::Admin]
            .into_iter()
            .find(|role| role.as_str() == name)
    }

    /// Whether the role pulls and pushes records at all.
    pub fn syncs_records(self) -> bool {
        !matches!(self, Role::Viewer)
    }

    /// Whether the role opens the evaluation pages.
    pub fn sees_evaluation(self) -> bool {
        !matches!(self, Role::Officer)
    }

    /// Whether the role's figures have small cells suppressed.
    pub fn suppressed_figures(self) -> bool {
        matches!(self, Role::Viewer)
    }
}

/// `POST /api/v1/login` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct UserInfo {
    /// The user's id.
    pub id: Uuid,
    /// The login name.
    pub username: String,
    /// The display name.
    pub name: String,
    /// The role.
    pub role: Role,
}

/// `POST /api/v1/login` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    /// The bearer token for every other request.
    pub token: String,
    /// When the token stops working (RFC 3339).
    pub expires_at: String,
    /// The user.
    pub user: UserInfo,
}

/// The body of every non-2xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// The error inside [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// A stable code: `bad_request`, `unauthorized`, `forbidden`, `mutation_gap`, ...
    pub code: String,
    /// A human sentence.
    pub message: String,
    /// With `mutation_gap`: the mutation id the server expects next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<u64>,
}
