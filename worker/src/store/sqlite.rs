//! The SQLite store: one file in WAL mode, the default for a single machine. Writers take
//! the database's write lock when their transaction begins (`BEGIN IMMEDIATE`).

use super::backend::Backend;
use super::rollup::Queries;
use super::sql;
use super::sql_store::SqlStore;
use super::startup::wanted;
use super::{Startup, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;

/// The SQLite implementation of [`super::Store`].
pub type SqliteStore = SqlStore<SqliteBackend>;

/// SQLite, as the store runs on it.
#[derive(Debug)]
pub struct SqliteBackend;

impl SqliteStore {
    /// Opens (creating file and folder when missing) and migrates the database.
    pub async fn connect(url: &str, startup: Startup) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(15))
            .pragma("cache_size", PAGE_CACHE_KIB.to_string())
            .statement_cache_capacity(STATEMENTS);
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
            .max_connections(CONNECTIONS)
            .connect_with(options)
            .await?;
        match startup {
            Startup::Migrate => {
                MIGRATOR.run(&pool).await?;
                allow_liaison_role(&pool).await?;
                SqlStore::open(pool).await
            }
            Startup::Check => {
                let store = SqlStore::checked(pool.clone(), &wanted(&MIGRATOR)).await?;
                if !allows_liaison(&mut *pool.acquire().await?).await? {
                    return Err(StoreError::NotMigrated {
                        missing: "the users table does not allow the liaison role yet".into(),
                    });
                }
                Ok(store)
            }
        }
    }
}

/// Connections to the file. Each holds its own page cache, parsed schema and prepared
/// statements, and SQLite work is CPU-bound: two keep two cores busy, a writer and a
/// reader beside it. Measured with 200 phones at once (`make bench`, section `load`,
/// 30 s): four connections gave a 100-mutation push a p99 of 200-290 ms and the worker a
/// peak of 48-50 MiB, two 36 ms and 42 MiB (writers wait less for one another's lock).
const CONNECTIONS: u32 = 2;
/// Each connection's page cache, in KiB as SQLite's negative `cache_size` says (its
/// default is 2,000 KiB). The operating system caches the file too, so a page not in this
/// cache costs a read from memory, not from disk.
const PAGE_CACHE_KIB: i32 = -512;
/// Prepared statements each connection keeps (sqlx's default is 100); one not kept is
/// prepared again when next run. The same load, with a login's password check on top
/// (argon2's 7 MiB block): a peak of 40.1 MiB with 100 statements and 1,024 KiB of
/// pages, 38.0 with 48 and 1,024, 36.8 with 48 and 512 (a 100-mutation push's p99 49, 50
/// and 63 ms), 35.5 with 24 and 512 (101 ms).
const STATEMENTS: usize = 48;

/// The worker's migrations of SQLite.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// The users table as issue #19 has it: a fifth role, the agency liaison. PostgreSQL's
/// migration 0018 changes the role's CHECK constraint in place; SQLite cannot, and its
/// documented way (rebuild the table with foreign keys off around one transaction) cannot
/// run inside a migration, which is one transaction. So it runs here, after the
/// migrations, once: a table that already allows the role is left alone.
const USERS_WITH_LIAISON: [&str; 4] = [
    "CREATE TABLE users_with_liaison (
        id            TEXT PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE,
        name          TEXT NOT NULL,
        role          TEXT NOT NULL
            CHECK (role IN ('officer', 'supervisor', 'viewer', 'admin', 'liaison')),
        password_hash TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        agency        TEXT NOT NULL DEFAULT '',
        active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        updated_at    INTEGER NOT NULL DEFAULT 0
    )",
    "INSERT INTO users_with_liaison
        (id, username, name, role, password_hash, created_at, agency, active, updated_at)
        SELECT id, username, name, role, password_hash, created_at, agency, active, updated_at
        FROM users",
    "DROP TABLE users",
    "ALTER TABLE users_with_liaison RENAME TO users",
];

/// Whether the users table's CHECK already allows the liaison role.
async fn allows_liaison(conn: &mut SqliteConnection) -> Result<bool, StoreError> {
    let (schema,): (String,) =
        sqlx::query_as("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'")
            .fetch_one(&mut *conn)
            .await?;
    Ok(schema.contains("'liaison'"))
}

/// Rebuilds the users table to allow the liaison role, when it does not yet
/// ([`USERS_WITH_LIAISON`]), under the write lock, checking every foreign key before the
/// commit.
async fn allow_liaison_role(pool: &SqlitePool) -> Result<(), StoreError> {
    let mut conn = pool.acquire().await?;
    if allows_liaison(&mut conn).await? {
        return Ok(());
    }
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await?;
    let rebuilt = rebuild_users(&mut conn).await;
    if rebuilt.is_err() {
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
    }
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await?;
    rebuilt
}

