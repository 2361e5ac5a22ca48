//! The pages that load on demand. In the split build (`--features split`, as
//! `scripts/build-app.sh` builds the app) each function below is a split point
//! (`#[lazy]`): its page's code sits in a wasm chunk of its own, which the service worker
//! fetches right after the first screen and the page loads from there when first opened.
//! The first download keeps what the first screen needs: logging in and unlocking, the
//! frame, the sync engine, the store and the crypto.
//!
//! Without the feature (the wasm tests, a plain build) they are plain `async` functions,
//! awaited the same way: an unsplit build with a `#[lazy]` function would import a module
//! that only the split tool provides, and fail to load.

use crate::pages::cases::{CasePage, CasePages};
use crate::pages::{
    ActivityForm, ActivityList, AdminPage, AssignPage, AuditPage, HomePage, ReportPage,
    SettingsPage, StatsPage,
};
#[cfg(feature = "split")]
use leptos::prelude::lazy;
use leptos::prelude::*;

/// `#/beranda`.
#[cfg_attr(feature = "split", lazy)]
pub async fn home() -> AnyView {
    view! { <HomePage /> }.into_any()
}

/// `#/pengaturan`.
#[cfg_attr(feature = "split", lazy)]
pub async fn settings() -> AnyView {
    view! { <SettingsPage /> }.into_any()
}

/// `#/kegiatan`.
#[cfg_attr(feature = "split", lazy)]
pub async fn activities() -> AnyView {
    view! { <ActivityList /> }.into_any()
}

/// `#/kegiatan/baru` (`None`) and `#/kegiatan/<id>`.
#[cfg_attr(feature = "split", lazy)]
pub async fn activity_form(id: Option<String>) -> AnyView {
    view! { <ActivityForm id /> }.into_any()
}

/// `#/evaluasi`.
#[cfg_attr(feature = "split", lazy)]
pub async fn stats() -> AnyView {
    view! { <StatsPage /> }.into_any()
}

/// `#/laporan`.
#[cfg_attr(feature = "split", lazy)]
pub async fn report() -> AnyView {
    view! { <ReportPage /> }.into_any()
}

/// `#/penugasan`.
#[cfg_attr(feature = "split", lazy)]
pub async fn assign() -> AnyView {
    view! { <AssignPage /> }.into_any()
}

/// `#/audit`.
#[cfg_attr(feature = "split", lazy)]
pub async fn audit() -> AnyView {
    view! { <AuditPage /> }.into_any()
}

/// `#/admin`.
#[cfg_attr(feature = "split", lazy)]
pub async fn admin() -> AnyView {
    view! { <AdminPage /> }.into_any()
}

/// `#/kasus...`.
#[cfg_attr(feature = "split", lazy)]
pub async fn cases(page: CasePage) -> AnyView {
    view! { <CasePages page /> }.into_any()
}
