//! Cases and the records under them in a push: where a record sits (its case, fixed when
//! it is created), whether an officer may write it (the cases it created or is assigned
//! to), who may assign officers, and what a change of assignment does to the officers'
//! pulls: an officer who gains a case pulls its records again; one who loses it pulls
//! each of them once as deleted (`docs/sync-protocol.md`, "Pull").

use super::{Entry, Loaded, PushBatch, ScopeExit, Work, WriteTx};
use crate::scope;
use crate::store::StoreError;
use model::merge::StoredRecord;
use model::schema::{self, ASSIGNED_OFFICERS, LINKED_CASES};
use model::sync::{Mutation, RejectError};
use model::{FieldError, Problem, RecordKind};
use std::collections::{BTreeSet, HashMap, HashSet};
use uuid::Uuid;

/// Where a record sits.
pub(super) struct Placement {
    /// Its case; `None` outside any case.
    pub case_id: Option<Uuid>,
    /// Who created it.
    pub created_by: Uuid,
}

/// Reads what the push's new mutations need: their records and the parents they name,
/// the cases among them the pushing officer may write, and which of the users they assign
/// are officers.
pub(super) async fn load<T: WriteTx>(
    tx: &mut T,
    batch: &PushBatch,
    fresh: &[&Mutation],
    work: &mut Work,
) -> Result<(), StoreError> {
    let mut ids: Vec<Uuid> = fresh.iter().map(|m| m.record_id).collect();
    ids.extend(fresh.iter().filter_map(|m| {
        let kind = RecordKind::parse(&m.kind)?;
        schema::parent_id(kind, &m.fields)
    }));
    // The cases a case links to: they must be cases.
    ids.extend(
        fresh
            .iter()
            .filter(|m| m.kind == RecordKind::Case.as_str())
            .flat_map(|m| schema::linked_cases(&m.fields)),
    );
    ids.sort_unstable();
    ids.dedup();
    if !ids.is_empty() {
        for loaded in tx.load_many(&ids).await? {
            let Loaded {
                id,
                kind,
                record,
                case_id,
                created_by,
            } = loaded;
            let entry = Entry {
                kind,
                record,
                case_id,
                created_by,
            };
            work.records.insert(id, entry);
        }
    }
    if batch.user.role == model::api::Role::Officer {
        let cases: BTreeSet<Uuid> = work.records.values().filter_map(|e| e.case_id).collect();
        if !cases.is_empty() {
            let cases: Vec<Uuid> = cases.into_iter().collect();
            let user = batch.user.id;
            work.access = tx
                .accessible_cases(user, &cases)
                .await?
                .into_iter()
                .collect();
        }
    }
    load_case_keys(tx, fresh, work).await?;
    if scope::may_assign(batch.user.role) {
        let mut assigned: Vec<Uuid> = fresh
            .iter()
            .filter(|m| m.kind == RecordKind::Case.as_str())
            .flat_map(|m| schema::assigned_officers(&m.fields))
            .collect();
        assigned.sort_unstable();
        assigned.dedup();
        if !assigned.is_empty() {
            work.officers = tx.officers(&assigned).await?.into_iter().collect();
        }
    }
    Ok(())
}

