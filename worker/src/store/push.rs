//! The push algorithm (`docs/sync-protocol.md`, push rules 1 to 7), written once for both
//! backends. Each backend supplies its SQL through [`WriteTx`], a transaction that writers
//! hold one at a time; this module decides what each mutation does. A push reads its
//! records in one query, merges in memory, and writes the final states in a few
//! statements, so its cost in round trips hardly grows with its size.

mod cases;
mod checks;
mod referrals;

use super::projection::{project, Projection};
use super::{AuditAction, NewAuditEntry, StoreError};
use model::api::UserInfo;
use model::merge::{merge, resolve, Change, StoredRecord};
use model::sync::{Conflict, Mutation, MutationResult, MutationStatus, PushResponse, RejectError};
use model::RecordKind;
use std::collections::{BTreeSet, HashMap, HashSet};
use time::Date;
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
    /// The case the record belongs to (`None` outside any case); set when it is created
    /// and never changed.
    pub case_id: Option<Uuid>,
    pub now: i64,
    pub projection: &'a Projection,
    /// Whether this push creates the record: it had no state, so no facts, before.
    pub created: bool,
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

/// Open conflicts of one record settled by a mutation that `resolves` them.
pub(super) struct Resolved<'a> {
    pub record_id: Uuid,
    /// The settled fields: every open entry of these is marked resolved.
    pub fields: &'a [String],
    /// The record's version after the resolving mutation.
    pub version: u64,
    pub user_id: Uuid,
    pub at: i64,
}

/// A stored record as a push sees it.
pub(super) struct Loaded {
    pub id: Uuid,
    /// The kind's wire name.
    pub kind: String,
    pub record: StoredRecord,
    /// The case it belongs to, if any.
    pub case_id: Option<Uuid>,
    /// Who created it.
    pub created_by: Uuid,
}

/// A record that leaves a user's scope, pulled once by that user as deleted.
pub(super) struct ScopeExit {
    pub version: u64,
    /// The kind's wire name.
    pub kind: String,
    pub record_id: Uuid,
}

