//! The [`Store`], written once over a [`Backend`]: SQLite ([`super::sqlite`]) and
//! PostgreSQL ([`super::postgres`]) differ only in what their `Backend` supplies. What
//! it does once as it opens is in [`super::startup`].

use super::accounts::{account, idle_cutoff, take_login_attempt};
use super::backend::Backend;
use super::db::Id;
use super::db::{query, Db};
use super::error::{from_db, to_db};
use super::pull::{attach_conflicts, in_conflict};
use super::push::{self, PushBatch, PushOutcome};
use super::rows::{AccountRow, AuditRow, CredentialsRow, LiveSessionRow};
use super::rows::{LoggedConflictRow, OpenConflictRow, RecordRow, StoredSession};
use super::tallies::{self, CountsRow};
use super::write_tx::{insert_audit, SqlTx};
use super::UserCredentials;
use super::{sql, AuditQuery, LiveSession, LoggedConflict, NewAuditEntry, NewSession};
use super::{NewUser, PullPage, PullQuery, PullScope, SessionRow, Store, StoreError, StoredKeys};
use model::api::{Account, AuditEntry, UserInfo};
use model::evaluation::{Area, AreaGroup, AreaGroups, Period, Tallies};
use model::stats::ActivityCounts;
use model::sync::Conflict;
use sqlx::pool::PoolConnection;
use sqlx::Pool;
use time::Date;
use uuid::Uuid;

/// The store on a database of backend `B`.
#[derive(Debug)]
pub struct SqlStore<B: Backend> {
    pub(super) pool: Pool<B::DB>,
    /// This process's pushes, one at a time: the others wait here, in order, holding no
    /// connection, rather than in the database. (The database's writers' lock still
    /// orders pushes across processes: it is only ever asked for by one push per process.)
    pub(super) pushes: tokio::sync::Mutex<()>,
}

impl<B: Backend> SqlStore<B> {
    /// The store on `pool`.
    pub(super) fn new(pool: Pool<B::DB>) -> Self {
        SqlStore {
            pool,
            pushes: tokio::sync::Mutex::new(()),
        }
    }

    /// A connection of the pool.
    async fn conn(&self) -> Result<PoolConnection<B::DB>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// Runs `statement` and, when it changed a row, appends `audit`, in one write
    /// transaction; whether it changed one.
    async fn write_audited(
        &self,
        statement: super::db::Statement<'_>,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = B::begin_write(&self.pool).await?;
        let written = tx.execute(statement).await? > 0;
        if written {
            insert_audit(&mut *tx, std::slice::from_ref(audit)).await?;
        }
        tx.commit().await?;
        Ok(written)
    }

    /// After a push migrated identities the store held in plain text (issue #18): when
    /// none is left in plain text, rewrites the tables that held them
    /// ([`Backend::COMPACT`]), so no free page keeps the old text.
    async fn compact_after_migration(&self) -> Result<(), StoreError> {
        let rows: Vec<(String,)> = self
            .conn()
            .await?
            .fetch_all(query(
                "SELECT CAST(fields AS TEXT) FROM records WHERE kind = 'victim_identity'",
            ))
            .await?;
        let left = rows.iter().any(|(fields,)| {
            serde_json::from_str(fields).is_ok_and(|f| push::holds_plain_identity(&f))
        });
        if left {
            return Ok(());
        }
        let mut conn = self.conn().await?;
        for statement in B::COMPACT {
            conn.execute(query(*statement)).await?;
        }
        tracing::info!("no identity is left in plain text: the store was compacted");
        Ok(())
    }

    /// The open conflict-log entries of these records, oldest first.
    async fn open_conflicts(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, Conflict)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT record_id, field, server_value, device_value FROM conflicts
             WHERE resolved_at IS NULL AND {} ORDER BY id",
            (B::DIALECT.ids)("record_id", 1)
        );
        let rows: Vec<OpenConflictRow> = self.conn().await?.fetch_all(query(sql).bind(ids)).await?;
        Ok(rows.into_iter().map(OpenConflictRow::conflict).collect())
    }
}

