//! The SQLite store: one file in WAL mode, the default for a single machine. Writers take
//! the database's write lock when their transaction begins (`BEGIN IMMEDIATE`).

mod rows;
mod tx;

use crate::store::sql;
use rows::RecordRow;
use rows::{parse_json, parse_uuid, record_from_row, unique_violation, user_from_row};

use super::accounts::{account, idle_cutoff};
use super::error::{from_db, to_db};
use super::pull::{attach_conflicts, in_conflict};
use super::push::{self, PushBatch, PushOutcome};
use super::tallies::{self, counts_from_row};
use super::PullScope;
use super::{AuditQuery, NewAuditEntry, NewSession, NewUser, PullPage, PullQuery};
use super::{LiveSession, SessionRow};
use super::{LoggedConflict, Store, StoreError, UserCredentials};
use crate::store::projection::{project_stored, Projection, BACKFILLED, BACKFILL_NAME};
use crate::store::rollup::Queries;
use model::api::{Account, AuditEntry, UserInfo};
use model::evaluation::{Area, AreaGroup, AreaGroups, Period, Tallies};
use model::stats::ActivityCounts;
use model::sync::Conflict;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;
use time::Date;
use uuid::Uuid;

/// The SQLite implementation of [`Store`].
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// The open conflict-log entries of these records, oldest first.
    async fn open_conflicts(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, Conflict)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = serde_json::Value::from(ids.iter().map(Uuid::to_string).collect::<Vec<_>>());
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT record_id, field, server_value, device_value FROM conflicts
             WHERE resolved_at IS NULL AND record_id IN (SELECT value FROM json_each($1))
             ORDER BY id",
        )
        .bind(list.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, field, server, device)| {
                let conflict = Conflict {
                    field,
                    server: parse_json(&server)?,
                    device: parse_json(&device)?,
                };
                Ok((parse_uuid(&id)?, conflict))
            })
            .collect()
    }

    /// Opens (creating file and folder when missing) and migrates the database.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(15));
        if let Some(folder) = options.get_filename().parent() {
            if !folder.as_os_str().is_empty() {
                std::fs::create_dir_all(folder).map_err(|source| StoreError::Folder {
                    path: folder.display().to_string(),
                    source,
                })?;
            }
        }
        private_file(options.get_filename())?;
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        backfill(&pool).await?;
        rebuild_rollups(&pool).await?;
        Ok(SqliteStore { pool })
    }
}

/// Creates the database file readable and writable by its owner only (0600), or makes an
/// existing one so: it holds the task force's records. SQLite gives the WAL and shared
/// memory files the main file's mode. Elsewhere than Unix the folder's rights apply.
fn private_file(path: &std::path::Path) -> Result<(), StoreError> {
    if path.as_os_str().is_empty() || path == std::path::Path::new(":memory:") {
        return Ok(());
    }
    let private = |source| StoreError::Private {
        path: path.display().to_string(),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(private)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(private)?;
    }
    #[cfg(not(unix))]
    let _ = private;
    Ok(())
}

/// Fills migration 0006's fact tables from the records stored before it, once, under the
/// write lock (so no push interleaves).
async fn backfill(pool: &SqlitePool) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let done: Option<(i64,)> = sqlx::query_as("SELECT done_at FROM fact_backfills WHERE name = $1")
        .bind(BACKFILL_NAME)
        .fetch_optional(&mut *tx)
        .await?;
    if done.is_some() {
        return Ok(());
    }
    let kinds: Vec<&str> = BACKFILLED.iter().map(|k| k.as_str()).collect();
    let kinds = serde_json::Value::from(kinds).to_string();
    let today = crate::clock::today_wib();
    let mut filled = 0;
    let mut after = String::new();
    loop {
        let rows: Vec<(String, String, bool, String)> = sqlx::query_as(
            "SELECT id, kind, deleted, fields FROM records
             WHERE kind IN (SELECT value FROM json_each($1)) AND id > $2 ORDER BY id LIMIT 500",
        )
        .bind(&kinds)
        .bind(&after)
        .fetch_all(&mut *tx)
        .await?;
        let Some((last, ..)) = rows.last() else {
            break;
        };
        after = last.clone();
        let mut projections = Vec::with_capacity(rows.len());
        for (id, kind, deleted, fields) in rows {
            let id = parse_uuid(&id)?;
            if let Some(projection) =
                project_stored(&kind, id, deleted, parse_json(&fields)?, today)?
            {
                projections.push((id, projection));
            }
        }
        filled += projections.len();
        let facts: Vec<(Uuid, &Projection)> = projections.iter().map(|(id, p)| (*id, p)).collect();
        tx::save_facts(&mut tx, &facts).await?;
    }
    sqlx::query("INSERT INTO fact_backfills (name, done_at) VALUES ($1, $2)")
        .bind(BACKFILL_NAME)
        .bind(crate::clock::now_unix())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    if filled > 0 {
        // The planner's statistics would not know the new rows until autovacuum runs.
        analyze(pool).await?;
    }
    Ok(())
}

