//! Referrals and the agencies they name in a push (issue #19): a referral, a service's
//! provider or an account names an agency of the deployment's list; a referral's step must
//! follow from where the referral stands (`model::referral::next`); only the addressed
//! agency's liaison answers, and only the referring side cancels. A liaison writes nothing
//! else and sees nothing else.

use super::{Entry, PushBatch, ScopeExit, Work, WriteTx};
use crate::store::StoreError;
use model::api::Role;
use model::merge::StoredRecord;
use model::referral::{self, Action, Status};
use model::schema;
use model::sync::{Mutation, Op, RejectError};
use model::{FieldError, Problem, RecordKind};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Reads what the push's referrals, steps and services need: the agency list (code →
/// active); the status of each referral a step or a new referral's `previous_referral`
/// names, from its stored steps; and the victim of each stored referral a
/// `previous_referral` names.
pub(super) async fn load<T: WriteTx>(
    tx: &mut T,
    fresh: &[&Mutation],
    work: &mut Work,
) -> Result<(), StoreError> {
    let names_agency = |m: &&&Mutation| {
        m.kind == RecordKind::Referral.as_str() || m.kind == RecordKind::Service.as_str()
    };
    if fresh.iter().any(|m| names_agency(&m)) {
        work.agencies = tx.agencies().await?.into_iter().collect();
    }
    let mut previous: Vec<Uuid> = fresh
        .iter()
        .filter(|m| m.kind == RecordKind::Referral.as_str())
        .filter_map(|m| previous_of(&m.fields))
        .collect();
    previous.sort_unstable();
    previous.dedup();
    if !previous.is_empty() {
        work.referral_victims = tx
            .load_many(&previous)
            .await?
            .into_iter()
            .filter(|loaded| loaded.kind == RecordKind::Referral.as_str() && !loaded.record.deleted)
            .filter_map(|loaded| {
                let victim = schema::parent_id(RecordKind::Referral, &loaded.record.fields)?;
                Some((loaded.id, victim))
            })
            .collect();
    }
    let mut referrals: Vec<Uuid> = fresh
        .iter()
        .filter(|m| m.kind == RecordKind::ReferralStep.as_str())
        .filter_map(|m| schema::parent_id(RecordKind::ReferralStep, &m.fields))
        .chain(previous)
        .collect();
    referrals.sort_unstable();
    referrals.dedup();
    if referrals.is_empty() {
        return Ok(());
    }
    let steps = tx.referral_steps(&referrals).await?;
    work.referral_status = referrals
        .iter()
        .map(|id| {
            let actions = steps
                .iter()
                .filter(|(referral, _)| referral == id)
                .filter_map(|(_, action)| Action::parse(action));
            (*id, referral::status_after(actions))
        })
        .collect();
    Ok(())
}

/// The referral a referral's `previous_referral` names, if any.
fn previous_of(fields: &serde_json::Map<String, Value>) -> Option<Uuid> {
    let id = fields.get("previous_referral")?.as_str()?;
    Uuid::try_parse(id.trim()).ok()
}

/// The agency a referral's or a step's stored record is addressed to (a step's, through
/// its referral among the push's records).
fn addressed_to<'a>(work: &'a Work, entry: &'a Entry) -> Option<&'a str> {
    let fields = &entry.record.fields;
    match RecordKind::parse(&entry.kind)? {
        RecordKind::Referral => fields.get("agency").and_then(Value::as_str),
        RecordKind::ReferralStep => {
            let referral = schema::parent_id(RecordKind::ReferralStep, fields)?;
            let parent = work.records.get(&referral)?;
            (parent.kind == RecordKind::Referral.as_str())
                .then(|| parent.record.fields.get("agency").and_then(Value::as_str))
                .flatten()
        }
        _ => None,
    }
}

/// Whether a liaison of `agency` sees a stored record: a referral addressed to it, or a
/// step of one.
pub(super) fn liaison_sees(work: &Work, agency: &str, entry: &Entry) -> bool {
    !agency.is_empty() && addressed_to(work, entry) == Some(agency)
}

/// What a liaison may push: steps only (of referrals addressed to its agency, which the
/// scope checks), and only answers. Anything else is `forbidden`.
pub(super) fn admit_liaison(batch: &PushBatch, kind: RecordKind) -> Result<(), RejectError> {
    if batch.user.role == Role::Liaison && kind != RecordKind::ReferralStep {
        return Err(RejectError::forbidden());
    }
    Ok(())
}

