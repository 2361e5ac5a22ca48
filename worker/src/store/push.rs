//! The push algorithm (`sync-protocol.md`, push rules 1 to 7), written once for both
//! backends. Each backend supplies its SQL through [`WriteTx`], a transaction that writers
//! hold one at a time; this module decides what each mutation does.

mod checks;

use super::projection::{project, Projection};
use super::StoreError;
use model::api::UserInfo;
use model::merge::{merge, Change, Merged, StoredRecord};
use model::sync::{Conflict, Mutation, MutationResult, MutationStatus, PushResponse};
use model::RecordKind;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One push, as the route hands it to the store.
#[derive(Debug, Clone)]
pub struct PushBatch {
    /// Who pushes.
    pub user: UserInfo,
    /// From which device.
    pub device_id: Uuid,
    /// The mutations, as sent.
    pub mutations: Vec<Mutation>,
    /// Today in WIB, for validation (no date after today).
    pub today: Date,
}

/// What a push did.
#[derive(Debug, Clone, PartialEq)]
pub enum PushOutcome {
    /// Committed; one result per mutation, in the order sent.
    Done(PushResponse),
    /// Nothing applied: the first new mutation id is not the next one.
    Gap {
        /// The mutation id the server expects next.
        expected: u64,
    },
}

/// A record's new state to store.
pub(super) struct RecordWrite<'a> {
    pub kind: RecordKind,
    pub id: Uuid,
    pub record: &'a StoredRecord,
    /// The writing user (recorded as creator when the record is new).
    pub user_id: Uuid,
    pub now: i64,
    pub projection: Projection,
}

/// Same-field conflicts of one mutation, for the conflict log.
pub(super) struct ConflictEntry<'a> {
    pub record_id: Uuid,
    pub device_id: Uuid,
    pub mutation_id: u64,
    pub user_id: Uuid,
    /// The device's clock at the change (NUL characters dropped).
    pub at: String,
    pub logged_at: i64,
    pub conflicts: &'a [Conflict],
}

