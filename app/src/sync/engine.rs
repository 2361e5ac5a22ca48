//! The sync loop: push the outbox, then pull until the server has nothing more; on start,
//! when the phone comes online, when the officer returns to the tab, every minute while
//! online, and on demand. Backs off with jitter after a failure and says why it failed.

use super::plan::{backoff_ms, next_batch};
use super::upkeep;
use super::{Api, ApiError, SyncProblem, SyncState, SyncStatus};
use crate::crypto::Vault;
use crate::identity;
use crate::keyring::Keyring;
use crate::store::{PulledPage, Session, Store};
use crate::timing;
use gloo::events::EventListener;
use gloo::timers::callback::{Interval, Timeout};
use gugus_model::sync::{PullRequest, PushRequest, MAX_MUTATIONS, MAX_PULL_LIMIT, PROTOCOL};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::{Rc, Weak};
use uuid::Uuid;

const TICK_MS: u32 = 60_000;
/// Records asked for per pull page: the most the server gives. Each page is one IndexedDB
/// transaction, and its commit costs as much as hundreds of records (measured: a first
/// sync of 10,000 activities in pages of 500 spent 77 ms a page writing, the same records
/// written at once 46 ms per 500); 1,000 compressed records are about 21 KB on the wire.
pub const PAGE_SIZE: u32 = MAX_PULL_LIMIT;
/// How often the screens are told to reload while a long pull is still bringing pages.
/// Each reload rereads what the screen shows from IndexedDB, which with 100,000 records
/// takes seconds on a cheap phone: more often and the reloads starve the pull (measured:
/// every 5 s made a first sync of 131,000 records take 11 minutes).
const REFRESH_EVERY_MS: f64 = 30_000.0;
/// A push answer that keeps coming back without shrinking the outbox is not retried in a
/// tight loop; nor is a gap that renumbering did not close.
const MAX_ROUNDS_WITHOUT_PROGRESS: u32 = 3;

/// The sync loop of this page. Cheap to clone; shared through context.
#[derive(Clone)]
pub struct SyncEngine {
    inner: Rc<Inner>,
}

struct Inner {
    store: Store,
    api: Api,
    device_id: Uuid,
    session: RwSignal<Option<Session>>,
    keyring: RwSignal<Option<Keyring>, LocalStorage>,
    status: RwSignal<SyncStatus>,
    revision: RwSignal<u64>,
    running: Cell<bool>,
    again: Cell<bool>,
    /// The cases whose records or keys this sync sent or brought (for
    /// `Keyring::share`); `None`: every case (the readers changed).
    touched: RefCell<Option<BTreeSet<Uuid>>>,
    failures: Cell<u32>,
    retry: RefCell<Option<Timeout>>,
    listeners: RefCell<Vec<EventListener>>,
    ticker: RefCell<Option<Interval>>,
}

impl SyncEngine {
    /// A loop for this device. `revision` is bumped whenever records change on the device.
    /// It syncs only while `keyring` is open: identity values of earlier builds are
    /// sealed as envelopes to be sent, and values still plain on the server are sealed as
    /// they arrive.
    pub fn new(
        store: Store,
        device_id: Uuid,
        session: RwSignal<Option<Session>>,
        keyring: RwSignal<Option<Keyring>, LocalStorage>,
        status: RwSignal<SyncStatus>,
        revision: RwSignal<u64>,
    ) -> Self {
        SyncEngine {
            inner: Rc::new(Inner {
                store,
                api: Api::here(),
                device_id,
                session,
                keyring,
                status,
                revision,
                running: Cell::new(false),
                again: Cell::new(false),
                touched: RefCell::new(Some(BTreeSet::new())),
                failures: Cell::new(0),
                retry: RefCell::new(None),
                listeners: RefCell::new(Vec::new()),
                ticker: RefCell::new(None),
            }),
        }
    }

