//! Accounts, sessions and login attempts as the store keeps them.

use super::db::{query, Db};
use super::error::{from_db, StoreError};
use super::sql;
use model::api::{Account, Role, UserInfo};
use uuid::Uuid;

/// A new account, its password already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The account's id.
    pub id: Uuid,
    /// The login name (normalised).
    pub username: String,
    /// The display name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// The agency the user works for; may be empty.
    pub agency: String,
}

/// One account's wrapping of the task force's index key (issue #18), as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexKeyRow {
    /// The account; nil for the wrapping for the task force's recovery key.
    pub user_id: Uuid,
    /// The wrapping's fields (`model::e2e::WrappedKey::to_fields`), JSON text.
    pub wrapping: String,
    /// The fingerprint of the account's public key it was wrapped for.
    pub reader_key: Option<String>,
}

/// An account's key pair for end-to-end identity encryption, as stored (issue #18).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKeys {
    /// The public key and the password-locked private key, as the phone made them.
    pub keys: model::e2e::AccountKeys,
    /// An admin reset the account's password since: the private key cannot be unlocked
    /// any more, and the next key pair the account sends replaces it.
    pub stale: bool,
}

/// An account with its password hash, for login.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    /// Who.
    pub user: UserInfo,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// Whether the account may log in.
    pub active: bool,
}

/// A new session: only the token's SHA-256 hash is stored.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The SHA-256 hash of the token, hex.
    pub token_hash: String,
    /// Whose session.
    pub user_id: Uuid,
    /// The device that logged in.
    pub device_id: Uuid,
    /// When it was made (unix seconds).
    pub created_at: i64,
    /// When it stops working (unix seconds).
    pub expires_at: i64,
}

/// A live session's user, and when the session was last used (`docs/api.md`, "Accounts
/// and sessions").
#[derive(Debug, Clone)]
pub struct LiveSession {
    /// Whose session.
    pub user: UserInfo,
    /// When the session was last marked as used (unix seconds).
    pub last_seen_at: i64,
}

/// One live session of a user, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// The opaque id the user sees (a random UUID, not the token hash).
    pub id: Uuid,
    /// The SHA-256 hash of the token, to tell the caller's own session apart.
    pub token_hash: String,
    /// The device that logged in.
    pub device_id: Uuid,
    /// When it was made (unix seconds).
    pub created_at: i64,
    /// When it was last marked as used (unix seconds).
    pub last_seen_at: i64,
    /// When it stops working at the latest (unix seconds).
    pub expires_at: i64,
}

/// The oldest `last_seen_at` of a session that still works at `now`.
pub(super) fn idle_cutoff(now: i64) -> i64 {
    now - crate::auth::IDLE_LIMIT.whole_seconds()
}

/// An account, from its user and the columns only admins see.
pub(super) fn account(user: UserInfo, active: bool) -> Account {
    Account {
        id: user.id,
        username: user.username,
        name: user.name,
        role: user.role,
        agency: user.agency,
        active,
    }
}

/// A role read from the database.
pub(super) fn role_from_db(name: &str) -> Result<Role, StoreError> {
    Role::parse(name).ok_or_else(|| StoreError::Corrupt(format!("unknown role {name:?}")))
}

/// The body of `Store::take_login_attempt` inside a backend's open transaction (the
/// backend has taken its lock): forgets failures before `since`, refuses when a key has
/// its limit, else counts the attempt for every key. Answers whether the attempt is
/// taken: the caller commits then, and rolls back otherwise.
pub(super) async fn take_login_attempt<D: Db>(
    tx: &mut D,
    keys: &[(String, u64)],
    at: i64,
    since: i64,
) -> Result<bool, StoreError> {
    for (key, limit) in keys {
        tx.execute(query(sql::FORGET_OLD_LOGIN_FAILURES).bind(key).bind(since))
            .await?;
        let (count,): (i64,) = tx
            .fetch_one(query(sql::COUNT_LOGIN_FAILURES).bind(key).bind(since))
            .await?;
        if from_db(count)? >= *limit {
            return Ok(false);
        }
    }
    for (key, _) in keys {
        tx.execute(query(sql::ADD_LOGIN_FAILURE).bind(key).bind(at))
            .await?;
    }
    Ok(true)
}
