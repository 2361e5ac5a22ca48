//! The PostgreSQL store, for larger deployments: any number of workers share one database.
//! Writers lock the version sequence's row first and hold it until commit.

mod rows;
mod tx;

use crate::store::sql;
use rows::{record_from_row, user_from_row, RecordRow};

use super::accounts::{account, idle_cutoff};
use super::error::{from_db, to_db};
use super::pull::{attach_conflicts, in_conflict};
use super::push::{self, PushBatch, PushOutcome};
use super::tallies::{self, counts_from_row};
use super::PullScope;
use super::{AuditQuery, NewAuditEntry, NewSession, NewUser};
use super::{LiveSession, SessionRow};
use super::{LoggedConflict, PullPage, PullQuery, Store, StoreError, UserCredentials};
use crate::store::projection::{project_stored, Projection, BACKFILLED, BACKFILL_NAME};
use crate::store::rollup::Queries;
use model::api::{Account, AuditEntry, UserInfo};
use model::evaluation::{Area, AreaGroup, AreaGroups, Period, Tallies};
use model::stats::ActivityCounts;
use model::sync::Conflict;
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::types::Json;
use sqlx::PgPool;
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;
use time::Date;
use uuid::Uuid;

/// The PostgreSQL implementation of [`Store`].
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// The open conflict-log entries of these records, oldest first.
    async fn open_conflicts(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, Conflict)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(Uuid, String, Json<Value>, Json<Value>)> = sqlx::query_as(
            "SELECT record_id, field, server_value, device_value FROM conflicts
             WHERE resolved_at IS NULL AND record_id = ANY($1) ORDER BY id",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, field, server, device)| {
                let conflict = Conflict {
                    field,
                    server: server.0,
                    device: device.0,
                };
                (id, conflict)
            })
            .collect())
    }

    /// Connects to and migrates the database.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        // No JIT: compiling a plan costs tens of milliseconds, more than any of the
        // worker's queries (short lookups, and sums over the small rollups) would gain.
        let options = PgConnectOptions::from_str(url)?.options([("jit", "off")]);
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        migrate(&pool).await?;
        backfill(&pool).await?;
        rebuild_rollups(&pool).await?;
        Ok(PostgresStore { pool })
    }
}

/// Brings the schema up to date, unless it is already: a worker that runs as a role
/// without the right to change the schema (`worker/sql/postgres-worker-role.sql`) starts
/// on a schema its owner migrated (`gugus-worker migrate`), and is told so otherwise.
async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let migrator = sqlx::migrate!("migrations/postgres");
    let wanted: Vec<(i64, Vec<u8>)> = migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| (m.version, m.checksum.to_vec()))
        .collect();
    // No table yet reads as nothing applied.
    let applied: Vec<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version",
    )
    .fetch_all(pool)
    .await
    .unwrap_or_default();
    if applied == wanted {
        return Ok(());
    }
    match migrator.run(pool).await {
        Ok(()) => Ok(()),
        Err(source) => {
            use sqlx::migrate::MigrateError;
            let error = match &source {
                MigrateError::Execute(e) | MigrateError::ExecuteMigration(e, _) => Some(e),
                _ => None,
            };
            // 42501: insufficient privilege.
            let code = error
                .and_then(|e| e.as_database_error())
                .and_then(|e| e.code());
            let denied = code.as_deref() == Some("42501");
            if denied {
                Err(StoreError::Behind {
                    applied: applied.last().map_or(0, |(v, _)| *v),
                    wanted: wanted.last().map_or(0, |(v, _)| *v),
                    source,
                })
            } else {
                Err(source.into())
            }
        }
    }
}

/// Takes the writers' lock (the sequence row's), held until commit: pushes, the start-up
/// fills and a second worker starting wait for it.
const LOCK_WRITERS: &str = "SELECT value FROM sync_seq WHERE id = 1 FOR UPDATE";

/// A record to project: id, kind, deleted, fields.
type BackfillRow = (Uuid, String, bool, Json<serde_json::Map<String, Value>>);

