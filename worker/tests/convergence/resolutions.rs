//! Officers settling the conflicts they see, and what must hold of it afterwards.

use super::world::World;
use anyhow::{ensure, Context};
use gugus_model::sync::RecordState;
use rand::Rng;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// What replaying the server's history says about the conflict log.
#[derive(Debug, Default)]
pub struct Replayed {
    /// The fields with open conflicts, by record.
    pub open: BTreeMap<Uuid, BTreeSet<String>>,
    /// Every settled (record, field, version of the settling mutation).
    pub resolved: Vec<(Uuid, String, u64)>,
}

impl World {
    /// The officer on device `d` settles one conflict it shows, keeping the server's value
    /// or its own at random.
    pub(crate) fn resolve(&mut self, d: usize) {
        let shown: Vec<(String, gugus_model::sync::Conflict)> = self.devices[d]
            .state
            .records
            .values()
            .flat_map(|r| r.conflicts.iter().map(|c| (r.id.clone(), c.clone())))
            .collect();
        if shown.is_empty() {
            return;
        }
        let (id, conflict) = shown[self.rng.gen_range(0..shown.len())].clone();
        let value = match self.rng.gen_bool(0.5) {
            true => conflict.server,
            false => conflict.device,
        };
        let at = self.at();
        let made = self.devices[d]
            .state
            .resolve(&id, &conflict.field, value.clone(), &at);
        self.trace.push(format!(
            "   resolve {id}.{} = {value} -> {made:?}",
            conflict.field
        ));
    }

    /// After the quiet sync every device shows exactly the server's open conflicts of the
    /// records it shows.
    pub(crate) fn devices_show_the_open_conflicts(
        &self,
        server: &BTreeMap<Uuid, RecordState>,
    ) -> anyhow::Result<()> {
        for (n, device) in self.devices.iter().enumerate() {
            for (id, record) in &device.state.records {
                let Some(state) = server.get(&Uuid::parse_str(id)?) else {
                    continue;
                };
                if state.deleted {
                    continue;
                }
                let want: BTreeSet<&String> = state.conflicts.iter().map(|c| &c.field).collect();
                let shown: BTreeSet<&String> = record.conflicts.iter().map(|c| &c.field).collect();
                ensure!(
                    want == shown && record.open_conflict == state.conflict,
                    "device {n} shows the conflicts {shown:?} of {id}, the server has {want:?}"
                );
            }
        }
        Ok(())
    }

    /// The conflict log holds what the replay says: every settled entry carries the
    /// settling version, and the open entries are those of the replay.
    pub(crate) async fn resolutions_are_logged(&self, replayed: &Replayed) -> anyhow::Result<()> {
        let store = &self.worker.as_ref().context("no worker")?.store;
        for (record_id, open) in &replayed.open {
            let log = store.conflict_log(*record_id).await?;
            let logged: BTreeSet<&String> = log
                .iter()
                .filter(|e| e.resolved_version.is_none())
                .map(|e| &e.field)
                .collect();
            ensure!(
                logged == open.iter().collect(),
                "record {record_id}: open in the log {logged:?}, the replay {open:?}"
            );
            for (_, field, version) in replayed.resolved.iter().filter(|r| r.0 == *record_id) {
                ensure!(
                    log.iter()
                        .any(|e| &e.field == field && e.resolved_version == Some(*version)),
                    "record {record_id}: {field} settled at {version} is not in the log"
                );
            }
        }
        Ok(())
    }
}
