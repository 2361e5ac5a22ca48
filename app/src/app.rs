//! The app's frame: opening the store, the session, the shared context, and which page
//! shows (a `Page` signal mirrored to `location.hash`, so a reload returns to the same
//! screen without a router).

use crate::components::header::Header;
use crate::crypto::Vault;
use crate::i18n::{self, tr, I18n};
use crate::keyring::Keyring;
use crate::pages::cases::CasePage;
use crate::pages::{on_demand, LoginPage, UnlockPage};
use crate::store::{Session, Store, StoreError};
use crate::sync::{SyncEngine, SyncProblem, SyncStatus};
use gugus_model::api::Role;
use leptos::prelude::*;
use uuid::Uuid;

/// A screen of the app, with its address after `#`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// `#/masuk`.
    Login,
    /// `#/beranda`: what needs attention (roles that sync records).
    Home,
    /// `#/kegiatan`.
    Activities,
    /// `#/kegiatan/baru`.
    NewActivity,
    /// `#/kegiatan/<id>`.
    EditActivity(String),
    /// `#/evaluasi`.
    Stats,
    /// `#/laporan`: the printable periodic report of the evaluation's selection.
    Report,
    /// `#/penugasan`: officers assigned to cases (supervisors and admins).
    Assign,
    /// `#/audit`: the audit trail (supervisors and admins).
    Audit,
    /// `#/admin`: accounts (admins).
    Admin,
    /// `#/kasus...`: the case screens (see `pages::cases`).
    Case(CasePage),
    /// `#/pengaturan`: language, account, sessions and storage (every role).
    Settings,
    /// `#/rujukan/<id>`: a referral to a member agency, answered there by its liaison
    /// (issue #19; readable by every role that syncs records).
    Referral(String),
}

impl Page {
    /// The page a `location.hash` names (`None` for an empty or unknown hash).
    pub fn from_hash(hash: &str) -> Option<Page> {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        match path.split('/').collect::<Vec<_>>().as_slice() {
            ["masuk"] => Some(Page::Login),
            ["beranda"] => Some(Page::Home),
            ["pengaturan"] => Some(Page::Settings),
            ["kegiatan"] => Some(Page::Activities),
            ["kegiatan", "baru"] => Some(Page::NewActivity),
            ["kegiatan", id] if !id.is_empty() => Some(Page::EditActivity((*id).to_owned())),
            ["evaluasi"] => Some(Page::Stats),
            ["laporan"] => Some(Page::Report),
            ["penugasan"] => Some(Page::Assign),
            ["audit"] => Some(Page::Audit),
            ["admin"] => Some(Page::Admin),
            ["kasus", rest @ ..] => CasePage::from_segments(rest).map(Page::Case),
            ["rujukan", id] if !id.is_empty() => Some(Page::Referral((*id).to_owned())),
            _ => None,
        }
    }

    /// The page's `location.hash`.
    pub fn hash(&self) -> String {
        match self {
            Page::Login => "#/masuk".into(),
            Page::Home => "#/beranda".into(),
            Page::Settings => "#/pengaturan".into(),
            Page::Activities => "#/kegiatan".into(),
            Page::NewActivity => "#/kegiatan/baru".into(),
            Page::EditActivity(id) => format!("#/kegiatan/{id}"),
            Page::Stats => "#/evaluasi".into(),
            Page::Report => "#/laporan".into(),
            Page::Assign => "#/penugasan".into(),
            Page::Audit => "#/audit".into(),
            Page::Admin => "#/admin".into(),
            Page::Case(page) => page.hash(),
            Page::Referral(id) => format!("#/rujukan/{id}"),
        }
    }

    /// The page `role` may see when it asks for this one.
    pub fn allowed_for(self, role: Role) -> Page {
        match self {
            Page::Stats | Page::Report if !role.sees_evaluation() => Page::home(role),
            Page::Assign | Page::Audit if !oversees(role) => Page::home(role),
            Page::Admin if role != Role::Admin => Page::home(role),
            Page::Home
            | Page::Activities
            | Page::NewActivity
            | Page::EditActivity(_)
            | Page::Case(_)
            | Page::Referral(_)
                if !role.syncs_records() =>
            {
                Page::Stats
            }
            Page::Activities | Page::NewActivity | Page::EditActivity(_) | Page::Case(_)
                if !keeps_cases(role) =>
            {
                Page::home(role)
            }
            Page::Login => Page::home(role),
            page => page,
        }
    }

    /// Where a user of `role` starts: the home page for the roles that sync records, the
    /// evaluation for viewers.
    pub fn home(role: Role) -> Page {
        if role.syncs_records() {
            Page::Home
        } else {
            Page::Stats
        }
    }
}