/// The agency rules of a record's merged state: a referral's agency, and a service's
/// provider when it is new or changed, must be on the list and active; an unchanged
/// provider that was deactivated since stays valid.
fn check_agency(
    agencies: &HashMap<String, bool>,
    kind: RecordKind,
    mutation: &Mutation,
    stored: Option<&StoredRecord>,
) -> Result<(), RejectError> {
    let field = match kind {
        RecordKind::Referral => "agency",
        RecordKind::Service => "provider",
        _ => return Ok(()),
    };
    let Some(code) = mutation.fields.get(field).and_then(Value::as_str) else {
        return Ok(());
    };
    let code = code.trim();
    let unchanged = stored
        .filter(|stored| !stored.deleted)
        .and_then(|stored| stored.fields.get(field))
        .and_then(Value::as_str)
        .is_some_and(|before| before.trim() == code);
    let problem = match agencies.get(code) {
        None => Problem::UnknownAgency,
        Some(false) if !unchanged => Problem::InactiveAgency,
        Some(_) => return Ok(()),
    };
    Err(RejectError::invalid(vec![FieldError::new(field, problem)]))
}

/// What the referral rules read and keep up to date through a push (`Work`'s agencies,
/// `referral_victims`, `referral_status` and `shares`).
pub(super) struct Ledger<'a> {
    pub agencies: &'a HashMap<String, bool>,
    pub victims: &'a HashMap<Uuid, Uuid>,
    pub statuses: &'a mut HashMap<Uuid, Status>,
    pub shares: &'a mut Vec<(Uuid, bool)>,
}

/// The referral rules of a mutation, after its merged state was validated and placed:
/// referrals and steps are never deleted (a referral is cancelled instead); a new
/// referral's `previous_referral` is a declined referral of the same victim; an answer
/// comes only from a liaison of the agency the referral is addressed to, a cancellation
/// only from the referring side; a step must follow from the referral's status, which it
/// then moves on for the rest of the push.
pub(super) fn check(
    Ledger {
        agencies,
        victims,
        statuses,
        shares,
    }: Ledger<'_>,
    batch: &PushBatch,
    kind: RecordKind,
    mutation: &Mutation,
    stored: Option<&StoredRecord>,
) -> Result<(), RejectError> {
    check_agency(agencies, kind, mutation, stored)?;
    if !kind.is_referral() {
        return Ok(());
    }
    if mutation.op == Op::Delete {
        return Err(RejectError::forbidden());
    }
    if kind == RecordKind::Referral {
        if !batch.user.role.refers() {
            return Err(RejectError::forbidden());
        }
        let new = stored.is_none_or(|stored| stored.deleted);
        let victim = schema::parent_id(RecordKind::Referral, &mutation.fields);
        if let (Some(previous), Some(victim), true) = (previous_of(&mutation.fields), victim, new) {
            let stored = victims.get(&previous).map(|of| {
                (
                    statuses.get(&previous).copied().unwrap_or(Status::Open),
                    *of,
                )
            });
            if let Err(problem) = referral::may_replace(stored, victim) {
                let error = FieldError::new("previous_referral", problem);
                return Err(RejectError::invalid(vec![error]));
            }
        }
        if new && referral::shares_identity(&mutation.fields) {
            shares.push((mutation.record_id, true));
        }
        return Ok(());
    }
    // The same step pushed again changes nothing (insert-only): it was checked when taken.
    if stored.is_some_and(|stored| !stored.deleted) {
        return Ok(());
    }
    let action = mutation
        .fields
        .get("action")
        .and_then(Value::as_str)
        .and_then(Action::parse);
    let (Some(action), Some(referral)) = (
        action,
        schema::parent_id(RecordKind::ReferralStep, &mutation.fields),
    ) else {
        return Ok(());
    };
    let allowed = match action.is_answer() {
        true => batch.user.role == Role::Liaison,
        false => batch.user.role.refers(),
    };
    if !allowed {
        let message = match action.is_answer() {
            true => "Only the agency the referral is addressed to answers it.",
            false => "Only the referring side cancels a referral.",
        };
        return Err(RejectError {
            field: Some("action".into()),
            message: message.into(),
            ..RejectError::forbidden()
        });
    }
    let status = statuses.get(&referral).copied().unwrap_or(Status::Open);
    match referral::next(status, action) {
        Ok(next) => {
            statuses.insert(referral, next);
            if status.shares_identity() && !next.shares_identity() {
                shares.push((referral, false));
            }
            Ok(())
        }
        Err(problem) => Err(RejectError::invalid(vec![FieldError::new(
            "action", problem,
        )])),
    }
}

