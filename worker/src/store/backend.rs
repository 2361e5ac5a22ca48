//! What differs between SQLite and PostgreSQL besides how values are bound ([`super::db`]):
//! how a transaction begins and locks, how the planner's statistics are refreshed, and a
//! few sizes. The store ([`super::sql_store::SqlStore`]) and the push transaction
//! ([`super::write_tx::SqlTx`]) are written once over a [`Backend`].

use super::db::Db;
use super::rollup::Queries;
use super::sql::Dialect;
use super::StoreError;
use sqlx::{Database, Pool, Transaction};

/// A database the store runs on.
#[async_trait::async_trait]
pub(super) trait Backend: Send + Sync + 'static {
    /// The sqlx database, whose connections run the shared SQL.
    type DB: Database<Connection: Db>;
    /// Records read a page by the first fill of the facts.
    const BACKFILL_PAGE: i64;
    /// Rows per multi-row insert of facts (under the backend's bound parameters).
    const FACT_ROWS_PER_STATEMENT: usize;
    /// Ids per statement that tests a column against a list of ids.
    const IDS_PER_STATEMENT: usize;
    /// The hidden column that names a row (`ctid`, `rowid`).
    const ROW_ID: &'static str;
    /// Takes the writers' lock, held until commit, and reads the latest version assigned,
    /// in a transaction begun by [`Backend::begin_write`].
    const LOCK_WRITERS: &'static str;
    /// Whether several data-modifying statements over the same parameters are sent as one
    /// (in a `WITH`), to save round trips while the writers' lock is held.
    const COMBINED_WRITES: bool;
    /// How the SQL that differs is written on this backend.
    const DIALECT: Dialect;
    /// Rewrites the tables that held victims' identities, so no free page or old row
    /// version keeps text removed from them (run outside a transaction).
    const COMPACT: &'static [&'static str];

    /// The rollups' queries in this dialect.
    fn queries() -> &'static Queries;
    /// Begins a transaction that writes (SQLite takes the write lock at once).
    async fn begin_write(
        pool: &Pool<Self::DB>,
    ) -> Result<Transaction<'static, Self::DB>, StoreError>;
    /// Begins a transaction whose reads all see the same writes.
    async fn begin_read(
        pool: &Pool<Self::DB>,
    ) -> Result<Transaction<'static, Self::DB>, StoreError>;
    /// Makes the counting of these login keys' attempts one at a time, in a transaction
    /// begun by [`Backend::begin_write`], across every worker process on the store.
    async fn lock_login_keys(
        tx: &mut <Self::DB as Database>::Connection,
        keys: &[(String, u64)],
    ) -> Result<(), StoreError>;
    /// Keeps other writers of `table` out until commit.
    async fn lock_table(
        tx: &mut <Self::DB as Database>::Connection,
        table: &str,
    ) -> Result<(), StoreError>;
    /// Refreshes the query planner's statistics.
    async fn analyze(pool: &Pool<Self::DB>) -> Result<(), StoreError>;
    /// Readies the rollups to be read after they were filled at start-up.
    async fn after_rebuild(pool: &Pool<Self::DB>) -> Result<(), StoreError>;
}