/// The key ids the `case_key` records of the push's identities' cases name. An identity's
/// case is its stored record's, else its victim's (stored, or created in this push).
async fn load_case_keys<T: WriteTx>(
    tx: &mut T,
    fresh: &[&Mutation],
    work: &mut Work,
) -> Result<(), StoreError> {
    let identity = RecordKind::VictimIdentity;
    let new_victims: HashMap<Uuid, Uuid> = fresh
        .iter()
        .filter(|m| m.kind == RecordKind::Victim.as_str())
        .filter_map(|m| {
            Some((
                m.record_id,
                schema::parent_id(RecordKind::Victim, &m.fields)?,
            ))
        })
        .collect();
    let mut cases: BTreeSet<Uuid> = BTreeSet::new();
    for mutation in fresh.iter().filter(|m| m.kind == identity.as_str()) {
        let stored = work
            .records
            .get(&mutation.record_id)
            .and_then(|e| e.case_id);
        let victim = schema::parent_id(identity, &mutation.fields);
        let of_victim = victim.and_then(|id| {
            work.records
                .get(&id)
                .and_then(|e| e.case_id)
                .or_else(|| new_victims.get(&id).copied())
        });
        cases.extend(stored.or(of_victim));
    }
    for case in cases {
        let ids: Vec<Uuid> = tx
            .case_records(case)
            .await?
            .into_iter()
            .filter(|(_, kind)| kind == RecordKind::CaseKey.as_str())
            .map(|(id, _)| id)
            .collect();
        let keys = work.case_keys.entry(case).or_default();
        if ids.is_empty() {
            continue;
        }
        for loaded in tx.load_many(&ids).await? {
            if !loaded.record.deleted {
                keys.extend(key_id(&loaded.record.fields));
            }
        }
    }
    Ok(())
}

/// The key id a `case_key` record's fields name.
fn key_id(fields: &serde_json::Map<String, serde_json::Value>) -> Option<Uuid> {
    fields
        .get("key_id")
        .and_then(serde_json::Value::as_str)
        .and_then(|text| Uuid::try_parse(text).ok())
}

/// An identity's envelopes must name a key a `case_key` record of its case names (stored,
/// or earlier in this push): an envelope under any other key nobody could open. A
/// `case_key` record that passes adds its key for the rest of the push.
pub(super) fn check_keys(
    case_keys: &mut HashMap<Uuid, HashSet<Uuid>>,
    kind: RecordKind,
    mutation: &Mutation,
    case: Option<Uuid>,
) -> Result<(), RejectError> {
    let Some(case) = case else {
        return Ok(());
    };
    match kind {
        RecordKind::CaseKey => {
            if let Some(key) = key_id(&mutation.fields) {
                case_keys.entry(case).or_default().insert(key);
            }
            Ok(())
        }
        RecordKind::VictimIdentity => {
            let known = case_keys.get(&case);
            let errors: Vec<FieldError> = mutation
                .fields
                .iter()
                .filter(|(name, _)| model::e2e::sealed_identity_field(name))
                .filter_map(|(name, value)| {
                    let envelope = model::e2e::Envelope::parse(value.as_str()?).ok()?;
                    let held = known.is_some_and(|keys| keys.contains(&envelope.key_id));
                    (!held).then(|| FieldError::new(name, Problem::UnknownKey))
                })
                .collect();
            if errors.is_empty() {
                Ok(())
            } else {
                Err(RejectError::invalid(errors))
            }
        }
        _ => Ok(()),
    }
}

/// Whether a stored record is in the pushing user's scope (an officer's: the cases it may
/// see; everyone else's: everything).
pub(super) fn in_scope(work: &Work, batch: &PushBatch, entry: &Entry) -> bool {
    let Some(kind) = RecordKind::parse(&entry.kind) else {
        return false;
    };
    if batch.user.role == model::api::Role::Liaison {
        return super::referrals::liaison_sees(work, &batch.user.agency, entry);
    }
    !scope::limited_to_own_cases(batch.user.role, kind)
        || entry
            .case_id
            .is_some_and(|case| work.access.contains(&case))
}