async fn rebuild_users(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
    // Another process may have rebuilt it while this one waited for the lock.
    if allows_liaison(conn).await? {
        sqlx::query("COMMIT").execute(&mut *conn).await?;
        return Ok(());
    }
    for statement in USERS_WITH_LIAISON {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    let broken: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(&mut *conn)
        .await?;
    if let Some((table,)) = broken.first() {
        return Err(StoreError::Corrupt(format!(
            "rebuilding users would break a foreign key of {table}"
        )));
    }
    sqlx::query("COMMIT").execute(&mut *conn).await?;
    Ok(())
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

#[async_trait::async_trait]
impl Backend for SqliteBackend {
    type DB = Sqlite;
    const BACKFILL_PAGE: i64 = 500;
    const FACT_ROWS_PER_STATEMENT: usize = 500;
    const IDS_PER_STATEMENT: usize = 500;
    const ROW_ID: &'static str = "rowid";
    const COMBINED_WRITES: bool = false;
    /// The evaluation's queries in SQLite: days are `YYYY-MM-DD` text.
    const DIALECT: sql::Dialect = sql::Dialect {
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
        typed: |n, _| format!("${n}"),
        field: |name| format!("json_extract(fields, '$.{name}')"),
        exited: "1, 0, '{}'",
    };
    // BEGIN IMMEDIATE already took the database's write lock.
    const LOCK_WRITERS: &'static str = sql::CURRENT_VERSION;
    // The whole file is rebuilt; then the write-ahead log, which still holds the old
    // pages, is emptied into it and cut to nothing.
    const COMPACT: &'static [&'static str] = &["VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"];

    fn queries() -> &'static Queries {
        static QUERIES: OnceLock<Queries> = OnceLock::new();
        QUERIES.get_or_init(|| Self::DIALECT.queries())
    }

    async fn begin_write(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    async fn begin_read(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, StoreError> {
        // One read transaction: every query sees the same writes.
        Ok(pool.begin().await?)
    }

    async fn lock_login_keys(
        _tx: &mut SqliteConnection,
        _keys: &[(String, u64)],
    ) -> Result<(), StoreError> {
        // BEGIN IMMEDIATE took the database's write lock: attempts count one at a time.
        Ok(())
    }

    async fn lock_table(_tx: &mut SqliteConnection, _table: &str) -> Result<(), StoreError> {
        Ok(())
    }

    async fn analyze(pool: &SqlitePool) -> Result<(), StoreError> {
        analyze(pool).await
    }

    async fn after_rebuild(pool: &SqlitePool) -> Result<(), StoreError> {
        analyze(pool).await
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

    /// Issue #19's rebuild of the users table for the liaison role keeps every account and
    /// what refers to it, keeps the foreign keys and the role check, and runs once.
    #[tokio::test]
    async fn the_users_rebuilt_for_liaisons_keep_their_rows_and_their_guards() {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(":memory:")
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .expect("memory database");
        sqlx::migrate!("migrations/sqlite")
            .run(&pool)
            .await
            .expect("migrations");
        sqlx::raw_sql(
            "INSERT INTO users (id, username, name, role, password_hash, created_at, agency)
                 VALUES ('u1', 'petugas', 'Petugas', 'officer', 'x', 5, 'dinsos');
             INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at)
                 VALUES ('t1', 'u1', 'd1', 5, 99);",
        )
        .execute(&pool)
        .await
        .expect("an account with a session");
        let liaison = "INSERT INTO users (id, username, name, role, password_hash, created_at)
                       VALUES ('u2', 'penghubung', 'P', 'liaison', 'x', 6)";
        assert!(sqlx::query(liaison).execute(&pool).await.is_err());

        super::allow_liaison_role(&pool).await.expect("rebuilt");
        super::allow_liaison_role(&pool)
            .await
            .expect("a second run changes nothing");

        sqlx::query(liaison)
            .execute(&pool)
            .await
            .expect("a liaison");
        let rows =
            sqlx::query("SELECT id, role, agency, active, created_at FROM users ORDER BY id")
                .fetch_all(&pool)
                .await
                .expect("rows");
        let rows: Vec<(String, String, String, i64, i64)> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
            .collect();
        assert_eq!(
            rows,
            [
                ("u1".into(), "officer".into(), "dinsos".into(), 1, 5),
                ("u2".into(), "liaison".into(), String::new(), 1, 6),
            ]
        );
        let session: String = sqlx::query_scalar("SELECT user_id FROM sessions")
            .fetch_one(&pool)
            .await
            .expect("the session");
        assert_eq!(session, "u1");
        let orphan = "INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at)
                      VALUES ('t2', 'nobody', 'd', 1, 2)";
        assert!(
            sqlx::query(orphan).execute(&pool).await.is_err(),
            "foreign keys"
        );
        let bad = "INSERT INTO users (id, username, name, role, password_hash, created_at)
                   VALUES ('u3', 'raja', 'R', 'king', 'x', 7)";
        assert!(
            sqlx::query(bad).execute(&pool).await.is_err(),
            "the role check"
        );
        let taken = "INSERT INTO users (id, username, name, role, password_hash, created_at)
                     VALUES ('u4', 'petugas', 'P', 'officer', 'x', 7)";
        assert!(
            sqlx::query(taken).execute(&pool).await.is_err(),
            "unique usernames"
        );
    }
}