    /// Starts listening for the moments to sync, and syncs once now.
    pub fn start(&self) {
        let window = gloo::utils::window();
        let document = gloo::utils::document();
        let weak = Rc::downgrade(&self.inner);
        let on_online = wake(&weak, |engine| engine.request());
        let on_offline = wake(&weak, |engine| engine.went_offline());
        let on_visible = wake(&weak, |engine| {
            if gloo::utils::document().visibility_state() == web_sys::VisibilityState::Visible {
                engine.request();
            }
        });
        let on_tick = wake(&weak, |engine| {
            // While backing off, the retry timer decides when to try again; a refused
            // session or account waits for the officer.
            let waiting_for_officer = engine.inner.status.with_untracked(|s| {
                matches!(
                    s.problem,
                    Some(SyncProblem::SessionExpired | SyncProblem::Forbidden)
                )
            });
            if online() && engine.inner.failures.get() == 0 && !waiting_for_officer {
                engine.request();
            }
        });
        *self.inner.listeners.borrow_mut() = vec![
            EventListener::new(&window, "online", move |_| on_online()),
            EventListener::new(&window, "offline", move |_| on_offline()),
            EventListener::new(&document, "visibilitychange", move |_| on_visible()),
        ];
        *self.inner.ticker.borrow_mut() = Some(Interval::new(TICK_MS, on_tick));
        self.request();
    }

    /// Syncs as soon as possible (now, or right after the sync already running).
    pub fn request(&self) {
        let engine = self.clone();
        spawn_local(async move { engine.run().await });
    }

    /// Records changed on this device: refresh the indicator and send them.
    pub fn changed(&self) {
        self.inner.revision.update(|r| *r += 1);
        let engine = self.clone();
        spawn_local(async move {
            // The count first: a sync already running on a slow line may take a while.
            engine.refresh().await;
            engine.run().await;
        });
    }

    /// Refreshes the pending count and last sync time from the store.
    pub async fn refresh(&self) {
        let store = &self.inner.store;
        let pending = store.pending_count().await;
        let last_sync = store.last_sync().await.ok().flatten();
        self.inner.status.update(|s| {
            if let Ok(pending) = pending {
                s.pending = pending;
            }
            s.last_sync = last_sync;
        });
    }

    fn went_offline(&self) {
        self.inner.status.update(|s| {
            if s.state != SyncState::Syncing {
                s.state = SyncState::Offline;
                s.problem = Some(SyncProblem::Unreachable);
            }
        });
    }

    async fn run(&self) {
        let inner = &self.inner;
        if inner.running.replace(true) {
            inner.again.set(true);
            return;
        }
        loop {
            inner.again.set(false);
            let outcome = self.sync_once().await;
            self.refresh().await;
            self.settle(outcome);
            if !inner.again.get() {
                break;
            }
        }
        inner.running.set(false);
    }

    /// Shows how the sync ended and plans the retry.
    fn settle(&self, outcome: Result<(), SyncProblem>) {
        let inner = &self.inner;
        inner.retry.borrow_mut().take();
        match outcome {
            Ok(()) => {
                inner.failures.set(0);
                inner.status.update(|s| {
                    s.state = SyncState::Idle;
                    s.problem = None;
                });
            }
            Err(problem) => {
                inner.status.update(|s| {
                    s.state = problem.state();
                    s.problem = Some(problem);
                });
                // Offline: the `online` event brings the next try.
                if problem.retryable() && online() {
                    let failures = inner.failures.get() + 1;
                    inner.failures.set(failures);
                    let delay = backoff_ms(failures, js_sys::Math::random());
                    let weak = Rc::downgrade(inner);
                    let retry = Timeout::new(delay, wake(&weak, |engine| engine.request()));
                    *inner.retry.borrow_mut() = Some(retry);
                }
            }
        }
    }