/// Whether `role` works on cases and activities (officers, supervisors and admins): an
/// agency's liaison syncs only the referrals addressed to its agency, and has no cases.
pub fn keeps_cases(role: Role) -> bool {
    matches!(role, Role::Officer | Role::Supervisor | Role::Admin)
}

/// Whether `role` assigns officers and reads the audit trail (supervisors and admins).
pub fn oversees(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Admin)
}

/// What every page shares: the store, the sync loop, the session and the navigation.
#[derive(Clone, Copy)]
pub struct Ctx {
    store: StoredValue<Store, LocalStorage>,
    engine: StoredValue<SyncEngine, LocalStorage>,
    /// This device's id.
    pub device_id: Uuid,
    /// Who is logged in.
    pub session: RwSignal<Option<Session>>,
    /// The officer's open vault: `None` while the device's data is locked.
    pub vault: RwSignal<Option<Vault>, LocalStorage>,
    /// The keys that seal and open identities (issue #18): `None` while locked.
    pub keyring: RwSignal<Option<Keyring>, LocalStorage>,
    /// What the sync indicator shows.
    pub status: RwSignal<SyncStatus>,
    /// Bumped whenever records change on the device, so lists reload.
    pub revision: RwSignal<u64>,
    /// The page asked for.
    pub page: RwSignal<Page>,
    /// The password a login just checked while the device's data is still locked under
    /// an older one (an admin's reset, or a change on another phone): the unlock screen
    /// asks for the old one once, rewraps the vault to this one, and forgets it.
    pub rewrap_to: StoredValue<Option<String>, LocalStorage>,
}

impl Ctx {
    /// The device's store.
    pub fn store(&self) -> Store {
        self.store.get_value()
    }

    /// The sync loop.
    pub fn engine(&self) -> SyncEngine {
        self.engine.get_value()
    }

    /// Shows `page` and puts it in the address, so a reload returns to it.
    pub fn go(&self, page: Page) {
        set_hash(&page.hash());
        self.page.set(page);
    }

    /// The session's bearer token (untracked), for a request to the worker.
    pub fn token(&self) -> Option<String> {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
    }

    /// The logged-in user's role (tracked).
    pub fn role(&self) -> Option<Role> {
        self.session.with(|s| s.as_ref().map(|s| s.user.role))
    }

    /// Whether the device's data is locked: someone who keeps records is logged in and
    /// the vault is not open (tracked).
    pub fn locked(&self) -> bool {
        self.role().is_some_and(Role::syncs_records) && self.vault.with(Option::is_none)
    }

    /// Locks the device's data: the keys are dropped; the password opens them again.
    pub fn lock(&self) {
        self.vault.set(None);
        self.keyring.set(None);
    }

    /// Unlocks the device's data with `vault` (`None`: a role that keeps none); the
    /// account's key pair joins it when it has been opened (`login::ensure_keys`).
    pub fn open(&self, vault: Option<Vault>) {
        self.keyring
            .set(vault.clone().map(|v| Keyring::new(v, None)));
        self.vault.set(vault);
    }
}

/// How long the app stays open without a touch or a key before it locks, in ms.
pub const LOCK_AFTER_MS: f64 = 10.0 * 60.0 * 1000.0;

/// Whether the app must lock: the last touch or key was `LOCK_AFTER_MS` or more ago.
pub fn idle_too_long(last_activity_ms: f64, now_ms: f64) -> bool {
    now_ms - last_activity_ms >= LOCK_AFTER_MS
}

/// The shared context.
pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

fn current_hash() -> String {
    gloo::utils::window().location().hash().unwrap_or_default()
}

fn set_hash(hash: &str) {
    if current_hash() != hash {
        // Failing to update the address only means a reload opens the start page.
        let _ = gloo::utils::window().location().set_hash(hash);
    }
}

/// What start-up reads from the store before anything is shown.
#[derive(Clone)]
struct Booted {
    store: Store,
    device_id: Uuid,
    session: Option<Session>,
}

async fn boot() -> Result<Booted, StoreError> {
    let store = Store::open().await?;
    store.ask_to_persist();
    store.upgrade_pull().await?;
    let device_id = store.device_id().await?;
    let device_id = Uuid::parse_str(&device_id).unwrap_or_else(|_| Uuid::now_v7());
    let session = store.session().await?;
    Ok(Booted {
        store,
        device_id,
        session,
    })
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    provide_context(I18n::remembered());
    let booted = LocalResource::new(boot);
    move || match booted.get() {
        None => view! { <p class="loading">{tr(i18n::LOADING)}</p> }.into_any(),
        Some(Ok(booted)) => view! { <Shell booted /> }.into_any(),
        Some(Err(_)) => view! {
            <p class="fatal" role="alert">{tr(i18n::ERR_STORAGE)}</p>
        }
        .into_any(),
    }
}