/// After the push's records are saved: when a referral that shares a victim's identity
/// begins, the victim's identity and the case's keys wrapped for the agency's liaisons
/// take new versions, so a liaison whose pulls went past them gets them (the keys wrapped
/// for it later are new records anyway); when the last live one of that agency for that
/// victim closes, they leave each liaison's scope (`sql::pull_agency`). Every version
/// comes from the push's sequence.
pub(super) async fn flush_shares<T: WriteTx>(
    tx: &mut T,
    work: &mut Work,
) -> Result<(), StoreError> {
    let changes = std::mem::take(&mut work.shares);
    let written: HashSet<Uuid> = work.written.iter().map(|(id, _, _)| *id).collect();
    for (referral, opened) in changes {
        let Some(entry) = work.records.get(&referral) else {
            continue;
        };
        let fields = &entry.record.fields;
        let (Some(case), Some(victim), Some(agency)) = (
            entry.case_id,
            schema::parent_id(RecordKind::Referral, fields),
            fields
                .get("agency")
                .and_then(Value::as_str)
                .map(str::to_owned),
        ) else {
            continue;
        };
        if !referral::shares_identity(fields) {
            continue;
        }
        if !opened && tx.live_shares(&agency, victim).await? > 0 {
            continue;
        }
        let liaisons = tx.liaisons(&agency).await?;
        let shared = shared_records(tx, case, victim, &liaisons).await?;
        if opened {
            let moves: Vec<(Uuid, u64)> = shared
                .iter()
                .filter(|(id, _, _)| !written.contains(id))
                .map(|(id, _, _)| (*id, work.next_version()))
                .collect();
            if !moves.is_empty() {
                tx.move_versions(&moves).await?;
            }
            continue;
        }
        for liaison in liaisons {
            let exits: Vec<ScopeExit> = shared
                .iter()
                .filter(|(_, _, reader)| reader.is_none_or(|reader| reader == liaison))
                .map(|(id, kind, _)| ScopeExit {
                    version: work.next_version(),
                    kind: kind.as_str().to_owned(),
                    record_id: *id,
                })
                .collect();
            if !exits.is_empty() {
                tx.record_exits(liaison, &exits).await?;
            }
        }
    }
    Ok(())
}

/// What a referral shares of case `case` with an agency's liaisons: victim `victim`'s
/// identities (no reader), and the case's keys wrapped for one of `liaisons` (that
/// reader), as (id, kind, reader).
async fn shared_records<T: WriteTx>(
    tx: &mut T,
    case: Uuid,
    victim: Uuid,
    liaisons: &[Uuid],
) -> Result<Vec<(Uuid, RecordKind, Option<Uuid>)>, StoreError> {
    let ids: Vec<Uuid> = tx
        .case_records(case)
        .await?
        .into_iter()
        .filter(|(_, kind)| {
            kind == RecordKind::VictimIdentity.as_str() || kind == RecordKind::CaseKey.as_str()
        })
        .map(|(id, _)| id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut shared = Vec::new();
    for loaded in tx.load_many(&ids).await? {
        let fields = &loaded.record.fields;
        match RecordKind::parse(&loaded.kind) {
            Some(RecordKind::VictimIdentity)
                if schema::parent_id(RecordKind::VictimIdentity, fields) == Some(victim) =>
            {
                shared.push((loaded.id, RecordKind::VictimIdentity, None));
            }
            Some(RecordKind::CaseKey) => {
                let reader = fields.get("reader").and_then(Value::as_str);
                let reader = reader.and_then(|r| Uuid::try_parse(r).ok());
                if let Some(reader) = reader.filter(|r| liaisons.contains(r)) {
                    shared.push((loaded.id, RecordKind::CaseKey, Some(reader)));
                }
            }
            _ => {}
        }
    }
    Ok(shared)
}