/// Where a mutation's record sits, and whether the pushing user may write it there.
/// `current` is the record as it stands, `None` when the mutation creates it.
pub(super) fn place(
    work: &Work,
    batch: &PushBatch,
    kind: RecordKind,
    mutation: &Mutation,
    current: Option<&Entry>,
) -> Result<Placement, RejectError> {
    let user = batch.user.id;
    let placed = match current {
        Some(entry) => {
            // A deleted record keeps no fields: an upsert onto it is a conflict on every
            // field (the merge says so), not a changed link.
            let parent = kind.spec().and_then(|spec| spec.parent());
            if let Some((field, _)) = parent.filter(|_| !entry.record.deleted) {
                let sent = mutation.fields.get(field);
                if sent.is_some() && sent != entry.record.fields.get(field) {
                    let error = FieldError::new(field, Problem::CannotChange);
                    return Err(RejectError::invalid(vec![error]));
                }
            }
            Placement {
                case_id: entry.case_id,
                created_by: entry.created_by,
            }
        }
        None => Placement {
            case_id: new_case_id(work, batch, kind, mutation)?,
            created_by: user,
        },
    };
    let creates_case = kind == RecordKind::Case && current.is_none();
    if batch.user.role == model::api::Role::Liaison {
        // A liaison's step: under a referral its scope holds (checked as the parent was
        // found, or as the stored record was admitted).
        return Ok(placed);
    }
    if scope::limited_to_own_cases(batch.user.role, kind) && !creates_case {
        let allowed = placed
            .case_id
            .is_some_and(|case| work.access.contains(&case));
        if !allowed {
            return Err(RejectError::forbidden());
        }
    }
    Ok(placed)
}

/// The case of a record a mutation creates: its own id for a case, its parent's case for
/// a record under one, none for the rest.
fn new_case_id(
    work: &Work,
    batch: &PushBatch,
    kind: RecordKind,
    mutation: &Mutation,
) -> Result<Option<Uuid>, RejectError> {
    if kind == RecordKind::Case {
        return Ok(Some(mutation.record_id));
    }
    let Some((field, parent_kind)) = kind.spec().and_then(|spec| spec.parent()) else {
        return Ok(None);
    };
    let unknown = || RejectError::invalid(vec![FieldError::new(field, Problem::UnknownParent)]);
    // A parent out of the caller's scope is as unknown to it as one that does not exist:
    // the answer says nothing of it.
    let parent = schema::parent_id(kind, &mutation.fields)
        .and_then(|id| work.records.get(&id))
        .filter(|parent| in_scope(work, batch, parent))
        .ok_or_else(unknown)?;
    if parent.kind != parent_kind.as_str() || parent.case_id.is_none() {
        return Err(unknown());
    }
    Ok(parent.case_id)
}

/// A case's list field of ids: its name, and how its ids are read.
type IdList = (
    &'static str,
    fn(&serde_json::Map<String, serde_json::Value>) -> Vec<Uuid>,
);

/// The ids a case mutation adds to the list field `name` (as `read` reads it) when it
/// changes the list; a role that may not assign is refused `forbidden` with `refusal`.
/// `None`: not a case, or the list as it was.
fn added_to_list(
    batch: &PushBatch,
    kind: RecordKind,
    mutation: &Mutation,
    current: Option<&StoredRecord>,
    (name, read): IdList,
    refusal: &str,
) -> Result<Option<Vec<Uuid>>, RejectError> {
    if kind != RecordKind::Case || !mutation.fields.contains_key(name) {
        return Ok(None);
    }
    let before: HashSet<Uuid> = current
        .map(|record| read(&record.fields))
        .unwrap_or_default()
        .into_iter()
        .collect();
    let after = read(&mutation.fields);
    if after.len() == before.len() && after.iter().all(|id| before.contains(id)) {
        return Ok(None);
    }
    if !scope::may_assign(batch.user.role) {
        return Err(RejectError {
            field: Some(name.into()),
            message: refusal.into(),
            ..RejectError::forbidden()
        });
    }
    Ok(Some(
        after
            .into_iter()
            .filter(|id| !before.contains(id))
            .collect(),
    ))
}