/// The SQL a push needs, inside one transaction of one backend.
#[async_trait::async_trait]
pub(super) trait WriteTx: Send {
    /// Makes this the only writing transaction until it ends, before anything is read, so
    /// reads are current and versions are assigned (and committed) in order.
    async fn lock_writers(&mut self) -> Result<(), StoreError>;
    /// The last mutation id taken from this user's device (0 when none).
    async fn last_mutation_id(&mut self, user: Uuid, device: Uuid) -> Result<u64, StoreError>;
    /// Records the last mutation id taken from this user's device.
    async fn set_last_mutation_id(
        &mut self,
        user: Uuid,
        device: Uuid,
        id: u64,
        now: i64,
    ) -> Result<(), StoreError>;
    /// A record's kind and state, when it exists.
    async fn load(&mut self, id: Uuid) -> Result<Option<(String, StoredRecord)>, StoreError>;
    /// The next value of the global version sequence.
    async fn next_version(&mut self) -> Result<u64, StoreError>;
    /// Stores a record's new state and its projection.
    async fn save(&mut self, write: &RecordWrite<'_>) -> Result<(), StoreError>;
    /// Appends to the conflict log.
    async fn log_conflicts(&mut self, entry: &ConflictEntry<'_>) -> Result<(), StoreError>;
}

/// Runs a push inside `tx`. The caller commits on [`PushOutcome::Done`] and rolls back
/// otherwise (nothing has been written then).
pub(super) async fn run<T: WriteTx>(
    tx: &mut T,
    batch: &PushBatch,
) -> Result<PushOutcome, StoreError> {
    tx.lock_writers().await?;
    let (user, device) = (batch.user.id, batch.device_id);
    let last = tx.last_mutation_id(user, device).await?;
    let order = match plan(&batch.mutations, last) {
        Ok(order) => order,
        Err(expected) => return Ok(PushOutcome::Gap { expected }),
    };
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let mut results: Vec<Option<MutationResult>> = vec![None; batch.mutations.len()];
    let mut taken = last;
    for (index, fresh) in order {
        let mutation = &batch.mutations[index];
        let status = if fresh {
            taken = mutation.id;
            apply(tx, batch, mutation, now).await?
        } else {
            MutationStatus::Duplicate
        };
        results[index] = Some(MutationResult {
            id: mutation.id,
            status,
        });
    }
    if taken != last {
        tx.set_last_mutation_id(user, device, taken, now).await?;
    }
    Ok(PushOutcome::Done(PushResponse {
        last_mutation_id: taken,
        results: results.into_iter().flatten().collect(),
    }))
}

/// The order to apply mutations in (by id), each with whether it is new (`false`: a
/// duplicate); or the id expected next when the ids skip one.
fn plan(mutations: &[Mutation], last: u64) -> Result<Vec<(usize, bool)>, u64> {
    let mut order: Vec<usize> = (0..mutations.len()).collect();
    order.sort_by_key(|&index| mutations[index].id);
    let mut taken = last;
    let mut planned = Vec::with_capacity(order.len());
    for index in order {
        let id = mutations[index].id;
        if id <= taken {
            planned.push((index, false));
        } else if id == taken + 1 {
            taken = id;
            planned.push((index, true));
        } else {
            return Err(last + 1);
        }
    }
    Ok(planned)
}

/// Applies one new mutation: admission, merge, validation of the merged state, write.
async fn apply<T: WriteTx>(
    tx: &mut T,
    batch: &PushBatch,
    mutation: &Mutation,
    now: i64,
) -> Result<MutationStatus, StoreError> {
    let rejected = |error| Ok(MutationStatus::Rejected { error });
    let kind = match checks::admit(batch.user.role, mutation) {
        Ok(kind) => kind,
        Err(error) => return rejected(error),
    };
    let current = match tx.load(mutation.record_id).await? {
        Some((stored_kind, _)) if stored_kind != mutation.kind => {
            return rejected(checks::kind_mismatch(&stored_kind));
        }
        found => found.map(|(_, record)| record),
    };
    let change = Change {
        kind,
        op: mutation.op,
        base_version: mutation.base_version,
        fields: &mutation.fields,
    };
    // A trial merge decides validity, and whether a version is needed at all.
    let trial = merge(current.as_ref(), change, u64::MAX);
    if let Err(error) = checks::validate(kind, mutation.op, &trial.record, batch.today) {
        return rejected(error);
    }
    let merged = match trial.changed {
        true => write(tx, batch, current.as_ref(), change, mutation.record_id, now).await?,
        false => trial,
    };
    answer(tx, batch, mutation, merged, now).await
}

/// Takes the next version, merges at it and stores the result.
async fn write<T: WriteTx>(
    tx: &mut T,
    batch: &PushBatch,
    current: Option<&StoredRecord>,
    change: Change<'_>,
    id: Uuid,
    now: i64,
) -> Result<Merged, StoreError> {
    let version = tx.next_version().await?;
    let merged = merge(current, change, version);
    let write = RecordWrite {
        kind: change.kind,
        id,
        record: &merged.record,
        user_id: batch.user.id,
        now,
        projection: project(change.kind, &merged.record, batch.today),
    };
    tx.save(&write).await?;
    Ok(merged)
}

/// Logs the conflicts, if any, and words the mutation's result.
async fn answer<T: WriteTx>(
    tx: &mut T,
    batch: &PushBatch,
    mutation: &Mutation,
    merged: Merged,
    now: i64,
) -> Result<MutationStatus, StoreError> {
    let version = merged.record.version;
    if merged.conflicts.is_empty() {
        return Ok(MutationStatus::Applied { version });
    }
    tx.log_conflicts(&ConflictEntry {
        record_id: mutation.record_id,
        device_id: batch.device_id,
        mutation_id: mutation.id,
        user_id: batch.user.id,
        at: mutation.at.replace('\0', ""),
        logged_at: now,
        conflicts: &merged.conflicts,
    })
    .await?;
    Ok(MutationStatus::Conflict {
        version,
        conflicts: merged.conflicts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::sync::Op;
    use serde_json::Map;

    fn mutation(id: u64) -> Mutation {
        Mutation {
            id,
            kind: "activity".into(),
            record_id: Uuid::nil(),
            op: Op::Upsert,
            base_version: 0,
            fields: Map::new(),
            at: String::new(),
        }
    }

    fn batch(ids: &[u64]) -> Vec<Mutation> {
        ids.iter().copied().map(mutation).collect()
    }

    #[test]
    fn mutations_apply_in_id_order_and_old_ids_are_duplicates() {
        let planned = plan(&batch(&[5, 3, 4, 2]), 2).expect("no gap");
        assert_eq!(planned, vec![(3, false), (1, true), (2, true), (0, true)]);
    }

    #[test]
    fn a_skipped_id_anywhere_is_a_gap_expecting_the_next_id() {
        assert_eq!(plan(&batch(&[4]), 2), Err(3));
        assert_eq!(plan(&batch(&[3, 5]), 2), Err(3));
        assert_eq!(plan(&batch(&[3, 3, 4]), 2).map(|p| p.len()), Ok(3));
    }
}
