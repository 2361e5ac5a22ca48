//! Saving what a pull brought: the records and the cursor, together.
//!
//! A page is made ready in two steps. [`PulledPage::new`], before its transaction opens
//! (while the page before it commits), works out every record as the phone keeps it on the
//! assumption that holds through a first sync: the phone holds none of them and no change
//! waits to be sent. [`Store::apply_pull`] then checks that assumption inside the
//! transaction, with one round of reads, and writes the prepared records; where it fails
//! (a record already on the phone, a change waiting) the page is worked out again from
//! what the phone holds, with the same merge rule (`model::device::pulled`).

use super::outbox::read_outbox;
use super::StoreError;
use super::{kind_store, meta, to_js, Store, StoreResult, META, OUTBOX};
use crate::identity::{is_identity_kind, is_kept_sealed, sealed_field};
use crate::timing;
use gugus_model::device::{self, LocalRecord};
use gugus_model::sync::PullResponse;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;

/// A pull page ready to be stored (see the module's text).
pub struct PulledPage {
    page: PullResponse,
    /// Each record's object store, as its place in `stores`, in the page's order.
    homes: Vec<usize>,
    /// The object stores the page writes, sorted, once each.
    stores: Vec<&'static str>,
    /// The records to keep when the phone holds none of the page and nothing waits to be
    /// sent, as the browser's objects, with each one's store's place in `stores` (a record
    /// deleted on the server is not among them: there is nothing to forget).
    fresh: (js_sys::Array, Vec<usize>),
}

impl PulledPage {
    /// Makes `page` ready to store. Identity records must arrive as envelopes, or sealed
    /// (`identity::seal_states`): a plain one fails the whole page, which stores nothing.
    pub fn new(page: PullResponse) -> StoreResult<Self> {
        let plain = page.records.iter().any(|state| {
            is_identity_kind(&state.kind)
                && state.fields.iter().any(|(name, value)| {
                    sealed_field(name) && !value.is_null() && !is_kept_sealed(value)
                })
        });
        if plain {
            return Err(StoreError::Failed("identity values must be sealed".into()));
        }
        let start = timing::now();
        let names: Vec<&'static str> = page.records.iter().map(|s| kind_store(&s.kind)).collect();
        let mut stores = names.clone();
        stores.sort_unstable();
        stores.dedup();
        let homes: Vec<usize> = names
            .iter()
            .map(|name| stores.iter().position(|s| s == name).unwrap_or_default())
            .collect();
        let (kept, places): (Vec<LocalRecord>, Vec<usize>) = page
            .records
            .iter()
            .zip(&homes)
            .filter_map(|(state, home)| Some((device::pulled(state, None, &[])?, *home)))
            .unzip();
        let fresh = (js_records(&kept)?, places);
        timing::measure(timing::SYNC_MERGE, start, timing::now(), None);
        Ok(Self {
            page,
            homes,
            stores,
            fresh,
        })
    }

    /// The page as the server sent it (identity sealed).
    pub fn page(&self) -> &PullResponse {
        &self.page
    }
}

/// Records as the browser's objects: one JSON text parsed by the browser, which is faster
/// than building each object from wasm.
fn js_records(records: &[LocalRecord]) -> StoreResult<js_sys::Array> {
    Ok(match records.is_empty() {
        true => js_sys::Array::new(),
        false => js_sys::Array::from(&to_js(records)?),
    })
}

