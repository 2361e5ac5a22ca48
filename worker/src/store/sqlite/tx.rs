//! The push transaction on SQLite.

use super::rows::parse_json;
use crate::store::projection::{ActivityFact, Projection};
use crate::store::push::{ConflictEntry, RecordWrite, WriteTx};
use crate::store::{from_db, to_db, StoreError};
use model::merge::StoredRecord;
use sqlx::{Sqlite, Transaction};
use uuid::Uuid;

/// A transaction begun with `BEGIN IMMEDIATE`: it holds the write lock from the start.
pub(super) struct SqliteTx(pub Transaction<'static, Sqlite>);

fn json(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("unserialisable: {e}")))
}

impl SqliteTx {
    async fn save_fact(&mut self, id: Uuid, fact: Option<&ActivityFact>) -> Result<(), StoreError> {
        let Some(fact) = fact else {
            sqlx::query("DELETE FROM activity_facts WHERE record_id = $1")
                .bind(id.to_string())
                .execute(&mut *self.0)
                .await?;
            return Ok(());
        };
        let [female_adult, male_adult, female_child, male_child] = fact.participants;
        sqlx::query(
            "INSERT INTO activity_facts (record_id, date, kecamatan, desa, type,
                 female_adult, male_adult, female_child, male_child)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (record_id) DO UPDATE SET date = excluded.date,
                 kecamatan = excluded.kecamatan, desa = excluded.desa, type = excluded.type,
                 female_adult = excluded.female_adult, male_adult = excluded.male_adult,
                 female_child = excluded.female_child, male_child = excluded.male_child",
        )
        .bind(id.to_string())
        .bind(&fact.date)
        .bind(&fact.kecamatan)
        .bind(&fact.desa)
        .bind(&fact.activity_type)
        .bind(female_adult)
        .bind(male_adult)
        .bind(female_child)
        .bind(male_child)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl WriteTx for SqliteTx {
    async fn lock_writers(&mut self) -> Result<(), StoreError> {
        // BEGIN IMMEDIATE already took the database's write lock.
        Ok(())
    }

    async fn last_mutation_id(&mut self, user: Uuid, device: Uuid) -> Result<u64, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT last_mutation_id FROM devices WHERE user_id = $1 AND device_id = $2",
        )
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
        sqlx::query(
            "INSERT INTO devices (user_id, device_id, last_mutation_id, updated_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, device_id) DO UPDATE
             SET last_mutation_id = excluded.last_mutation_id, updated_at = excluded.updated_at",
        )
        .bind(user.to_string())
        .bind(device.to_string())
        .bind(to_db(id)?)
        .bind(now)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn load(&mut self, id: Uuid) -> Result<Option<(String, StoredRecord)>, StoreError> {
        let row: Option<(String, i64, bool, bool, String, String)> = sqlx::query_as(
            "SELECT kind, version, deleted, conflict, fields, field_versions
             FROM records WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&mut *self.0)
        .await?;
        let Some((kind, version, deleted, conflict, fields, field_versions)) = row else {
            return Ok(None);
        };
        let record = StoredRecord {
            version: from_db(version)?,
            deleted,
            conflict,
            fields: parse_json(&fields)?,
            field_versions: parse_json(&field_versions)?,
        };
        Ok(Some((kind, record)))
    }

    async fn next_version(&mut self) -> Result<u64, StoreError> {
        let (value,): (i64,) =
            sqlx::query_as("UPDATE sync_seq SET value = value + 1 WHERE id = 1 RETURNING value")
                .fetch_one(&mut *self.0)
                .await?;
        from_db(value)
    }

    async fn save(&mut self, write: &RecordWrite<'_>) -> Result<(), StoreError> {
        let record = write.record;
        sqlx::query(
            "INSERT INTO records (id, kind, version, deleted, conflict, fields, field_versions,
                 created_by, updated_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $9)
             ON CONFLICT (id) DO UPDATE SET version = excluded.version,
                 deleted = excluded.deleted, conflict = excluded.conflict,
                 fields = excluded.fields, field_versions = excluded.field_versions,
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(write.id.to_string())
        .bind(write.kind.as_str())
        .bind(to_db(record.version)?)
        .bind(record.deleted)
        .bind(record.conflict)
        .bind(json(&record.fields)?)
        .bind(json(&record.field_versions)?)
        .bind(write.user_id.to_string())
        .bind(write.now)
        .execute(&mut *self.0)
        .await?;
        match &write.projection {
            Projection::Activity(fact) => self.save_fact(write.id, fact.as_ref()).await,
        }
    }

    async fn log_conflicts(&mut self, entry: &ConflictEntry<'_>) -> Result<(), StoreError> {
        for conflict in entry.conflicts {
            sqlx::query(
                "INSERT INTO conflicts (record_id, field, server_value, device_value, device_id,
                     mutation_id, user_id, at, logged_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
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
}
