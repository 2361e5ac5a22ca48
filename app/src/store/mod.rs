//! The device's own store: IndexedDB, the only code in the app that touches it.
//!
//! Object stores (database version 5):
//! - `records.<kind>`, one per record kind (`records.case`, `records.activity`, ...):
//!   [`LocalRecord`]s by record id, with no index, so a screen reads only the kind it
//!   shows however many records the device holds, and a write keeps no index up to date
//!   (a first sync of 10,000 records spent a third of its IndexedDB time on the `kind`
//!   index of version 2). A kind this build does not know (sent by a newer worker) is
//!   kept in `records.other`, so a pull never drops what it was given;
//! - `outbox`: the wire [`Mutation`](gugus_model::sync::Mutation)s not yet answered, by
//!   mutation id;
//! - `meta`: the device id, the next mutation id, the session, the pull cursor, the last
//!   sync time (out-of-line string keys);
//! - `drafts`: form drafts by form key.
//!
//! Versions 1 and 2 kept every record in one `records` store (version 2 with a `kind`
//! index); the upgrade to 3 moves them into their kinds' stores and drops it. Version 4
//! adds the wrapped case keys' store, version 5 the referrals' and their steps' (issue
//! #19), moving any such record a pull left in `records.other` into it.
//!
//! Every write that must never be half done (a change with its outbox entry, pulled
//! records with their cursor, push results) runs in one readwrite transaction, awaits
//! nothing but IndexedDB requests inside it, and commits explicitly. Its durability is
//! "strict" (the commit waits for the disk), except for a pull page: what it holds is the
//! server's too, and its cursor goes with it, so a power cut can only make it come again.
//! A record is stored with `fields` only when they differ from the server's copy
//! ([`LocalRecord`]'s serialisation).

mod drafts;
mod meta;
mod outbox;
mod pull;
mod records;

pub use gugus_model::device::LocalRecord;
pub use meta::{HeldKeys, Session};
pub use pull::PulledPage;
pub use records::{base_key, ListedRecord, SaveOutcome};

use gugus_model::RecordKind;
use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use wasm_bindgen::prelude::*;

/// The database's name in the browser.
pub const DB_NAME: &str = "gugus";
const DB_VERSION: u32 = 5;

/// The one store of every record in versions 1 and 2.
const RECORDS: &str = "records";
/// The records of kinds this build does not know.
const OTHER_RECORDS: &str = "records.other";
/// Every record store: one per kind of `RecordKind::ALL` (a test holds them to it), then
/// the others'.
pub(crate) const RECORD_STORES: [&str; 11] = [
    "records.activity",
    "records.case",
    "records.victim",
    "records.victim_identity",
    "records.service",
    "records.legal_step",
    "records.note",
    CASE_KEYS,
    REFERRALS,
    REFERRAL_STEPS,
    OTHER_RECORDS,
];
/// The store of the wrapped case keys (version 4, issue #18).
const CASE_KEYS: &str = "records.case_key";
/// The stores of the referrals and their steps (version 5, issue #19).
const REFERRALS: &str = "records.referral";
const REFERRAL_STEPS: &str = "records.referral_step";
pub(crate) const OUTBOX: &str = "outbox";
pub(crate) const META: &str = "meta";
pub(crate) const DRAFTS: &str = "drafts";
/// The index of version 2's `records` by kind.
const BY_KIND: &str = "kind";

/// The store of the records of `kind`.
pub(crate) fn kind_store(kind: &str) -> &'static str {
    RECORD_STORES
        .iter()
        .find(|name| name.strip_prefix("records.") == Some(kind))
        .copied()
        .unwrap_or(OTHER_RECORDS)
}

/// The store of the records of a kind this build knows.
pub(crate) fn records_of(kind: RecordKind) -> &'static str {
    kind_store(kind.as_str())
}

