//! The push transaction ([`WriteTx`]), written once over a [`Backend`]: begun by
//! [`Backend::begin_write`], it takes the writers' lock before it reads anything.

use super::backend::Backend;
use super::db::{query, raw_json, Db, Decoded, Id, Param};
use super::error::{from_db, to_db};
use super::projection::{by_table, FactValue, Projection, TableWrites};
use super::push::{ConflictEntry, Loaded, RecordWrite, Resolved, ScopeExit, WriteTx};
use super::rollup::{Driver, Sign, Touched};
use super::rows::LoadRow;
use super::{sql, NewAuditEntry, StoreError};
use model::merge::StoredRecord;
use sqlx::Transaction;
use std::collections::HashSet;
use uuid::Uuid;

/// A push's transaction on backend `B`.
pub(super) struct SqlTx<B: Backend>(pub Transaction<'static, B::DB>);

/// Rows per multi-row statement: well under SQLite's 32,766 bound parameters (and
/// PostgreSQL's 65,535).
const ROWS_PER_STATEMENT: usize = 500;

/// The ids of `(id,)` rows.
fn ids(rows: Vec<(Id,)>) -> Vec<Uuid> {
    rows.into_iter().map(|(id,)| id.0).collect()
}

impl<B: Backend> SqlTx<B> {
    async fn save_records(&mut self, writes: &[RecordWrite<'_>]) -> Result<(), StoreError> {
        let mut rows = Vec::with_capacity(writes.len());
        for write in writes {
            let record = write.record;
            rows.push(vec![
                Param::from(write.id),
                Param::from(write.kind.as_str()),
                Param::from(to_db(record.version)?),
                Param::from(record.deleted),
                Param::from(record.conflict),
                Param::Json(raw_json(&record.fields)?),
                Param::Json(raw_json(&record.field_versions)?),
                Param::from(write.user_id),
                Param::from(write.user_id),
                Param::from(write.now),
                Param::from(write.now),
                Param::from(write.case_id),
            ]);
        }
        let tail = " ON CONFLICT (id) DO UPDATE SET version = excluded.version,
                 deleted = excluded.deleted, conflict = excluded.conflict,
                 fields = excluded.fields, field_versions = excluded.field_versions,
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at";
        self.0.insert_rows(sql::UPSERT_RECORDS, rows, tail).await
    }

    /// Runs `sql` for each slice of `ids` the backend takes at once, and gathers the rows:
    /// its last parameter tests a column against the slice, after `first` when given.
    async fn rows_of_ids<R: Decoded>(
        &mut self,
        sql: &str,
        first: Option<Uuid>,
        ids: &[Uuid],
    ) -> Result<Vec<R>, StoreError> {
        let mut found = Vec::new();
        for chunk in ids.chunks(B::IDS_PER_STATEMENT) {
            let statement = match first {
                Some(first) => query(sql).bind(first).bind(chunk),
                None => query(sql).bind(chunk),
            };
            found.extend(self.0.fetch_all::<R>(statement).await?);
        }
        Ok(found)
    }
}

/// Replaces the fact rows of the records written: per table, one delete of their rows and
/// multi-row inserts of the new ones (deleted records have none). The rollups are the
/// caller's ([`WriteTx::save_many`] keeps them).
pub(super) async fn save_facts<B: Backend, D: Db>(
    db: &mut D,
    facts: &[(Uuid, &Projection)],
) -> Result<(), StoreError> {
    for (table, ids, rows) in by_table(facts) {
        let delete = format!(
            "DELETE FROM {} WHERE {}",
            table.name,
            (B::DIALECT.ids)(table.key, 1)
        );
        db.execute(query(delete).bind(ids.as_slice())).await?;
        let head = format!("INSERT INTO {} ({}) ", table.name, table.columns.join(", "));
        for chunk in rows.chunks(B::FACT_ROWS_PER_STATEMENT) {
            let chunk = chunk
                .iter()
                .map(|values| values.iter().map(fact_param).collect())
                .collect();
            db.insert_rows(&head, chunk, "").await?;
        }
    }
    Ok(())
}

/// A fact's value as a parameter.
fn fact_param(value: &FactValue) -> Param {
    match value {
        FactValue::Id(id) => Param::from(*id),
        FactValue::Text(text) => Param::from(text),
        FactValue::Date(text) => Param::Day(Some(text.clone())),
        FactValue::NoDate => Param::Day(None),
        FactValue::Int(n) => Param::from(*n),
        FactValue::NoInt => Param::Int(None),
        FactValue::NoText => Param::Text(None),
        FactValue::Bool(b) => Param::from(*b),
    }
}

/// The cases and activities a write of these fact rows touches, the stored facts asked.
async fn touched<B: Backend, D: Db>(
    db: &mut D,
    tables: &[TableWrites<'_>],
) -> Result<Touched, StoreError> {
    let mut touched = Touched::of(tables);
    if touched.needs_lookup() {
        let victims: Vec<Uuid> = touched.victims.iter().copied().collect();
        let lookup = query(B::queries().touched_cases.as_str())
            .bind(victims.as_slice())
            .bind(touched.services.as_slice())
            .bind(touched.steps.as_slice());
        let found: Vec<(Id,)> = db.fetch_all(lookup).await?;
        touched.cases.extend(ids(found));
    }
    Ok(touched)
}

/// Takes the touched contributions out of every rollup that reads a table written, or
/// adds them: on PostgreSQL in one statement per driver (each rollup's upsert a step of
/// it), on SQLite one statement per rollup (no round trip to save there).
async fn shift<B: Backend, D: Db>(
    db: &mut D,
    touched: &Touched,
    sign: Sign,
) -> Result<(), StoreError> {
    for driver in [Driver::Case, Driver::Activity] {
        let ids = touched.of_driver(driver);
        if ids.is_empty() {
            continue;
        }
        let shifts: Vec<&str> = B::queries()
            .rollups
            .all()
            .into_iter()
            .filter(|rollup| rollup.driver == driver && touched.changes(rollup))
            .map(|rollup| rollup.shift(sign))
            .collect();
        if B::COMBINED_WRITES {
            if let Some(statement) = combined(&shifts) {
                db.execute(query(statement).bind(ids.as_slice())).await?;
            }
        } else {
            for statement in shifts {
                db.execute(query(statement).bind(ids.as_slice())).await?;
            }
        }
    }
    Ok(())
}

/// Data-modifying statements over the same parameters as one statement (PostgreSQL's
/// `WITH step AS (INSERT …)`): each runs once, all on the same snapshot, so they must not
/// write the same rows.
fn combined(statements: &[&str]) -> Option<String> {
    match statements {
        [] => None,
        [one] => Some((*one).to_owned()),
        many => {
            let steps: Vec<String> = many
                .iter()
                .enumerate()
                .map(|(n, statement)| format!("step{n} AS ({statement})"))
                .collect();
            Some(format!("WITH {} SELECT 1", steps.join(", ")))
        }
    }
}

#[async_trait::async_trait]
impl<B: Backend> WriteTx for SqlTx<B> {
    async fn lock_writers(&mut self) -> Result<u64, StoreError> {
        // Held until commit: versions are assigned, and committed, in order; and every read
        // after this sees what the previous writer committed.
        let (value,): (i64,) = self.0.fetch_one(query(B::LOCK_WRITERS)).await?;
        from_db(value)
    }

    async fn last_mutation_id(&mut self, user: Uuid, device: Uuid) -> Result<u64, StoreError> {
        let last = query(sql::LAST_MUTATION_ID).bind(user).bind(device);
        let row: Option<(i64,)> = self.0.fetch_optional(last).await?;
        from_db(row.map_or(0, |(id,)| id))
    }

    async fn set_last_mutation_id(
        &mut self,
        user: Uuid,
        device: Uuid,
        id: u64,
        now: i64,
    ) -> Result<(), StoreError> {
        let set = query(sql::SET_LAST_MUTATION_ID)
            .bind(user)
            .bind(device)
            .bind(to_db(id)?)
            .bind(now);
        self.0.execute(set).await?;
        Ok(())
    }

    async fn load_many(&mut self, ids: &[Uuid]) -> Result<Vec<Loaded>, StoreError> {
        let sql = format!(
            "SELECT id, kind, version, deleted, conflict, fields, field_versions, case_id,
             created_by FROM records WHERE {}",
            (B::DIALECT.ids)("id", 1)
        );
        let rows: Vec<LoadRow> = self.rows_of_ids(&sql, None, ids).await?;
        rows.into_iter()
            .map(|row| {
                let record = StoredRecord {
                    version: from_db(row.version)?,
                    deleted: row.deleted,
                    conflict: row.conflict,
                    fields: row.fields.0,
                    field_versions: row.field_versions.0,
                };
                Ok(Loaded {
                    id: row.id.0,
                    kind: row.kind,
                    record,
                    case_id: row.case_id.map(|id| id.0),
                    created_by: row.created_by.0,
                })
            })
            .collect()
    }

    async fn set_latest_version(&mut self, version: u64) -> Result<(), StoreError> {
        let set = query(sql::SET_CURRENT_VERSION).bind(to_db(version)?);
        self.0.execute(set).await?;
        Ok(())
    }

    async fn save_many(&mut self, writes: &[RecordWrite<'_>]) -> Result<(), StoreError> {
        // The rollups follow once for the whole push: the contributions of the cases and
        // activities it touches are taken out before any of its facts change, and added
        // back after all of them have.
        let facts: Vec<(Uuid, &Projection)> = writes.iter().map(|w| (w.id, w.projection)).collect();
        let touched = touched::<B, _>(&mut *self.0, &by_table(&facts)).await?;
        // A record this push creates has no facts yet, so nothing to take out: every
        // rollup's query starts from its driver's own facts (case_facts, activity_facts).
        let created: HashSet<Uuid> = writes.iter().filter(|w| w.created).map(|w| w.id).collect();
        shift::<B, _>(&mut *self.0, &touched.without(&created), Sign::Out).await?;
        for chunk in writes.chunks(ROWS_PER_STATEMENT) {
            self.save_records(chunk).await?;
            let facts: Vec<(Uuid, &Projection)> =
                chunk.iter().map(|w| (w.id, w.projection)).collect();
            save_facts::<B, _>(&mut *self.0, &facts).await?;
        }
        shift::<B, _>(&mut *self.0, &touched, Sign::In).await
    }

    async fn log_conflicts(&mut self, entry: &ConflictEntry<'_>) -> Result<(), StoreError> {
        for conflict in entry.conflicts {
            let insert = query(sql::INSERT_CONFLICTS)
                .bind(entry.record_id)
                .bind(&conflict.field)
                .bind(conflict.server.clone())
                .bind(conflict.device.clone())
                .bind(entry.device_id)
                .bind(to_db(entry.mutation_id)?)
                .bind(entry.user_id)
                .bind(&entry.at)
                .bind(entry.logged_at);
            self.0.execute(insert).await?;
        }
        Ok(())
    }

    async fn open_conflicts(&mut self, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, StoreError> {
        let sql = format!(
            "SELECT record_id, field FROM conflicts WHERE resolved_at IS NULL AND {}",
            (B::DIALECT.ids)("record_id", 1)
        );
        let rows: Vec<(Id, String)> = self.rows_of_ids(&sql, None, ids).await?;
        Ok(rows.into_iter().map(|(id, field)| (id.0, field)).collect())
    }

    async fn resolve_conflicts(&mut self, resolved: &Resolved<'_>) -> Result<(), StoreError> {
        for field in resolved.fields {
            let resolve = query(
                "UPDATE conflicts SET resolved_version = $1, resolved_by = $2, resolved_at = $3
                 WHERE record_id = $4 AND field = $5 AND resolved_at IS NULL",
            )
            .bind(to_db(resolved.version)?)
            .bind(resolved.user_id)
            .bind(resolved.at)
            .bind(resolved.record_id)
            .bind(field);
            self.0.execute(resolve).await?;
        }
        Ok(())
    }

    async fn accessible_cases(
        &mut self,
        user: Uuid,
        cases: &[Uuid],
    ) -> Result<Vec<Uuid>, StoreError> {
        let sql = format!(
            "SELECT case_id FROM case_access WHERE user_id = $1 AND {}",
            (B::DIALECT.ids)("case_id", 2)
        );
        Ok(ids(self.rows_of_ids(&sql, Some(user), cases).await?))
    }

    async fn officers(&mut self, users: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
        let sql = format!(
            "SELECT id FROM users WHERE role = 'officer' AND {}",
            (B::DIALECT.ids)("id", 1)
        );
        Ok(ids(self.rows_of_ids(&sql, None, users).await?))
    }

    async fn agencies(&mut self) -> Result<Vec<(String, bool)>, StoreError> {
        Ok(self.0.fetch_all(query(sql::AGENCY_FLAGS)).await?)
    }

    async fn referral_steps(
        &mut self,
        referrals: &[Uuid],
    ) -> Result<Vec<(Uuid, String)>, StoreError> {
        let sql = format!(
            "SELECT referral_id, action, seq FROM referral_step_facts WHERE {}
             ORDER BY referral_id, seq",
            (B::DIALECT.ids)("referral_id", 1)
        );
        let mut rows: Vec<(Id, String, i64)> = self.rows_of_ids(&sql, None, referrals).await?;
        // Each slice of ids is in order; across slices, sort again.
        rows.sort_by_key(|row| (row.0 .0, row.2));
        Ok(rows
            .into_iter()
            .map(|(id, action, _)| (id.0, action))
            .collect())
    }

    async fn case_records(&mut self, case: Uuid) -> Result<Vec<(Uuid, String)>, StoreError> {
        let rows: Vec<(Id, String)> = self
            .0
            .fetch_all(query(sql::CASE_RECORDS).bind(case))
            .await?;
        Ok(rows.into_iter().map(|(id, kind)| (id.0, kind)).collect())
    }

    async fn grant_access(&mut self, case: Uuid, users: &[Uuid]) -> Result<(), StoreError> {
        for user in users {
            let grant = query(sql::GRANT_ACCESS).bind(case).bind(*user);
            self.0.execute(grant).await?;
        }
        Ok(())
    }

    async fn revoke_access(
        &mut self,
        case: Uuid,
        user: Uuid,
        exits: &[ScopeExit],
    ) -> Result<(), StoreError> {
        let revoke = query(sql::REVOKE_ACCESS).bind(case).bind(user);
        self.0.execute(revoke).await?;
        self.record_exits(user, exits).await
    }

    async fn record_exits(&mut self, user: Uuid, exits: &[ScopeExit]) -> Result<(), StoreError> {
        for chunk in exits.chunks(ROWS_PER_STATEMENT) {
            let mut rows = Vec::with_capacity(chunk.len());
            for exit in chunk {
                rows.push(vec![
                    Param::from(user),
                    Param::from(to_db(exit.version)?),
                    Param::from(&exit.kind),
                    Param::from(exit.record_id),
                ]);
            }
            self.0
                .insert_rows(sql::INSERT_SCOPE_EXITS, rows, "")
                .await?;
        }
        Ok(())
    }

    async fn liaisons(&mut self, agency: &str) -> Result<Vec<Uuid>, StoreError> {
        let rows: Vec<(Id,)> = self
            .0
            .fetch_all(query(sql::AGENCY_LIAISONS).bind(agency))
            .await?;
        Ok(rows.into_iter().map(|(id,)| id.0).collect())
    }

    async fn live_shares(&mut self, agency: &str, victim: Uuid) -> Result<u64, StoreError> {
        let (count,): (i64,) = self
            .0
            .fetch_one(query(sql::live_shares()).bind(agency).bind(victim))
            .await?;
        from_db(count)
    }

    async fn move_versions(&mut self, moves: &[(Uuid, u64)]) -> Result<(), StoreError> {
        for (id, version) in moves {
            let set = query(sql::MOVE_VERSION).bind(*id).bind(to_db(*version)?);
            self.0.execute(set).await?;
        }
        Ok(())
    }

    async fn append_audit(&mut self, entries: &[NewAuditEntry]) -> Result<(), StoreError> {
        insert_audit(&mut *self.0, entries).await
    }

    async fn redact_plain_conflicts(&mut self, ids: &[Uuid]) -> Result<u64, StoreError> {
        let sql = format!(
            "SELECT id, field, server_value, device_value FROM conflicts WHERE {}",
            (B::DIALECT.ids)("record_id", 1)
        );
        let rows: Vec<super::rows::ConflictValuesRow> = self.rows_of_ids(&sql, None, ids).await?;
        let plain = |value: &serde_json::Value| !value.is_null() && !model::e2e::is_envelope(value);
        let mut redacted = 0;
        for row in rows {
            if row.field == "victim_id"
                || !(plain(&row.server_value.0) || plain(&row.device_value.0))
            {
                continue;
            }
            let keep = |value: serde_json::Value| {
                if plain(&value) {
                    serde_json::Value::Null
                } else {
                    value
                }
            };
            let update = query(sql::REDACT_CONFLICT)
                .bind(keep(row.server_value.0))
                .bind(keep(row.device_value.0))
                .bind(row.id);
            self.0.execute(update).await?;
            redacted += 1;
        }
        Ok(redacted)
    }
}

/// Appends entries to the audit trail, a few hundred a statement.
pub(super) async fn insert_audit<D: Db>(
    db: &mut D,
    entries: &[NewAuditEntry],
) -> Result<(), StoreError> {
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        let rows = chunk
            .iter()
            .map(|entry| {
                Ok(vec![
                    Param::from(entry.at),
                    Param::from(entry.user_id),
                    Param::from(entry.device_id),
                    Param::from(entry.action.as_str()),
                    Param::from(entry.record_kind.clone()),
                    Param::from(entry.record_id),
                    Param::Json(raw_json(&entry.detail)?),
                ])
            })
            .collect::<Result<_, StoreError>>()?;
        db.insert_rows(sql::INSERT_AUDIT, rows, "").await?;
    }
    Ok(())
}