/// Fills the rollups of migration 0008 from the fact tables, once, under the write lock.
async fn rebuild_rollups(pool: &SqlitePool) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let rebuilt = super::rollup::rebuild(&mut *tx, &queries().rollups).await?;
    tx.commit().await?;
    if rebuilt {
        analyze(pool).await?;
    }
    Ok(())
}

/// Refreshes the planner's statistics, sampled (about 1,000 rows an index) so it stays
/// quick on a large file.
async fn analyze(pool: &SqlitePool) -> Result<(), StoreError> {
    let mut db = pool.acquire().await?;
    sqlx::query("PRAGMA analysis_limit = 1000")
        .execute(&mut *db)
        .await?;
    sqlx::query("ANALYZE").execute(&mut *db).await?;
    Ok(())
}

/// The rollups' queries in this backend's dialect.
fn queries() -> &'static Queries {
    static QUERIES: OnceLock<Queries> = OnceLock::new();
    QUERIES.get_or_init(|| dialect().queries())
}

/// The evaluation's queries in SQLite: days are `YYYY-MM-DD` text.
fn dialect() -> sql::Dialect {
    sql::Dialect {
        day: |n| format!("${n}"),
        month: |column| format!("substr({column}, 1, 7)"),
        day_text: |column| column.to_owned(),
        days_between: |from, to| format!("CAST(julianday({to}) - julianday({from}) AS INTEGER)"),
        sum: |column| format!("SUM({column})"),
        before_month_end: |day, n| {
            format!(
                "date({day}, 'start of month', '+1 month', '-{} days')",
                n + 1
            )
        },
        ids: |column, n| format!("{column} IN (SELECT value FROM json_each(${n}))"),
    }
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn add_user(&self, user: &NewUser) -> Result<(), StoreError> {
        let now = crate::clock::now_unix();
        sqlx::query(sql::INSERT_USER)
            .bind(user.id.to_string())
            .bind(&user.username)
            .bind(&user.name)
            .bind(user.role.as_str())
            .bind(&user.password_hash)
            .bind(now)
            .bind(&user.agency)
            .execute(&self.pool)
            .await
            .map_err(|e| match unique_violation(&e) {
                true => StoreError::UsernameTaken(user.username.clone()),
                false => e.into(),
            })?;
        Ok(())
    }

    async fn user_credentials(
        &self,
        username: &str,
    ) -> Result<Option<UserCredentials>, StoreError> {
        let row: Option<(String, String, String, String, String, String, bool)> =
            sqlx::query_as(sql::USER_BY_USERNAME)
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
        row.map(
            |(id, username, name, role, agency, password_hash, active)| {
                Ok(UserCredentials {
                    user: user_from_row((id, username, name, role, agency))?,
                    password_hash,
                    active,
                })
            },
        )
        .transpose()
    }

    async fn create_session(&self, session: &NewSession) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_SESSION)
            .bind(&session.token_hash)
            .bind(session.user_id.to_string())
            .bind(session.device_id.to_string())
            .bind(session.created_at)
            .bind(session.expires_at)
            .bind(Uuid::new_v4().to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn session_user(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<UserInfo>, StoreError> {
        Ok(self.live_session(token_hash, now).await?.map(|s| s.user))
    }

    async fn revoke_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query(sql::REVOKE_SESSION)
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn live_session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<LiveSession>, StoreError> {
        let row: Option<(String, String, String, String, String, i64)> =
            sqlx::query_as(sql::LIVE_SESSION)
                .bind(token_hash)
                .bind(now)
                .bind(idle_cutoff(now))
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(id, username, name, role, agency, last_seen_at)| {
            Ok(LiveSession {
                user: user_from_row((id, username, name, role, agency))?,
                last_seen_at,
            })
        })
        .transpose()
    }

    async fn touch_session(&self, token_hash: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query(sql::TOUCH_SESSION)
            .bind(token_hash)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows: Vec<(String, String, String, String, String, bool)> =
            sqlx::query_as(sql::LIST_ACCOUNTS)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(id, username, name, role, agency, active)| {
                let user = user_from_row((id, username, name, role, agency))?;
                Ok(account(user, active))
            })
            .collect()
    }

    async fn set_user_active(
        &self,
        user_id: Uuid,
        active: bool,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let found = sqlx::query(sql::SET_USER_ACTIVE)
            .bind(user_id.to_string())
            .bind(active)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if found && !active {
            sqlx::query(sql::REVOKE_USER_SESSIONS)
                .bind(user_id.to_string())
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(found)
    }

    async fn set_password(
        &self,
        user_id: Uuid,
        password_hash: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let found = sqlx::query(sql::SET_PASSWORD)
            .bind(user_id.to_string())
            .bind(password_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        sqlx::query(sql::REVOKE_USER_SESSIONS)
            .bind(user_id.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn user_sessions(&self, user_id: Uuid, now: i64) -> Result<Vec<SessionRow>, StoreError> {
        let rows: Vec<(String, String, String, i64, i64, i64)> = sqlx::query_as(sql::USER_SESSIONS)
            .bind(user_id.to_string())
            .bind(now)
            .bind(idle_cutoff(now))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(
                |(id, token_hash, device_id, created_at, last_seen_at, expires_at)| {
                    Ok(SessionRow {
                        id: parse_uuid(&id)?,
                        token_hash,
                        device_id: parse_uuid(&device_id)?,
                        created_at,
                        last_seen_at,
                        expires_at,
                    })
                },
            )
            .collect()
    }

    async fn end_session(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        now: i64,
    ) -> Result<bool, StoreError> {
        let ended = sqlx::query(sql::END_SESSION)
            .bind(session_id.to_string())
            .bind(user_id.to_string())
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(ended > 0)
    }

    async fn take_login_attempt(
        &self,
        keys: &[(String, u64)],
        at: i64,
        since: i64,
    ) -> Result<bool, StoreError> {
        // BEGIN IMMEDIATE takes the database's write lock: attempts count one at a time.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let taken = super::accounts::take_login_attempt(&mut *tx, keys, at, since).await?;
        if taken {
            tx.commit().await?;
        }
        Ok(taken)
    }

    async fn forgive_login_attempt(&self, key: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM login_failures WHERE rowid =
                 (SELECT rowid FROM login_failures WHERE key = $1 AND at = $2 LIMIT 1)",
        )
        .bind(key)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query(sql::FORGET_LOGIN_FAILURES)
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn push(&self, batch: &PushBatch) -> Result<PushOutcome, StoreError> {
        let mut tx = tx::SqliteTx(self.pool.begin_with("BEGIN IMMEDIATE").await?);
        let outcome = push::run(&mut tx, batch).await?;
        if matches!(outcome, PushOutcome::Done(_)) {
            tx.0.commit().await?;
        }
        Ok(outcome)
    }

    async fn current_version(&self) -> Result<u64, StoreError> {
        let (latest,): (i64,) = sqlx::query_as(sql::CURRENT_VERSION)
            .fetch_one(&self.pool)
            .await?;
        from_db(latest)
    }

    async fn pull(&self, query: &PullQuery) -> Result<PullPage, StoreError> {
        let rows: Vec<RecordRow> = match query.scope {
            PullScope::All => {
                sqlx::query_as(
                    "SELECT kind, id, version, deleted, conflict, fields FROM records
                     WHERE version > $1 ORDER BY version LIMIT $2",
                )
                .bind(to_db(query.after)?)
                .bind(i64::from(query.limit) + 1)
                .fetch_all(&self.pool)
                .await?
            }
            PullScope::OwnCases(user) => {
                sqlx::query_as(
                    "SELECT kind, id, version, deleted, conflict, fields FROM records
                     WHERE version > $1 AND (case_id IS NULL OR case_id IN
                         (SELECT case_id FROM case_access WHERE user_id = $2))
                     UNION ALL
                     SELECT kind, record_id, version, 1, 0, '{}' FROM scope_exits
                     WHERE user_id = $2 AND version > $1 AND version > $4
                     ORDER BY version LIMIT $3",
                )
                .bind(to_db(query.after)?)
                .bind(user.to_string())
                .bind(i64::from(query.limit) + 1)
                .bind(to_db(query.exits_after)?)
                .fetch_all(&self.pool)
                .await?
            }
        };
        let last: Option<(i64,)> = sqlx::query_as(sql::LAST_MUTATION_ID)
            .bind(query.user_id.to_string())
            .bind(query.device_id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let (latest,): (i64,) = sqlx::query_as(sql::CURRENT_VERSION)
            .fetch_one(&self.pool)
            .await?;
        let more = rows.len() > query.limit as usize;
        let mut records: Vec<_> = rows
            .into_iter()
            .take(query.limit as usize)
            .map(record_from_row)
            .collect::<Result<_, _>>()?;
        let open = self.open_conflicts(&in_conflict(&records)).await?;
        attach_conflicts(&mut records, open);
        Ok(PullPage {
            records,
            more,
            last_mutation_id: from_db(last.map_or(0, |(id,)| id))?,
            latest_version: from_db(latest)?,
        })
    }

    async fn activity_counts(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<(String, ActivityCounts)>, StoreError> {
        let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT kecamatan, COUNT(*), SUM(female_adult + female_child),
                    SUM(male_adult + male_child), SUM(female_child + male_child)
             FROM activity_facts WHERE date >= $1 AND date <= $2
             GROUP BY kecamatan ORDER BY kecamatan",
        )
        .bind(model::activity::format_date(from))
        .bind(model::activity::format_date(to))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(counts_from_row).collect()
    }

    async fn tallies(
        &self,
        period: Period,
        area: &Area,
        today: Date,
    ) -> Result<Tallies, StoreError> {
        // One read transaction: every query sees the same writes.
        let mut db = self.pool.begin().await?;
        let rollups = &queries().rollups;
        let tallies = tallies::read(&mut *db, &dialect(), rollups, period, area, today).await?;
        db.commit().await?;
        Ok(tallies)
    }

    async fn area_groups(&self) -> Result<AreaGroups, StoreError> {
        let mut db = self.pool.begin().await?;
        let lists = sqlx::query_as(sql::AREA_GROUP_LISTS)
            .fetch_all(&mut *db)
            .await?;
        let rows = sqlx::query_as(sql::AREA_GROUPS).fetch_all(&mut *db).await?;
        db.commit().await?;
        Ok(sql::area_groups(lists, rows))
    }

    async fn set_area_groups(
        &self,
        groups: &[AreaGroup],
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut db = self.pool.begin().await?;
        let (list,): (i32,) = sqlx::query_as(sql::NEXT_AREA_GROUP_LIST)
            .fetch_one(&mut *db)
            .await?;
        sqlx::query(sql::INSERT_AREA_GROUP_LIST)
            .bind(list)
            .bind(audit.at)
            .execute(&mut *db)
            .await?;
        for (position, group) in groups.iter().enumerate() {
            sqlx::query(sql::INSERT_AREA_GROUP)
                .bind(list)
                .bind(position as i32)
                .bind(&group.id)
                .bind(&group.name)
                .bind(group.kecamatan.join(","))
                .execute(&mut *db)
                .await?;
        }
        tx::insert_audit(&mut db, std::slice::from_ref(audit)).await?;
        db.commit().await?;
        Ok(())
    }

    async fn refresh_statistics(&self) -> Result<(), StoreError> {
        analyze(&self.pool).await
    }

    async fn conflict_log(&self, record_id: Uuid) -> Result<Vec<LoggedConflict>, StoreError> {
        type Row = (
            String,
            String,
            String,
            String,
            i64,
            String,
            String,
            Option<i64>,
            Option<String>,
        );
        let rows: Vec<Row> = sqlx::query_as(sql::CONFLICT_LOG)
            .bind(record_id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(
                |(field, server, device, device_id, mutation_id, user_id, at, version, by)| {
                    Ok(LoggedConflict {
                        resolved_version: version.map(from_db).transpose()?,
                        resolved_by: by.as_deref().map(parse_uuid).transpose()?,
                        field,
                        server: parse_json(&server)?,
                        device: parse_json(&device)?,
                        device_id: parse_uuid(&device_id)?,
                        mutation_id: from_db(mutation_id)?,
                        user_id: parse_uuid(&user_id)?,
                        at,
                    })
                },
            )
            .collect()
    }

    async fn has_records(&self, kind: &str) -> Result<bool, StoreError> {
        let (exists,): (bool,) = sqlx::query_as(sql::ANY_RECORD_OF_KIND)
            .bind(kind)
            .fetch_one(&self.pool)
            .await?;
        Ok(exists)
    }

    async fn append_audit(&self, entries: &[NewAuditEntry]) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut conn = self.pool.acquire().await?;
        tx::insert_audit(&mut conn, entries).await
    }

    async fn audit_log(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        type Row = (
            i64,
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            String,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT a.id, a.at, a.user_id, u.username, a.device_id, a.action, a.record_kind,
                    a.record_id, a.detail
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
             WHERE ($1 IS NULL OR a.user_id = $1) AND ($2 IS NULL OR a.record_id = $2)
               AND ($3 IS NULL OR a.at >= $3) AND ($4 IS NULL OR a.at < $4)
               AND ($5 IS NULL OR a.id < $5)
             ORDER BY a.id DESC LIMIT $6",
        )
        .bind(query.user_id.map(|id| id.to_string()))
        .bind(query.record_id.map(|id| id.to_string()))
        .bind(query.from)
        .bind(query.to)
        .bind(query.before.map(to_db).transpose()?)
        .bind(i64::from(query.limit) + 1)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(id, at, user, username, device, action, kind, record, detail)| {
                    Ok(AuditEntry {
                        id: from_db(id)?,
                        at,
                        user_id: user.as_deref().map(parse_uuid).transpose()?,
                        username,
                        device_id: device.as_deref().map(parse_uuid).transpose()?,
                        action,
                        record_kind: kind,
                        record_id: record.as_deref().map(parse_uuid).transpose()?,
                        detail: parse_json(&detail)?,
                    })
                },
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use sqlx::sqlite::SqlitePoolOptions;
    use sqlx::Row;

    /// Migration 0011 rebuilds the trail to let `user_id` be NULL: every row keeps its id
    /// and values, the ids go on from the last, and the trail stays append-only.
    #[tokio::test]
    async fn the_trail_rebuilt_for_unknown_accounts_keeps_its_rows_and_its_guards() {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("memory database");
        let migrator = sqlx::migrate!("migrations/sqlite");
        let apply = |upto: std::ops::Range<i64>| {
            let pool = pool.clone();
            let sql: Vec<String> = migrator
                .iter()
                .filter(|m| upto.contains(&m.version))
                .map(|m| m.sql.to_string())
                .collect();
            async move {
                for script in sql {
                    sqlx::raw_sql(&script)
                        .execute(&pool)
                        .await
                        .expect("migration");
                }
            }
        };
        apply(1..11).await;
        sqlx::raw_sql(
            "INSERT INTO users (id, username, name, role, password_hash, created_at)
                 VALUES ('u1', 'ketua', 'Ketua', 'supervisor', 'x', 0);
             INSERT INTO audit_log (at, user_id, action, detail) VALUES
                 (10, 'u1', 'login', '{\"outcome\":\"success\"}'),
                 (11, 'u1', 'export', '{\"table\":\"kasus\"}'),
                 (12, 'u1', 'account', '{\"change\":\"logout\"}');",
        )
        .execute(&pool)
        .await
        .expect("the trail before");
        apply(11..12).await;

        let rows = sqlx::query("SELECT id, at, user_id, action, detail FROM audit_log ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("rows");
        let rows: Vec<(i64, i64, Option<String>, String)> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect();
        let u1 = Some("u1".to_owned());
        assert_eq!(
            rows,
            [
                (1, 10, u1.clone(), "login".to_owned()),
                (2, 11, u1.clone(), "export".to_owned()),
                (3, 12, u1, "account".to_owned()),
            ]
        );
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO audit_log (at, user_id, action, detail)
             VALUES (13, NULL, 'login', '{}') RETURNING id",
        )
        .fetch_one(&pool)
        .await
        .expect("a login of no account");
        assert_eq!(id, 4);
        for rewrite in [
            "UPDATE audit_log SET detail = '{}' WHERE id = 1",
            "DELETE FROM audit_log WHERE id = 2",
            "REPLACE INTO audit_log (id, at, user_id, action, detail) VALUES (3, 0, NULL, 'x', '{}')",
        ] {
            let refused = sqlx::query(rewrite).execute(&pool).await;
            assert!(
                refused.is_err_and(|e| e.to_string().contains("append-only")),
                "{rewrite}"
            );
        }
        let unknown = sqlx::query(
            "INSERT INTO audit_log (at, user_id, action, detail) VALUES (1, 'nobody', 'x', '{}')",
        )
        .execute(&pool)
        .await;
        assert!(unknown.is_err(), "a user_id must still be an account's");
    }
}