    async fn sync_once(&self) -> Result<(), SyncProblem> {
        let Some(session) = self.inner.session.get_untracked() else {
            return Ok(());
        };
        if !session.user.role.syncs_records() {
            return Ok(());
        }
        // Locked: the unlock screen is up; the sync runs once it is opened.
        let Some(keyring) = self.inner.keyring.get_untracked() else {
            return Ok(());
        };
        if !online() {
            return Err(SyncProblem::Unreachable);
        }
        self.inner.status.update(|s| s.state = SyncState::Syncing);
        *self.inner.touched.borrow_mut() = Some(BTreeSet::new());
        let store = &self.inner.store;
        let token = &session.token;
        let role = session.user.role;
        // A liaison holds a key pair (sent from here when its phone made it offline) but
        // wraps no key for anyone (issue #19).
        if role.holds_keys() {
            let (keys, store) = (keyring.clone(), store.clone());
            let share_all =
                upkeep::before_push(keys, store, token.clone(), role.wraps_keys()).await?;
            if share_all {
                // New readers (or fewer), now or before a sync cut short: every case's
                // keys are looked at.
                *self.inner.touched.borrow_mut() = None;
            }
        }
        self.push_all(token, &keyring).await?;
        self.pull_all(token, keyring.vault()).await?;
        let touched = self.inner.touched.borrow_mut().take();
        if role.wraps_keys() {
            let supervisor = role == gugus_model::api::Role::Supervisor;
            let (keys, store) = (keyring.clone(), store.clone());
            if upkeep::after_pull(keys, store, token.clone(), touched, supervisor).await? {
                self.push_all(token, &keyring).await?;
            }
        }
        let now = crate::clock::now_rfc3339();
        self.inner.store.set_last_sync(&now).await?;
        Ok(())
    }