#[async_trait::async_trait]
impl<B: Backend> Store for SqlStore<B> {
    async fn add_user(&self, user: &NewUser) -> Result<(), StoreError> {
        let now = crate::clock::now_unix();
        let insert = query(sql::INSERT_USER)
            .bind(user.id)
            .bind(&user.username)
            .bind(&user.name)
            .bind(user.role.as_str())
            .bind(&user.password_hash)
            .bind(now)
            .bind(&user.agency);
        match self.conn().await?.execute(insert).await {
            Err(StoreError::Database(sqlx::Error::Database(e))) if e.is_unique_violation() => {
                Err(StoreError::UsernameTaken(user.username.clone()))
            }
            done => done.map(|_| ()),
        }
    }

    async fn user_credentials(
        &self,
        username: &str,
    ) -> Result<Option<UserCredentials>, StoreError> {
        let row: Option<CredentialsRow> = self
            .conn()
            .await?
            .fetch_optional(query(sql::USER_BY_USERNAME).bind(username))
            .await?;
        row.map(|row| {
            Ok(UserCredentials {
                user: row.user.user()?,
                password_hash: row.password_hash,
                active: row.active,
            })
        })
        .transpose()
    }

    async fn create_session(&self, session: &NewSession) -> Result<(), StoreError> {
        let insert = query(sql::INSERT_SESSION)
            .bind(&session.token_hash)
            .bind(session.user_id)
            .bind(session.device_id)
            .bind(session.created_at)
            .bind(session.expires_at)
            .bind(Uuid::new_v4());
        self.conn().await?.execute(insert).await?;
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
        let revoke = query(sql::REVOKE_SESSION).bind(token_hash).bind(now);
        self.conn().await?.execute(revoke).await?;
        Ok(())
    }

    async fn live_session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<LiveSession>, StoreError> {
        let live = query(sql::LIVE_SESSION)
            .bind(token_hash)
            .bind(now)
            .bind(idle_cutoff(now));
        let row: Option<LiveSessionRow> = self.conn().await?.fetch_optional(live).await?;
        row.map(|row| {
            Ok(LiveSession {
                user: row.user.user()?,
                last_seen_at: row.last_seen_at,
            })
        })
        .transpose()
    }

