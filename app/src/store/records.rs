//! Saving a change made on the device, and reading records back for the screens.

use super::RECORD_STORES;
use super::{meta, records_of, to_js, Store, StoreError, StoreResult, DRAFTS, META, OUTBOX};
use crate::identity::{is_kept_sealed, sealed_field};
use gugus_model::device::{self, LocalRecord};
use gugus_model::sync::Mutation;
use gugus_model::RecordKind;
use indexed_db_futures::prelude::*;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// A record with whether changes to it still wait in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedRecord {
    /// The record.
    pub record: LocalRecord,
    /// Changes to it have not been answered by the server yet.
    pub pending: bool,
}

/// What saving did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    /// The record and its outbox entry were written; the entry has this mutation id.
    Saved {
        /// The new outbox entry's id.
        mutation_id: u64,
    },
    /// Nothing differed from what the device already had: nothing to send.
    Unchanged,
}

impl Store {
    /// Saves a record the officer created (`id` = `None`) or edited, with its outbox
    /// entry, in one strict transaction; also drops the form's draft (`draft_key`).
    ///
    /// `fields` must already be valid for the kind, and an identity record's values sealed
    /// (`identity::seal_fields`; a plain one is refused). The outbox entry is made by
    /// `model::device::save`: the next mutation id, the record's known server version as
    /// base, only the changed fields for an edit (all of them for a record the server has
    /// not answered for yet), and now.
    pub async fn save_record(
        &self,
        kind: RecordKind,
        id: Option<&str>,
        fields: Map<String, Value>,
        draft_key: &str,
        at: String,
    ) -> StoreResult<(String, SaveOutcome)> {
        self.save_fields(kind, id, fields, None, draft_key, at)
            .await
    }

    /// Saves an edit made on a form that was opened showing `opened`: only the fields the
    /// officer changed since then are laid over the record as it is now
    /// (`model::device::rebase_edit`), inside the same transaction, so a pull that landed
    /// while the form was open is never undone by the form's stale values.
    pub async fn save_edit(
        &self,
        kind: RecordKind,
        id: &str,
        fields: Map<String, Value>,
        opened: &Map<String, Value>,
        draft_key: &str,
        at: String,
    ) -> StoreResult<(String, SaveOutcome)> {
        self.save_fields(kind, Some(id), fields, Some(opened), draft_key, at)
            .await
    }

    async fn save_fields(
        &self,
        kind: RecordKind,
        id: Option<&str>,
        fields: Map<String, Value>,
        opened: Option<&Map<String, Value>>,
        draft_key: &str,
        at: String,
    ) -> StoreResult<(String, SaveOutcome)> {
        if kind.is_identity() && !all_sealed(&fields) {
            return Err(StoreError::Failed("identity values must be sealed".into()));
        }
        let tx = self.write_strict(&[records_of(kind), OUTBOX, META, DRAFTS])?;
        let records = tx.object_store(records_of(kind))?;
        let meta_store = tx.object_store(META)?;
        let existing: Option<LocalRecord> = match id {
            Some(id) => records.get(id).serde()?.await?,
            None => None,
        };
        let fields = match (&existing, opened) {
            (Some(record), Some(opened)) => device::rebase_edit(&record.fields, opened, &fields),
            _ => fields,
        };
        let id = id.map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
        let next_id = meta::next_mutation_id(&meta_store).await?;
        let saved = device::save(existing, kind.as_str(), &id, fields, at, next_id)
            .map_err(|error| StoreError::Failed(error.to_string()))?;
        let record = saved.record;
        let outcome = match saved.mutation {
            None => SaveOutcome::Unchanged,
            Some(mutation) => {
                tx.object_store(OUTBOX)?
                    .put(to_js(&mutation)?)
                    .primitive()?
                    .await?;
                meta::put(&meta_store, meta::NEXT_MUTATION_ID, &saved.next_id).await?;
                SaveOutcome::Saved {
                    mutation_id: mutation.id,
                }
            }
        };
        records.put(to_js(&record)?).primitive()?.await?;
        let drafts = tx.object_store(DRAFTS)?;
        drafts.delete(draft_key).serde()?.await?;
        drafts.delete(base_key(draft_key).as_str()).serde()?.await?;
        tx.commit().await?;
        Ok((record.id, outcome))
    }

