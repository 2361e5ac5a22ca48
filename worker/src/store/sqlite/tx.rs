//! The push transaction on SQLite.

use super::rows::{parse_json, parse_uuid};
use crate::store::error::{from_db, to_db};
use crate::store::projection::{by_table, FactValue, Projection, TableWrites};
use crate::store::push::{ConflictEntry, Loaded, RecordWrite, Resolved, ScopeExit, WriteTx};
use crate::store::rollup::{Driver, Sign, Touched};
use crate::store::sql;
use crate::store::NewAuditEntry;
use crate::store::StoreError;
use model::merge::StoredRecord;
use sqlx::SqliteConnection;
use sqlx::{QueryBuilder, Sqlite, Transaction};
use uuid::Uuid;

/// A transaction begun with `BEGIN IMMEDIATE`: it holds the write lock from the start.
pub(super) struct SqliteTx(pub Transaction<'static, Sqlite>);

fn json(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("unserialisable: {e}")))
}

type LoadRow = (
    String,
    String,
    i64,
    bool,
    bool,
    String,
    String,
    Option<String>,
    String,
);

/// Rows per multi-row statement: well under SQLite's 32,766 bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// The ids as a JSON array, for `IN (SELECT value FROM json_each(?))`.
fn id_list<'a>(ids: impl Iterator<Item = &'a Uuid>) -> String {
    let ids: Vec<String> = ids.map(Uuid::to_string).collect();
    serde_json::Value::from(ids).to_string()
}