impl Store {
    /// Saves one pull page in one transaction: every record's new state, shown with the
    /// device's waiting changes laid over it (`model::device::pulled`), and the cursor.
    /// A record deleted on the server (or gone from the caller's scope) is forgotten unless
    /// changes to it still wait to be sent.
    pub async fn apply_pull(&self, pulled: &PulledPage) -> StoreResult<()> {
        let PulledPage {
            page,
            homes,
            stores,
            fresh,
        } = pulled;
        // Relaxed: a page lost to a power cut before the disk has it comes again, since
        // its cursor goes with it; nothing in it exists only on this phone.
        let read_start = timing::now();
        let tx = self.write_relaxed(&[stores.as_slice(), &[OUTBOX, META]].concat())?;
        let meta_store = tx.object_store(META)?;
        let outbox = tx.object_store(OUTBOX)?;
        let records = stores
            .iter()
            .map(|name| tx.object_store(name))
            .collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<String> = page.records.iter().map(|s| s.id.to_string()).collect();
        let mut mine: Vec<Vec<&str>> = vec![Vec::new(); stores.len()];
        for (id, home) in ids.iter().zip(homes) {
            mine[*home].push(id);
        }
        // One round of reads, all asked for before the first answer is awaited: whether
        // changes wait, the mutation counter, and which of the page's ids the phone holds.
        let waiting = outbox.count().primitive()?;
        let next_id = meta_store.get(meta::NEXT_MUTATION_ID).serde()?;
        let held = records
            .iter()
            .zip(&mine)
            .map(|(store, ids)| held_among(store, ids))
            .collect::<Result<Vec<_>, _>>()?;
        let mut held_keys = Vec::with_capacity(held.len());
        for read in held {
            held_keys.push(read.await?);
        }
        let (waiting, next_id) = (waiting.await?, next_id.await?.unwrap_or(1u64));
        let holds_any = || {
            ids.iter().zip(homes).any(|(id, home)| {
                held_keys[*home]
                    .as_ref()
                    .is_none_or(|held| held.binary_search(id).is_ok())
            })
        };
        let (parsed, places) = if waiting == 0 && !holds_any() {
            // A first sync's page: the records prepared beforehand are the ones to keep.
            timing::measure(timing::SYNC_READ, read_start, timing::now(), None);
            fresh.clone()
        } else {
            let waiting = read_outbox(&outbox).await?;
            let existing = read_held(&records, &ids, homes, &held_keys).await?;
            let merge_start = timing::now();
            timing::measure(timing::SYNC_READ, read_start, merge_start, None);
            let mut kept = Vec::with_capacity(ids.len());
            let mut places = Vec::with_capacity(ids.len());
            for (((state, existing), id), home) in
                page.records.iter().zip(existing).zip(&ids).zip(homes)
            {
                let at = *home;
                match device::pulled(state, existing, &waiting) {
                    Some(record) => {
                        kept.push(record);
                        places.push(at);
                    }
                    None => {
                        records[at].delete(id.as_str()).serde()?;
                    }
                }
            }
            let parsed = js_records(&kept)?;
            timing::measure(timing::SYNC_MERGE, merge_start, timing::now(), None);
            (parsed, places)
        };
        let write_start = timing::now();
        for (record, at) in parsed.iter().zip(places) {
            records[at].put(&record).primitive()?;
        }
        meta::put_unawaited(&meta_store, meta::CURSOR, &page.cursor)?;
        let kept = device::keep_counter_above(next_id, page.last_mutation_id);
        if kept != next_id {
            meta::put_unawaited(&meta_store, meta::NEXT_MUTATION_ID, &kept)?;
        }
        tx.commit().await?;
        timing::measure(timing::SYNC_WRITE, write_start, timing::now(), None);
        Ok(())
    }
}

/// Reads the records of `ids` the phone may hold: those listed in their store's held keys,
/// or every one of a store whose keys were not listed. Every read is asked for before the
/// first answer is awaited.
async fn read_held(
    records: &[ObjectStore<'_>],
    ids: &[String],
    homes: &[usize],
    held: &[Option<Vec<String>>],
) -> StoreResult<Vec<Option<LocalRecord>>> {
    let mut reads = ids
        .iter()
        .zip(homes)
        .map(|(id, &at)| {
            match held[at]
                .as_ref()
                .is_none_or(|held| held.binary_search(id).is_ok())
            {
                true => records[at].get(id.as_str()).serde().map(Some),
                false => Ok(None),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Requests complete in order: once the last has its answer, every earlier one has
    // too, and reading them costs no further turn of the event loop.
    let last = match reads.pop() {
        Some(Some(read)) => Some(read.await?),
        Some(None) => Some(None),
        None => None,
    };
    let mut existing: Vec<Option<LocalRecord>> = Vec::with_capacity(ids.len());
    for read in reads {
        existing.push(match read {
            Some(read) => read.await?,
            None => None,
        });
    }
    existing.extend(last);
    Ok(existing)
}

/// At most this many keys are listed to learn which of a page's records the phone holds.
const HELD_LIMIT: u32 = 2 * crate::sync::engine::PAGE_SIZE;

/// Asks which of `ids` the phone holds in `records`, when one cheap read can tell: the keys
/// between the smallest and the largest of them. Ids are UUID v7, in the order records
/// were made, and a first sync brings them in about that order, so the range holds little
/// besides the page itself. The request is made at once; its answer (the keys in ascending
/// order, as IndexedDB lists them) is `None` (read each record) when the range holds more
/// than [`HELD_LIMIT`] keys.
fn held_among<'a>(
    records: &'a ObjectStore<'_>,
    ids: &[&str],
) -> StoreResult<impl std::future::Future<Output = StoreResult<Option<Vec<String>>>> + 'a> {
    let request = match (ids.iter().min(), ids.iter().max()) {
        (Some(low), Some(high)) => Some(
            records
                .get_all_keys::<String>()
                .with_query(*low..=*high)
                .with_limit(HELD_LIMIT)
                .primitive()?,
        ),
        _ => None,
    };
    Ok(async move {
        let Some(request) = request else {
            return Ok(Some(Vec::new()));
        };
        let keys = request.await?.collect::<Result<Vec<String>, _>>()?;
        Ok((keys.len() < HELD_LIMIT as usize).then_some(keys))
    })
}
