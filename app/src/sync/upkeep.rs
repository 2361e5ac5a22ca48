//! The sync's work on identity keys (issue #18), loaded with the `records` module (in the
//! split build, `scripts/build-app.sh`) so the first download does not carry it: the
//! readers every new case key is wrapped for and the index key, before the push; identity
//! changes of earlier builds sealed as envelopes, as they are sent; the keys shared with
//! whoever may now read a case and the plain identities a supervisor's phone migrates,
//! after the pull. Each step is a split point awaited like `pages::on_demand`'s: when its
//! module cannot be loaded (no signal before the precache finished), the sync stops there
//! as unreachable and is tried again.
//!
//! Only the roles that wrap keys (`Role::wraps_keys`) do this work. An agency's liaison
//! holds a key pair to open the identities a referral shares with it (issue #19), but
//! wraps nothing and holds no index key: its sync only sends its pair when the phone made
//! it offline.

use super::{Api, ApiError, SyncProblem};
use crate::keyring::{shares, Directory, Keyring};
use crate::store::Store;
use gugus_model::sync::Mutation;
#[cfg(feature = "split")]
use leptos::wasm_split::wasm_split;
use leptos::wasm_split::SplitLoaderError;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

/// A step's work, as its split point answers it.
type Work<T> = Pin<Box<dyn Future<Output = Result<T, SyncProblem>>>>;

/// Awaits a split point's work (a module that cannot load: unreachable).
async fn run<T>(work: Result<Work<T>, SplitLoaderError>) -> Result<T, SyncProblem> {
    match work {
        Ok(work) => work.await,
        Err(_) => Err(SyncProblem::Unreachable),
    }
}