    async fn touch_session(&self, token_hash: &str, at: i64) -> Result<(), StoreError> {
        let touch = query(sql::TOUCH_SESSION).bind(token_hash).bind(at);
        self.conn().await?.execute(touch).await?;
        Ok(())
    }

    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows: Vec<AccountRow> = self
            .conn()
            .await?
            .fetch_all(query(sql::LIST_ACCOUNTS))
            .await?;
        rows.into_iter()
            .map(|row| Ok(account(row.user.user()?, row.active)))
            .collect()
    }

    async fn set_user_active(
        &self,
        user_id: Uuid,
        active: bool,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = B::begin_write(&self.pool).await?;
        let set = query(sql::SET_USER_ACTIVE)
            .bind(user_id)
            .bind(active)
            .bind(now);
        let found = tx.execute(set).await? > 0;
        if found && !active {
            let revoke = query(sql::REVOKE_USER_SESSIONS).bind(user_id).bind(now);
            tx.execute(revoke).await?;
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
        let mut tx = B::begin_write(&self.pool).await?;
        let set = query(sql::SET_PASSWORD)
            .bind(user_id)
            .bind(password_hash)
            .bind(now);
        let found = tx.execute(set).await? > 0;
        let revoke = query(sql::REVOKE_USER_SESSIONS).bind(user_id).bind(now);
        tx.execute(revoke).await?;
        let stale = query(sql::STALE_ACCOUNT_KEYS).bind(user_id).bind(now);
        tx.execute(stale).await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn rehash_password(
        &self,
        user_id: Uuid,
        old_hash: &str,
        new_hash: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = B::begin_write(&self.pool).await?;
        let set = query(sql::REHASH_PASSWORD)
            .bind(user_id)
            .bind(old_hash)
            .bind(new_hash);
        let replaced = tx.execute(set).await? > 0;
        tx.commit().await?;
        Ok(replaced)
    }

    async fn change_own_password(
        &self,
        user_id: Uuid,
        password_hash: &str,
        keys: Option<&model::e2e::AccountKeys>,
        keep: &str,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError> {
        let now = audit.at;
        let mut tx = B::begin_write(&self.pool).await?;
        if let Some(keys) = keys {
            let text = serde_json::to_string(keys)
                .map_err(|error| StoreError::Corrupt(format!("account keys: {error}")))?;
            let relock = query(sql::RELOCK_ACCOUNT_KEYS)
                .bind(user_id)
                .bind(model::e2e::hex(&keys.public))
                .bind(text)
                .bind(now);
            if tx.execute(relock).await? == 0 {
                // Dropped without a commit: nothing is written.
                return Ok(false);
            }
        }
        let set = query(sql::SET_PASSWORD)
            .bind(user_id)
            .bind(password_hash)
            .bind(now);
        if tx.execute(set).await? == 0 {
            return Ok(false);
        }
        let revoke = query(sql::REVOKE_OTHER_SESSIONS)
            .bind(user_id)
            .bind(now)
            .bind(keep);
        tx.execute(revoke).await?;
        insert_audit(&mut *tx, std::slice::from_ref(audit)).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn account_keys(&self, user_id: Uuid) -> Result<Option<StoredKeys>, StoreError> {
        let row: Option<(String, i32)> = self
            .conn()
            .await?
            .fetch_optional(query(sql::ACCOUNT_KEYS).bind(user_id))
            .await?;
        row.map(|(keys, stale)| {
            Ok(StoredKeys {
                keys: serde_json::from_str(&keys).map_err(|error| {
                    StoreError::Corrupt(format!("account {user_id}'s keys: {error}"))
                })?,
                stale: stale != 0,
            })
        })
        .transpose()
    }

    async fn set_account_keys(
        &self,
        user_id: Uuid,
        keys: &model::e2e::AccountKeys,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError> {
        let text = serde_json::to_string(keys)
            .map_err(|error| StoreError::Corrupt(format!("account keys: {error}")))?;
        let set = query(sql::SET_ACCOUNT_KEYS)
            .bind(user_id)
            .bind(model::e2e::hex(&keys.public))
            .bind(text)
            .bind(audit.at);
        self.write_audited(set, audit).await
    }

    async fn recovery_key(&self) -> Result<Option<Vec<u8>>, StoreError> {
        let row: Option<(String,)> = self
            .conn()
            .await?
            .fetch_optional(query(sql::RECOVERY_KEY))
            .await?;
        row.map(|(public,)| {
            model::e2e::unhex(&public)
                .ok_or_else(|| StoreError::Corrupt("the recovery key is not hex".into()))
        })
        .transpose()
    }

    async fn set_recovery_key(
        &self,
        public: &[u8],
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError> {
        let made_by = audit
            .user_id
            .ok_or_else(|| StoreError::Corrupt("a recovery key made by nobody".into()))?;
        let set = query(sql::SET_RECOVERY_KEY)
            .bind(model::e2e::hex(public))
            .bind(made_by)
            .bind(audit.at);
        self.write_audited(set, audit).await
    }

    async fn public_keys(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, Vec<u8>)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT user_id, public FROM account_keys JOIN users ON users.id = user_id
             WHERE stale = 0 AND users.active AND {} ORDER BY user_id",
            (B::DIALECT.ids)("user_id", 1)
        );
        let rows: Vec<(Id, String)> = self.conn().await?.fetch_all(query(sql).bind(ids)).await?;
        public_key_rows(rows)
    }

    async fn holder_public_keys(&self) -> Result<Vec<(Uuid, Vec<u8>)>, StoreError> {
        let sql = "SELECT user_id, public FROM account_keys JOIN users ON users.id = user_id
             WHERE stale = 0 AND users.active AND users.role IN ('officer', 'supervisor', 'admin')
             ORDER BY user_id";
        let rows: Vec<(Id, String)> = self.conn().await?.fetch_all(query(sql)).await?;
        public_key_rows(rows)
    }

    async fn index_keys(&self) -> Result<Vec<super::IndexKeyRow>, StoreError> {
        let sql = "SELECT user_id, wrapping, reader_key FROM index_keys ORDER BY user_id";
        let mut conn = self.conn().await?;
        let rows: Vec<(Id, String, Option<String>)> = conn.fetch_all(query(sql)).await?;
        let recovery: Option<(String,)> = conn
            .fetch_optional(query("SELECT wrapping FROM index_key_recovery"))
            .await?;
        let recovery = recovery.map(|(wrapping,)| super::IndexKeyRow {
            user_id: Uuid::nil(),
            wrapping,
            reader_key: None,
        });
        Ok(recovery
            .into_iter()
            .chain(
                rows.into_iter()
                    .map(|(id, wrapping, reader_key)| super::IndexKeyRow {
                        user_id: id.0,
                        wrapping,
                        reader_key,
                    }),
            )
            .collect())
    }

    async fn set_index_keys(
        &self,
        key_id: Uuid,
        rows: &[super::IndexKeyRow],
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError> {
        let by = audit
            .user_id
            .ok_or_else(|| StoreError::Corrupt("an index key set by nobody".into()))?;
        let mut tx = B::begin_write(&self.pool).await?;
        let held: Option<(String,)> = tx
            .fetch_optional(query(
                "SELECT key_id FROM index_keys UNION ALL SELECT key_id FROM index_key_recovery LIMIT 1",
            ))
            .await?;
        if held.is_some_and(|(held,)| held != key_id.to_string()) {
            return Ok(false);
        }
        for row in rows.iter().filter(|row| row.user_id.is_nil()) {
            // The recovery key's: made once, never replaced (its key pair never changes).
            let insert = query(
                "INSERT INTO index_key_recovery (only_one, key_id, wrapping, set_by, set_at)
                 VALUES (1, $1, $2, $3, $4) ON CONFLICT (only_one) DO NOTHING",
            )
            .bind(key_id.to_string())
            .bind(row.wrapping.clone())
            .bind(by)
            .bind(audit.at);
            tx.execute(insert).await?;
        }
        for row in rows.iter().filter(|row| !row.user_id.is_nil()) {
            let upsert = query(
                "INSERT INTO index_keys (user_id, key_id, wrapping, reader_key, set_by, set_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (user_id) DO UPDATE SET key_id = excluded.key_id,
                 wrapping = excluded.wrapping, reader_key = excluded.reader_key,
                 set_by = excluded.set_by, set_at = excluded.set_at",
            )
            .bind(row.user_id)
            .bind(key_id.to_string())
            .bind(row.wrapping.clone())
            .bind(row.reader_key.clone())
            .bind(by)
            .bind(audit.at);
            tx.execute(upsert).await?;
        }
        insert_audit(&mut *tx, std::slice::from_ref(audit)).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn nik_cases(&self, index: &str) -> Result<Vec<Uuid>, StoreError> {
        let identities: Vec<(String,)> = self
            .conn()
            .await?
            .fetch_all(query(
                "SELECT CAST(fields AS TEXT) FROM records WHERE kind = 'victim_identity'",
            ))
            .await?;
        let victims: Vec<Uuid> = identities
            .iter()
            .filter_map(|(fields,)| {
                let fields: serde_json::Value = serde_json::from_str(fields).ok()?;
                (fields.get(model::e2e::NIK_INDEX_FIELD)?.as_str()? == index)
                    .then(|| fields.get("victim_id")?.as_str()?.parse().ok())
                    .flatten()
            })
            .collect();
        if victims.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT CAST(fields AS TEXT) FROM records WHERE kind = 'victim' AND {}",
            (B::DIALECT.ids)("id", 1)
        );
        let rows: Vec<(String,)> = self
            .conn()
            .await?
            .fetch_all(query(sql).bind(victims.as_slice()))
            .await?;
        let mut cases: Vec<Uuid> = rows
            .iter()
            .filter_map(|(fields,)| {
                let fields: serde_json::Value = serde_json::from_str(fields).ok()?;
                fields.get("case_id")?.as_str()?.parse().ok()
            })
            .collect();
        cases.sort_unstable();
        cases.dedup();
        Ok(cases)
    }

    async fn officer_cases(&self, user: Uuid) -> Result<Vec<Uuid>, StoreError> {
        let rows: Vec<(Id,)> = self
            .conn()
            .await?
            .fetch_all(query("SELECT case_id FROM case_access WHERE user_id = $1").bind(user))
            .await?;
        Ok(rows.into_iter().map(|(id,)| id.0).collect())
    }

    async fn liaison_public_keys(&self, agency: &str) -> Result<Vec<(Uuid, Vec<u8>)>, StoreError> {
        let sql = "SELECT user_id, public FROM account_keys JOIN users ON users.id = user_id
             WHERE stale = 0 AND users.active AND users.role = 'liaison' AND users.agency = $1
             ORDER BY user_id";
        let rows: Vec<(Id, String)> = self
            .conn()
            .await?
            .fetch_all(query(sql).bind(agency))
            .await?;
        public_key_rows(rows)
    }

    async fn supervisor_public_keys(&self) -> Result<Vec<(Uuid, Vec<u8>)>, StoreError> {
        let sql = "SELECT user_id, public FROM account_keys JOIN users ON users.id = user_id
             WHERE stale = 0 AND users.active AND users.role = 'supervisor' ORDER BY user_id";
        let rows: Vec<(Id, String)> = self.conn().await?.fetch_all(query(sql)).await?;
        public_key_rows(rows)
    }

    async fn user_sessions(&self, user_id: Uuid, now: i64) -> Result<Vec<SessionRow>, StoreError> {
        let sessions = query(sql::USER_SESSIONS)
            .bind(user_id)
            .bind(now)
            .bind(idle_cutoff(now));
        let rows: Vec<StoredSession> = self.conn().await?.fetch_all(sessions).await?;
        Ok(rows
            .into_iter()
            .map(|row| SessionRow {
                id: row.id.0,
                token_hash: row.token_hash,
                device_id: row.device_id.0,
                created_at: row.created_at,
                last_seen_at: row.last_seen_at,
                expires_at: row.expires_at,
            })
            .collect())
    }

    async fn end_session(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        now: i64,
    ) -> Result<bool, StoreError> {
        let end = query(sql::END_SESSION)
            .bind(session_id)
            .bind(user_id)
            .bind(now);
        Ok(self.conn().await?.execute(end).await? > 0)
    }

    async fn take_login_attempt(
        &self,
        keys: &[(String, u64)],
        at: i64,
        since: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = B::begin_write(&self.pool).await?;
        B::lock_login_keys(&mut *tx, keys).await?;
        let taken = take_login_attempt(&mut *tx, keys, at, since).await?;
        if taken {
            tx.commit().await?;
        }
        Ok(taken)
    }

    async fn forgive_login_attempt(&self, key: &str, at: i64) -> Result<(), StoreError> {
        let forgive = format!(
            "DELETE FROM login_failures WHERE {row} =
                 (SELECT {row} FROM login_failures WHERE key = $1 AND at = $2 LIMIT 1)",
            row = B::ROW_ID
        );
        self.conn()
            .await?
            .execute(query(forgive).bind(key).bind(at))
            .await?;
        Ok(())
    }

    async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        let forget = query(sql::FORGET_LOGIN_FAILURES).bind(key);
        self.conn().await?.execute(forget).await?;
        Ok(())
    }

    async fn push(&self, batch: &PushBatch) -> Result<PushOutcome, StoreError> {
        // Measured with 200 phones at once on two workers over PostgreSQL (`make bench`,
        // section `load`, 60 s): with up to twenty pushes queued in the database on the
        // writers' row lock, the machine's CPU went to the database's backends (2-7 %
        // idle in the worst seconds, the workers' own share falling) and every request
        // slowed: a pull's p99 680-820 ms, the evaluation's 790-970 ms. Queued here
        // instead: 46 and 48 ms.
        let _turn = self.pushes.lock().await;
        let mut tx = SqlTx::<B>(B::begin_write(&self.pool).await?);
        let (outcome, migrated) = push::run(&mut tx, batch).await?;
        if matches!(outcome, PushOutcome::Done(_)) {
            tx.0.commit().await?;
            if migrated.0 > 0 {
                self.compact_after_migration().await?;
            }
        }
        Ok(outcome)
    }

    async fn current_version(&self) -> Result<u64, StoreError> {
        let (latest,): (i64,) = self
            .conn()
            .await?
            .fetch_one(query(sql::CURRENT_VERSION))
            .await?;
        from_db(latest)
    }

    async fn pull(&self, query_: &PullQuery) -> Result<PullPage, StoreError> {
        let mut conn = self.conn().await?;
        let page = match query_.scope {
            PullScope::All => query(sql::PULL_ALL)
                .bind(to_db(query_.after)?)
                .bind(i64::from(query_.limit) + 1),
            PullScope::OwnCases(user) => query(sql::pull_own_cases(&B::DIALECT))
                .bind(to_db(query_.after)?)
                .bind(user)
                .bind(i64::from(query_.limit) + 1)
                .bind(to_db(query_.exits_after)?),
            PullScope::Agency(ref agency) => query(sql::pull_agency(&B::DIALECT))
                .bind(to_db(query_.after)?)
                .bind(agency.as_str())
                .bind(i64::from(query_.limit) + 1)
                .bind(to_db(query_.exits_after)?)
                .bind(query_.user_id),
        };
        let rows: Vec<RecordRow> = conn.fetch_all(page).await?;
        let last = query(sql::LAST_MUTATION_ID)
            .bind(query_.user_id)
            .bind(query_.device_id);
        let last: Option<(i64,)> = conn.fetch_optional(last).await?;
        let (latest,): (i64,) = conn.fetch_one(query(sql::CURRENT_VERSION)).await?;
        drop(conn);
        let more = rows.len() > query_.limit as usize;
        let mut records: Vec<_> = rows
            .into_iter()
            .take(query_.limit as usize)
            .map(RecordRow::record)
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
        let counts = query(sql::activity_counts(&B::DIALECT))
            .bind(model::activity::format_date(from))
            .bind(model::activity::format_date(to));
        let rows: Vec<CountsRow> = self.conn().await?.fetch_all(counts).await?;
        rows.into_iter().map(CountsRow::counts).collect()
    }

    async fn tallies(
        &self,
        period: Period,
        area: &Area,
        today: Date,
    ) -> Result<Tallies, StoreError> {
        // One snapshot for every query: they all see the same writes.
        let mut db = B::begin_read(&self.pool).await?;
        let rollups = &B::queries().rollups;
        let tallies = tallies::read(&mut *db, &B::DIALECT, rollups, period, area, today).await?;
        db.commit().await?;
        Ok(tallies)
    }

    async fn area_groups(&self) -> Result<AreaGroups, StoreError> {
        let mut db = self.pool.begin().await?;
        let lists = db.fetch_all(query(sql::AREA_GROUP_LISTS)).await?;
        let rows = db.fetch_all(query(sql::AREA_GROUPS)).await?;
        db.commit().await?;
        Ok(sql::area_groups(lists, rows))
    }

    async fn set_area_groups(
        &self,
        groups: &[AreaGroup],
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut db = self.pool.begin().await?;
        B::lock_table(&mut *db, "area_group_lists").await?;
        let (list,): (i32,) = db.fetch_one(query(sql::NEXT_AREA_GROUP_LIST)).await?;
        let insert = query(sql::INSERT_AREA_GROUP_LIST).bind(list).bind(audit.at);
        db.execute(insert).await?;
        for (position, group) in groups.iter().enumerate() {
            let insert = query(sql::INSERT_AREA_GROUP)
                .bind(list)
                .bind(position as i32)
                .bind(&group.id)
                .bind(&group.name)
                .bind(group.kecamatan.join(","));
            db.execute(insert).await?;
        }
        insert_audit(&mut *db, std::slice::from_ref(audit)).await?;
        db.commit().await?;
        Ok(())
    }

    async fn referral_facts(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<model::referral::figures::ReferralFacts>, StoreError> {
        use model::referral::{figures::ReferralFacts, Action, Step};
        type Row = (
            Id,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let select = query(sql::referral_facts(&B::DIALECT))
            .bind(model::activity::format_date(from))
            .bind(model::activity::format_date(to));
        let rows: Vec<Row> = self.conn().await?.fetch_all(select).await?;
        let day = |text: &str| {
            model::activity::parse_date(text)
                .ok_or_else(|| StoreError::Corrupt(format!("a referral's day {text:?}")))
        };
        let mut facts: Vec<(Uuid, ReferralFacts)> = Vec::new();
        for (id, agency, referred, needed_by, action, date, reason) in rows {
            if facts.last().is_none_or(|(last, _)| *last != id.0) {
                facts.push((
                    id.0,
                    ReferralFacts {
                        agency,
                        referred_on: day(&referred)?,
                        needed_by: day(&needed_by)?,
                        steps: Vec::new(),
                    },
                ));
            }
            if let (Some(action), Some(date)) = (action.as_deref().and_then(Action::parse), date) {
                if let Some((_, last)) = facts.last_mut() {
                    last.steps.push(Step {
                        action,
                        date: day(&date)?,
                        decline_reason: reason,
                    });
                }
            }
        }
        Ok(facts.into_iter().map(|(_, facts)| facts).collect())
    }

    async fn agencies(&self) -> Result<model::agency::AgencyList, StoreError> {
        let rows: Vec<(String, String, String, String, bool)> =
            self.conn().await?.fetch_all(query(sql::AGENCIES)).await?;
        let agencies = rows
            .into_iter()
            .map(
                |(code, name_id, name_en, kind, active)| model::agency::Agency {
                    code,
                    name_id,
                    name_en,
                    kind,
                    active,
                },
            )
            .collect();
        Ok(model::agency::AgencyList { agencies })
    }

    async fn add_agency(
        &self,
        agency: &model::agency::Agency,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut db = self.pool.begin().await?;
        B::lock_table(&mut *db, "agencies").await?;
        let (position,): (i64,) = db.fetch_one(query(sql::NEXT_AGENCY_POSITION)).await?;
        let insert = query(sql::INSERT_AGENCY)
            .bind(&agency.code)
            .bind(&agency.name_id)
            .bind(&agency.name_en)
            .bind(&agency.kind)
            .bind(agency.active)
            .bind(position);
        match db.execute(insert).await {
            Err(StoreError::Database(sqlx::Error::Database(e))) if e.is_unique_violation() => {
                return Err(StoreError::AgencyTaken(agency.code.clone()));
            }
            done => done?,
        };
        insert_audit(&mut *db, std::slice::from_ref(audit)).await?;
        db.commit().await?;
        Ok(())
    }

    async fn update_agency(
        &self,
        agency: &model::agency::Agency,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError> {
        let mut db = self.pool.begin().await?;
        let update = query(sql::UPDATE_AGENCY)
            .bind(&agency.code)
            .bind(&agency.name_id)
            .bind(&agency.name_en)
            .bind(&agency.kind)
            .bind(agency.active);
        if db.execute(update).await? == 0 {
            return Ok(false);
        }
        insert_audit(&mut *db, std::slice::from_ref(audit)).await?;
        db.commit().await?;
        Ok(true)
    }

    async fn refresh_statistics(&self) -> Result<(), StoreError> {
        B::analyze(&self.pool).await
    }

    async fn conflict_log(&self, record_id: Uuid) -> Result<Vec<LoggedConflict>, StoreError> {
        let log = query(sql::CONFLICT_LOG).bind(record_id);
        let rows: Vec<LoggedConflictRow> = self.conn().await?.fetch_all(log).await?;
        rows.into_iter()
            .map(|row| {
                Ok(LoggedConflict {
                    field: row.field,
                    server: row.server_value.0,
                    device: row.device_value.0,
                    device_id: row.device_id.0,
                    mutation_id: from_db(row.mutation_id)?,
                    user_id: row.user_id.0,
                    at: row.at,
                    resolved_version: row.resolved_version.map(from_db).transpose()?,
                    resolved_by: row.resolved_by.map(|by| by.0),
                })
            })
            .collect()
    }

    async fn has_records(&self, kind: &str) -> Result<bool, StoreError> {
        let any = query(sql::ANY_RECORD_OF_KIND).bind(kind);
        let (exists,): (bool,) = self.conn().await?.fetch_one(any).await?;
        Ok(exists)
    }

    async fn append_audit(&self, entries: &[NewAuditEntry]) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        insert_audit(&mut *self.conn().await?, entries).await
    }

    async fn audit_log(&self, query_: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let log = query(sql::audit_log(&B::DIALECT))
            .bind(query_.user_id)
            .bind(query_.record_id)
            .bind(query_.from)
            .bind(query_.to)
            .bind(query_.before.map(to_db).transpose()?)
            .bind(i64::from(query_.limit) + 1);
        let rows: Vec<AuditRow> = self.conn().await?.fetch_all(log).await?;
        rows.into_iter()
            .map(|row| {
                Ok(AuditEntry {
                    id: from_db(row.id)?,
                    at: row.at,
                    user_id: row.user_id.map(|id| id.0),
                    username: row.username,
                    device_id: row.device_id.map(|id| id.0),
                    action: row.action,
                    record_kind: row.record_kind,
                    record_id: row.record_id.map(|id| id.0),
                    detail: row.detail.0,
                })
            })
            .collect()
    }
}

/// Account ids with their public keys, read from their hex.
fn public_key_rows(rows: Vec<(Id, String)>) -> Result<Vec<(Uuid, Vec<u8>)>, StoreError> {
    rows.into_iter()
        .map(|(id, public)| {
            let bytes = model::e2e::unhex(&public).ok_or_else(|| {
                StoreError::Corrupt(format!("account {}'s public key is not hex", id.0))
            })?;
            Ok((id.0, bytes))
        })
        .collect()
}
