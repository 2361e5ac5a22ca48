//! The deployment's agencies on the device (issue #19): the list `GET /api/v1/agencies`
//! answers, kept in the `meta` store so it reads for days without signal, and shared with
//! the screens as a context signal ([`Agencies`]). It is fetched when someone logs in (or
//! the app opens with a session) and after each sync round that went through; the admin's
//! changes are laid over it as the worker stored them. A list not fetched yet reads as
//! the old fixed vocabulary (`AgencyList::label`), and offers its seed as choices.

use crate::app::Ctx;
use crate::i18n;
use crate::store::Store;
use crate::sync::engine::online;
use crate::sync::{Api, ApiError, SyncState};
use gugus_model::agency::{self, Agency, AgencyList};
use gugus_model::Lang;
use leptos::prelude::*;
use leptos::task::spawn_local;
#[cfg(feature = "split")]
use leptos::wasm_split::wasm_split;
use leptos::wasm_split::SplitLoaderError;
use std::future::Future;
use std::pin::Pin;

/// The deployment's agencies, shared through context: the device's copy, replaced by
/// each fetch.
#[derive(Debug, Clone, Copy)]
pub struct Agencies {
    list: RwSignal<AgencyList>,
}

impl Agencies {
    /// The list as the device kept it.
    pub fn new(list: AgencyList) -> Self {
        Agencies {
            list: RwSignal::new(list),
        }
    }

    /// Reads the list (tracked).
    pub fn with<R>(&self, read: impl FnOnce(&AgencyList) -> R) -> R {
        self.list.with(read)
    }

    /// Reads the list without tracking it (in an event's handler).
    pub fn with_untracked<R>(&self, read: impl FnOnce(&AgencyList) -> R) -> R {
        self.list.with_untracked(read)
    }

    /// The name of `code` in `lang` (tracked); see `AgencyList::label`.
    pub fn label(&self, code: &str, lang: Lang) -> String {
        self.list.with(|list| list.label(code, lang).to_owned())
    }

    /// What an agency field offers (tracked): see [`choices`].
    pub fn choices(&self, keep: &[String], lang: Lang) -> Vec<(String, String)> {
        self.list.with(|list| choices(list, keep, lang))
    }

    /// Lays `agency`, as the worker stored it, over the list on screen and on the device.
    pub fn keep(&self, store: Store, agency: Agency) {
        let list = self.list.with_untracked(|list| merged(list, agency));
        self.list.set(list.clone());
        spawn_local(async move {
            if let Err(error) = store.set_agencies(&list).await {
                // The next fetch brings it again.
                web_sys::console::warn_1(&format!("agencies not kept: {error}").into());
            }
        });
    }
}

/// The agencies of the screens.
pub fn use_agencies() -> Agencies {
    expect_context::<Agencies>()
}

/// `list` with `agency` in place of the one with its code, or added at the end.
pub fn merged(list: &AgencyList, agency: Agency) -> AgencyList {
    let mut agencies = list.agencies.clone();
    match agencies.iter_mut().find(|a| a.code == agency.code) {
        Some(kept) => *kept = agency,
        None => agencies.push(agency),
    }
    AgencyList { agencies }
}

/// The `(code, name)` choices of an agency field, in the list's order: the active
/// agencies, and each code of `keep` (the values the field holds or held) even when that
/// agency is no longer active (its name then says so) or not in the list, so an old
/// record never loses its value. An empty list (never fetched) offers the seed.
pub fn choices(list: &AgencyList, keep: &[String], lang: Lang) -> Vec<(String, String)> {
    let seed;
    let agencies = if list.agencies.is_empty() {
        seed = agency::seed();
        &seed
    } else {
        &list.agencies
    };
    let kept = |code: &str| keep.iter().any(|k| k == code);
    let mut out: Vec<(String, String)> = agencies
        .iter()
        .filter(|a| a.active || kept(&a.code))
        .map(|a| {
            let name = if a.active {
                a.name(lang).to_owned()
            } else {
                format!(
                    "{} ({})",
                    a.name(lang),
                    i18n::AGENCY_INACTIVE_OPTION.get(lang)
                )
            };
            (a.code.clone(), name)
        })
        .collect();
    for code in keep {
        if !code.is_empty() && !out.iter().any(|(c, _)| c == code) {
            out.push((code.clone(), list.label(code, lang).to_owned()));
        }
    }
    out
}

