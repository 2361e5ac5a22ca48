//! The PostgreSQL store, for larger deployments: any number of workers share one database.
//! Writers lock the version sequence's row first and hold it until commit.

use super::backend::Backend;
use super::db::{query, Db};
use super::rollup::Queries;
use super::sql;
use super::sql_store::SqlStore;
use super::startup::wanted;
use super::{Startup, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;

/// The PostgreSQL implementation of [`super::Store`].
pub type PostgresStore = SqlStore<PgBackend>;

/// PostgreSQL, as the store runs on it.
#[derive(Debug)]
pub struct PgBackend;

/// The connections one instance keeps to PostgreSQL (issue #20): `gugus-worker serve`
/// serves many requests at once and keeps up to 10 ([`PgPoolSize::default`]); a function
/// instance serves one request at a time and keeps a few, closing the idle ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PgPoolSize {
    /// Connections open at most.
    pub max_connections: u32,
    /// Connections kept open even when idle.
    pub min_connections: u32,
    /// How long a request waits for a connection before it fails.
    pub acquire_timeout: Duration,
    /// How long an idle connection is kept (`None`: the pool's default, 10 minutes).
    pub idle_timeout: Option<Duration>,
}

impl Default for PgPoolSize {
    /// The worker binary's pool.
    fn default() -> Self {
        PgPoolSize {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(10),
            idle_timeout: None,
        }
    }
}

impl PostgresStore {
    /// Connects to and migrates the database, with the worker binary's pool.
    pub async fn connect(url: &str, startup: Startup) -> Result<Self, StoreError> {
        PostgresStore::connect_sized(url, startup, PgPoolSize::default()).await
    }

    /// Like [`PostgresStore::connect`], with a pool of `size`.
    pub async fn connect_sized(
        url: &str,
        startup: Startup,
        size: PgPoolSize,
    ) -> Result<Self, StoreError> {
        // No JIT: compiling a plan costs tens of milliseconds, more than any of the
        // worker's queries (short lookups, and sums over the small rollups) would gain.
        // A plan for each execution: after five runs of a prepared statement PostgreSQL
        // may keep a generic plan for the connection's life, and one made while a table
        // was small scans it whole once it has grown (measured under 200 phones on a new
        // store, `make bench` section `load`: the rollups' deltas read case_facts 13,000
        // times in 30 s, a 100-mutation push's p99 1,010 ms; with a plan each time, index
        // lookups and 421 ms, a pull's p99 from 309 to 18 ms).
        let options = PgConnectOptions::from_str(url)?
            .options([("jit", "off"), ("plan_cache_mode", "force_custom_plan")]);
        let mut pool = PgPoolOptions::new()
            .max_connections(size.max_connections)
            .min_connections(size.min_connections)
            .acquire_timeout(size.acquire_timeout);
        if let Some(idle) = size.idle_timeout {
            pool = pool.idle_timeout(idle);
        }
        let pool = pool.connect_with(options).await?;
        match startup {
            Startup::Migrate => {
                migrate(&pool).await?;
                SqlStore::open(pool).await
            }
            Startup::Check => SqlStore::checked(pool, &wanted(&MIGRATOR)).await,
        }
    }
}

/// The worker's migrations of PostgreSQL.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Brings the schema up to date, unless it is already: a worker that runs as a role
/// without the right to change the schema (`worker/sql/postgres-worker-role.sql`) starts
/// on a schema its owner migrated (`gugus-worker migrate`), and is told so otherwise.
async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let migrator = &MIGRATOR;
    let wanted = wanted(migrator);
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

#[async_trait::async_trait]
impl Backend for PgBackend {
    type DB = Postgres;
    const BACKFILL_PAGE: i64 = 1000;
    const FACT_ROWS_PER_STATEMENT: usize = 1000;
    const IDS_PER_STATEMENT: usize = usize::MAX;
    const ROW_ID: &'static str = "ctid";
    const COMBINED_WRITES: bool = true;
    /// The evaluation's queries in PostgreSQL: days are `DATE`, sums cast back to `BIGINT`.
    const DIALECT: sql::Dialect = sql::Dialect {
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
        typed: |n, ty| format!("${n}::{ty}"),
        field: |name| format!("(fields->>'{name}')"),
        exited: "TRUE, FALSE, '{}'::jsonb",
    };
    const LOCK_WRITERS: &'static str = "SELECT value FROM sync_seq WHERE id = 1 FOR UPDATE";
    // Each table is written anew and its old files removed (a plain VACUUM only marks
    // dead row versions for reuse, leaving their bytes on disk).
    const COMPACT: &'static [&'static str] = &["VACUUM FULL records", "VACUUM FULL conflicts"];

    fn queries() -> &'static Queries {
        static QUERIES: OnceLock<Queries> = OnceLock::new();
        QUERIES.get_or_init(|| Self::DIALECT.queries())
    }

    async fn begin_write(pool: &PgPool) -> Result<Transaction<'static, Postgres>, StoreError> {
        Ok(pool.begin().await?)
    }

    async fn begin_read(pool: &PgPool) -> Result<Transaction<'static, Postgres>, StoreError> {
        let mut tx = pool.begin().await?;
        tx.execute(query(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        ))
        .await?;
        Ok(tx)
    }

    async fn lock_login_keys(
        tx: &mut PgConnection,
        keys: &[(String, u64)],
    ) -> Result<(), StoreError> {
        // One advisory lock per key, in one order, held to the end of the transaction:
        // every worker process on this database counts a key's attempts one at a time.
        let mut ordered: Vec<&(String, u64)> = keys.iter().collect();
        ordered.sort();
        for (key, _) in ordered {
            let lock = query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7303))");
            tx.execute(lock.bind(key)).await?;
        }
        Ok(())
    }

    async fn lock_table(tx: &mut PgConnection, table: &str) -> Result<(), StoreError> {
        tx.execute(query(format!("LOCK TABLE {table} IN EXCLUSIVE MODE")))
            .await?;
        Ok(())
    }

    async fn analyze(pool: &PgPool) -> Result<(), StoreError> {
        sqlx::query("ANALYZE").execute(pool).await?;
        Ok(())
    }

    async fn after_rebuild(pool: &PgPool) -> Result<(), StoreError> {
        // New rows are read at a third of the speed until a VACUUM marks their pages
        // all-visible (measured: a year's services 170 → 55 ms at a million cases);
        // afterwards autovacuum keeps them so as pushes update them.
        for rollup in Self::queries().rollups.all() {
            sqlx::query(&format!("VACUUM (ANALYZE) {}", rollup.table))
                .execute(pool)
                .await?;
        }
        Ok(())
    }
}
