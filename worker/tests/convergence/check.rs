//! What must hold after the final quiet sync.

use super::net;
use super::resolutions::Replayed;
use super::world::World;
use anyhow::{bail, ensure, Context};
use gugus_model::merge::{merge, resolve, Change, StoredRecord};
use gugus_model::sync::{MutationStatus, PullRequest, RecordState, PROTOCOL};
use gugus_model::RecordKind;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

impl World {
    /// Checks convergence, durability, exactly-once and the conflict log.
    pub async fn check(&mut self) -> anyhow::Result<()> {
        let server = self.server_state().await?;
        self.devices_show_the_server(&server)?;
        self.every_id_was_taken_once().await?;
        let replayed = self.server_is_the_replay_of_what_it_took(&server)?;
        self.acknowledged_changes_are_kept(&server)?;
        self.devices_show_the_open_conflicts(&server)?;
        self.resolutions_are_logged(&replayed).await?;
        self.conflicts_are_logged().await
    }

    /// Every record, as a supervisor pulling from scratch sees it.
    async fn server_state(&self) -> anyhow::Result<BTreeMap<Uuid, RecordState>> {
        let base = &self.worker.as_ref().context("no worker")?.base;
        let mut records = BTreeMap::new();
        let mut cursor = None;
        loop {
            let request = PullRequest {
                protocol: PROTOCOL,
                device_id: self.reader.device_id,
                cursor: cursor.clone(),
                limit: Some(1000),
            };
            let page = net::pull(&self.client, base, &self.reader.token, &request).await?;
            for record in page.records {
                records.insert(record.id, record);
            }
            if !page.more {
                return Ok(records);
            }
            cursor = Some(page.cursor);
        }
    }

    fn devices_show_the_server(&self, server: &BTreeMap<Uuid, RecordState>) -> anyhow::Result<()> {
        let visible: BTreeMap<String, &Map<String, Value>> = server
            .values()
            .filter(|r| !r.deleted)
            .map(|r| (r.id.to_string(), &r.fields))
            .collect();
        for (n, device) in self.devices.iter().enumerate() {
            ensure!(
                device.state.outbox.is_empty(),
                "device {n} still has changes to send"
            );
            let shown = device.state.visible();
            let shown: BTreeMap<String, &Map<String, Value>> =
                shown.iter().map(|(id, f)| (id.clone(), f)).collect();
            if shown != visible {
                let differ: Vec<_> = shown
                    .keys()
                    .chain(visible.keys())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .filter(|id| shown.get(*id) != visible.get(*id))
                    .map(|id| {
                        format!(
                            "{id}: device {:?} server {:?}",
                            shown.get(id),
                            visible.get(id)
                        )
                    })
                    .collect();
                bail!("device {n} differs from the server:\n{}", differ.join("\n"));
            }
            for (id, record) in &device.state.records {
                let Some(on_server) = visible.get(id).and(server.get(&Uuid::parse_str(id)?)) else {
                    continue;
                };
                ensure!(
                    record.version == on_server.version,
                    "device {n} knows {id} at version {}, the server has {}",
                    record.version,
                    on_server.version
                );
                ensure!(record.rejection.is_none(), "device {n}: {id} was refused");
            }
        }
        Ok(())
    }

    /// Nothing lost, nothing twice: the server took each id every device handed out exactly
    /// once, and its last id per device is the device's last.
    async fn every_id_was_taken_once(&self) -> anyhow::Result<()> {
        let base = &self.worker.as_ref().context("no worker")?.base;
        for (n, device) in self.devices.iter().enumerate() {
            let mut taken: Vec<u64> = self
                .history
                .iter()
                .filter(|t| t.device_id == device.device_id)
                .map(|t| t.mutation.id)
                .collect();
            let count = taken.len();
            taken.dedup();
            ensure!(
                taken.len() == count,
                "device {n}: an id was taken twice: {taken:?}"
            );
            let handed_out = device.state.next_id - 1;
            ensure!(
                taken == (1..=handed_out).collect::<Vec<_>>(),
                "device {n} handed out 1..={handed_out}, the server took {taken:?}"
            );
            let request = PullRequest {
                protocol: PROTOCOL,
                device_id: device.device_id,
                cursor: None,
                limit: Some(1),
            };
            let last = net::pull(&self.client, base, &device.token, &request)
                .await?
                .last_mutation_id;
            ensure!(
                last == handed_out,
                "device {n}: the server's last id is {last}, the device handed out {handed_out}"
            );
        }
        Ok(())
    }

