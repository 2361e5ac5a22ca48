//! The central store: one [`Store`] trait with a SQLite and a PostgreSQL implementation,
//! chosen from the database URL. This module tree is the only code that writes SQL.

mod audit;
mod postgres;
mod projection;
mod push;
mod rollup;
mod sql;
mod sqlite;

pub use audit::{AuditAction, AuditQuery, NewAuditEntry};
pub use push::{PushBatch, PushOutcome};

use crate::config::DatabaseUrl;
use model::api::{Account, Role, UserInfo};
use model::evaluation::{Area, AreaGroup, AreaGroups, Period, Tallies};
use model::stats::ActivityCounts;
use model::sync::{Conflict, RecordState};
use model::RecordKind;
use std::sync::Arc;
use time::Date;
use uuid::Uuid;

/// What can go wrong in the store. Never shown to a client.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database answered with an error, or could not be reached.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// A migration failed at start-up.
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The schema is behind the worker's migrations and this connection's role may not
    /// bring it up to date (the worker's least-privilege role).
    #[error(
        "the database's schema is behind this worker (migration {applied} of {wanted}) and its role may not migrate it: run `gugus-worker migrate` as the schema's owner, then grant the worker's role again (worker/sql/postgres-worker-role.sql)"
    )]
    Behind {
        /// The newest migration applied.
        applied: i64,
        /// The newest this worker has.
        wanted: i64,
        /// Why the migration failed.
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// The SQLite file could not be made readable by its owner only.
    #[error("cannot make the database file {path} private (mode 0600)")]
    Private {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The SQLite file's folder could not be created.
    #[error("cannot create the database folder {path}")]
    Folder {
        /// The folder.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A username that is already taken.
    #[error("the username {0:?} is already taken")]
    UsernameTaken(String),
    /// A stored value that does not make sense (a corrupt row).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// A validated record that its kind's typed view does not read, so a view and its
    /// spec disagree: the write fails rather than its figures going missing.
    #[error("the {kind} record {id} does not read as its view: {field} ({problem:?})")]
    Unreadable {
        /// The record's kind.
        kind: &'static str,
        /// The record.
        id: Uuid,
        /// The field the view could not read.
        field: String,
        /// Why.
        problem: model::Problem,
    },
}

impl StoreError {
    /// A record that does not read as its kind's view.
    pub(crate) fn unreadable(kind: RecordKind, id: Uuid, error: model::FieldError) -> StoreError {
        StoreError::Unreadable {
            kind: kind.as_str(),
            id,
            field: error.field,
            problem: error.problem,
        }
    }
}

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

/// Which records a pull returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullScope {
    /// Every record.
    All,
    /// Every record outside a case (activities), the records of the cases this user
    /// created or is assigned to, and, once each, the records that left its scope (as
    /// deleted with no fields).
    OwnCases(Uuid),
}

/// One pull page request.
#[derive(Debug, Clone)]
pub struct PullQuery {
    /// The caller.
    pub user_id: Uuid,
    /// The caller's device (for its last mutation id).
    pub device_id: Uuid,
    /// The records in the caller's scope.
    pub scope: PullScope,
    /// Records with a version above this.
    pub after: u64,
    /// Scope exits with a version above this and `after` (a device whose first sync began
    /// at a version never held what left its scope before: see `model::sync::Cursor`).
    pub exits_after: u64,
    /// At most this many records.
    pub limit: u32,
}

/// One pull page.
#[derive(Debug, Clone)]
pub struct PullPage {
    /// The records, in version order.
    pub records: Vec<RecordState>,
    /// Whether more records wait above the last one.
    pub more: bool,
    /// The last mutation id taken from the caller's device.
    pub last_mutation_id: u64,
    /// The highest version assigned so far: no valid cursor is above it.
    pub latest_version: u64,
}

/// One entry of the conflict log: a device's value that lost to the server's.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedConflict {
    /// The field.
    pub field: String,
    /// The value the server kept.
    pub server: serde_json::Value,
    /// The device's value.
    pub device: serde_json::Value,
    /// The device that sent it.
    pub device_id: Uuid,
    /// The mutation that carried it.
    pub mutation_id: u64,
    /// The user who pushed it.
    pub user_id: Uuid,
    /// The device's clock at the change.
    pub at: String,
    /// The record's version when a resolving mutation settled it; `None` while open.
    pub resolved_version: Option<u64>,
    /// Who settled it.
    pub resolved_by: Option<Uuid>,
}

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
    /// Sets an account's password hash and revokes all its sessions, in one transaction.
    /// `false` when there is no such account.
    async fn set_password(
        &self,
        user_id: Uuid,
        password_hash: &str,
        now: i64,
    ) -> Result<bool, StoreError>;
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