/// The SQL a push needs, inside one transaction of one backend. A push reads the records
/// it touches in one query and writes them in a few statements at the end: a round trip
/// per statement is what a push's time goes to.
#[async_trait::async_trait]
pub(super) trait WriteTx: Send {
    /// Makes this the only writing transaction until it ends, before anything is read, so
    /// reads are current and versions are assigned (and committed) in order. Answers the
    /// latest version assigned so far.
    async fn lock_writers(&mut self) -> Result<u64, StoreError>;
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
    /// The kind and state of those of these records that exist.
    async fn load_many(&mut self, ids: &[Uuid]) -> Result<Vec<Loaded>, StoreError>;
    /// Records the latest version assigned (the global version sequence).
    async fn set_latest_version(&mut self, version: u64) -> Result<(), StoreError>;
    /// Stores records' new states and their projections (at most one write per record).
    async fn save_many(&mut self, writes: &[RecordWrite<'_>]) -> Result<(), StoreError>;
    /// Appends to the conflict log (after the records are saved).
    async fn log_conflicts(&mut self, entry: &ConflictEntry<'_>) -> Result<(), StoreError>;
    /// The fields of these records that have open conflict-log entries, as (record, field).
    async fn open_conflicts(&mut self, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, StoreError>;
    /// Marks a record's open conflict-log entries of some fields resolved.
    async fn resolve_conflicts(&mut self, resolved: &Resolved<'_>) -> Result<(), StoreError>;
    /// Of these cases, those `user` created or is assigned to.
    async fn accessible_cases(
        &mut self,
        user: Uuid,
        cases: &[Uuid],
    ) -> Result<Vec<Uuid>, StoreError>;
    /// Of these users, those with the officer role.
    async fn officers(&mut self, users: &[Uuid]) -> Result<Vec<Uuid>, StoreError>;
    /// Every agency of the deployment, as (code, active).
    async fn agencies(&mut self) -> Result<Vec<(String, bool)>, StoreError>;
    /// The stored steps of these referrals, as (referral, action), each referral's in the
    /// order the server took them.
    async fn referral_steps(
        &mut self,
        referrals: &[Uuid],
    ) -> Result<Vec<(Uuid, String)>, StoreError>;
    /// The records of a case (the case itself included) as (id, kind), oldest first.
    async fn case_records(&mut self, case: Uuid) -> Result<Vec<(Uuid, String)>, StoreError>;
    /// Gives users access to a case.
    async fn grant_access(&mut self, case: Uuid, users: &[Uuid]) -> Result<(), StoreError>;
    /// Takes a user's access to a case away, recording the records that leave its scope.
    async fn revoke_access(
        &mut self,
        case: Uuid,
        user: Uuid,
        exits: &[ScopeExit],
    ) -> Result<(), StoreError>;
    /// Records the records that leave a user's scope (a liaison's, when a referral that
    /// shared a victim's identity closes).
    async fn record_exits(&mut self, user: Uuid, exits: &[ScopeExit]) -> Result<(), StoreError>;
    /// The liaison accounts of an agency (active or not).
    async fn liaisons(&mut self, agency: &str) -> Result<Vec<Uuid>, StoreError>;
    /// How many referrals to an agency share a victim's identity and still stand open or
    /// accepted (`model::referral::Status::shares_identity`), as stored.
    async fn live_shares(&mut self, agency: &str, victim: Uuid) -> Result<u64, StoreError>;
    /// Moves records to new versions, as (id, version), so that pulls send them again.
    async fn move_versions(&mut self, moves: &[(Uuid, u64)]) -> Result<(), StoreError>;
    /// Appends to the audit trail.
    async fn append_audit(&mut self, entries: &[NewAuditEntry]) -> Result<(), StoreError>;
    /// Replaces every identity value of these records' logged conflicts that is not an
    /// end-to-end envelope with null (issue #18's migration); answers how many rows.
    async fn redact_plain_conflicts(&mut self, ids: &[Uuid]) -> Result<u64, StoreError>;
}

/// A change to the conflict log, in mutation order.
enum LogEntry {
    /// Same-field conflicts: (record, mutation id, device clock, conflicts).
    Conflicts(Uuid, u64, String, Vec<Conflict>),
    /// Resolved fields: (record, fields, version).
    Resolved(Uuid, Vec<String>, u64),
}

/// A push's working set: the records it touches, read once at the start, and what it
/// will write at the end.
struct Work {
    records: HashMap<Uuid, Entry>,
    /// Records written, in order of first write, with their kind and projection.
    written: Vec<(Uuid, RecordKind, Projection)>,
    /// Changes to the conflict log, in mutation order.
    log: Vec<LogEntry>,
    /// The fields with open conflicts of the records that a mutation of this push
    /// resolves, kept up to date as the push goes.
    open: HashMap<Uuid, BTreeSet<String>>,
    /// The latest version assigned.
    version: u64,
    /// The cases the pushing user may write (only read for officers).
    access: BTreeSet<Uuid>,
    /// The users among those a push assigns to a case that are officers.
    officers: BTreeSet<Uuid>,
    /// Who could see each case this push writes, before the push.
    access_before: HashMap<Uuid, BTreeSet<Uuid>>,
    /// The key ids the `case_key` records of each case name, stored or pushed before in
    /// this push (only for the cases of the push's identities).
    case_keys: HashMap<Uuid, HashSet<Uuid>>,
    /// The deployment's agencies, code → active (when the push names one).
    agencies: HashMap<String, bool>,
    /// The status of each referral the push's steps name, as stored, then as each step
    /// taken moves it.
    referral_status: HashMap<Uuid, model::referral::Status>,
    /// The victim of each stored referral a new referral's `previous_referral` names.
    referral_victims: HashMap<Uuid, Uuid>,
    /// The referrals that began (`true`) or stopped (`false`) sharing a victim's identity
    /// with their agency in this push, in mutation order.
    shares: Vec<(Uuid, bool)>,
    /// The records this push creates (no state stored before it).
    created: HashSet<Uuid>,
}

/// A record in a push's working set.
#[derive(Clone)]
struct Entry {
    /// The kind's wire name.
    kind: String,
    record: StoredRecord,
    case_id: Option<Uuid>,
    created_by: Uuid,
}

/// Runs a push inside `tx`. The caller commits on [`PushOutcome::Done`] and rolls back
/// otherwise (nothing has been written then); and, after the commit, compacts the store
/// when the push [`Migrated`] the last plain identities.
pub(super) async fn run<T: WriteTx>(
    tx: &mut T,
    batch: &PushBatch,
) -> Result<(PushOutcome, Migrated), StoreError> {
    let latest = tx.lock_writers().await?;
    let (user, device) = (batch.user.id, batch.device_id);
    let last = tx.last_mutation_id(user, device).await?;
    let order = match plan(&batch.mutations, last) {
        Ok(order) => order,
        Err(expected) => return Ok((PushOutcome::Gap { expected }, Migrated(0))),
    };
    let fresh: Vec<&Mutation> = order
        .iter()
        .filter(|(_, fresh)| *fresh)
        .map(|&(index, _)| &batch.mutations[index])
        .collect();
    let mut work = Work {
        records: HashMap::new(),
        written: Vec::new(),
        log: Vec::new(),
        open: load_open(tx, batch, &order).await?,
        version: latest,
        access: BTreeSet::new(),
        officers: BTreeSet::new(),
        access_before: HashMap::new(),
        case_keys: HashMap::new(),
        agencies: HashMap::new(),
        referral_status: HashMap::new(),
        referral_victims: HashMap::new(),
        shares: Vec::new(),
        created: HashSet::new(),
    };
    cases::load(tx, batch, &fresh, &mut work).await?;
    referrals::load(tx, &fresh, &mut work).await?;
    // Identities still held in plain text (from before issue #18): a write that seals
    // them all is their migration.
    let plain_before: BTreeSet<Uuid> = work
        .records
        .iter()
        .filter(|(_, entry)| entry.kind == RecordKind::VictimIdentity.as_str())
        .filter(|(_, entry)| holds_plain_identity(&entry.record.fields))
        .map(|(id, _)| *id)
        .collect();
    let now = crate::clock::now_unix();
    let mut results: Vec<Option<MutationResult>> = vec![None; batch.mutations.len()];
    let mut taken = last;
    for (index, fresh) in order {
        let mutation = &batch.mutations[index];
        let status = if fresh {
            taken = mutation.id;
            apply(&mut work, batch, mutation)?
        } else {
            MutationStatus::Duplicate
        };
        results[index] = Some(MutationResult {
            id: mutation.id,
            status,
        });
    }
    flush(tx, batch, &mut work, now).await?;
    let migrated: Vec<Uuid> = plain_before
        .into_iter()
        .filter(|id| {
            work.records
                .get(id)
                .is_some_and(|e| !holds_plain_identity(&e.record.fields))
        })
        .collect();
    let mut audit = audit_rows(batch, &results, now);
    if !migrated.is_empty() {
        let redacted = tx.redact_plain_conflicts(&migrated).await?;
        audit.push(NewAuditEntry {
            at: now,
            user_id: Some(batch.user.id),
            device_id: Some(batch.device_id),
            action: AuditAction::IdentityMigrated,
            record_kind: Some(RecordKind::VictimIdentity.as_str().to_owned()),
            record_id: None,
            detail: serde_json::json!({"records": migrated.len(), "conflict_rows_redacted": redacted}),
        });
    }
    if !audit.is_empty() {
        tx.append_audit(&audit).await?;
    }
    if work.version != latest {
        tx.set_latest_version(work.version).await?;
    }
    if taken != last {
        tx.set_last_mutation_id(user, device, taken, now).await?;
    }
    let done = PushOutcome::Done(PushResponse {
        last_mutation_id: taken,
        results: results.into_iter().flatten().collect(),
    });
    Ok((done, Migrated(migrated.len())))
}

/// How many identities a push sealed that the store held in plain text (issue #18's
/// migration): after the commit, the store checks whether any is left and, when none
/// is, compacts its files so no free page keeps the old text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Migrated(pub usize);

/// Whether an identity's stored fields hold a value that is not an end-to-end envelope
/// (its link to the victim and its NIK's blind index aside).
pub fn holds_plain_identity(fields: &serde_json::Map<String, serde_json::Value>) -> bool {
    fields.iter().any(|(name, value)| {
        model::e2e::sealed_identity_field(name)
            && !value.is_null()
            && !model::e2e::is_envelope(value)
    })
}

/// Writes the records' final states, then the conflict log.
async fn flush<T: WriteTx>(
    tx: &mut T,
    batch: &PushBatch,
    work: &mut Work,
    now: i64,
) -> Result<(), StoreError> {
    let writes: Vec<RecordWrite<'_>> = work
        .written
        .iter()
        .map(|(id, kind, projection)| RecordWrite {
            kind: *kind,
            id: *id,
            record: &work.records[id].record,
            user_id: batch.user.id,
            case_id: work.records[id].case_id,
            now,
            projection,
            created: work.created.contains(id),
        })
        .collect();
    if !writes.is_empty() {
        tx.save_many(&writes).await?;
    }
    for entry in &work.log {
        match entry {
            LogEntry::Conflicts(record_id, mutation_id, at, conflicts) => {
                tx.log_conflicts(&ConflictEntry {
                    record_id: *record_id,
                    device_id: batch.device_id,
                    mutation_id: *mutation_id,
                    user_id: batch.user.id,
                    at: at.clone(),
                    logged_at: now,
                    conflicts,
                })
                .await?
            }
            LogEntry::Resolved(record_id, fields, version) => {
                tx.resolve_conflicts(&Resolved {
                    record_id: *record_id,
                    fields,
                    version: *version,
                    user_id: batch.user.id,
                    at: now,
                })
                .await?
            }
        }
    }
    cases::flush_access(tx, work).await?;
    referrals::flush_shares(tx, work).await
}

/// The audit rows of the mutations a push applied, in the order sent; and, where a
/// conflict on a victim's identity answers the server's values, the identity read that
/// answer is (every identity value that leaves the server is traced, whatever the path).
fn audit_rows(
    batch: &PushBatch,
    results: &[Option<MutationResult>],
    now: i64,
) -> Vec<NewAuditEntry> {
    let mut rows = Vec::new();
    for (mutation, result) in batch.mutations.iter().zip(results) {
        let Some(result) = result else { continue };
        let (status, version, conflicts) = match &result.status {
            MutationStatus::Applied { version } => ("applied", *version, &[][..]),
            MutationStatus::Conflict { version, conflicts } => {
                ("conflict", *version, &conflicts[..])
            }
            MutationStatus::Duplicate | MutationStatus::Rejected { .. } => continue,
        };
        let fields: Vec<&String> = mutation.fields.keys().collect();
        let detail = serde_json::json!({
            "mutation_id": mutation.id,
            "op": mutation.op,
            "fields": fields,
            "resolves": mutation.resolves,
            "status": status,
            "version": version,
            "device_at": mutation.at.replace('\0', ""),
        });
        let entry = |action, detail| NewAuditEntry {
            at: now,
            user_id: Some(batch.user.id),
            device_id: Some(batch.device_id),
            action,
            record_kind: Some(mutation.kind.clone()),
            record_id: Some(mutation.record_id),
            detail,
        };
        rows.push(entry(AuditAction::Mutation, detail));
        let identity = RecordKind::parse(&mutation.kind).is_some_and(RecordKind::is_identity);
        if identity && !conflicts.is_empty() {
            let sent: Vec<&String> = conflicts.iter().map(|c| &c.field).collect();
            let read = serde_json::json!({"version": version, "fields": sent, "via": "conflict"});
            rows.push(entry(AuditAction::IdentityRead, read));
        }
    }
    rows
}

/// The open conflicts of the records that new mutations of the push resolve.
async fn load_open<T: WriteTx>(
    tx: &mut T,
    batch: &PushBatch,
    order: &[(usize, bool)],
) -> Result<HashMap<Uuid, BTreeSet<String>>, StoreError> {
    let mut ids: Vec<Uuid> = order
        .iter()
        .map(|&(index, fresh)| (&batch.mutations[index], fresh))
        .filter(|(m, fresh)| *fresh && !m.resolves.is_empty())
        .map(|(m, _)| m.record_id)
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    ids.sort_unstable();
    ids.dedup();
    let mut open: HashMap<Uuid, BTreeSet<String>> =
        ids.iter().map(|id| (*id, BTreeSet::new())).collect();
    for (id, field) in tx.open_conflicts(&ids).await? {
        open.entry(id).or_default().insert(field);
    }
    Ok(open)
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

/// Applies one new mutation to the working set: admission, merge, validation of the
/// merged state, write. Fails only when a valid state does not read as its kind's view
/// (the push is then rolled back whole, and the device keeps its mutations to send again).
fn apply(
    work: &mut Work,
    batch: &PushBatch,
    mutation: &Mutation,
) -> Result<MutationStatus, StoreError> {
    let rejected = |error| Ok(MutationStatus::Rejected { error });
    let kind = match checks::admit(batch.user.role, mutation) {
        Ok(kind) => kind,
        Err(error) => return rejected(error),
    };
    if let Err(error) = referrals::admit_liaison(batch, kind) {
        return rejected(error);
    }
    let current = work.records.get(&mutation.record_id);
    // A record out of the caller's scope is refused before anything is said of it: not
    // its kind, nor which of its fields cannot change.
    if let Some(entry) = current {
        if !cases::in_scope(work, batch, entry) {
            return rejected(RejectError::forbidden());
        }
        if entry.kind != mutation.kind {
            return rejected(checks::kind_mismatch(&entry.kind));
        }
    }
    let existing = match current {
        Some(entry) => match cases::place(work, batch, kind, mutation, Some(entry)) {
            Ok(placed) => Some(placed),
            Err(error) => return rejected(error),
        },
        None => None,
    };
    let change = Change {
        kind,
        op: mutation.op,
        base_version: mutation.base_version,
        fields: &mutation.fields,
    };
    let stored = current.map(|entry| &entry.record);
    if let Err(error) = checks::insert_only_edit(kind, mutation, stored) {
        return rejected(error);
    }
    // A trial merge decides validity, and whether a version is needed at all.
    let trial = merge(stored, change, u64::MAX);
    if let Err(error) = checks::validate(kind, mutation.op, &trial.record, batch.today) {
        return rejected(error);
    }
    let placed = match existing {
        Some(placed) => placed,
        None => match cases::place(work, batch, kind, mutation, None) {
            Ok(placed) => placed,
            Err(error) => return rejected(error),
        },
    };
    if let Err(error) = cases::check_assignment(work, batch, kind, mutation, stored) {
        return rejected(error);
    }
    if let Err(error) = cases::check_links(work, batch, kind, mutation, stored) {
        return rejected(error);
    }
    if let Err(error) = cases::check_keys(&mut work.case_keys, kind, mutation, placed.case_id) {
        return rejected(error);
    }
    if let Err(error) = referrals::check(
        referrals::Ledger {
            agencies: &work.agencies,
            victims: &work.referral_victims,
            statuses: &mut work.referral_status,
            shares: &mut work.shares,
        },
        batch,
        kind,
        mutation,
        stored,
    ) {
        return rejected(error);
    }
    let access_before = (kind == RecordKind::Case).then(|| cases::access_of(current));
    let id = mutation.record_id;
    let creates = current.is_none();
    let new_version = work.version + 1;
    let mut merged = merge(stored, change, new_version);
    // A new conflict or a settled one changes what a pull shows of the record's open
    // conflicts, so the record takes a new version even when its fields did not change.
    let mut changed = merged.changed || !merged.conflicts.is_empty();
    let mut resolved = Vec::new();
    if let Some(open) = work.open.get_mut(&id) {
        let resolution = resolve(
            &mut merged.record,
            open,
            &mutation.resolves,
            &merged.conflicts,
            new_version,
        );
        changed |= resolution.changed || !resolution.resolved.is_empty();
        resolved = resolution.resolved;
    }
    if changed {
        merged.record.version = new_version;
        work.version = new_version;
        let projection = project(kind, id, &merged.record, batch.today)
            .map_err(|error| StoreError::unreadable(kind, id, error))?;
        if let Some(before) = access_before {
            work.access_before.entry(id).or_insert(before);
            if placed.created_by == batch.user.id {
                work.access.insert(id);
            }
        }
        let entry = Entry {
            kind: mutation.kind.clone(),
            record: merged.record.clone(),
            case_id: placed.case_id,
            created_by: placed.created_by,
        };
        work.keep(id, kind, entry, projection);
        if creates {
            work.created.insert(id);
        }
    }
    let version = merged.record.version;
    if !merged.conflicts.is_empty() {
        let at = mutation.at.replace('\0', "");
        let logged = LogEntry::Conflicts(id, mutation.id, at, merged.conflicts.clone());
        work.log.push(logged);
    }
    if !resolved.is_empty() {
        work.log.push(LogEntry::Resolved(id, resolved, version));
    }
    if merged.conflicts.is_empty() {
        return Ok(MutationStatus::Applied { version });
    }
    Ok(MutationStatus::Conflict {
        version,
        conflicts: merged.conflicts,
    })
}

impl Work {
    /// Takes the next version of the sequence.
    fn next_version(&mut self) -> u64 {
        self.version += 1;
        self.version
    }

    /// Keeps a record's new state (and its projection) to write at the end.
    fn keep(&mut self, id: Uuid, kind: RecordKind, entry: Entry, projection: Projection) {
        match self
            .written
            .iter_mut()
            .find(|(written, _, _)| *written == id)
        {
            Some(entry) => entry.2 = projection,
            None => self.written.push((id, kind, projection)),
        }
        self.records.insert(id, entry);
    }
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
            resolves: Vec::new(),
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
