//! The pages that load on demand. In the split build (`--features split`, as
//! `scripts/build-app.sh` builds the app) each function below is a split point: its page's
//! code sits in the wasm module of its group, which the service worker fetches right after
//! the first screen, and the page loads from there when first opened. The first download
//! keeps what the first screen needs: logging in and unlocking, the frame, the sync engine,
//! the store and the crypto.
//!
//! The split points are `wasm_split` functions, the macro Leptos's `#[lazy]` is made of,
//! for two things `#[lazy]` cannot do:
//! - **groups**: pages used together share one module (`records`, `reports`, `oversight`,
//!   `settings`). One module per page cut the code shared by a few pages into 121 chunks,
//!   most under 1 KB, and a case page needed 90 requests; grouped, 15 files in all.
//! - **a failed load is an error, not an abort** (`fallible`): a module that is neither on
//!   the phone nor reachable (no signal before the precache finished) shows a message with
//!   "Coba lagi", where `#[lazy]` would panic and, with `panic = "abort"`, kill the app.
//!
//! Without the feature (the wasm tests, clippy, a plain build) the same functions are plain
//! code, awaited the same way: an unsplit build with a split point would import a module
//! that only wasm-split-cli provides, and fail to load.

use crate::i18n::{self, tr};
use crate::pages::cases::{CasePage, CasePages};
use crate::pages::referrals::ReferralPage;
use crate::pages::{
    ActivityForm, ActivityList, AdminPage, AssignPage, AuditPage, HomePage, ReportPage,
    SettingsPage, StatsPage,
};
use leptos::prelude::*;
#[cfg(feature = "split")]
use leptos::wasm_split::wasm_split;
use leptos::wasm_split::SplitLoaderError;
use std::future::Future;

/// A page, or why its module could not be loaded.
pub type Loaded = Result<AnyView, SplitLoaderError>;

/// Declares a page's split point (`$split`, in module group `$group`) and the async
/// function the frame awaits (`$page`), from the page's view.
macro_rules! on_demand {
    ($(#[$doc:meta])* $page:ident / $split:ident in $group:ident ($($arg:ident: $ty:ty),*) => $view:expr) => {
        #[cfg_attr(
            feature = "split",
            wasm_split($group, wasm_split_path = ::leptos::wasm_split, fallible)
        )]
        fn $split($($arg: $ty),*) -> Loaded {
            Ok($view.into_any())
        }

        $(#[$doc])*
        pub async fn $page($($arg: $ty),*) -> Loaded {
            #[cfg(feature = "split")]
            return $split($($arg),*).await;
            #[cfg(not(feature = "split"))]
            return $split($($arg),*);
        }
    };
}

on_demand!(
    /// `#/beranda`.
    home / home_split in records() => view! { <HomePage /> }
);
on_demand!(
    /// `#/kegiatan`.
    activities / activities_split in records() => view! { <ActivityList /> }
);
on_demand!(
    /// `#/kegiatan/baru` (`None`) and `#/kegiatan/<id>`.
    activity_form / activity_form_split in records(id: Option<String>) => view! { <ActivityForm id /> }
);
on_demand!(
    /// `#/kasus...`.
    cases / cases_split in records(page: CasePage) => view! { <CasePages page /> }
);
on_demand!(
    /// `#/rujukan/<id>`.
    referral / referral_split in records(id: String) => view! { <ReferralPage id /> }
);
on_demand!(
    /// `#/evaluasi`.
    stats / stats_split in reports() => view! { <StatsPage /> }
);
on_demand!(
    /// `#/laporan`.
    report / report_split in reports() => view! { <ReportPage /> }
);
on_demand!(
    /// `#/penugasan`.
    assign / assign_split in oversight() => view! { <AssignPage /> }
);
on_demand!(
    /// `#/audit`.
    audit / audit_split in oversight() => view! { <AuditPage /> }
);
on_demand!(
    /// `#/admin`.
    admin / admin_split in oversight() => view! { <AdminPage /> }
);
on_demand!(
    /// `#/pengaturan`.
    settings / settings_split in settings() => view! { <SettingsPage /> }
);

/// The work of [`account_keys`], as its split point answers it.
type KeysWork = std::pin::Pin<Box<dyn Future<Output = Option<crate::e2e::AccountKeyPair>>>>;

/// The split point of [`account_keys`]: the key pair's making and sending sits in the
/// `records` module, which the phone fetches right after the first screen anyway; the
/// first download does not carry it.
#[cfg_attr(
    feature = "split",
    wasm_split(records, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn account_keys_split(
    store: crate::store::Store,
    session: crate::store::Session,
    password: String,
    online: bool,
) -> Result<KeysWork, SplitLoaderError> {
    Ok(Box::pin(crate::e2e::account_key_pair(
        store, session, password, online,
    )))
}

/// Runs `e2e::account_key_pair` once its code has loaded (`None` when it cannot load:
/// it is tried again at the next login or unlock).
pub async fn account_keys(
    store: crate::store::Store,
    session: crate::store::Session,
    password: String,
    online: bool,
) -> Option<crate::e2e::AccountKeyPair> {
    #[cfg(feature = "split")]
    let work = account_keys_split(store, session, password, online).await;
    #[cfg(not(feature = "split"))]
    let work = account_keys_split(store, session, password, online);
    work.ok()?.await
}

/// A page whose code may still have to load: "Memuat…" until it has; when it cannot be
/// loaded, a message and "Coba lagi", which tries again.
pub fn view<F, Fut>(page: F) -> AnyView
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Loaded> + Send + 'static,
{
    let attempt = RwSignal::new(0_u32);
    let shown = move || {
        attempt.track();
        let loading = page();
        Suspend::new(async move {
            match loading.await {
                Ok(view) => view,
                Err(_) => view! {
                    <div class="page-missing" role="alert">
                        <p>{tr(i18n::PAGE_NOT_LOADED)}</p>
                        <button
                            type="button"
                            id="page-retry"
                            on:click=move |_| attempt.update(|n| *n += 1)
                        >
                            {tr(i18n::TRY_AGAIN)}
                        </button>
                    </div>
                }
                .into_any(),
            }
        })
    };
    view! {
        <Suspense fallback=|| view! { <p class="loading">{tr(i18n::LOADING)}</p> }>{shown}</Suspense>
    }
    .into_any()
}