/// Fills migration 0006's fact tables from the records stored before it, once. The
/// sequence row's lock keeps pushes (and a second worker starting) out meanwhile.
async fn backfill(pool: &PgPool) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query(LOCK_WRITERS).execute(&mut *tx).await?;
    let done: Option<(i64,)> = sqlx::query_as("SELECT done_at FROM fact_backfills WHERE name = $1")
        .bind(BACKFILL_NAME)
        .fetch_optional(&mut *tx)
        .await?;
    if done.is_some() {
        return Ok(());
    }
    let kinds: Vec<&str> = BACKFILLED.iter().map(|k| k.as_str()).collect();
    let today = crate::clock::today_wib();
    let mut filled = 0;
    let mut after = Uuid::nil();
    loop {
        let rows: Vec<BackfillRow> = sqlx::query_as(
            "SELECT id, kind, deleted, fields FROM records
                 WHERE kind = ANY($1) AND id > $2 ORDER BY id LIMIT 1000",
        )
        .bind(&kinds)
        .bind(after)
        .fetch_all(&mut *tx)
        .await?;
        let Some((last, ..)) = rows.last() else {
            break;
        };
        after = *last;
        let mut projections = Vec::with_capacity(rows.len());
        for (id, kind, deleted, Json(fields)) in rows {
            if let Some(projection) = project_stored(&kind, id, deleted, fields, today)? {
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
        sqlx::query("ANALYZE").execute(pool).await?;
    }
    Ok(())
}

/// Fills the rollups of migration 0008 from the fact tables, once, under the writers'
/// lock (no push interleaves).
async fn rebuild_rollups(pool: &PgPool) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query(LOCK_WRITERS).execute(&mut *tx).await?;
    let rebuilt = super::rollup::rebuild(&mut *tx, &queries().rollups).await?;
    tx.commit().await?;
    if rebuilt {
        // New rows are read at a third of the speed until a VACUUM marks their pages
        // all-visible (measured: a year's services 170 → 55 ms at a million cases);
        // afterwards autovacuum keeps them so as pushes update them.
        for rollup in queries().rollups.all() {
            sqlx::query(&format!("VACUUM (ANALYZE) {}", rollup.table))
                .execute(pool)
                .await?;
        }
    }
    Ok(())
}

/// The rollups' queries in this backend's dialect.
fn queries() -> &'static Queries {
    static QUERIES: OnceLock<Queries> = OnceLock::new();
    QUERIES.get_or_init(|| dialect().queries())
}

/// The evaluation's queries in PostgreSQL: days are `DATE`, sums cast back to `BIGINT`.
fn dialect() -> sql::Dialect {
    sql::Dialect {
        day: |n| format!("${n}::date"),
        month: |column| format!("to_char({column}, 'YYYY-MM')"),
        day_text: |column| format!("to_char({column}, 'YYYY-MM-DD')"),
        days_between: |from, to| format!("({to} - {from})::BIGINT"),
        sum: |column| format!("SUM({column})::BIGINT"),
        before_month_end: |day, n| {
            format!(
                "(date_trunc('month', {day}) + interval '1 month' - {} * interval '1 day')::date",
                n + 1
            )
        },
        ids: |column, n| format!("{column} = ANY(${n})"),
    }
}