/// Opens the store the URL names, creating a SQLite file (and its folder) when missing,
/// and runs the migrations.
pub async fn connect(url: &DatabaseUrl) -> Result<Arc<dyn Store>, StoreError> {
    Ok(match url {
        DatabaseUrl::Sqlite(url) => Arc::new(sqlite::SqliteStore::connect(url).await?),
        DatabaseUrl::Postgres(url) => Arc::new(postgres::PostgresStore::connect(url).await?),
    })
}

/// A version or id as the database stores it (signed 64 bits).
/// The ids of the pulled records that have an open conflict.
fn in_conflict(records: &[RecordState]) -> Vec<Uuid> {
    records
        .iter()
        .filter(|r| r.conflict)
        .map(|r| r.id)
        .collect()
}

/// Lays the open conflict-log entries (oldest first) on the pulled records they belong
/// to (`docs/api.md`, "Conflicts").
fn attach_conflicts(records: &mut [RecordState], open: Vec<(Uuid, Conflict)>) {
    for (id, conflict) in open {
        if let Some(record) = records.iter_mut().find(|r| r.id == id && r.conflict) {
            record.conflicts.push(conflict);
        }
    }
}

fn to_db(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value} is out of range")))
}

/// A version or id read from the database.
fn from_db(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative value {value}")))
}

/// The oldest `last_seen_at` of a session that still works at `now`.
fn idle_cutoff(now: i64) -> i64 {
    now - crate::auth::IDLE_LIMIT.whole_seconds()
}