/// Why the store could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The phone's storage is full.
    #[error("the device's storage is full")]
    QuotaExceeded,
    /// IndexedDB is missing or refused to open (private mode, blocked by settings).
    #[error("IndexedDB is not available: {0}")]
    Unavailable(String),
    /// Any other IndexedDB failure.
    #[error("IndexedDB failed: {0}")]
    Failed(String),
}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(error: indexed_db_futures::error::Error) -> Self {
        let text = error.to_string();
        if text.contains("Quota") {
            StoreError::QuotaExceeded
        } else {
            StoreError::Failed(text)
        }
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(error: indexed_db_futures::error::OpenDbError) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

/// The result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// `value` as the browser's own object, through one JSON text the browser parses: far
/// cheaper than building the object field by field from wasm, and the one serialiser of
/// records and outbox entries in the app (a second one would cost download size).
pub(crate) fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> StoreResult<JsValue> {
    let json =
        serde_json::to_string(value).map_err(|error| StoreError::Failed(error.to_string()))?;
    js_sys::JSON::parse(&json).map_err(|error| StoreError::Failed(format!("{error:?}")))
}

/// An open connection to the device's database.
#[derive(Debug, Clone)]
pub struct Store {
    db: Database,
}

impl Store {
    /// Opens the app's database, creating or migrating it.
    pub async fn open() -> StoreResult<Store> {
        Store::open_named(DB_NAME).await
    }

    /// Opens a database by name (tests use their own), creating or migrating it.
    pub async fn open_named(name: &str) -> StoreResult<Store> {
        upgrade(name).await?;
        let db = Database::open(name)
            .with_version(DB_VERSION)
            .with_on_blocked(|_| Ok(()))
            .await?;
        Ok(Store { db })
    }

    /// Calls `on_change` when another tab opens a newer version of the database; the
    /// connection is closed first so that tab is not blocked.
    pub fn on_version_change(&self, on_change: impl Fn() + 'static) {
        let raw: web_sys::IdbDatabase = self.db.as_sys().clone().unchecked_into();
        let closing = raw.clone();
        let handler = Closure::<dyn Fn()>::new(move || {
            closing.close();
            on_change();
        });
        raw.set_onversionchange(Some(handler.as_ref().unchecked_ref()));
        // Lives as long as the page: the connection is opened once per page.
        handler.forget();
    }

    /// Asks the browser to keep this origin's data even when the phone runs short of
    /// space (Chromium grants it to installed apps); until then storage is best-effort.
    pub fn ask_to_persist(&self) {
        if let Some(window) = web_sys::window() {
            // Not granted only means best-effort storage, as before asking.
            let _ = window.navigator().storage().persist();
        }
    }

    /// Closes the connection.
    pub fn close(self) {
        self.db.close();
    }

    /// Deletes a database by name (tests start from nothing).
    pub async fn delete_named(name: &str) -> StoreResult<()> {
        Database::delete_by_name(name)?.await?;
        Ok(())
    }

    /// A readonly transaction over `stores`.
    pub(crate) fn read(&self, stores: &[&str]) -> StoreResult<Transaction<'_>> {
        Ok(self.db.transaction(stores.to_vec()).build()?)
    }

    /// A readwrite transaction over `stores` whose commit does not wait for the disk: only
    /// for what the server holds too (a pull page and its cursor), which a power cut can
    /// only set back, never lose.
    pub(crate) fn write_relaxed(&self, stores: &[&str]) -> StoreResult<Transaction<'_>> {
        let options = TransactionOptions::new().with_durability(TransactionDurability::Relaxed);
        Ok(self
            .db
            .transaction(stores.to_vec())
            .with_mode(TransactionMode::Readwrite)
            .with_options(options)
            .build()?)
    }

    /// A readwrite transaction over `stores` whose commit waits until the data is on disk.
    pub(crate) fn write_strict(&self, stores: &[&str]) -> StoreResult<Transaction<'_>> {
        let options = TransactionOptions::new().with_durability(TransactionDurability::Strict);
        Ok(self
            .db
            .transaction(stores.to_vec())
            .with_mode(TransactionMode::Readwrite)
            .with_options(options)
            .build()?)
    }
}