/// Fetches the list and keeps it on screen and on the device when it changed.
pub async fn refresh(store: Store, token: String, agencies: Agencies) -> Result<(), ApiError> {
    let list = Api::here().agencies(&token).await?;
    // The screens may be gone by the answer (a logout): a disposed list takes nothing.
    if agencies.list.try_with_untracked(|now| *now == list) != Some(false) {
        return Ok(());
    }
    agencies.list.try_set(list.clone());
    if let Err(error) = store.set_agencies(&list).await {
        // Shown now; the next fetch keeps it.
        web_sys::console::warn_1(&format!("agencies not kept: {error}").into());
    }
    Ok(())
}

/// A split point's work.
type Work = Pin<Box<dyn Future<Output = ()>>>;

/// The device's copy of the list, when the screens have none yet, then the worker's when
/// there is signal and someone is logged in. Loaded with the `records` module (in the
/// split build, `scripts/build-app.sh`), so the first download carries neither the fetch
/// nor the reading of the list: the first screen shows no agency, and every screen that
/// does loads that module.
#[cfg_attr(
    feature = "split",
    wasm_split(records, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn refresh_split(
    store: Store,
    token: Option<String>,
    agencies: Agencies,
) -> Result<Work, SplitLoaderError> {
    Ok(Box::pin(async move {
        // The screens may be gone by now (a logout): a disposed list reads as `None`.
        let empty = || agencies.list.try_with_untracked(|l| l.agencies.is_empty());
        if empty() == Some(true) {
            match store.agencies().await {
                Ok(Some(kept)) if empty() == Some(true) => {
                    agencies.list.try_set(kept);
                }
                Ok(_) => {}
                Err(error) => {
                    web_sys::console::warn_1(&format!("agencies not read: {error}").into());
                }
            }
        }
        let Some(token) = token.filter(|_| online() && empty().is_some()) else {
            return;
        };
        // Without an answer the device's copy stays: it is tried again after the next
        // sync round.
        let _ = refresh(store, token, agencies).await;
    }))
}

/// Reads the device's copy when the screens have none, and fetches the list in the
/// background when there is signal and someone is logged in.
pub fn fetch(ctx: Ctx, agencies: Agencies) {
    let token = ctx.token();
    let store = ctx.store();
    spawn_local(async move {
        #[cfg(feature = "split")]
        let work = refresh_split(store, token, agencies).await;
        #[cfg(not(feature = "split"))]
        let work = refresh_split(store, token, agencies);
        // A module that cannot load (no signal before the precache finished): the
        // vocabulary's names show until the next round.
        if let Ok(work) = work {
            work.await;
        }
    });
}

/// Whether a change of the sync indicator from `before` to `now` (with or without a
/// problem) is the end of a sync round that went through.
pub fn round_went_through(before: Option<SyncState>, now: SyncState, problem: bool) -> bool {
    before == Some(SyncState::Syncing) && now == SyncState::Idle && !problem
}

/// Keeps the list fresh: the device's copy read when the app opens, the worker's fetched
/// when someone logs in (or the app opens with a session) and after each sync round that
/// went through.
pub fn keep_fresh(ctx: Ctx, agencies: Agencies) {
    let token = Memo::new(move |_| ctx.session.with(|s| s.as_ref().map(|s| s.token.clone())));
    Effect::new(move |_| {
        token.track();
        fetch(ctx, agencies);
    });
    Effect::new(move |before: Option<SyncState>| {
        let (now, problem) = ctx.status.with(|s| (s.state, s.problem.is_some()));
        if round_went_through(before, now, problem) {
            fetch(ctx, agencies);
        }
        now
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn agency(code: &str, name_id: &str, active: bool) -> Agency {
        Agency {
            code: code.into(),
            name_id: name_id.into(),
            name_en: format!("{name_id} (en)"),
            kind: "ngo".into(),
            active,
        }
    }

    fn list() -> AgencyList {
        AgencyList {
            agencies: vec![
                agency("dinsos", "Dinsosdalduk KBP3A", true),
                agency("lsm_lama", "LSM Lama", false),
                agency("lsm_mitra", "LSM Mitra Perempuan", true),
            ],
        }
    }

    fn codes(choices: &[(String, String)]) -> Vec<&str> {
        choices.iter().map(|(code, _)| code.as_str()).collect()
    }

    #[test]
    fn a_field_offers_the_active_agencies_in_order() {
        let offered = choices(&list(), &[], Lang::Id);
        assert_eq!(codes(&offered), ["dinsos", "lsm_mitra"]);
        assert_eq!(offered[1].1, "LSM Mitra Perempuan");
        let english = choices(&list(), &[String::new()], Lang::En);
        assert_eq!(english[0].1, "Dinsosdalduk KBP3A (en)");
    }

    #[test]
    fn an_old_value_stays_on_offer_marked_inactive() {
        let offered = choices(&list(), &["lsm_lama".to_owned()], Lang::Id);
        assert_eq!(codes(&offered), ["dinsos", "lsm_lama", "lsm_mitra"]);
        assert_eq!(offered[1].1, "LSM Lama (tidak aktif)");
        let english = choices(&list(), &["lsm_lama".to_owned()], Lang::En);
        assert_eq!(english[1].1, "LSM Lama (en) (inactive)");
        // A code the list does not have (yet) is kept, named as the vocabulary names it.
        let odd = choices(&list(), &["police".to_owned()], Lang::Id);
        assert_eq!(
            odd.last(),
            Some(&("police".to_owned(), "Polres Purbalingga".to_owned()))
        );
        // An active value is offered once.
        let once = choices(&list(), &["dinsos".to_owned()], Lang::Id);
        assert_eq!(codes(&once), ["dinsos", "lsm_mitra"]);
    }

    #[test]
    fn a_list_never_fetched_offers_the_seed() {
        let offered = choices(&AgencyList::default(), &[], Lang::Id);
        assert_eq!(offered.len(), gugus_model::vocab::AGENCIES.terms.len());
        assert_eq!(offered[1], ("uptd_ppa".to_owned(), "UPTD PPA".to_owned()));
    }

    #[test]
    fn an_agency_as_stored_replaces_its_code_or_comes_last() {
        let changed = merged(&list(), agency("lsm_lama", "LSM Lama Sekali", true));
        assert_eq!(changed.agencies.len(), 3);
        assert_eq!(changed.agencies[1].name_id, "LSM Lama Sekali");
        assert!(changed.agencies[1].active);
        let added = merged(&list(), agency("rs_umum", "RSUD Goeteng", true));
        assert_eq!(added.agencies.len(), 4);
        assert_eq!(added.agencies[3].code, "rs_umum");
    }

    #[test]
    fn only_a_round_that_went_through_fetches_the_list() {
        let (syncing, idle) = (SyncState::Syncing, SyncState::Idle);
        assert!(round_went_through(Some(syncing), idle, false));
        assert!(!round_went_through(Some(syncing), idle, true));
        assert!(!round_went_through(Some(syncing), SyncState::Offline, true));
        assert!(!round_went_through(Some(syncing), SyncState::Error, true));
        assert!(!round_went_through(Some(idle), idle, false), "no round ran");
        assert!(
            !round_went_through(None, idle, false),
            "the app just opened"
        );
    }
}
