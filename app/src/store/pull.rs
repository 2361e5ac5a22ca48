//! Saving what a pull brought: the records and the cursor, together.

use super::outbox::read_outbox;
use super::StoreError;
use super::{kind_store, meta, to_js, Store, StoreResult, META, OUTBOX};
use crate::crypto::is_sealed;
use crate::identity::{is_identity_kind, sealed_field};
use crate::join::both;
use crate::timing;
use gugus_model::device::{self, LocalRecord};
use gugus_model::sync::PullResponse;
use indexed_db_futures::prelude::*;

impl Store {
    /// Saves one pull page in one transaction: every record's new state, shown with
    /// the device's waiting changes laid over it (`model::device::pulled`), and the cursor.
    /// A record deleted on the server (or gone from the caller's scope) is forgotten unless
    /// changes to it still wait to be sent. Identity records must arrive sealed
    /// (`identity::seal_states`): a plain one fails the whole page, stores nothing.
    pub async fn apply_pull(&self, page: &PullResponse) -> StoreResult<()> {
        // Identity comes here already sealed (`identity::seal_states`); never plain.
        let plain = page.records.iter().any(|state| {
            is_identity_kind(&state.kind)
                && state.fields.iter().any(|(name, value)| {
                    sealed_field(name) && !value.is_null() && !is_sealed(value)
                })
        });
        if plain {
            return Err(StoreError::Failed("identity values must be sealed".into()));
        }
        // Relaxed: a page lost to a power cut before the disk has it comes again, since
        // its cursor goes with it; nothing in it exists only on this phone.
        let read_start = timing::now();
        // Each record lives in its kind's store; a page holds one kind or a few.
        let homes: Vec<&'static str> = page.records.iter().map(|s| kind_store(&s.kind)).collect();
        let mut stores = homes.clone();
        stores.sort_unstable();
        stores.dedup();
        let tx = self.write_relaxed(&[stores.as_slice(), &[OUTBOX, META]].concat())?;
        let meta_store = tx.object_store(META)?;
        let records = stores
            .iter()
            .map(|name| tx.object_store(name))
            .collect::<Result<Vec<_>, _>>()?;
        let home = |name: &str| stores.iter().position(|s| *s == name).unwrap_or_default();
        // Every read is asked for before the first answer is awaited, and every write is
        // left to the commit: a page costs a few turns of the event loop, not two a record.
        let ids: Vec<String> = page.records.iter().map(|s| s.id.to_string()).collect();
        let (waiting, next_id) = both(
            read_outbox(&tx.object_store(OUTBOX)?),
            meta::next_mutation_id(&meta_store),
        )
        .await;
        let (waiting, next_id) = (waiting?, next_id?);
        let mut held = Vec::with_capacity(stores.len());
        for (at, store) in records.iter().enumerate() {
            let mine: Vec<&String> = ids
                .iter()
                .zip(&homes)
                .filter(|(_, h)| home(h) == at)
                .map(|(id, _)| id)
                .collect();
            held.push(held_among(store, &mine).await?);
        }
        let reads = ids
            .iter()
            .zip(&homes)
            .map(|(id, name)| {
                let at = home(name);
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
        let mut reads = reads;
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
        let merge_start = timing::now();
        timing::measure(timing::SYNC_READ, read_start, merge_start, None);
        let mut kept = Vec::with_capacity(ids.len());
        let mut kept_in = Vec::with_capacity(ids.len());
        for (((state, existing), id), name) in
            page.records.iter().zip(existing).zip(&ids).zip(&homes)
        {
            let store = &records[home(name)];
            match device::pulled(state, existing, &waiting) {
                Some(record) => {
                    kept.push(record);
                    kept_in.push(store);
                }
                None => {
                    store.delete(id.as_str()).serde()?;
                }
            }
        }
        // The page's records cross into JavaScript as one JSON text parsed by the browser.
        let parsed = match kept.is_empty() {
            true => None,
            false => Some(js_sys::Array::from(&to_js(&kept)?)),
        };
        let write_start = timing::now();
        timing::measure(timing::SYNC_MERGE, merge_start, write_start, None);
        for (record, store) in parsed.iter().flat_map(js_sys::Array::iter).zip(kept_in) {
            store.put(record).primitive()?;
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

/// At most this many keys are listed to learn which of a page's records the phone holds.
const HELD_LIMIT: u32 = 2 * crate::sync::engine::PAGE_SIZE;

/// Which of `ids` the phone holds, when one cheap read can tell: the keys between the
/// page's smallest and largest id. Ids are UUID v7, in the order records were made, and a
/// first sync brings them in about that order, so the range holds little besides the page
/// itself. The keys come in ascending order (IndexedDB lists them so). `None` (read each
/// record) when the range holds more than [`HELD_LIMIT`] keys.
async fn held_among(
    records: &indexed_db_futures::object_store::ObjectStore<'_>,
    ids: &[&String],
) -> StoreResult<Option<Vec<String>>> {
    let (Some(low), Some(high)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(Some(Vec::new()));
    };
    let keys = records
        .get_all_keys::<String>()
        .with_query(low.as_str()..=high.as_str())
        .with_limit(HELD_LIMIT)
        .primitive()?
        .await?
        .collect::<Result<Vec<String>, _>>()?;
    Ok((keys.len() < HELD_LIMIT as usize).then_some(keys))
}
