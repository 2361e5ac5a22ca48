//! What a store does once as it opens, under the writers' lock: fills the fact tables
//! (migration 0006) and the rollups (migration 0008) from what was stored before them.

use super::backend::Backend;
use super::db::{query, Db, Param};
use super::projection::{project_stored, Projection, BACKFILLED, BACKFILL_NAME};
use super::rollup;
use super::rows::BackfillRow;
use super::sql_store::SqlStore;
use super::write_tx::save_facts;
use super::StoreError;
use sqlx::Pool;
use uuid::Uuid;

/// The migrations a migrator brings, as `_sqlx_migrations` records the applied ones:
/// (version, checksum), in order.
pub(super) fn wanted(migrator: &sqlx::migrate::Migrator) -> Vec<(i64, Vec<u8>)> {
    migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| (m.version, m.checksum.to_vec()))
        .collect()
}

/// What [`SqlStore::open`] fills once, by the name it records in `fact_backfills`.
const FILLS: [(&str, &str); 2] = [
    (BACKFILL_NAME, "the fact tables are not filled"),
    (rollup::REBUILD_NAME, "the rollups are not filled"),
];

impl<B: Backend> SqlStore<B> {
    /// The store on a database that `gugus-worker migrate` readied ([`super::Startup::Check`]):
    /// reads, writes nothing and takes no lock, so any number of instances (or a function's
    /// cold start) may open it at once. Fails with [`StoreError::NotMigrated`] when a
    /// migration this worker has is not applied (or differs), or what one fills is not.
    pub(super) async fn checked(
        pool: Pool<B::DB>,
        wanted: &[(i64, Vec<u8>)],
    ) -> Result<Self, StoreError> {
        let store = SqlStore::new(pool);
        // No table yet reads as nothing applied (and, on PostgreSQL, ends the transaction:
        // the fills are read in another).
        let mut tx = B::begin_read(&store.pool).await?;
        let applied: Vec<(i64, Vec<u8>)> = tx
            .fetch_all(query(
                "SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version",
            ))
            .await
            .unwrap_or_default();
        drop(tx);
        if applied != wanted {
            let last = |list: &[(i64, Vec<u8>)]| list.last().map_or(0, |(v, _)| *v);
            let missing = match wanted.iter().find(|m| !applied.contains(m)) {
                Some((version, _)) if applied.iter().any(|(v, _)| v == version) => {
                    format!("migration {version} was applied from a different file")
                }
                Some((version, _)) => format!(
                    "migration {version} is not applied; the newest applied is {} of {}",
                    last(&applied),
                    last(wanted)
                ),
                None => format!(
                    "the database has migration {} and this worker knows only up to {}: \
                     it is older than the database",
                    last(&applied),
                    last(wanted)
                ),
            };
            return Err(StoreError::NotMigrated { missing });
        }
        let mut tx = B::begin_read(&store.pool).await?;
        let done: Vec<(String,)> = tx
            .fetch_all(query("SELECT name FROM fact_backfills"))
            .await?;
        for (name, missing) in FILLS {
            if !done.iter().any(|(n,)| n == name) {
                return Err(StoreError::NotMigrated {
                    missing: missing.into(),
                });
            }
        }
        let (agencies,): (i64,) = tx.fetch_one(query("SELECT COUNT(*) FROM agencies")).await?;
        tx.commit().await?;
        if agencies == 0 {
            return Err(StoreError::NotMigrated {
                missing: "the agency list is not seeded".into(),
            });
        }
        Ok(store)
    }

    /// The store on a migrated database: fills the facts and the rollups from the records
    /// stored before they existed, once.
    pub(super) async fn open(pool: Pool<B::DB>) -> Result<Self, StoreError> {
        let store = SqlStore::new(pool);
        store.backfill().await?;
        store.rebuild_rollups().await?;
        store.seed_agencies().await?;
        Ok(store)
    }

    /// Fills the agency list (migration 0017) from the list the code had before it
    /// (`model::agency::seed`) when it is empty, once, under the writers' lock: the codes
    /// stored services name stay on the list, and a deployment then edits its own.
    async fn seed_agencies(&self) -> Result<(), StoreError> {
        let mut tx = B::begin_write(&self.pool).await?;
        tx.execute(query(B::LOCK_WRITERS)).await?;
        let (count,): (i64,) = tx.fetch_one(query("SELECT COUNT(*) FROM agencies")).await?;
        if count == 0 {
            for (position, agency) in model::agency::seed().iter().enumerate() {
                let insert = query(super::sql::INSERT_AGENCY)
                    .bind(&agency.code)
                    .bind(&agency.name_id)
                    .bind(&agency.name_en)
                    .bind(&agency.kind)
                    .bind(agency.active)
                    .bind(position as i64);
                tx.execute(insert).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Fills migration 0006's fact tables from the records stored before it, once, under
    /// the writers' lock (so no push, nor a second worker starting, interleaves).
    async fn backfill(&self) -> Result<(), StoreError> {
        let mut tx = B::begin_write(&self.pool).await?;
        tx.execute(query(B::LOCK_WRITERS)).await?;
        let done: Option<(i64,)> = tx
            .fetch_optional(
                query("SELECT done_at FROM fact_backfills WHERE name = $1").bind(BACKFILL_NAME),
            )
            .await?;
        if done.is_some() {
            return Ok(());
        }
        let kinds: Vec<String> = BACKFILLED.iter().map(|k| k.as_str().to_owned()).collect();
        let sql = format!(
            "SELECT id, kind, deleted, fields FROM records
             WHERE {} AND id > $2 ORDER BY id LIMIT {}",
            (B::DIALECT.ids)("kind", 1),
            B::BACKFILL_PAGE
        );
        let today = crate::clock::today_wib();
        let mut filled = 0;
        let mut after = Uuid::nil();
        loop {
            let page = query(sql.as_str())
                .bind(Param::Texts(kinds.clone()))
                .bind(after);
            let rows: Vec<BackfillRow> = tx.fetch_all(page).await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = last.id.0;
            let mut projections = Vec::with_capacity(rows.len());
            for row in rows {
                let id = row.id.0;
                if let Some(projection) =
                    project_stored(&row.kind, id, row.deleted, row.fields.0, today)?
                {
                    projections.push((id, projection));
                }
            }
            filled += projections.len();
            let facts: Vec<(Uuid, &Projection)> =
                projections.iter().map(|(id, p)| (*id, p)).collect();
            save_facts::<B, _>(&mut *tx, &facts).await?;
        }
        let done = query("INSERT INTO fact_backfills (name, done_at) VALUES ($1, $2)")
            .bind(BACKFILL_NAME)
            .bind(crate::clock::now_unix());
        tx.execute(done).await?;
        tx.commit().await?;
        if filled > 0 {
            // The planner's statistics would not know the new rows otherwise.
            B::analyze(&self.pool).await?;
        }
        Ok(())
    }

    /// Fills the rollups of migration 0008 from the fact tables, once, under the writers'
    /// lock (no push interleaves).
    async fn rebuild_rollups(&self) -> Result<(), StoreError> {
        let mut tx = B::begin_write(&self.pool).await?;
        tx.execute(query(B::LOCK_WRITERS)).await?;
        let rebuilt = rollup::rebuild(&mut *tx, &B::queries().rollups).await?;
        tx.commit().await?;
        if rebuilt {
            B::after_rebuild(&self.pool).await?;
        }
        Ok(())
    }
}
