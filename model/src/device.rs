//! The device side of sync as pure functions over plain data: making the outbox entry for
//! a local change, planning a push, taking its answer, renumbering after
//! `mutation_gap`, taking a pulled record and keeping the id counter above the server's.
//!
//! The app runs these inside its IndexedDB transactions; [`DeviceState`] runs them over
//! memory, for the property tests and the worker's convergence simulation, so both drive
//! the server exactly as the app does.

mod change;
mod plan;
mod pull;
mod push;
mod record;

pub use change::{delete, rebase_edit, resolve, save, BadRecordId, Saved};
pub use plan::{keep_counter_above, next_batch, plan_gap, renumber, GapPlan};
pub use pull::pulled;
pub use push::{apply_push, PushApplied};
pub use record::LocalRecord;

use crate::sync::{Mutation, Op, PullResponse, PushResponse};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A device's whole sync state in memory: what the app keeps in IndexedDB.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceState {
    /// The records by id.
    pub records: BTreeMap<String, LocalRecord>,
    /// The waiting changes by mutation id.
    pub outbox: BTreeMap<u64, Mutation>,
    /// Where the last pull ended.
    pub cursor: Option<String>,
    /// The next mutation id to hand out.
    pub next_id: u64,
}

impl Default for DeviceState {
    fn default() -> Self {
        DeviceState {
            records: BTreeMap::new(),
            outbox: BTreeMap::new(),
            cursor: None,
            next_id: 1,
        }
    }
}

impl DeviceState {
    /// Creates or edits record `id` (see [`save`]); answers the new entry's id.
    pub fn save(
        &mut self,
        kind: &str,
        id: &str,
        fields: Map<String, Value>,
        at: &str,
    ) -> Result<Option<u64>, BadRecordId> {
        let existing = self.records.get(id).cloned();
        let saved = save(existing, kind, id, fields, at.to_owned(), self.next_id)?;
        Ok(self.keep(saved))
    }

    /// Deletes record `id` (see [`delete`]); `None` when the device does not have it.
    pub fn delete(&mut self, id: &str, at: &str) -> Result<Option<u64>, BadRecordId> {
        let Some(record) = self.records.get(id) else {
            return Ok(None);
        };
        let saved = delete(record, at.to_owned(), self.next_id)?;
        Ok(self.keep(saved))
    }

    /// Settles the conflict on `field` of record `id` with `value` (see [`resolve`]);
    /// `None` when the device does not have the record.
    pub fn resolve(
        &mut self,
        id: &str,
        field: &str,
        value: Value,
        at: &str,
    ) -> Result<Option<u64>, BadRecordId> {
        let Some(record) = self.records.get(id).cloned() else {
            return Ok(None);
        };
        let saved = resolve(record, field, value, at.to_owned(), self.next_id)?;
        Ok(self.keep(saved))
    }

    fn keep(&mut self, saved: Saved) -> Option<u64> {
        self.records.insert(saved.record.id.clone(), saved.record);
        self.next_id = saved.next_id;
        let mutation = saved.mutation?;
        let id = mutation.id;
        self.outbox.insert(id, mutation);
        Some(id)
    }

    /// The next push (see [`next_batch`]).
    pub fn next_batch(&self, max: usize) -> Vec<Mutation> {
        let outbox: Vec<Mutation> = self.outbox.values().cloned().collect();
        next_batch(&outbox, max)
    }

    /// Takes the answer to a push of `sent` (see [`apply_push`]).
    pub fn apply_push(&mut self, sent: &[Mutation], answer: &PushResponse) {
        let outbox = self.outbox.values().cloned().collect();
        let applied = apply_push(sent, answer, outbox, &self.records, self.next_id);
        for record in applied.records {
            self.records.insert(record.id.clone(), record);
        }
        self.outbox = applied.outbox.into_iter().map(|m| (m.id, m)).collect();
        self.next_id = applied.next_id;
    }

    /// Renumbers the outbox after `mutation_gap` (see [`plan_gap`]).
    pub fn resolve_gap(&mut self, expected: u64) -> GapPlan {
        let outbox: Vec<Mutation> = self.outbox.values().cloned().collect();
        let ids: Vec<u64> = self.outbox.keys().copied().collect();
        let plan = plan_gap(&ids, expected, self.next_id);
        self.outbox = renumber(&outbox, &plan)
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        self.next_id = plan.next_id;
        plan
    }

    /// Takes one pull page: the records (see [`pulled`]), the cursor and the counter.
    pub fn apply_pull(&mut self, page: &PullResponse) {
        let outbox: Vec<Mutation> = self.outbox.values().cloned().collect();
        for state in &page.records {
            let id = state.id.to_string();
            let existing = self.records.remove(&id);
            if let Some(record) = pulled(state, existing, &outbox) {
                self.records.insert(id, record);
            }
        }
        self.cursor = Some(page.cursor.clone());
        self.next_id = keep_counter_above(self.next_id, page.last_mutation_id);
    }

    /// What the officer sees: every record neither deleted on the server nor waiting to
    /// be deleted, with its shown fields, by id.
    pub fn visible(&self) -> BTreeMap<String, Map<String, Value>> {
        let deleting: Vec<String> = self
            .outbox
            .values()
            .filter(|m| m.op == Op::Delete)
            .map(|m| m.record_id.to_string())
            .collect();
        self.records
            .values()
            .filter(|r| !r.deleted && !deleting.contains(&r.id))
            .map(|r| (r.id.clone(), r.fields.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests;