/// Refuses a change of a case's assigned officers by a role that may not assign, and the
/// assignment of anyone who is not an officer.
pub(super) fn check_assignment(
    work: &Work,
    batch: &PushBatch,
    kind: RecordKind,
    mutation: &Mutation,
    current: Option<&StoredRecord>,
) -> Result<(), RejectError> {
    let list: IdList = (ASSIGNED_OFFICERS, schema::assigned_officers);
    let refusal = "Only a supervisor or an administrator assigns officers to a case.";
    let Some(added) = added_to_list(batch, kind, mutation, current, list, refusal)? else {
        return Ok(());
    };
    if added.iter().any(|id| !work.officers.contains(id)) {
        let error = FieldError::new(ASSIGNED_OFFICERS, Problem::UnknownOfficer);
        return Err(RejectError::invalid(vec![error]));
    }
    Ok(())
}

/// Refuses a change of a case's links to other cases by a role that may not assign (only
/// supervisors and admins see every case, so only they link them), and a link to anything
/// but another existing case.
pub(super) fn check_links(
    work: &Work,
    batch: &PushBatch,
    kind: RecordKind,
    mutation: &Mutation,
    current: Option<&StoredRecord>,
) -> Result<(), RejectError> {
    let list: IdList = (LINKED_CASES, schema::linked_cases);
    let refusal = "Only a supervisor or an administrator links cases.";
    let Some(added) = added_to_list(batch, kind, mutation, current, list, refusal)? else {
        return Ok(());
    };
    let is_case = |id: &Uuid| {
        *id != mutation.record_id
            && work.records.get(id).is_some_and(|entry| {
                entry.kind == RecordKind::Case.as_str() && !entry.record.deleted
            })
    };
    if added.iter().any(|id| !is_case(id)) {
        let error = FieldError::new(LINKED_CASES, Problem::UnknownCase);
        return Err(RejectError::invalid(vec![error]));
    }
    Ok(())
}

/// Who may see a case: its creator and its assigned officers (nobody before it exists).
pub(super) fn access_of(case: Option<&Entry>) -> BTreeSet<Uuid> {
    match case {
        Some(entry) => access(entry),
        None => BTreeSet::new(),
    }
}

fn access(entry: &Entry) -> BTreeSet<Uuid> {
    let mut users: BTreeSet<Uuid> = schema::assigned_officers(&entry.record.fields)
        .into_iter()
        .collect();
    users.insert(entry.created_by);
    users
}

/// After the push's records are saved: gives the users who gained a case access to it
/// (moving its older records to new versions, so their pulls send them), and records the
/// exits of those who lost it. Every version comes from the push's sequence.
pub(super) async fn flush_access<T: WriteTx>(
    tx: &mut T,
    work: &mut Work,
) -> Result<(), StoreError> {
    let mut cases: Vec<(Uuid, BTreeSet<Uuid>)> = work.access_before.drain().collect();
    cases.sort_unstable_by_key(|(case, _)| *case);
    let written: HashSet<Uuid> = work.written.iter().map(|(id, _, _)| *id).collect();
    for (case, before) in cases {
        let after = access(&work.records[&case]);
        let gained: Vec<Uuid> = after.difference(&before).copied().collect();
        let lost: Vec<Uuid> = before.difference(&after).copied().collect();
        if gained.is_empty() && lost.is_empty() {
            continue;
        }
        let records = tx.case_records(case).await?;
        if !gained.is_empty() {
            tx.grant_access(case, &gained).await?;
            let moves: Vec<(Uuid, u64)> = records
                .iter()
                .filter(|(id, _)| !written.contains(id))
                .map(|(id, _)| (*id, work.next_version()))
                .collect();
            if !moves.is_empty() {
                tx.move_versions(&moves).await?;
            }
        }
        for user in lost {
            let exits: Vec<ScopeExit> = records
                .iter()
                .map(|(id, kind)| ScopeExit {
                    version: work.next_version(),
                    kind: kind.clone(),
                    record_id: *id,
                })
                .collect();
            tx.revoke_access(case, user, &exits).await?;
        }
    }
    Ok(())
}