/// The app once the store is open: context, sync loop, header and the current page.
#[component]
fn Shell(booted: Booted) -> impl IntoView {
    let session = RwSignal::new(booted.session);
    // Every page load starts locked: the key lives only in memory.
    let vault = RwSignal::new_local(None::<Vault>);
    let keyring = RwSignal::new_local(None::<Keyring>);
    let status = RwSignal::new(SyncStatus::default());
    let revision = RwSignal::new(0_u64);
    let engine = SyncEngine::new(
        booted.store.clone(),
        booted.device_id,
        session,
        keyring,
        status,
        revision,
    );
    // No address: the home page (a viewer is sent on to the evaluation).
    let page = RwSignal::new(Page::from_hash(&current_hash()).unwrap_or(Page::Home));
    let ctx = Ctx {
        store: StoredValue::new_local(booted.store.clone()),
        engine: StoredValue::new_local(engine.clone()),
        device_id: booted.device_id,
        session,
        vault,
        keyring,
        status,
        revision,
        page,
        rewrap_to: StoredValue::new_local(None),
    };
    provide_context(ctx);
    // Read from the device and fetched by `keep_fresh`, from the records module.
    let agencies = crate::agencies::Agencies::new(Default::default());
    provide_context(agencies);
    crate::agencies::keep_fresh(ctx, agencies);
    let replaced = RwSignal::new(false);
    booted.store.on_version_change(move || replaced.set(true));
    let _ = window_event_listener(leptos::ev::hashchange, move |_| {
        if let Some(asked) = Page::from_hash(&current_hash()) {
            if page.get_untracked() != asked {
                page.set(asked);
            }
        }
    });
    engine.start();
    lock_when_idle(ctx);
    // Opening the vault is the moment to sync what waited while locked.
    Effect::new(move |was_open: Option<bool>| {
        let open = vault.with(Option::is_some);
        if open && was_open == Some(false) {
            ctx.engine().request();
        }
        open
    });

    let role = Memo::new(move |_| ctx.role());
    let locked = Memo::new(move |_| ctx.locked());
    let expired =
        Memo::new(move |_| status.with(|s| s.problem == Some(SyncProblem::SessionExpired)));
    // The page actually shown: a logged-out user logs in; a role sees only its pages.
    let shown = Memo::new(move |_| match role.get() {
        None => Page::Login,
        Some(_) if page.get() == Page::Login && expired.get() => Page::Login,
        Some(role) => page.get().allowed_for(role),
    });
    // Keep the address in step with what is shown (the outside world follows the app).
    Effect::new(move |_| set_hash(&shown.get().hash()));
    view! {
        <Header />
        <Show when=move || replaced.get()>
            <p class="banner" role="alert">{tr(i18n::DB_REPLACED)}</p>
        </Show>
        <main id="main">
            {move || match shown.get() {
                Page::Login => view! { <LoginPage /> }.into_any(),
                _ if locked.get() => view! { <UnlockPage /> }.into_any(),
                Page::Home => on_demand::view(on_demand::home),
                Page::Settings => on_demand::view(on_demand::settings),
                Page::Activities => on_demand::view(on_demand::activities),
                Page::NewActivity => on_demand::view(|| on_demand::activity_form(None)),
                Page::EditActivity(id) => {
                    on_demand::view(move || on_demand::activity_form(Some(id.clone())))
                }
                Page::Stats => on_demand::view(on_demand::stats),
                Page::Report => on_demand::view(on_demand::report),
                Page::Assign => on_demand::view(on_demand::assign),
                Page::Audit => on_demand::view(on_demand::audit),
                Page::Admin => on_demand::view(on_demand::admin),
                Page::Case(page) => on_demand::view(move || on_demand::cases(page.clone())),
                Page::Referral(id) => on_demand::view(move || on_demand::referral(id.clone())),
            }}
        </main>
    }
}