    /// The server's state is what the merge rule makes of exactly the mutations it
    /// reported taking, in the order it took them: nothing it acknowledged went missing
    /// (a restart, a lost transaction) and nothing was applied twice. A resolving mutation
    /// settles each of its fields or meets a newer conflict on it.
    fn server_is_the_replay_of_what_it_took(
        &self,
        server: &BTreeMap<Uuid, RecordState>,
    ) -> anyhow::Result<Replayed> {
        let mut replay: BTreeMap<Uuid, StoredRecord> = BTreeMap::new();
        let mut replayed = Replayed::default();
        for taken in &self.history {
            let version = match &taken.status {
                MutationStatus::Applied { version } | MutationStatus::Conflict { version, .. } => {
                    *version
                }
                MutationStatus::Rejected { error } => {
                    bail!(
                        "mutation {} of {} was refused: {error:?}",
                        taken.mutation.id,
                        taken.device_id
                    )
                }
                MutationStatus::Duplicate => continue,
            };
            let m = &taken.mutation;
            let change = Change {
                kind: RecordKind::Activity,
                op: m.op,
                base_version: m.base_version,
                fields: &m.fields,
            };
            let mut merged = merge(replay.get(&m.record_id), change, version);
            let open = replayed.open.entry(m.record_id).or_default();
            let before = open.clone();
            let resolution = resolve(
                &mut merged.record,
                open,
                &m.resolves,
                &merged.conflicts,
                version,
            );
            if !merged.conflicts.is_empty() || !resolution.resolved.is_empty() {
                merged.record.version = version;
            }
            for field in &m.resolves {
                let again = merged.conflicts.iter().any(|c| &c.field == field);
                let settled = resolution.resolved.contains(field);
                ensure!(
                    settled != again || !before.contains(field),
                    "mutation {} of {} resolves {field}: neither settled nor in a newer conflict",
                    m.id,
                    taken.device_id
                );
                if settled {
                    replayed
                        .resolved
                        .push((m.record_id, field.clone(), version));
                }
            }
            let conflicts = match &taken.status {
                MutationStatus::Conflict { conflicts, .. } => conflicts.clone(),
                _ => Vec::new(),
            };
            ensure!(
                merged.conflicts == conflicts && merged.record.version == version,
                "mutation {} of {}: the server answered {:?}, the merge rule gives version {} and {:?}",
                m.id,
                taken.device_id,
                taken.status,
                merged.record.version,
                merged.conflicts
            );
            replay.insert(m.record_id, merged.record);
        }
        let ids: BTreeSet<_> = replay.keys().chain(server.keys()).collect();
        for id in ids {
            let want = replay.get(id);
            let got = server.get(id);
            let same = match (want, got) {
                (Some(w), Some(g)) => {
                    w.version == g.version
                        && w.deleted == g.deleted
                        && w.conflict == g.conflict
                        && (w.deleted || w.fields == g.fields)
                }
                _ => false,
            };
            ensure!(
                same,
                "record {id}: the replay gives {want:?}, the server has {got:?}"
            );
        }
        Ok(replayed)
    }

    /// Every change a device was told was applied (or applied in part) is on the server:
    /// the record exists at that version or later.
    fn acknowledged_changes_are_kept(
        &self,
        server: &BTreeMap<Uuid, RecordState>,
    ) -> anyhow::Result<()> {
        for (device_id, mutation, status) in &self.told {
            let version = match status {
                MutationStatus::Applied { version } | MutationStatus::Conflict { version, .. } => {
                    *version
                }
                _ => continue,
            };
            let record = server.get(&mutation.record_id).with_context(|| {
                format!(
                    "acknowledged mutation {} of {device_id}: record gone",
                    mutation.id
                )
            })?;
            ensure!(
                record.version >= version,
                "record {} went back to version {}",
                record.id,
                record.version
            );
            let in_history = self.history.iter().any(|t| {
                t.device_id == *device_id && t.mutation.id == mutation.id && t.status == *status
            });
            ensure!(
                in_history,
                "acknowledged mutation {} of {device_id} is not what the server took",
                mutation.id
            );
        }
        Ok(())
    }

    /// Every same-field conflict the server reported (so every one a device was told of)
    /// is in the record's conflict log, with the device, the mutation and both values.
    async fn conflicts_are_logged(&self) -> anyhow::Result<()> {
        let store = &self.worker.as_ref().context("no worker")?.store;
        let mut logs = BTreeMap::new();
        for taken in &self.history {
            let MutationStatus::Conflict { conflicts, .. } = &taken.status else {
                continue;
            };
            let record_id = taken.mutation.record_id;
            if let std::collections::btree_map::Entry::Vacant(slot) = logs.entry(record_id) {
                slot.insert(store.conflict_log(record_id).await?);
            }
            let log = &logs[&record_id];
            for conflict in conflicts {
                let found = log.iter().any(|entry| {
                    entry.device_id == taken.device_id
                        && entry.mutation_id == taken.mutation.id
                        && entry.field == conflict.field
                        && entry.server == conflict.server
                        && entry.device == conflict.device
                });
                ensure!(
                    found,
                    "conflict on {record_id}.{} (mutation {} of {}) is not in the log",
                    conflict.field,
                    taken.mutation.id,
                    taken.device_id
                );
            }
        }
        let told = self
            .told
            .iter()
            .filter(|(_, _, s)| matches!(s, MutationStatus::Conflict { .. }))
            .count();
        if told > 0 {
            ensure!(
                !logs.is_empty(),
                "devices were told of conflicts the server never reported"
            );
        }
        Ok(())
    }
}