#[async_trait::async_trait]
impl Store for PostgresStore {
    async fn add_user(&self, user: &NewUser) -> Result<(), StoreError> {
        let now = crate::clock::now_unix();
        sqlx::query(sql::INSERT_USER)
            .bind(user.id)
            .bind(&user.username)
            .bind(&user.name)
            .bind(user.role.as_str())
            .bind(&user.password_hash)
            .bind(now)
            .bind(&user.agency)
            .execute(&self.pool)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    StoreError::UsernameTaken(user.username.clone())
                }
                _ => e.into(),
            })?;
        Ok(())
    }

    async fn user_credentials(
        &self,
        username: &str,
    ) -> Result<Option<UserCredentials>, StoreError> {
        let row: Option<(Uuid, String, String, String, String, String, bool)> =
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
            .bind(session.user_id)
            .bind(session.device_id)
            .bind(session.created_at)
            .bind(session.expires_at)
            .bind(Uuid::new_v4())
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
        let row: Option<(Uuid, String, String, String, String, i64)> =
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
        let rows: Vec<(Uuid, String, String, String, String, bool)> =
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
        let mut tx = self.pool.begin().await?;
        let found = sqlx::query(sql::SET_USER_ACTIVE)
            .bind(user_id)
            .bind(active)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if found && !active {
            sqlx::query(sql::REVOKE_USER_SESSIONS)
                .bind(user_id)
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
        let mut tx = self.pool.begin().await?;
        let found = sqlx::query(sql::SET_PASSWORD)
            .bind(user_id)
            .bind(password_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        sqlx::query(sql::REVOKE_USER_SESSIONS)
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn user_sessions(&self, user_id: Uuid, now: i64) -> Result<Vec<SessionRow>, StoreError> {
        let rows: Vec<(Uuid, String, Uuid, i64, i64, i64)> = sqlx::query_as(sql::USER_SESSIONS)
            .bind(user_id)
            .bind(now)
            .bind(idle_cutoff(now))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, token_hash, device_id, created_at, last_seen_at, expires_at)| SessionRow {
                    id,
                    token_hash,
                    device_id,
                    created_at,
                    last_seen_at,
                    expires_at,
                },
            )
            .collect())
    }

    async fn end_session(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        now: i64,
    ) -> Result<bool, StoreError> {
        let ended = sqlx::query(sql::END_SESSION)
            .bind(session_id)
            .bind(user_id)
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
        let mut tx = self.pool.begin().await?;
        // One advisory lock per key, in one order, held to the end of the transaction:
        // every worker process on this database counts a key's attempts one at a time.
        let mut ordered: Vec<&(String, u64)> = keys.iter().collect();
        ordered.sort();
        for (key, _) in ordered {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7303))")
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        let taken = super::accounts::take_login_attempt(&mut *tx, keys, at, since).await?;
        if taken {
            tx.commit().await?;
        }
        Ok(taken)
    }

    async fn forgive_login_attempt(&self, key: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM login_failures WHERE ctid =
                 (SELECT ctid FROM login_failures WHERE key = $1 AND at = $2 LIMIT 1)",
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
        let mut tx = tx::PostgresTx(self.pool.begin().await?);
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
                     SELECT kind, record_id, version, TRUE, FALSE, '{}'::jsonb FROM scope_exits
                     WHERE user_id = $2 AND version > $1 AND version > $4
                     ORDER BY version LIMIT $3",
                )
                .bind(to_db(query.after)?)
                .bind(user)
                .bind(i64::from(query.limit) + 1)
                .bind(to_db(query.exits_after)?)
                .fetch_all(&self.pool)
                .await?
            }
        };
        let last: Option<(i64,)> = sqlx::query_as(sql::LAST_MUTATION_ID)
            .bind(query.user_id)
            .bind(query.device_id)
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
            "SELECT kecamatan, COUNT(*), SUM(female_adult + female_child)::BIGINT,
                    SUM(male_adult + male_child)::BIGINT, SUM(female_child + male_child)::BIGINT
             FROM activity_facts WHERE date >= $1::date AND date <= $2::date
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
        // One snapshot for every query: they all see the same writes.
        let mut db = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *db)
            .await?;
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
        sqlx::query("LOCK TABLE area_group_lists IN EXCLUSIVE MODE")
            .execute(&mut *db)
            .await?;
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
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    async fn conflict_log(&self, record_id: Uuid) -> Result<Vec<LoggedConflict>, StoreError> {
        type Row = (
            String,
            Json<Value>,
            Json<Value>,
            Uuid,
            i64,
            Uuid,
            String,
            Option<i64>,
            Option<Uuid>,
        );
        let rows: Vec<Row> = sqlx::query_as(sql::CONFLICT_LOG)
            .bind(record_id)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(
                |(
                    field,
                    Json(server),
                    Json(device),
                    device_id,
                    mutation_id,
                    user_id,
                    at,
                    version,
                    by,
                )| {
                    Ok(LoggedConflict {
                        field,
                        server,
                        device,
                        device_id,
                        mutation_id: from_db(mutation_id)?,
                        user_id,
                        at,
                        resolved_version: version.map(from_db).transpose()?,
                        resolved_by: by,
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
            Option<Uuid>,
            Option<String>,
            Option<Uuid>,
            String,
            Option<String>,
            Option<Uuid>,
            Json<serde_json::Value>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT a.id, a.at, a.user_id, u.username, a.device_id, a.action, a.record_kind,
                    a.record_id, a.detail
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
             WHERE ($1::uuid IS NULL OR a.user_id = $1) AND ($2::uuid IS NULL OR a.record_id = $2)
               AND ($3::bigint IS NULL OR a.at >= $3) AND ($4::bigint IS NULL OR a.at < $4)
               AND ($5::bigint IS NULL OR a.id < $5)
             ORDER BY a.id DESC LIMIT $6",
        )
        .bind(query.user_id)
        .bind(query.record_id)
        .bind(query.from)
        .bind(query.to)
        .bind(query.before.map(to_db).transpose()?)
        .bind(i64::from(query.limit) + 1)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(id, at, user_id, username, device_id, action, kind, record_id, detail)| {
                    Ok(AuditEntry {
                        id: from_db(id)?,
                        at,
                        user_id,
                        username,
                        device_id,
                        action,
                        record_kind: kind,
                        record_id,
                        detail: detail.0,
                    })
                },
            )
            .collect()
    }
}