/// Locks the app after [`LOCK_AFTER_MS`] without a touch or a key, checked every 15 s
/// and whenever the app comes back to the screen (timers sleep in the background).
fn lock_when_idle(ctx: Ctx) {
    let last = std::rc::Rc::new(std::cell::Cell::new(crate::clock::now_ms()));
    for event in ["pointerdown", "keydown", "touchstart"] {
        let last = last.clone();
        let listener =
            gloo::events::EventListener::new(&gloo::utils::document(), event, move |_| {
                last.set(crate::clock::now_ms());
            });
        // Lives as long as the page, like the shell.
        listener.forget();
    }
    let check = move || {
        if ctx.vault.with_untracked(Option::is_some)
            && idle_too_long(last.get(), crate::clock::now_ms())
        {
            ctx.lock();
        }
    };
    let on_visible = check.clone();
    gloo::events::EventListener::new(&gloo::utils::document(), "visibilitychange", move |_| {
        on_visible()
    })
    .forget();
    gloo::timers::callback::Interval::new(15_000, check).forget();
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_page_round_trips_through_its_hash() {
        let pages = [
            Page::Login,
            Page::Home,
            Page::Settings,
            Page::Activities,
            Page::NewActivity,
            Page::EditActivity("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into()),
            Page::Stats,
            Page::Report,
            Page::Assign,
            Page::Audit,
            Page::Admin,
            Page::Case(CasePage::List),
            Page::Case(CasePage::Detail(
                "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into(),
            )),
        ];
        for page in pages {
            assert_eq!(Page::from_hash(&page.hash()), Some(page));
        }
        assert_eq!(Page::from_hash(""), None);
        assert_eq!(Page::from_hash("#/tidak-ada"), None);
    }

    #[test]
    fn the_app_locks_after_ten_minutes_without_a_touch() {
        let start = 1_000_000.0;
        assert!(!idle_too_long(start, start + 9.0 * 60_000.0));
        assert!(!idle_too_long(start, start + LOCK_AFTER_MS - 1.0));
        assert!(idle_too_long(start, start + LOCK_AFTER_MS));
    }

    #[test]
    fn each_role_sees_only_its_pages() {
        assert_eq!(Page::Stats.allowed_for(Role::Officer), Page::Home);
        assert_eq!(Page::NewActivity.allowed_for(Role::Viewer), Page::Stats);
        assert_eq!(Page::Stats.allowed_for(Role::Supervisor), Page::Stats);
        assert_eq!(Page::Login.allowed_for(Role::Officer), Page::Home);
        assert_eq!(Page::Admin.allowed_for(Role::Admin), Page::Admin);
        assert_eq!(Page::Admin.allowed_for(Role::Supervisor), Page::Home);
        assert_eq!(Page::Audit.allowed_for(Role::Supervisor), Page::Audit);
        assert_eq!(Page::Assign.allowed_for(Role::Admin), Page::Assign);
        assert_eq!(Page::Audit.allowed_for(Role::Officer), Page::Home);
        assert_eq!(Page::Assign.allowed_for(Role::Viewer), Page::Stats);
        assert_eq!(
            Page::Activities.allowed_for(Role::Officer),
            Page::Activities
        );
    }

    #[test]
    fn home_is_for_the_roles_that_sync_and_settings_for_everyone() {
        for role in [Role::Officer, Role::Supervisor, Role::Admin] {
            assert_eq!(Page::home(role), Page::Home);
            assert_eq!(Page::Home.allowed_for(role), Page::Home);
            assert_eq!(Page::Login.allowed_for(role), Page::Home);
        }
        assert_eq!(Page::home(Role::Viewer), Page::Stats);
        assert_eq!(Page::Home.allowed_for(Role::Viewer), Page::Stats);
        assert_eq!(Page::Login.allowed_for(Role::Viewer), Page::Stats);
        for role in Role::ALL {
            assert_eq!(Page::Settings.allowed_for(role), Page::Settings);
        }
    }

    #[test]
    fn a_liaison_sees_only_its_home_and_settings() {
        let liaison = Role::Liaison;
        assert_eq!(Page::home(liaison), Page::Home);
        assert_eq!(Page::Home.allowed_for(liaison), Page::Home);
        assert_eq!(Page::Login.allowed_for(liaison), Page::Home);
        assert_eq!(Page::Settings.allowed_for(liaison), Page::Settings);
        let elsewhere = [
            Page::Activities,
            Page::NewActivity,
            Page::EditActivity("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into()),
            Page::Case(CasePage::List),
            Page::Case(CasePage::Detail(
                "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into(),
            )),
            Page::Stats,
            Page::Report,
            Page::Assign,
            Page::Audit,
            Page::Admin,
        ];
        for page in elsewhere {
            assert_eq!(page.clone().allowed_for(liaison), Page::Home, "{page:?}");
        }
        assert!(!keeps_cases(liaison));
        for role in [Role::Officer, Role::Supervisor, Role::Admin] {
            assert!(keeps_cases(role), "{role:?}");
            assert_eq!(
                Page::Case(CasePage::List).allowed_for(role),
                Page::Case(CasePage::List)
            );
            assert_eq!(Page::Activities.allowed_for(role), Page::Activities);
        }
        assert!(!keeps_cases(Role::Viewer));
    }
}
