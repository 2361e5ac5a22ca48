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

impl<B: Backend> SqlStore<B> {
    /// The store on a migrated database: fills the facts and the rollups from the records
    /// stored before they existed, once.
    pub(super) async fn open(pool: Pool<B::DB>) -> Result<Self, StoreError> {
        let store = SqlStore { pool };
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