impl SqliteTx {
    async fn save_records(&mut self, writes: &[RecordWrite<'_>]) -> Result<(), StoreError> {
        let mut rows = Vec::with_capacity(writes.len());
        for write in writes {
            let record = write.record;
            let (fields, versions) = (json(&record.fields)?, json(&record.field_versions)?);
            rows.push((write, to_db(record.version)?, fields, versions));
        }
        let mut query = QueryBuilder::<Sqlite>::new(sql::UPSERT_RECORDS);
        query.push_values(rows, |mut row, (write, version, fields, versions)| {
            let user = write.user_id.to_string();
            row.push_bind(write.id.to_string())
                .push_bind(write.kind.as_str())
                .push_bind(version)
                .push_bind(write.record.deleted)
                .push_bind(write.record.conflict)
                .push_bind(fields)
                .push_bind(versions)
                .push_bind(user.clone())
                .push_bind(user)
                .push_bind(write.now)
                .push_bind(write.now)
                .push_bind(write.case_id.map(|id| id.to_string()));
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

/// Replaces the fact rows of the records written: per table, one delete of their rows and
/// multi-row inserts of the new ones (deleted records have none). The rollups are the
/// caller's ([`WriteTx::save_many`] keeps them).
pub(super) async fn save_facts(
    db: &mut SqliteConnection,
    facts: &[(Uuid, &Projection)],
) -> Result<(), StoreError> {
    for (table, ids, rows) in by_table(facts) {
        let delete = format!(
            "DELETE FROM {} WHERE {} IN (SELECT value FROM json_each($1))",
            table.name, table.key
        );
        sqlx::query(&delete)
            .bind(id_list(ids.iter()))
            .execute(&mut *db)
            .await?;
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let head = format!("INSERT INTO {} ({}) ", table.name, table.columns.join(", "));
            let mut query = QueryBuilder::<Sqlite>::new(head);
            query.push_values(chunk, |mut row, values| {
                for value in values.iter() {
                    match value {
                        FactValue::Id(id) => row.push_bind(id.to_string()),
                        FactValue::Text(text) | FactValue::Date(text) => {
                            row.push_bind(text.clone())
                        }
                        FactValue::NoDate => row.push_bind(None::<String>),
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
async fn touched(
    db: &mut SqliteConnection,
    tables: &[TableWrites<'_>],
) -> Result<Touched, StoreError> {
    let mut touched = Touched::of(tables);
    if touched.needs_lookup() {
        let found: Vec<(String,)> = sqlx::query_as(&super::queries().touched_cases)
            .bind(id_list(touched.victims.iter()))
            .bind(id_list(touched.services.iter()))
            .bind(id_list(touched.steps.iter()))
            .fetch_all(&mut *db)
            .await?;
        for (id,) in found {
            touched.cases.insert(parse_uuid(&id)?);
        }
    }
    Ok(touched)
}

/// Takes the touched contributions out of every rollup, or adds them.
async fn shift(db: &mut SqliteConnection, touched: &Touched, sign: Sign) -> Result<(), StoreError> {
    let ids = |driver| {
        let ids = touched.of_driver(driver);
        (!ids.is_empty()).then(|| id_list(ids.iter()))
    };
    let (cases, activities) = (ids(Driver::Case), ids(Driver::Activity));
    for rollup in super::queries().rollups.all() {
        let ids = match rollup.driver {
            Driver::Case => &cases,
            Driver::Activity => &activities,
        };
        if let Some(ids) = ids {
            sqlx::query(&rollup.shift(sign))
                .bind(ids)
                .execute(&mut *db)
                .await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl WriteTx for SqliteTx {
    async fn lock_writers(&mut self) -> Result<u64, StoreError> {
        // BEGIN IMMEDIATE already took the database's write lock.
        let (value,): (i64,) = sqlx::query_as(sql::CURRENT_VERSION)
            .fetch_one(&mut *self.0)
            .await?;
        from_db(value)
    }

    async fn last_mutation_id(&mut self, user: Uuid, device: Uuid) -> Result<u64, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as(sql::LAST_MUTATION_ID)
            .bind(user.to_string())
            .bind(device.to_string())
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
            .bind(user.to_string())
            .bind(device.to_string())
            .bind(to_db(id)?)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn load_many(&mut self, ids: &[Uuid]) -> Result<Vec<Loaded>, StoreError> {
        let mut loaded = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let rows: Vec<LoadRow> = sqlx::query_as(
                "SELECT id, kind, version, deleted, conflict, fields, field_versions, case_id,
                 created_by FROM records WHERE id IN (SELECT value FROM json_each($1))",
            )
            .bind(id_list(chunk.iter()))
            .fetch_all(&mut *self.0)
            .await?;
            for row in rows {
                let (id, kind, version, deleted, conflict, fields, field_versions, case, by) = row;
                let record = StoredRecord {
                    version: from_db(version)?,
                    deleted,
                    conflict,
                    fields: parse_json(&fields)?,
                    field_versions: parse_json(&field_versions)?,
                };
                loaded.push(Loaded {
                    id: parse_uuid(&id)?,
                    kind,
                    record,
                    case_id: case.as_deref().map(parse_uuid).transpose()?,
                    created_by: parse_uuid(&by)?,
                });
            }
        }
        Ok(loaded)
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
                .bind(entry.record_id.to_string())
                .bind(&conflict.field)
                .bind(json(&conflict.server)?)
                .bind(json(&conflict.device)?)
                .bind(entry.device_id.to_string())
                .bind(to_db(entry.mutation_id)?)
                .bind(entry.user_id.to_string())
                .bind(&entry.at)
                .bind(entry.logged_at)
                .execute(&mut *self.0)
                .await?;
        }
        Ok(())
    }

    async fn open_conflicts(&mut self, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, StoreError> {
        let mut open = Vec::new();
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT record_id, field FROM conflicts
                 WHERE resolved_at IS NULL AND record_id IN (SELECT value FROM json_each($1))",
            )
            .bind(id_list(chunk.iter()))
            .fetch_all(&mut *self.0)
            .await?;
            for (id, field) in rows {
                open.push((parse_uuid(&id)?, field));
            }
        }
        Ok(open)
    }

    async fn resolve_conflicts(&mut self, resolved: &Resolved<'_>) -> Result<(), StoreError> {
        for field in resolved.fields {
            sqlx::query(
                "UPDATE conflicts SET resolved_version = $1, resolved_by = $2, resolved_at = $3
                 WHERE record_id = $4 AND field = $5 AND resolved_at IS NULL",
            )
            .bind(to_db(resolved.version)?)
            .bind(resolved.user_id.to_string())
            .bind(resolved.at)
            .bind(resolved.record_id.to_string())
            .bind(field)
            .execute(&mut *self.0)
            .await?;
        }
        Ok(())
    }

    async fn accessible_cases(
        &mut self,
        user: Uuid,
        cases: &[Uuid],
    ) -> Result<Vec<Uuid>, StoreError> {
        let mut found = Vec::new();
        for chunk in cases.chunks(ROWS_PER_STATEMENT) {
            let rows: Vec<(String,)> = sqlx::query_as(
                "SELECT case_id FROM case_access
                 WHERE user_id = $1 AND case_id IN (SELECT value FROM json_each($2))",
            )
            .bind(user.to_string())
            .bind(id_list(chunk.iter()))
            .fetch_all(&mut *self.0)
            .await?;
            for (id,) in rows {
                found.push(parse_uuid(&id)?);
            }
        }
        Ok(found)
    }

    async fn officers(&mut self, users: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
        let mut found = Vec::new();
        for chunk in users.chunks(ROWS_PER_STATEMENT) {
            let rows: Vec<(String,)> = sqlx::query_as(
                "SELECT id FROM users
                 WHERE role = 'officer' AND id IN (SELECT value FROM json_each($1))",
            )
            .bind(id_list(chunk.iter()))
            .fetch_all(&mut *self.0)
            .await?;
            for (id,) in rows {
                found.push(parse_uuid(&id)?);
            }
        }
        Ok(found)
    }

    async fn case_records(&mut self, case: Uuid) -> Result<Vec<(Uuid, String)>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(sql::CASE_RECORDS)
            .bind(case.to_string())
            .fetch_all(&mut *self.0)
            .await?;
        rows.into_iter()
            .map(|(id, kind)| Ok((parse_uuid(&id)?, kind)))
            .collect()
    }

    async fn grant_access(&mut self, case: Uuid, users: &[Uuid]) -> Result<(), StoreError> {
        for user in users {
            sqlx::query(sql::GRANT_ACCESS)
                .bind(case.to_string())
                .bind(user.to_string())
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
            .bind(case.to_string())
            .bind(user.to_string())
            .execute(&mut *self.0)
            .await?;
        for chunk in exits.chunks(ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::<Sqlite>::new(sql::INSERT_SCOPE_EXITS);
            let mut rows = Vec::with_capacity(chunk.len());
            for exit in chunk {
                rows.push((to_db(exit.version)?, exit));
            }
            query.push_values(rows, |mut row, (version, exit)| {
                row.push_bind(user.to_string())
                    .push_bind(version)
                    .push_bind(exit.kind.clone())
                    .push_bind(exit.record_id.to_string());
            });
            query.build().execute(&mut *self.0).await?;
        }
        Ok(())
    }

    async fn move_versions(&mut self, moves: &[(Uuid, u64)]) -> Result<(), StoreError> {
        for (id, version) in moves {
            sqlx::query(sql::MOVE_VERSION)
                .bind(id.to_string())
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
    conn: &mut SqliteConnection,
    entries: &[NewAuditEntry],
) -> Result<(), StoreError> {
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        let mut query = QueryBuilder::<Sqlite>::new(sql::INSERT_AUDIT);
        query.push_values(chunk, |mut row, entry| {
            row.push_bind(entry.at)
                .push_bind(entry.user_id.map(|id| id.to_string()))
                .push_bind(entry.device_id.map(|id| id.to_string()))
                .push_bind(entry.action.as_str())
                .push_bind(entry.record_kind.clone())
                .push_bind(entry.record_id.map(|id| id.to_string()))
                .push_bind(entry.detail.to_string());
        });
        query.build().execute(&mut *conn).await?;
    }
    Ok(())
}
