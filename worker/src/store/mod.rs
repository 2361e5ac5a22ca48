//! The central store: one [`Store`] trait with a SQLite and a PostgreSQL implementation,
//! chosen from the database URL. This module tree is the only code that writes SQL.

mod accounts;
mod audit;
mod backend;
mod db;
mod error;
mod postgres;
mod projection;
mod pull;
mod push;
mod rollup;
mod rows;
mod sql;
mod sql_store;
mod sqlite;
mod startup;
mod tallies;
mod write_tx;

pub use accounts::{
    IndexKeyRow, LiveSession, NewSession, NewUser, SessionRow, StoredKeys, UserCredentials,
};
pub use audit::{AuditAction, AuditQuery, NewAuditEntry};
pub use error::StoreError;
pub use postgres::PgPoolSize;
pub use pull::{LoggedConflict, PullPage, PullQuery, PullScope};
pub use push::{PushBatch, PushOutcome};

use crate::config::DatabaseUrl;
use model::api::{Account, UserInfo};
use model::evaluation::{Area, AreaGroup, AreaGroups, Period, Tallies};
use model::stats::ActivityCounts;
use std::sync::Arc;
use time::Date;
use uuid::Uuid;

/// The central store.
#[async_trait::async_trait]
pub trait Store: Send + Sync {
    /// Adds an account; [`StoreError::UsernameTaken`] when the name is in use.
    async fn add_user(&self, user: &NewUser) -> Result<(), StoreError>;
    /// The account with this username, with its password hash.
    async fn user_credentials(&self, username: &str)
        -> Result<Option<UserCredentials>, StoreError>;
    /// Stores a new session.
    async fn create_session(&self, session: &NewSession) -> Result<(), StoreError>;
    /// The user of a session that works at `now` (as [`Store::live_session`]): neither
    /// revoked, expired nor idle, and its user active.
    async fn session_user(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<UserInfo>, StoreError>;
    /// Revokes a session.
    async fn revoke_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError>;
    /// The user of a session that works at `now`: neither revoked nor expired, used within
    /// [`crate::auth::IDLE_LIMIT`], and its user active.
    async fn live_session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<LiveSession>, StoreError>;
    /// Marks a session as used at `at`.
    async fn touch_session(&self, token_hash: &str, at: i64) -> Result<(), StoreError>;
    /// Every account, by username.
    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError>;
    /// Activates or deactivates an account; deactivating also revokes all its sessions, in
    /// the same transaction. `false` when there is no such account.
    async fn set_user_active(
        &self,
        user_id: Uuid,
        active: bool,
        now: i64,
    ) -> Result<bool, StoreError>;
    /// Sets an account's password hash, revokes all its sessions and marks its key pair
    /// stale (its private key is locked under the old password), in one transaction.
    /// `false` when there is no such account.
    async fn set_password(
        &self,
        user_id: Uuid,
        password_hash: &str,
        now: i64,
    ) -> Result<bool, StoreError>;
    /// Replaces an account's password hash `old_hash` by `new_hash`, the same password at
    /// other hashing settings; sessions and keys are untouched. `false` when the account's
    /// hash is no longer `old_hash` (its password changed meanwhile): nothing is written.
    async fn rehash_password(
        &self,
        user_id: Uuid,
        old_hash: &str,
        new_hash: &str,
    ) -> Result<bool, StoreError>;
    /// A user's own password change, in one transaction: sets the hash; relocks the
    /// account's live key pair when `keys` is given (it must have the live pair's public
    /// key); ends every other session of the account (`keep` is the hash of the session's
    /// own token); appends `audit`. `false` (nothing written) when `keys` is not the
    /// account's live pair.
    async fn change_own_password(
        &self,
        user_id: Uuid,
        password_hash: &str,
        keys: Option<&model::e2e::AccountKeys>,
        keep: &str,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;
    /// An account's key pair (issue #18), if it has one.
    async fn account_keys(&self, user_id: Uuid) -> Result<Option<StoredKeys>, StoreError>;
    /// Sets an account's key pair and appends `audit`, in one transaction: its first
    /// pair, the same pair relocked under a new password, or a new pair replacing a stale
    /// one. `false` (nothing written) when the account has live keys of another pair.
    async fn set_account_keys(
        &self,
        user_id: Uuid,
        keys: &model::e2e::AccountKeys,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;
    /// The task force's recovery key's public half, once an admin has made it.
    async fn recovery_key(&self) -> Result<Option<Vec<u8>>, StoreError>;
    /// Sets the recovery key's public half and appends `audit`, in one transaction;
    /// `false` (nothing written) when there is one already: it is made once.
    async fn set_recovery_key(
        &self,
        public: &[u8],
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;
    /// The public keys of those of `ids` that are active accounts with live keys.
    async fn public_keys(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, Vec<u8>)>, StoreError>;
    /// The public keys of every active supervisor with live keys: the readers every case
    /// key is wrapped for (issue #18).
    /// Every active liaison of an agency with live keys: the readers a referral that
    /// shares a victim's identity wraps the case's key for (issue #19).
    async fn liaison_public_keys(&self, agency: &str) -> Result<Vec<(Uuid, Vec<u8>)>, StoreError>;
    async fn supervisor_public_keys(&self) -> Result<Vec<(Uuid, Vec<u8>)>, StoreError>;
    /// The public keys of every active account of a role that holds keys (officers,
    /// supervisors, admins) with live keys.
    async fn holder_public_keys(&self) -> Result<Vec<(Uuid, Vec<u8>)>, StoreError>;
    /// The wrappings of the task force's index key: per account, the key's id, the
    /// wrapping's fields (JSON text) and the fingerprint of the public key it is for; and
    /// the recovery key's (migration 0016), first, with the nil account.
    async fn index_keys(&self) -> Result<Vec<IndexKeyRow>, StoreError>;
    /// Stores wrappings of the index key `key_id` (an account's older one replaced; the
    /// recovery key's, with the nil account, kept once made) and `audit`, in one
    /// transaction; `false` (nothing written) when the store holds wrappings of another
    /// key.
    async fn set_index_keys(
        &self,
        key_id: Uuid,
        rows: &[IndexKeyRow],
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;
    /// The cases whose victim's identity has NIK index `index`.
    async fn nik_cases(&self, index: &str) -> Result<Vec<Uuid>, StoreError>;
    /// The cases an officer may see (created or assigned).
    async fn officer_cases(&self, user: Uuid) -> Result<Vec<Uuid>, StoreError>;
    /// A user's sessions that work at `now` (as [`Store::live_session`]), newest first.
    async fn user_sessions(&self, user_id: Uuid, now: i64) -> Result<Vec<SessionRow>, StoreError>;
    /// Revokes one of a user's sessions by its id; `false` when the user has no such
    /// session open.
    async fn end_session(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        now: i64,
    ) -> Result<bool, StoreError>;
    /// Takes a login attempt for every key at once, atomically (under a lock that every
    /// worker process on the store shares): when a key already has its limit of failures
    /// since `since`, takes none and answers `false`; otherwise counts the attempt as a
    /// failure of each key at `at` (until [`Store::forgive_login_attempt`] undoes it for a
    /// login that succeeds) and answers `true`. Failures before `since` are forgotten.
    async fn take_login_attempt(
        &self,
        keys: &[(String, u64)],
        at: i64,
        since: i64,
    ) -> Result<bool, StoreError>;
    /// Undoes one attempt of `key` taken at `at` (the login succeeded).
    async fn forgive_login_attempt(&self, key: &str, at: i64) -> Result<(), StoreError>;
    /// Forgets the login failures of `key` (after a successful login).
    async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError>;
    /// Applies a push in one transaction (`docs/sync-protocol.md`, push rules).
    async fn push(&self, batch: &PushBatch) -> Result<PushOutcome, StoreError>;
    /// One page of records above a version.
    async fn pull(&self, query: &PullQuery) -> Result<PullPage, StoreError>;
    /// The highest version assigned so far.
    async fn current_version(&self) -> Result<u64, StoreError>;
    /// Activities and participants per kecamatan code, `from` to `to` inclusive.
    async fn activity_counts(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<(String, ActivityCounts)>, StoreError>;
    /// Everything the evaluation of `period` adds up, over the whole regency, by
    /// kecamatan and month, with the days to delivery of `area` alone; services waiting
    /// are counted as of `today`.
    async fn tallies(
        &self,
        period: Period,
        area: &Area,
        today: Date,
    ) -> Result<Tallies, StoreError>;
    /// Every list of groups of kecamatan a supervisor set, oldest first (the last is
    /// current).
    async fn area_groups(&self) -> Result<AreaGroups, StoreError>;
    /// Sets a new list of groups of kecamatan (the earlier ones are kept), and appends
    /// `audit` in the same transaction.
    async fn set_area_groups(
        &self,
        groups: &[AreaGroup],
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError>;
    /// The referrals made from `from` to `to` inclusive, with their steps (issue #19).
    async fn referral_facts(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<model::referral::figures::ReferralFacts>, StoreError>;
    /// Every agency of the deployment, in its order (issue #19).
    async fn agencies(&self) -> Result<model::agency::AgencyList, StoreError>;
    /// Adds an agency at the end of the list, and appends `audit` in the same
    /// transaction; [`StoreError::AgencyTaken`] when its code is on the list.
    async fn add_agency(
        &self,
        agency: &model::agency::Agency,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError>;
    /// Changes an agency's names, kind and flag, and appends `audit` in the same
    /// transaction; `false` (nothing written) when no agency has its code.
    async fn update_agency(
        &self,
        agency: &model::agency::Agency,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;
    /// Refreshes the query planner's statistics (`ANALYZE`), after a bulk load.
    async fn refresh_statistics(&self) -> Result<(), StoreError>;
    /// The conflict log of one record, oldest first.
    async fn conflict_log(&self, record_id: Uuid) -> Result<Vec<LoggedConflict>, StoreError>;
    /// Whether the store holds any record of this kind (deleted ones included).
    async fn has_records(&self, kind: &str) -> Result<bool, StoreError>;
    /// Appends entries to the audit trail, in one statement.
    async fn append_audit(&self, entries: &[NewAuditEntry]) -> Result<(), StoreError>;
    /// Audit entries, newest first: at most `limit + 1`, so the caller can tell if more
    /// match.
    async fn audit_log(
        &self,
        query: &AuditQuery,
    ) -> Result<Vec<model::api::AuditEntry>, StoreError>;
}

/// What opening a store does to its schema (issue #20).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Startup {
    /// Brings the schema up to date and fills what the migrations add (the fact tables,
    /// the rollups, the agency list), once, under the writers' lock: `gugus-worker
    /// migrate`, the operator's commands, and `serve` when it is the only instance.
    Migrate,
    /// Changes nothing: the schema must already be up to date and filled, or opening
    /// fails with [`StoreError::NotMigrated`]. One of several instances on one
    /// PostgreSQL, and a function's cold start, open the store this way.
    Check,
}

/// Opens the store the URL names, creating a SQLite file (and its folder) when missing,
/// and runs the migrations.
pub async fn connect(url: &DatabaseUrl) -> Result<Arc<dyn Store>, StoreError> {
    open(url, Startup::Migrate).await
}

/// Opens a PostgreSQL store (`url` is `postgres://...`) with a pool of `size`: a function
/// instance's small pool (`worker/lambda`), where `open` keeps the worker binary's.
pub async fn open_postgres(
    url: &str,
    startup: Startup,
    size: PgPoolSize,
) -> Result<Arc<dyn Store>, StoreError> {
    Ok(Arc::new(
        postgres::PostgresStore::connect_sized(url, startup, size).await?,
    ))
}

/// Opens the store the URL names, migrating it or only checking that it is migrated.
pub async fn open(url: &DatabaseUrl, startup: Startup) -> Result<Arc<dyn Store>, StoreError> {
    Ok(match url {
        DatabaseUrl::Sqlite(url) => Arc::new(sqlite::SqliteStore::connect(url, startup).await?),
        DatabaseUrl::Postgres(url) => {
            Arc::new(postgres::PostgresStore::connect(url, startup).await?)
        }
    })
}
