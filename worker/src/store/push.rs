//! The push algorithm (`sync-protocol.md`, push rules 1 to 7), written once for both
//! backends. Each backend supplies its SQL through [`WriteTx`], a transaction that writers
//! hold one at a time; this module decides what each mutation does.

use super::StoreError;
use crate::scope;
use model::activity::Activity;
use model::api::UserInfo;
use model::merge::{merge, Change, StoredRecord};
use model::sync::RejectError;
use model::sync::{Conflict, Mutation, MutationResult, MutationStatus, Op, PushResponse};
use model::{FieldError, Problem, RecordKind};
use serde_json::{Map, Value};
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

/// A row of the `activity_facts` projection that the stats queries add up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ActivityFact {
    pub date: String,
    pub kecamatan: String,
    pub desa: String,
    pub activity_type: String,
    /// [female adult, male adult, female child, male child].
    pub participants: [i64; 4],
}

/// What the projections of a record's kind hold after a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Projection {
    /// An activity's facts; `None` removes its row (deleted).
    Activity(Option<ActivityFact>),
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

/// Applies one new mutation: permission, merge, validation of the merged state, write.
async fn apply<T: WriteTx>(
    tx: &mut T,
    batch: &PushBatch,
    mutation: &Mutation,
    now: i64,
) -> Result<MutationStatus, StoreError> {
    let rejected = |error| Ok(MutationStatus::Rejected { error });
    let Some(kind) = RecordKind::parse(&mutation.kind) else {
        return rejected(RejectError::unknown_kind(&mutation.kind));
    };
    if !scope::may_write(batch.user.role, kind) {
        return rejected(RejectError::forbidden());
    }
    if let Some(error) = nul_text(&mutation.fields) {
        return rejected(error);
    }
    let current = match tx.load(mutation.record_id).await? {
        Some((stored_kind, _)) if stored_kind != mutation.kind => {
            return rejected(kind_mismatch(&stored_kind));
        }
        Some((_, record)) => Some(record),
        None => None,
    };
    let change = Change {
        kind,
        op: mutation.op,
        base_version: mutation.base_version,
        fields: &mutation.fields,
    };
    // A trial merge decides validity and whether a version is needed at all.
    let trial = merge(current.as_ref(), change, u64::MAX);
    if mutation.op == Op::Upsert && !trial.record.deleted {
        if let Err(errors) = kind.validate(&trial.record.fields, batch.today) {
            return rejected(RejectError::invalid(errors));
        }
    }
    let merged = if trial.changed {
        let version = tx.next_version().await?;
        let merged = merge(current.as_ref(), change, version);
        let write = RecordWrite {
            kind,
            id: mutation.record_id,
            record: &merged.record,
            user_id: batch.user.id,
            now,
            projection: project(kind, &merged.record, batch.today),
        };
        tx.save(&write).await?;
        merged
    } else {
        trial
    };
    if merged.conflicts.is_empty() {
        return Ok(MutationStatus::Applied {
            version: merged.record.version,
        });
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
        version: merged.record.version,
        conflicts: merged.conflicts,
    })
}

fn kind_mismatch(stored_kind: &str) -> RejectError {
    RejectError {
        code: "invalid_field".into(),
        field: Some("kind".into()),
        message: format!("This record already exists as a record of kind {stored_kind:?}."),
        fields: Vec::new(),
    }
}

/// A field whose text holds a NUL character, which no store keeps as text.
fn nul_text(fields: &Map<String, Value>) -> Option<RejectError> {
    fn has_nul(value: &Value) -> bool {
        match value {
            Value::String(text) => text.contains('\0'),
            Value::Array(items) => items.iter().any(has_nul),
            Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
            _ => false,
        }
    }
    let (name, _) = fields
        .iter()
        .find(|(name, value)| name.contains('\0') || has_nul(value))?;
    Some(RejectError {
        code: "invalid_field".into(),
        field: Some(name.clone()),
        message: format!("{name:?}: text may not contain the NUL character."),
        fields: vec![FieldError::new(name.clone(), Problem::WrongType)],
    })
}

/// The projection rows of a record's new state.
fn project(kind: RecordKind, record: &StoredRecord, today: Date) -> Projection {
    match kind {
        RecordKind::Activity => Projection::Activity(activity_fact(record, today)),
    }
}

fn activity_fact(record: &StoredRecord, today: Date) -> Option<ActivityFact> {
    if record.deleted {
        return None;
    }
    let activity = Activity::parse(&record.fields, today).ok()?;
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    Some(ActivityFact {
        date: model::activity::format_date(activity.date),
        kecamatan: activity.kecamatan,
        desa: activity.desa,
        activity_type: activity.activity_type,
        participants: activity.participants.map(count),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    #[test]
    fn text_with_a_nul_character_is_named() {
        let fields = json!({"venue": "Balai", "notes": ["a", "b\u{0}"]});
        let error = nul_text(fields.as_object().expect("object")).expect("found");
        assert_eq!(error.field.as_deref(), Some("notes"));
        assert!(nul_text(json!({"venue": "Balai"}).as_object().expect("object")).is_none());
    }
}