/// Brings the database `name` to [`DB_VERSION`] with the browser's own API: adding an
/// index to an existing object store needs the upgrade's version-change transaction,
/// which the IndexedDB wrapper does not hand out. Another tab holding an older version
/// open gets `versionchange`, closes and asks its user to reload; the upgrade then goes on.
async fn upgrade(name: &str) -> StoreResult<()> {
    let unavailable = |e: JsValue| StoreError::Unavailable(describe(&e));
    let factory = web_sys::window()
        .ok_or_else(|| StoreError::Unavailable("no window".into()))?
        .indexed_db()
        .map_err(unavailable)?
        .ok_or_else(|| StoreError::Unavailable("no IndexedDB".into()))?;
    let request = factory
        .open_with_u32(name, DB_VERSION)
        .map_err(unavailable)?;
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        let upgrading = request.clone();
        let on_upgrade = Closure::once(move |event: web_sys::IdbVersionChangeEvent| {
            if migrate(event.old_version() as u32, &upgrading).is_err() {
                // Nothing half done: the whole upgrade is rolled back and the open fails.
                if let Some(tx) = upgrading.transaction() {
                    let _ = tx.abort();
                }
            }
        });
        let opened = request.clone();
        let on_success = Closure::once(move |_: web_sys::Event| {
            if let Ok(db) = opened.result() {
                db.unchecked_into::<web_sys::IdbDatabase>().close();
            }
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = request.clone();
        let on_error = Closure::once(move |_: web_sys::Event| {
            let error = failed
                .error()
                .ok()
                .flatten()
                .map_or(JsValue::NULL, JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
        request.set_onsuccess(Some(on_success.as_ref().unchecked_ref()));
        request.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // Each runs at most once, and the request lives until it has run.
        on_upgrade.forget();
        on_success.forget();
        on_error.forget();
    });
    wasm_bindgen_futures::JsFuture::from(done)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::Unavailable(describe(&e)))
}

/// Creates or upgrades the object stores inside the version-change transaction. Only ever
/// add steps: phones in the field hold data in every older version.
fn migrate(old_version: u32, request: &web_sys::IdbOpenDbRequest) -> Result<(), JsValue> {
    let db: web_sys::IdbDatabase = request.result()?.unchecked_into();
    if old_version < 1 {
        let by_id = web_sys::IdbObjectStoreParameters::new();
        by_id.set_key_path(&JsValue::from_str("id"));
        db.create_object_store_with_optional_parameters(RECORDS, &by_id)?;
        db.create_object_store_with_optional_parameters(OUTBOX, &by_id)?;
        db.create_object_store(META)?;
        db.create_object_store(DRAFTS)?;
    }
    if old_version < 2 {
        let tx = request
            .transaction()
            .ok_or_else(|| JsValue::from_str("no upgrade transaction"))?;
        tx.object_store(RECORDS)?
            .create_index_with_str(BY_KIND, "kind")?;
    }
    if old_version < 3 {
        let by_id = web_sys::IdbObjectStoreParameters::new();
        by_id.set_key_path(&JsValue::from_str("id"));
        for name in RECORD_STORES {
            db.create_object_store_with_optional_parameters(name, &by_id)?;
        }
        move_records_by_kind(request, db.clone())?;
    }
    if old_version == 3 {
        // Version 3 made a store for every kind it knew; the wrapped case keys came after.
        let by_id = web_sys::IdbObjectStoreParameters::new();
        by_id.set_key_path(&JsValue::from_str("id"));
        db.create_object_store_with_optional_parameters(CASE_KEYS, &by_id)?;
    }
    if (3..=4).contains(&old_version) {
        // Versions 3 and 4 kept what a pull brought of the referral kinds with the unknown.
        let by_id = web_sys::IdbObjectStoreParameters::new();
        by_id.set_key_path(&JsValue::from_str("id"));
        for name in [REFERRALS, REFERRAL_STEPS] {
            db.create_object_store_with_optional_parameters(name, &by_id)?;
        }
        move_known_out_of_other(request)?;
    }
    Ok(())
}

/// Moves each record of `records.other` whose kind now has its own store into that store,
/// inside the version-change transaction (the move happens whole or not at all).
fn move_known_out_of_other(request: &web_sys::IdbOpenDbRequest) -> Result<(), JsValue> {
    let tx = request
        .transaction()
        .ok_or_else(|| JsValue::from_str("no upgrade transaction"))?;
    let all = tx.object_store(OTHER_RECORDS)?.get_all()?;
    let read = all.clone();
    let moved = Closure::once(move |_: web_sys::Event| {
        let result = (|| -> Result<(), JsValue> {
            let records: js_sys::Array = read.result()?.unchecked_into();
            let other = tx.object_store(OTHER_RECORDS)?;
            for record in records.iter() {
                let kind = js_sys::Reflect::get(&record, &JsValue::from_str("kind"))?
                    .as_string()
                    .unwrap_or_default();
                let home = kind_store(&kind);
                if home == OTHER_RECORDS {
                    continue;
                }
                tx.object_store(home)?.put(&record)?;
                other.delete(&js_sys::Reflect::get(&record, &JsValue::from_str("id"))?)?;
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = tx.abort();
        }
    });
    all.set_onsuccess(Some(moved.as_ref().unchecked_ref()));
    // Runs once, while the request lives.
    moved.forget();
    Ok(())
}

/// Moves every record of version 2's `records` into its kind's store, then drops
/// `records`: inside the version-change transaction, so the move happens whole or the
/// upgrade fails and the phone keeps version 2.
fn move_records_by_kind(
    request: &web_sys::IdbOpenDbRequest,
    db: web_sys::IdbDatabase,
) -> Result<(), JsValue> {
    let tx = request
        .transaction()
        .ok_or_else(|| JsValue::from_str("no upgrade transaction"))?;
    let all = tx.object_store(RECORDS)?.get_all()?;
    let read = all.clone();
    let moved = Closure::once(move |_: web_sys::Event| {
        let result = (|| -> Result<(), JsValue> {
            let records: js_sys::Array = read.result()?.unchecked_into();
            for record in records.iter() {
                let kind = js_sys::Reflect::get(&record, &JsValue::from_str("kind"))?
                    .as_string()
                    .unwrap_or_default();
                tx.object_store(kind_store(&kind))?.put(&record)?;
            }
            db.delete_object_store(RECORDS)
        })();
        if result.is_err() {
            let _ = tx.abort();
        }
    });
    all.set_onsuccess(Some(moved.as_ref().unchecked_ref()));
    // Runs once, while the request lives.
    moved.forget();
    Ok(())
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| {
            error
                .dyn_ref::<web_sys::DomException>()
                .map(|e| e.message())
        })
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// The names of the object stores, for tests that check the migration.
pub fn object_store_names(store: &Store) -> Vec<String> {
    store.db.object_store_names().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_kind_has_its_own_store_and_every_other_store_is_the_unknown_kinds() {
        for kind in RecordKind::ALL {
            assert_eq!(
                records_of(kind),
                format!("records.{}", kind.as_str()),
                "{kind:?}"
            );
        }
        let known = RECORD_STORES
            .iter()
            .filter(|s| **s != OTHER_RECORDS)
            .count();
        assert_eq!(known, RecordKind::ALL.len(), "no store without its kind");
        assert_eq!(RECORD_STORES.last(), Some(&OTHER_RECORDS));
        assert_eq!(kind_store("referral"), "records.referral");
        assert_eq!(kind_store("a_kind_of_a_later_build"), OTHER_RECORDS);
    }
}
