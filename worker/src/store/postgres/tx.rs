//! The push transaction on PostgreSQL.

use crate::store::error::{from_db, to_db};
use crate::store::projection::{by_table, FactValue, Projection, TableWrites};
use crate::store::push::{ConflictEntry, Loaded, RecordWrite, Resolved, ScopeExit, WriteTx};
use crate::store::rollup::{Driver, Sign, Touched};
use crate::store::sql;
use crate::store::NewAuditEntry;
use crate::store::StoreError;
use model::merge::StoredRecord;
use serde_json::{Map, Value};
use sqlx::types::Json;
use sqlx::PgConnection;
use sqlx::{Postgres, QueryBuilder, Transaction};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A read-committed transaction that locks the sequence row before it reads anything.
pub(super) struct PostgresTx(pub Transaction<'static, Postgres>);

type LoadRow = (
    Uuid,
    String,
    i64,
    bool,
    bool,
    Json<Map<String, Value>>,
    Json<BTreeMap<String, u64>>,
    Option<Uuid>,
    Uuid,
);

/// Rows per multi-row statement: well under PostgreSQL's 65,535 bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

impl PostgresTx {
    async fn save_records(&mut self, writes: &[RecordWrite<'_>]) -> Result<(), StoreError> {
        let mut rows = Vec::with_capacity(writes.len());
        for write in writes {
            rows.push((write, to_db(write.record.version)?));
        }
        let mut query = QueryBuilder::<Postgres>::new(sql::UPSERT_RECORDS);
        query.push_values(rows, |mut row, (write, version)| {
            let record = write.record;
            row.push_bind(write.id)
                .push_bind(write.kind.as_str())
                .push_bind(version)
                .push_bind(record.deleted)
                .push_bind(record.conflict)
                .push_bind(Json(record.fields.clone()))
                .push_bind(Json(record.field_versions.clone()))
                .push_bind(write.user_id)
                .push_bind(write.user_id)
                .push_bind(write.now)
                .push_bind(write.now)
                .push_bind(write.case_id);
        });
        query.push(
            " ON CONFLICT (id) DO UPDATE SET version = excluded.version,
                 deleted = excluded.deleted, conflict = excluded.conflict,
                 fields = excluded.fields, field_versions = excluded.field_versions,
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        );
        query.build().execute(&mut *self.0).await?;
        Ok(())
    }

    async fn save_facts(&mut self, writes: &[RecordWrite<'_>]) -> Result<(), StoreError> {
        let facts: Vec<(Uuid, &Projection)> = writes.iter().map(|w| (w.id, w.projection)).collect();
        save_facts(&mut self.0, &facts).await
    }
}

/// Rows per multi-row insert of facts: well under PostgreSQL's 65,535 bound parameters.
const FACT_ROWS_PER_STATEMENT: usize = 1000;

/// Replaces the fact rows of the records written: per table, one delete of their rows and
/// multi-row inserts of the new ones (deleted records have none). The rollups are the
/// caller's ([`WriteTx::save_many`] keeps them).
pub(super) async fn save_facts(
    db: &mut PgConnection,
    facts: &[(Uuid, &Projection)],
) -> Result<(), StoreError> {
    for (table, ids, rows) in by_table(facts) {
        let delete = format!("DELETE FROM {} WHERE {} = ANY($1)", table.name, table.key);
        sqlx::query(&delete).bind(ids).execute(&mut *db).await?;
        for chunk in rows.chunks(FACT_ROWS_PER_STATEMENT) {
            let head = format!("INSERT INTO {} ({}) ", table.name, table.columns.join(", "));
            let mut query = QueryBuilder::<Postgres>::new(head);
            query.push_values(chunk, |mut row, values| {
                for value in values.iter() {
                    match value {
                        FactValue::Id(id) => row.push_bind(*id),
                        FactValue::Text(text) => row.push_bind(text.clone()),
                        FactValue::Date(text) => {
                            row.push_bind(text.clone()).push_unseparated("::date")
                        }
                        FactValue::NoDate => {
                            row.push_bind(None::<String>).push_unseparated("::date")
                        }
                        FactValue::Int(n) => row.push_bind(*n),
                        FactValue::NoInt => row.push_bind(None::<i64>),
                    };
                }
            });
            query.build().execute(&mut *db).await?;
        }
    }
    Ok(())
}

/// The cases and activities a write of these fact rows touches, the stored facts asked.
async fn touched(db: &mut PgConnection, tables: &[TableWrites<'_>]) -> Result<Touched, StoreError> {
    let mut touched = Touched::of(tables);
    if touched.needs_lookup() {
        let found: Vec<(Uuid,)> = sqlx::query_as(&super::queries().touched_cases)
            .bind(touched.victims.iter().copied().collect::<Vec<_>>())
            .bind(&touched.services)
            .bind(&touched.steps)
            .fetch_all(&mut *db)
            .await?;
        touched.cases.extend(found.into_iter().map(|(id,)| id));
    }
    Ok(touched)
}

/// Takes the touched contributions out of every rollup, or adds them.
async fn shift(db: &mut PgConnection, touched: &Touched, sign: Sign) -> Result<(), StoreError> {
    let (cases, activities) = (
        touched.of_driver(Driver::Case),
        touched.of_driver(Driver::Activity),
    );
    for rollup in super::queries().rollups.all() {
        let ids = match rollup.driver {
            Driver::Case => &cases,
            Driver::Activity => &activities,
        };
        if !ids.is_empty() {
            sqlx::query(&rollup.shift(sign))
                .bind(ids)
                .execute(&mut *db)
                .await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl WriteTx for PostgresTx {
    async fn lock_writers(&mut self) -> Result<u64, StoreError> {
        // Held until commit: versions are assigned, and committed, in order; and every read
        // after this sees what the previous writer committed.
        let (value,): (i64,) = sqlx::query_as(super::LOCK_WRITERS)
            .fetch_one(&mut *self.0)
            .await?;
        from_db(value)
    }

    async fn last_mutation_id(&mut self, user: Uuid, device: Uuid) -> Result<u64, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as(sql::LAST_MUTATION_ID)
            .bind(user)
            .bind(device)
            .fetch_optional(&mut *self.0)
            .await?;
        from_db(row.map_or(0, |(id,)| id))
    }

    async fn set_last_mutation_id(
        &mut self,
        user: Uuid,
        device: Uuid,
        id: u64,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(sql::SET_LAST_MUTATION_ID)
            .bind(user)
            .bind(device)
            .bind(to_db(id)?)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn load_many(&mut self, ids: &[Uuid]) -> Result<Vec<Loaded>, StoreError> {
        let rows: Vec<LoadRow> = sqlx::query_as(
            "SELECT id, kind, version, deleted, conflict, fields, field_versions, case_id,
             created_by FROM records WHERE id = ANY($1)",
        )
        .bind(ids)
        .fetch_all(&mut *self.0)
        .await?;
        rows.into_iter()
            .map(
                |(id, kind, version, deleted, conflict, fields, field_versions, case_id, by)| {
                    let record = StoredRecord {
                        version: from_db(version)?,
                        deleted,
                        conflict,
                        fields: fields.0,
                        field_versions: field_versions.0,
                    };
                    Ok(Loaded {
                        id,
                        kind,
                        record,
                        case_id,
                        created_by: by,
                    })
                },
            )
            .collect()
    }

    async fn set_latest_version(&mut self, version: u64) -> Result<(), StoreError> {
        sqlx::query(sql::SET_CURRENT_VERSION)
            .bind(to_db(version)?)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn save_many(&mut self, writes: &[RecordWrite<'_>]) -> Result<(), StoreError> {
        // The rollups follow once for the whole push: the contributions of the cases and
        // activities it touches are taken out before any of its facts change, and added
        // back after all of them have.
        let facts: Vec<(Uuid, &Projection)> = writes.iter().map(|w| (w.id, w.projection)).collect();
        let touched = touched(&mut self.0, &by_table(&facts)).await?;
        shift(&mut self.0, &touched, Sign::Out).await?;
        for chunk in writes.chunks(ROWS_PER_STATEMENT) {
            self.save_records(chunk).await?;
            self.save_facts(chunk).await?;
        }
        shift(&mut self.0, &touched, Sign::In).await
    }

    async fn log_conflicts(&mut self, entry: &ConflictEntry<'_>) -> Result<(), StoreError> {
        for conflict in entry.conflicts {
            sqlx::query(sql::INSERT_CONFLICTS)
                .bind(entry.record_id)
                .bind(&conflict.field)
                .bind(Json(&conflict.server))
                .bind(Json(&conflict.device))
                .bind(entry.device_id)
                .bind(to_db(entry.mutation_id)?)
                .bind(entry.user_id)
                .bind(&entry.at)
                .bind(entry.logged_at)
                .execute(&mut *self.0)
                .await?;
        }
        Ok(())
    }

    async fn open_conflicts(&mut self, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, StoreError> {
        let rows: Vec<(Uuid, String)> = sqlx::query_as(
            "SELECT record_id, field FROM conflicts
             WHERE resolved_at IS NULL AND record_id = ANY($1)",
        )
        .bind(ids)
        .fetch_all(&mut *self.0)
        .await?;
        Ok(rows)
    }

    async fn resolve_conflicts(&mut self, resolved: &Resolved<'_>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE conflicts SET resolved_version = $1, resolved_by = $2, resolved_at = $3
             WHERE record_id = $4 AND field = ANY($5) AND resolved_at IS NULL",
        )
        .bind(to_db(resolved.version)?)
        .bind(resolved.user_id)
        .bind(resolved.at)
        .bind(resolved.record_id)
        .bind(resolved.fields)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn accessible_cases(
        &mut self,
        user: Uuid,
        cases: &[Uuid],
    ) -> Result<Vec<Uuid>, StoreError> {
        let rows: Vec<(Uuid,)> = sqlx::query_as(
            "SELECT case_id FROM case_access WHERE user_id = $1 AND case_id = ANY($2)",
        )
        .bind(user)
        .bind(cases)
        .fetch_all(&mut *self.0)
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn officers(&mut self, users: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
        let rows: Vec<(Uuid,)> =
            sqlx::query_as("SELECT id FROM users WHERE role = 'officer' AND id = ANY($1)")
                .bind(users)
                .fetch_all(&mut *self.0)
                .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn case_records(&mut self, case: Uuid) -> Result<Vec<(Uuid, String)>, StoreError> {
        Ok(sqlx::query_as(sql::CASE_RECORDS)
            .bind(case)
            .fetch_all(&mut *self.0)
            .await?)
    }

    async fn grant_access(&mut self, case: Uuid, users: &[Uuid]) -> Result<(), StoreError> {
        for user in users {
            sqlx::query(sql::GRANT_ACCESS)
                .bind(case)
                .bind(user)
                .execute(&mut *self.0)
                .await?;
        }
        Ok(())
    }

    async fn revoke_access(
        &mut self,
        case: Uuid,
        user: Uuid,
        exits: &[ScopeExit],
    ) -> Result<(), StoreError> {
        sqlx::query(sql::REVOKE_ACCESS)
            .bind(case)
            .bind(user)
            .execute(&mut *self.0)
            .await?;
        for chunk in exits.chunks(ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::<Postgres>::new(sql::INSERT_SCOPE_EXITS);
            let mut rows = Vec::with_capacity(chunk.len());
            for exit in chunk {
                rows.push((to_db(exit.version)?, exit));
            }
            query.push_values(rows, |mut row, (version, exit)| {
                row.push_bind(user)
                    .push_bind(version)
                    .push_bind(exit.kind.clone())
                    .push_bind(exit.record_id);
            });
            query.build().execute(&mut *self.0).await?;
        }
        Ok(())
    }

    async fn move_versions(&mut self, moves: &[(Uuid, u64)]) -> Result<(), StoreError> {
        for (id, version) in moves {
            sqlx::query(sql::MOVE_VERSION)
                .bind(id)
                .bind(to_db(*version)?)
                .execute(&mut *self.0)
                .await?;
        }
        Ok(())
    }

    async fn append_audit(&mut self, entries: &[NewAuditEntry]) -> Result<(), StoreError> {
        insert_audit(&mut self.0, entries).await
    }
}

/// Appends entries to the audit trail, a few hundred a statement.
pub(super) async fn insert_audit(
    conn: &mut PgConnection,
    entries: &[NewAuditEntry],
) -> Result<(), StoreError> {
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        let mut query = QueryBuilder::<Postgres>::new(sql::INSERT_AUDIT);
        query.push_values(chunk, |mut row, entry| {
            row.push_bind(entry.at)
                .push_bind(entry.user_id)
                .push_bind(entry.device_id)
                .push_bind(entry.action.as_str())
                .push_bind(entry.record_kind.clone())
                .push_bind(entry.record_id)
                .push_bind(Json(entry.detail.clone()));
        });
        query.build().execute(&mut *conn).await?;
    }
    Ok(())
}