    /// Settles the conflict on `field` of record `id` with the chosen `value` (the
    /// server's or this phone's): the record and its resolving outbox entry
    /// (`model::device::resolve`) in one strict transaction. Answers the record as now
    /// shown, or `None` when the device does not have it.
    pub async fn resolve_conflict(
        &self,
        kind: RecordKind,
        id: &str,
        field: &str,
        value: Value,
        at: String,
    ) -> StoreResult<Option<LocalRecord>> {
        let tx = self.write_strict(&[records_of(kind), OUTBOX, META])?;
        let records = tx.object_store(records_of(kind))?;
        let meta_store = tx.object_store(META)?;
        let Some(existing): Option<LocalRecord> = records.get(id).serde()?.await? else {
            return Ok(None);
        };
        let next_id = meta::next_mutation_id(&meta_store).await?;
        let saved = device::resolve(existing, field, value, at, next_id)
            .map_err(|error| StoreError::Failed(error.to_string()))?;
        if let Some(mutation) = &saved.mutation {
            tx.object_store(OUTBOX)?
                .put(to_js(mutation)?)
                .primitive()?
                .await?;
            meta::put(&meta_store, meta::NEXT_MUTATION_ID, &saved.next_id).await?;
        }
        records.put(to_js(&saved.record)?).primitive()?.await?;
        tx.commit().await?;
        Ok(Some(saved.record))
    }

    /// Every record of `kind`, with whether it has changes waiting (in no set order):
    /// read from the kind's own store, so only that kind is read.
    pub async fn list_records(&self, kind: RecordKind) -> StoreResult<Vec<ListedRecord>> {
        let tx = self.read(&[records_of(kind), OUTBOX])?;
        let records: Vec<LocalRecord> = tx
            .object_store(records_of(kind))?
            .get_all()
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        let pending = pending_record_ids(&self.outbox_in(&tx).await?);
        Ok(listed(records, &pending))
    }

    /// The identity record of victim `victim_id`, if the device has one (its values
    /// sealed).
    pub async fn identity_of(&self, victim_id: &str) -> StoreResult<Option<ListedRecord>> {
        Ok(self
            .list_records(RecordKind::VictimIdentity)
            .await?
            .into_iter()
            .find(|r| {
                !r.record.deleted
                    && r.record.fields.get("victim_id").and_then(Value::as_str) == Some(victim_id)
            }))
    }

    /// Every record of the kinds this app knows, with whether it has changes waiting (in
    /// no set order), in one transaction for the home page: read kind by kind, so no
    /// single answer has to carry a whole large store at once.
    pub async fn all_records(&self) -> StoreResult<Vec<ListedRecord>> {
        let known: Vec<&str> = RecordKind::ALL.into_iter().map(records_of).collect();
        let tx = self.read(&[known.as_slice(), &[OUTBOX]].concat())?;
        let mut records: Vec<LocalRecord> = Vec::new();
        for name in known {
            for record in tx.object_store(name)?.get_all().serde()?.await? {
                records.push(record?);
            }
        }
        let pending = pending_record_ids(&self.outbox_in(&tx).await?);
        Ok(listed(records, &pending))
    }

    /// How many records the device holds.
    pub async fn record_count(&self) -> StoreResult<u32> {
        let tx = self.read(&RECORD_STORES)?;
        let mut count = 0;
        for name in RECORD_STORES {
            count += tx.object_store(name)?.count().await?;
        }
        Ok(count)
    }

    /// One record of `kind`, if the device has it.
    pub async fn record(&self, kind: RecordKind, id: &str) -> StoreResult<Option<ListedRecord>> {
        let tx = self.read(&[records_of(kind), OUTBOX])?;
        let record: Option<LocalRecord> =
            tx.object_store(records_of(kind))?.get(id).serde()?.await?;
        let pending = pending_record_ids(&self.outbox_in(&tx).await?);
        Ok(record.map(|record| ListedRecord {
            pending: pending.contains(&record.id),
            record,
        }))
    }
}

/// Whether every identity value of `fields` is sealed: an end-to-end envelope, or sealed
/// under the vault.
fn all_sealed(fields: &Map<String, Value>) -> bool {
    fields
        .iter()
        .all(|(name, value)| !sealed_field(name) || value.is_null() || is_kept_sealed(value))
}

fn listed(records: Vec<LocalRecord>, pending: &BTreeSet<String>) -> Vec<ListedRecord> {
    records
        .into_iter()
        .map(|record| ListedRecord {
            pending: pending.contains(&record.id),
            record,
        })
        .collect()
}

fn pending_record_ids(outbox: &[Mutation]) -> BTreeSet<String> {
    outbox.iter().map(|m| m.record_id.to_string()).collect()
}

/// Where the fields an edit form was opened with are kept beside its draft, so a draft
/// restored after a reload still saves only what the officer changed.
pub fn base_key(draft_key: &str) -> String {
    format!("{draft_key}#base")
}