#[cfg_attr(
    feature = "split",
    wasm_split(records, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn before_push_split(
    keyring: Keyring,
    store: Store,
    token: String,
    wraps: bool,
) -> Result<Work<bool>, SplitLoaderError> {
    Ok(Box::pin(async move {
        let api = Api::here();
        crate::e2e::send_unsent_keys(&api, &store, &token).await;
        if !wraps {
            return Ok(false);
        }
        let supervisors = api.supervisor_keys(&token).await?;
        let recovery = api.recovery_key(&token).await?;
        let liaisons = liaisons(&api, &store, &token).await?;
        let directory = Directory {
            supervisors: supervisors.keys,
            recovery,
            liaisons,
        };
        let before: Option<Directory> = store.key_directory().await?;
        if before.as_ref() != Some(&directory) {
            // Kept until a sync shares every case's keys: one cut short does it again.
            store.set_share_all(true).await?;
        }
        store.set_key_directory(&directory).await?;
        if keyring.has_pair() {
            // The NIK's blind index: not worth failing a sync over.
            if let Err(error) = keyring.keep_index_key(&store, Some((&api, &token))).await {
                web_sys::console::warn_1(&format!("index key not kept: {error}").into());
            }
        }
        Ok(store.share_all().await?)
    }))
}

/// The liaisons of every agency a referral on the device shares a victim's identity with
/// now (`keyring::shares`), by agency: one `GET /keys/public?agency=` each, none when no
/// referral shares one (the usual case). An agency the server no longer knows (400) has
/// none.
async fn liaisons(
    api: &Api,
    store: &Store,
    token: &str,
) -> Result<BTreeMap<String, Vec<gugus_model::e2e::PublicKey>>, SyncProblem> {
    let mut liaisons = BTreeMap::new();
    for agency in shares::agencies(&shares::case_shares(store).await?) {
        let keys = match api.liaison_keys(token, &agency).await {
            Ok(answer) => answer.keys,
            Err(ApiError::Server { status: 400, .. }) => Vec::new(),
            Err(error) => return Err(error.into()),
        };
        liaisons.insert(agency, keys);
    }
    Ok(liaisons)
}

/// Before the push: sends the account's key pair if this phone made it offline
/// (`e2e::send_unsent_keys`); then, for a role that wraps keys (`wraps`), fetches and
/// keeps the readers every new case key is wrapped for (`keyring::Directory`, so a case
/// key made offline is wrapped for them), and keeps the task force's index key. Answers
/// whether every case's keys must be shared: the readers changed, now or before a sync
/// that did not get through.
pub async fn before_push(
    keyring: Keyring,
    store: Store,
    token: String,
    wraps: bool,
) -> Result<bool, SyncProblem> {
    #[cfg(feature = "split")]
    let work = before_push_split(keyring, store, token, wraps).await;
    #[cfg(not(feature = "split"))]
    let work = before_push_split(keyring, store, token, wraps);
    run(work).await
}

#[cfg_attr(
    feature = "split",
    wasm_split(records, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn outgoing_split(
    keyring: Keyring,
    store: Store,
    mutations: Vec<Mutation>,
    at: String,
) -> Result<Work<Vec<Mutation>>, SplitLoaderError> {
    Ok(Box::pin(async move {
        let mut sent = Vec::with_capacity(mutations.len());
        for mutation in mutations {
            sent.push(keyring.outgoing(&store, mutation, &at).await?);
        }
        Ok(sent)
    }))
}

/// Outbox entries as they are sent (`Keyring::outgoing`): identity changes an earlier
/// build sealed under the vault, sealed as envelopes.
pub async fn outgoing(
    keyring: Keyring,
    store: Store,
    mutations: Vec<Mutation>,
    at: String,
) -> Result<Vec<Mutation>, SyncProblem> {
    #[cfg(feature = "split")]
    let work = outgoing_split(keyring, store, mutations, at).await;
    #[cfg(not(feature = "split"))]
    let work = outgoing_split(keyring, store, mutations, at);
    run(work).await
}

#[cfg_attr(
    feature = "split",
    wasm_split(records, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn after_pull_split(
    keyring: Keyring,
    store: Store,
    token: String,
    touched: Option<BTreeSet<Uuid>>,
    supervisor: bool,
) -> Result<Work<bool>, SplitLoaderError> {
    Ok(Box::pin(async move {
        let api = Api::here();
        let at = crate::clock::now_rfc3339();
        let mut saved = 0;
        // The cases asked for, and those a referral shares an identity of (a referral
        // made since the last sync brings its agency's liaisons no other way).
        let asked = touched.as_ref().is_none_or(|cases| !cases.is_empty());
        if asked || !shares::case_shares(&store).await?.is_empty() {
            saved += keyring
                .share(&store, &api, &token, touched.as_ref(), &at)
                .await?;
            if touched.is_none() {
                store.set_share_all(false).await?;
            }
        }
        // A supervisor's phone seals what the server still keeps in plain text: once
        // after the upgrade, and after a pull that brought some.
        if supervisor && keyring.has_pair() && !store.identities_sealed().await? {
            let sealed = keyring.migrate(&store, &at).await?;
            store.set_identities_sealed(true).await?;
            if sealed > 0 {
                saved += sealed + keyring.share(&store, &api, &token, None, &at).await?;
            }
        }
        Ok(saved > 0)
    }))
}

/// After the pull (a role that wraps keys): wraps the case keys this phone holds for
/// whoever may now read the cases it sent or received records of (every case when
/// `touched` is `None`), and for the liaisons of the referrals that share a victim's
/// identity (`Keyring::share`); on a supervisor's phone, seals the identities the server
/// still keeps in plain text (`Keyring::migrate`). Answers whether that saved anything
/// to send.
pub async fn after_pull(
    keyring: Keyring,
    store: Store,
    token: String,
    touched: Option<BTreeSet<Uuid>>,
    supervisor: bool,
) -> Result<bool, SyncProblem> {
    #[cfg(feature = "split")]
    let work = after_pull_split(keyring, store, token, touched, supervisor).await;
    #[cfg(not(feature = "split"))]
    let work = after_pull_split(keyring, store, token, touched, supervisor);
    run(work).await
}

#[cfg_attr(
    feature = "split",
    wasm_split(records, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn index_from_device_split(
    keyring: Keyring,
    store: Store,
    wraps: bool,
) -> Result<Work<()>, SplitLoaderError> {
    Ok(Box::pin(async move {
        keyring.warm(&store).await?;
        if wraps {
            keyring.keep_index_key(&store, None).await?;
        }
        Ok(())
    }))
}

/// After the pair is open (a login, an unlock), with no signal needed: reads the case
/// keys wrapped for this account into memory (`Keyring::warm`), so the first identity
/// opened does not wait for that, and, for a role that wraps keys (`wraps`), opens the
/// task force's index key from the phone's copy (the next sync fetches it).
pub async fn index_from_device(
    keyring: Keyring,
    store: Store,
    wraps: bool,
) -> Result<(), SyncProblem> {
    #[cfg(feature = "split")]
    let work = index_from_device_split(keyring, store, wraps).await;
    #[cfg(not(feature = "split"))]
    let work = index_from_device_split(keyring, store, wraps);
    run(work).await
}