/// An account, from its user and the columns only admins see.
fn account(user: UserInfo, active: bool) -> Account {
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
fn role_from_db(name: &str) -> Result<Role, StoreError> {
    Role::parse(name).ok_or_else(|| StoreError::Corrupt(format!("unknown role {name:?}")))
}

/// One kecamatan's counts from an aggregate row.
fn counts_from_row(
    (kecamatan, activities, female, male, children): (String, i64, i64, i64, i64),
) -> Result<(String, ActivityCounts), StoreError> {
    Ok((
        kecamatan,
        ActivityCounts {
            activities: from_db(activities)?,
            female: from_db(female)?,
            male: from_db(male)?,
            children: from_db(children)?,
        },
    ))
}

/// The body of `Store::take_login_attempt` inside a backend's open transaction `$tx` (the
/// backend has taken its lock): forgets failures before `$since`, refuses (rolling back)
/// when a key has its limit, else counts the attempt for every key and commits.
macro_rules! take_login_attempt {
    ($tx:ident, $keys:expr, $at:expr, $since:expr) => {{
        let mut refused = false;
        for (key, limit) in $keys {
            sqlx::query(sql::FORGET_OLD_LOGIN_FAILURES)
                .bind(key)
                .bind($since)
                .execute(&mut *$tx)
                .await?;
            let (count,): (i64,) = sqlx::query_as(sql::COUNT_LOGIN_FAILURES)
                .bind(key)
                .bind($since)
                .fetch_one(&mut *$tx)
                .await?;
            if from_db(count)? >= *limit {
                refused = true;
                break;
            }
        }
        if refused {
            Ok(false) // rolled back on drop
        } else {
            for (key, _) in $keys {
                sqlx::query(sql::ADD_LOGIN_FAILURE)
                    .bind(key)
                    .bind($at)
                    .execute(&mut *$tx)
                    .await?;
            }
            $tx.commit().await?;
            Ok(true)
        }
    }};
}
pub(crate) use take_login_attempt;

/// Fills the rollups from the fact tables on a connection of either backend holding the
/// write lock, unless done before (recorded in `fact_backfills`); answers whether it did.
macro_rules! rebuild_rollups {
    ($rollups:expr, $db:ident) => {{
        let name = $crate::store::rollup::REBUILD_NAME;
        let done: Option<(i64,)> =
            sqlx::query_as("SELECT done_at FROM fact_backfills WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *$db)
                .await?;
        if done.is_none() {
            for rollup in $rollups.all() {
                for statement in rollup.rebuild() {
                    sqlx::query(&statement).execute(&mut *$db).await?;
                }
            }
            sqlx::query("INSERT INTO fact_backfills (name, done_at) VALUES ($1, $2)")
                .bind(name)
                .bind(crate::clock::now_unix())
                .execute(&mut *$db)
                .await?;
        }
        done.is_none()
    }};
}
pub(crate) use rebuild_rollups;

/// Reads the evaluation's tallies of a period on one connection (in a transaction, so
/// every query sees the same writes): the whole months from the rollups, the days of a
/// month only partly in the period from the facts, with the same queries on both
/// backends, whose connection types differ. The days to delivery are read for `$area`
/// alone; waiting services are counted as of `$today`.
macro_rules! read_tallies {
    ($dialect:expr, $rollups:expr, $period:expr, $area:expr, $today:expr, $db:ident) => {{
        use ::model::activity::format_date;
        use ::model::evaluation::period::{first_of_month, month_of};
        use $crate::store::rollup;
        let (dialect, r, period, area, today) = (&$dialect, $rollups, $period, $area, $today);
        let regency = *area == ::model::evaluation::Area::Regency;
        let due = time::Duration::days(::model::evaluation::DUE_WITHIN_DAYS as i64);
        let split = ::model::evaluation::period::split(period.from, period.to);
        let mut rows = $crate::store::TallyRows {
            days_area: area.code(),
            ..Default::default()
        };
        // Each span: whole months (from the rollups) or days (from the facts), with its
        // first and last day.
        let mut spans: Vec<(bool, ::time::Date, ::time::Date)> = Vec::new();
        if let Some((first, last)) = split.months {
            spans.push((true, first, last));
        }
        for (from, to) in split.days {
            spans.push((false, from, to));
        }
        for &(months, first, last) in &spans {
            let (from, to) = match months {
                true => (month_of(first), month_of(last)),
                false => (format_date(first), format_date(last)),
            };
            let sql = |rollup: &rollup::Rollup| match months {
                true => rollup.rows_in_months(),
                false => rollup.rows_in_days(),
            };
            macro_rules! rows {
                ($sql:expr) => {
                    sqlx::query_as(&$sql)
                        .bind(&from)
                        .bind(&to)
                        .fetch_all(&mut *$db)
                        .await?
                };
            }
            rows.cases.extend::<Vec<_>>(rows!(sql(&r.cases)));
            rows.victims.extend::<Vec<_>>(rows!(sql(&r.victims)));
            rows.served.extend::<Vec<_>>(rows!(sql(&r.served)));
            rows.legal.extend::<Vec<_>>(rows!(sql(&r.legal)));
            rows.activities.extend::<Vec<_>>(rows!(sql(&r.activities)));
            rows.reached.extend::<Vec<_>>(rows!(sql(&r.reach)));
            let counts: Vec<rollup::ServiceCounts> =
                rows!(dialect.service_counts(&sql(&r.services)));
            // The days waiting services were requested: every day of a span of days; of
            // whole months, only the month in which today's cutoff falls.
            let pending: Vec<rollup::PendingDay> = match months {
                false => rows!(r.pending.rows_in_days()),
                true if (first..=last).contains(&(today - due)) => {
                    sqlx::query_as(&r.pending_in_month())
                        .bind(month_of(today - due))
                        .fetch_all(&mut *$db)
                        .await?
                }
                true => Vec::new(),
            };
            let span_end = (!months).then_some(last);
            let pending = rollup::by_row(pending);
            for row in counts {
                let key = (row.0.clone(), row.1.clone(), row.2.clone());
                let days = pending.get(&key).map_or(&[][..], Vec::as_slice);
                let waiting = rollup::waiting_before(&row, days, span_end, today)?;
                rows.services.push((row, waiting));
            }
            let days = match months {
                true => r.days_in_months(regency),
                false => r.days_in_days(regency),
            };
            // The regency's in one query; a kecamatan's or a group's, kecamatan by
            // kecamatan (a group's days are the union of its kecamatan's).
            let codes = area
                .kecamatan()
                .unwrap_or_else(|| vec![::model::regions::REGENCY_CODE]);
            for code in codes {
                rows.days.extend::<Vec<_>>(
                    sqlx::query_as(&days)
                        .bind(&from)
                        .bind(&to)
                        .bind(code)
                        .fetch_all(&mut *$db)
                        .await?,
                );
            }
        }
        rows.reached_before = sqlx::query_as(&r.reached_before_months())
            .bind(month_of(period.from))
            .fetch_all(&mut *$db)
            .await?;
        let month_start = first_of_month(period.from);
        if month_start < period.from {
            rows.reached_before.extend::<Vec<_>>(
                sqlx::query_as(&r.reached_before_days())
                    .bind(format_date(month_start))
                    .bind(period.from_text())
                    .fetch_all(&mut *$db)
                    .await?,
            );
        }
        rows.tallies()
    }};
}
pub(crate) use read_tallies;

/// A case tally row: month, kecamatan, dimension (`form` for a form of exploitation),
/// code, how many.
pub(super) type CaseRow = (String, String, String, String, i64);

/// A legal tally row: month, kecamatan, furthest stage (-1: none), restitution (0 or 1),
/// how many cases, rupiah.
pub(super) type LegalRow = (String, String, i64, i64, i64, i64);

/// An activity tally row: month, kecamatan, type, how many, and the four participant sums.
pub(super) type ActivityRow = (String, String, String, i64, i64, i64, i64, i64);

/// The rows of the evaluation's queries, as both backends decode them.
#[derive(Default)]
pub(super) struct TallyRows {
    pub cases: Vec<CaseRow>,
    /// Month, kecamatan, sex, child (0 or 1), how many.
    pub victims: Vec<(String, String, String, i64, i64)>,
    /// With the days from which they wait too long, and how many then.
    pub services: Vec<(rollup::ServiceCounts, Vec<(String, u64)>)>,
    /// The area of `days`.
    pub days_area: String,
    /// Month, type, days to delivery, how many.
    pub days: Vec<(String, String, i64, i64)>,
    /// Month, kecamatan, how many.
    pub served: Vec<(String, String, i64)>,
    pub legal: Vec<LegalRow>,
    pub activities: Vec<ActivityRow>,
    /// Month, desa, how many activities.
    pub reached: Vec<(String, String, i64)>,
    pub reached_before: Vec<(String,)>,
}

impl TallyRows {
    /// The tallies these rows hold.
    pub(super) fn tallies(self) -> Result<Tallies, StoreError> {
        use model::evaluation::{
            ActivityTally, CaseDimension, CaseTally, DaysTally, ExploitationTally, LegalTally,
            ServedTally, ServiceTally, VictimTally,
        };
        let rank =
            |r: i64| u8::try_from(r).map_err(|_| StoreError::Corrupt(format!("stage rank {r}")));
        let mut tallies = Tallies::default();
        for (month, kecamatan, dimension, code, n) in self.cases {
            let n = from_db(n)?;
            if dimension == "form" {
                tallies.exploitation.push(ExploitationTally {
                    kecamatan,
                    month,
                    form: code,
                    n,
                });
                continue;
            }
            let dimension = CaseDimension::parse(&dimension)
                .ok_or_else(|| StoreError::Corrupt(format!("case dimension {dimension}")))?;
            tallies.cases.push(CaseTally {
                kecamatan,
                month,
                dimension,
                code,
                n,
            });
        }
        for (month, kecamatan, sex, child, n) in self.victims {
            tallies.victims.push(VictimTally {
                kecamatan,
                month,
                sex,
                child: child != 0,
                n: from_db(n)?,
            });
        }
        for ((kecamatan, month, service_type, requested, delivered, late, pending, _), waiting) in
            self.services
        {
            tallies.services.push(ServiceTally {
                kecamatan,
                month,
                service_type,
                requested: from_db(requested)?,
                delivered: from_db(delivered)?,
                late: from_db(late)?,
                pending: from_db(pending)?,
                waiting_before: waiting,
            });
        }
        tallies.days_area = self.days_area;
        for (month, service_type, days, n) in self.days {
            tallies.days.push(DaysTally {
                month,
                service_type,
                days: from_db(days)?,
                n: from_db(n)?,
            });
        }
        for (month, kecamatan, n) in self.served {
            tallies.served.push(ServedTally {
                kecamatan,
                month,
                n: from_db(n)?,
            });
        }
        for (month, kecamatan, furthest, restitution, n, rupiah) in self.legal {
            tallies.legal.push(LegalTally {
                kecamatan,
                month,
                furthest: (furthest >= 0).then(|| rank(furthest)).transpose()?,
                restitution: restitution != 0,
                n: from_db(n)?,
                rupiah: from_db(rupiah)?,
            });
        }
        for (month, kecamatan, activity_type, n, fa, ma, fc, mc) in self.activities {
            tallies.activities.push(ActivityTally {
                kecamatan,
                month,
                activity_type,
                n: from_db(n)?,
                participants: [from_db(fa)?, from_db(ma)?, from_db(fc)?, from_db(mc)?],
            });
        }
        tallies.reached = self
            .reached
            .into_iter()
            .map(|(month, desa, _)| (desa, month))
            .collect();
        let mut before: Vec<String> = self.reached_before.into_iter().map(|(d,)| d).collect();
        before.sort_unstable();
        before.dedup();
        tallies.reached_before = before;
        Ok(tallies)
    }
}
