//! The agencies' liaisons a case's identities are shared with (issue #19): an officer may
//! share a victim's identity with the liaison of the agency a referral is addressed to,
//! while the referral is open or accepted. Those liaisons are readers of the case's key
//! like its officers: a new key is wrapped for them, `Keyring::share` wraps the newest
//! key for one that lacks it, and once the referral closes they may no longer read the
//! case, so the next identity write makes a new key.

use super::{Directory, KeyringError};
use crate::pages::referrals::logic::{identity_shares, referrals};
use crate::store::Store;
use gugus_model::e2e::PublicKey;
use gugus_model::referral::shares_identity;
use gugus_model::RecordKind;
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// The agencies each case on the device shares a victim's identity with now, by case:
/// those of its victims' referrals that share it and are open or accepted
/// (`logic::Referral::shares_identity`; a referral made on this phone and not sent yet
/// counts, and so does a step not sent yet). Usually none: then only the referrals are
/// read.
pub async fn case_shares(store: &Store) -> Result<HashMap<Uuid, BTreeSet<String>>, KeyringError> {
    let mut records = store.list_records(RecordKind::Referral).await?;
    if !records
        .iter()
        .any(|r| !r.record.deleted && shares_identity(&r.record.fields))
    {
        return Ok(HashMap::new());
    }
    records.extend(store.list_records(RecordKind::ReferralStep).await?);
    let mut by_case: HashMap<Uuid, BTreeSet<String>> = HashMap::new();
    for (victim, agencies) in identity_shares(&referrals(&records)) {
        let victim = store.record(RecordKind::Victim, &victim).await?;
        let case = victim
            .filter(|v| !v.record.deleted)
            .and_then(|v| v.record.fields.get("case_id")?.as_str()?.parse().ok());
        if let Some(case) = case {
            by_case.entry(case).or_default().extend(agencies);
        }
    }
    Ok(by_case)
}

/// Every agency some case on the device shares an identity with now (whose liaisons'
/// public keys the sync fetches into the [`Directory`]).
pub fn agencies(shares: &HashMap<Uuid, BTreeSet<String>>) -> BTreeSet<String> {
    shares.values().flatten().cloned().collect()
}

/// The liaisons of `agencies` in `directory`, as its last sync fetched them.
pub fn liaisons<'a>(
    directory: &'a Directory,
    agencies: Option<&'a BTreeSet<String>>,
) -> impl Iterator<Item = &'a PublicKey> + 'a {
    agencies
        .into_iter()
        .flatten()
        .filter_map(|agency| directory.liaisons.get(agency))
        .flatten()
}
