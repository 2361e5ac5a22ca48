//! The devices' sync, as the app's loop runs it, over a network that drops, loses,
//! duplicates and delays requests.

use super::net::{self, PushAnswer};
use super::world::{Taken, World};
use anyhow::Context;
use gugus_model::sync::{
    MutationStatus, PullRequest, PushRequest, DEFAULT_PULL_LIMIT, MAX_MUTATIONS, PROTOCOL,
};
use rand::Rng;

/// As the app's sync loop: a push that keeps not shrinking the outbox is given up.
const MAX_ROUNDS_WITHOUT_PROGRESS: u32 = 3;

/// What the network does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    None,
    /// Never reaches the server; the device sees a failure.
    Drop,
    /// The server commits; the answer is lost.
    LoseAnswer,
    /// The server gets it twice; the device reads one of the answers.
    Duplicate,
    /// Delayed: reaches the server after later requests; the device gave up on it.
    Hold,
}

impl World {
    pub(crate) fn fault(&mut self) -> Fault {
        if !self.faults {
            return Fault::None;
        }
        match self.rng.gen_range(0..100) {
            0..=69 => Fault::None,
            70..=76 => Fault::Drop,
            77..=84 => Fault::LoseAnswer,
            85..=92 => Fault::Duplicate,
            _ => Fault::Hold,
        }
    }

    /// One sync as the app's loop does it: push everything, then pull until done. The
    /// outer error is a failure of the test; the inner one a failed sync (retried later).
    pub async fn sync(&mut self, d: usize) -> anyhow::Result<Result<(), String>> {
        if let Err(failed) = self.push_all(d).await? {
            return Ok(Err(failed));
        }
        // The officer keeps working while the sync runs: a change lands between the push
        // and the pull, so the pull meets a waiting change.
        if self.faults && self.rng.gen_range(0..100) < 30 {
            self.trace.push("   meanwhile:".into());
            match self.rng.gen_range(0..5) {
                0 => self.create(d),
                1 => self.delete(d),
                _ => self.edit(d),
            }
        }
        self.pull_all(d).await
    }

    pub(crate) async fn push_all(&mut self, d: usize) -> anyhow::Result<Result<(), String>> {
        let mut stuck = 0;
        loop {
            let waiting = self.devices[d].state.outbox.len();
            let batch = self.devices[d].state.next_batch(MAX_MUTATIONS);
            if batch.is_empty() {
                return Ok(Ok(()));
            }
            if stuck >= MAX_ROUNDS_WITHOUT_PROGRESS {
                return Ok(Err("no progress".into()));
            }
            let request = PushRequest {
                protocol: PROTOCOL,
                device_id: self.devices[d].device_id,
                mutations: batch,
            };
            let ids: Vec<u64> = request.mutations.iter().map(|m| m.id).collect();
            let fault = self.fault();
            self.trace.push(format!("   push {ids:?} {fault:?}"));
            let answer = match fault {
                Fault::None => self.send(d, &request).await?,
                Fault::Drop => return Ok(Err("dropped".into())),
                Fault::LoseAnswer => {
                    self.send(d, &request).await?;
                    return Ok(Err("answer lost".into()));
                }
                Fault::Duplicate => {
                    let first = self.send(d, &request).await?;
                    let second = self.send(d, &request).await?;
                    if self.rng.gen() {
                        first
                    } else {
                        second
                    }
                }
                Fault::Hold => {
                    self.devices[d].held.push(request);
                    return Ok(Err("timed out".into()));
                }
            };
            let device = &mut self.devices[d];
            match answer {
                PushAnswer::Taken(answer) => {
                    for result in &answer.results {
                        if let Some(m) = request.mutations.iter().find(|m| m.id == result.id) {
                            let told = (device.device_id, m.clone(), result.status.clone());
                            self.told.push(told);
                        }
                    }
                    device.state.apply_push(&request.mutations, &answer);
                    let left = device.state.outbox.len();
                    stuck = if left < waiting { 0 } else { stuck + 1 };
                }
                PushAnswer::Gap(expected) => {
                    self.trace.push(format!("   gap, expected {expected}"));
                    device.state.resolve_gap(expected);
                    stuck += 1;
                }
            }
        }
    }

    /// Sends one push to the server and logs what it took.
    pub(crate) async fn send(
        &mut self,
        d: usize,
        request: &PushRequest,
    ) -> anyhow::Result<PushAnswer> {
        let base = self.base()?;
        let device = &self.devices[d];
        let answer = net::push(&self.client, &base, &device.token, request).await?;
        if let PushAnswer::Taken(taken) = &answer {
            for result in &taken.results {
                if result.status == MutationStatus::Duplicate {
                    continue;
                }
                let mutation = request
                    .mutations
                    .iter()
                    .find(|m| m.id == result.id)
                    .context("a result for a mutation not sent")?;
                self.history.push(Taken {
                    device_id: device.device_id,
                    mutation: mutation.clone(),
                    status: result.status.clone(),
                });
            }
        }
        Ok(answer)
    }

    /// The network finally delivers one delayed push; nobody waits for its answer.
    pub(crate) async fn deliver_held(&mut self, d: usize) -> anyhow::Result<()> {
        if self.devices[d].held.is_empty() {
            return Ok(());
        }
        let n = self.rng.gen_range(0..self.devices[d].held.len());
        let request = self.devices[d].held.remove(n);
        let ids: Vec<u64> = request.mutations.iter().map(|m| m.id).collect();
        self.trace.push(format!("   delayed push {ids:?} arrives"));
        self.send(d, &request).await?;
        Ok(())
    }

    pub(crate) async fn pull_all(&mut self, d: usize) -> anyhow::Result<Result<(), String>> {
        let mut cursor = self.devices[d].state.cursor.clone();
        loop {
            let request = PullRequest {
                protocol: PROTOCOL,
                device_id: self.devices[d].device_id,
                cursor: cursor.clone(),
                limit: Some(DEFAULT_PULL_LIMIT),
            };
            let fault = self.fault();
            if fault == Fault::Drop || fault == Fault::Hold {
                return Ok(Err("pull dropped".into()));
            }
            let base = self.base()?;
            let device = &mut self.devices[d];
            let page = net::pull(&self.client, &base, &device.token, &request).await?;
            if fault == Fault::LoseAnswer {
                return Ok(Err("pull answer lost".into()));
            }
            device.state.apply_pull(&page);
            self.trace.push(format!(
                "   pulled {} records to {}",
                page.records.len(),
                page.cursor
            ));
            if !page.more || cursor.as_deref() == Some(page.cursor.as_str()) {
                return Ok(Ok(()));
            }
            cursor = Some(page.cursor);
        }
    }
}