    async fn push_all(&self, token: &str, keyring: &Keyring) -> Result<(), SyncProblem> {
        let store = &self.inner.store;
        let mut stuck = 0;
        loop {
            let outbox = store.outbox().await?;
            let batch = next_batch(&outbox, MAX_MUTATIONS);
            if batch.is_empty() {
                return Ok(());
            }
            if stuck >= MAX_ROUNDS_WITHOUT_PROGRESS {
                return Err(SyncProblem::BadResponse);
            }
            let mut mutations = Vec::with_capacity(batch.len());
            self.touch(
                batch
                    .iter()
                    .map(|m| (m.kind.as_str(), m.record_id, &m.fields)),
            );
            for mutation in &batch {
                mutations.push(mutation.clone());
            }
            // Identity changes an earlier build sealed under the vault go as envelopes.
            if mutations.iter().any(identity::sealed_by_vault) {
                let at = crate::clock::now_rfc3339();
                mutations = upkeep::outgoing(keyring.clone(), store.clone(), mutations, at).await?;
            }
            let request = PushRequest {
                protocol: PROTOCOL,
                device_id: self.inner.device_id,
                mutations,
            };
            match self.inner.api.push(token, &request).await {
                Ok(answer) => {
                    let answer = identity::seal_answer(keyring.vault(), &batch, answer).await?;
                    store.apply_push(&batch, &answer).await?;
                    self.inner.revision.update(|r| *r += 1);
                    let left = store.pending_count().await?;
                    self.inner.status.update(|s| s.pending = left);
                    stuck = if left < outbox.len() { 0 } else { stuck + 1 };
                }
                Err(ApiError::MutationGap(expected)) => {
                    store.resolve_gap(expected).await?;
                    stuck += 1;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// Pulls until the server has nothing more. Each page is fetched while the one before
    /// it is stored (its cursor is known once it is parsed); a page's cursor is saved with
    /// its records, so a failure anywhere loses nothing and repeats at most one page.
    async fn pull_all(&self, token: &str, vault: &Vault) -> Result<(), SyncProblem> {
        let mut cursor = self.inner.store.cursor().await?;
        // A first sync fills an empty store: the screens reload once, at its end.
        let first = cursor.is_none();
        let mut changed = false;
        let mut bumped_at = crate::clock::now_ms();
        let began = timing::now();
        let (mut records, mut pages) = (0u64, 0u64);
        let mut next = Some(self.fetch_page(token, vault, cursor.clone()).await);
        while let Some(fetched) = next.take() {
            let (pulled, requested_at) = fetched?;
            let page = pulled.page();
            let last = !page.more || cursor.as_deref() == Some(page.cursor.as_str());
            let brought = page.records.len() as u64;
            cursor = Some(page.cursor.clone());
            let stored = if last {
                self.store_page(&pulled, requested_at).await
            } else {
                let store = self.store_page(&pulled, requested_at);
                let (stored, fetched) =
                    crate::join::both(store, self.fetch_page(token, vault, cursor.clone())).await;
                next = Some(fetched);
                stored
            };
            stored?;
            records += brought;
            pages += 1;
            changed |= brought > 0;
            // The screens reload what they show on a bump: during a long pull at most every
            // half minute, not after each of a hundred pages.
            let due = !first && crate::clock::now_ms() - bumped_at >= REFRESH_EVERY_MS;
            if changed && (last || due) {
                self.inner.revision.update(|r| *r += 1);
                bumped_at = crate::clock::now_ms();
                changed = false;
            }
        }
        if records > 0 {
            let detail = js_sys::Object::new();
            for (key, value) in [
                ("records", records as f64),
                ("pages", pages as f64),
                ("wasm_bytes", timing::wasm_bytes()),
            ] {
                let _ = js_sys::Reflect::set(&detail, &key.into(), &value.into());
            }
            timing::measure(timing::SYNC, began, timing::now(), Some(&detail));
        }
        Ok(())
    }

    /// Asks for the page after `cursor` and makes it ready to store: its identities
    /// sealed, its records worked out (`store::PulledPage`). Answers the page, and when it
    /// was asked for. Runs while the page before it is stored, so that work is off the
    /// critical path.
    async fn fetch_page(
        &self,
        token: &str,
        vault: &Vault,
        cursor: Option<String>,
    ) -> Result<(PulledPage, f64), SyncProblem> {
        let request = PullRequest {
            protocol: PROTOCOL,
            device_id: self.inner.device_id,
            cursor,
            limit: Some(PAGE_SIZE),
        };
        let requested_at = timing::now();
        let mut page = self.inner.api.pull(token, &request).await?;
        timing::measure(timing::SYNC_FETCH, requested_at, timing::now(), None);
        self.touch(
            page.records
                .iter()
                .map(|r| (r.kind.as_str(), r.id, &r.fields)),
        );
        identity::seal_states(vault, &mut page.records).await?;
        Ok((PulledPage::new(page)?, requested_at))
    }

    /// Notes the cases of `records` (kind, id, fields) that are cases or case keys.
    fn touch<'a>(&self, records: impl Iterator<Item = (&'a str, Uuid, &'a Map<String, Value>)>) {
        let mut touched = self.inner.touched.borrow_mut();
        let Some(cases) = touched.as_mut() else {
            return;
        };
        for (kind, id, fields) in records {
            match kind {
                "case" => {
                    cases.insert(id);
                }
                "case_key" => {
                    let case = fields.get("case_id").and_then(Value::as_str);
                    cases.extend(case.and_then(|c| c.parse::<Uuid>().ok()));
                }
                _ => {}
            }
        }
    }

    /// Stores a prepared page with its cursor, in one transaction.
    async fn store_page(&self, pulled: &PulledPage, requested_at: f64) -> Result<(), SyncProblem> {
        let start = timing::now();
        self.inner.store.apply_pull(pulled).await?;
        let end = timing::now();
        timing::measure(timing::SYNC_STORE, start, end, None);
        timing::measure(timing::SYNC_PAGE, requested_at, end, None);
        Ok(())
    }
}

/// Whether the browser thinks it has a network connection.
pub fn online() -> bool {
    gloo::utils::window().navigator().on_line()
}

/// A callback that reaches the engine only while it is alive (no reference cycle between
/// the engine and its own listeners).
fn wake(weak: &Weak<Inner>, act: impl Fn(&SyncEngine) + 'static) -> impl Fn() + 'static {
    let weak = weak.clone();
    move || {
        if let Some(inner) = weak.upgrade() {
            act(&SyncEngine { inner });
        }
    }
}
