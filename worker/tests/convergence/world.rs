//! One seed's world: a worker, five devices, a hostile network and the log of everything
//! the server answered (the network sees every answer, even those it then loses).

use super::net::{self, PushAnswer, Worker};
use anyhow::{bail, Context};
use gugus_model::api::Role;
use gugus_model::device::DeviceState;
use gugus_model::regions;
use gugus_model::sync::{
    Mutation, MutationStatus, PullRequest, PushRequest, DEFAULT_PULL_LIMIT, MAX_MUTATIONS, PROTOCOL,
};
use gugus_worker::auth;
use gugus_worker::store::{NewSession, NewUser};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest_native::Client;
use serde_json::{json, Map, Value};
use uuid::Uuid;

const DEVICES: usize = 5;
/// Random steps per seed before the final quiet sync.
const STEPS: usize = 60;
/// As the app's sync loop: a push that keeps not shrinking the outbox is given up.
const MAX_ROUNDS_WITHOUT_PROGRESS: u32 = 3;

/// One simulated phone: the app's state in memory, its account and its network.
pub struct Device {
    pub token: String,
    pub device_id: Uuid,
    pub state: DeviceState,
    pub online: bool,
    /// Push requests the network is still carrying: they reach the server later.
    pub held: Vec<PushRequest>,
}

/// Every non-duplicate result the server gave, in the order it gave them.
#[derive(Debug, Clone)]
pub struct Taken {
    pub device_id: Uuid,
    pub mutation: Mutation,
    pub status: MutationStatus,
}

/// What one seed exercised, to show the schedules reach the interesting cases.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Mutations the server took.
    pub taken: usize,
    /// Conflict answers devices read.
    pub conflicts: usize,
    /// Duplicate answers devices read.
    pub duplicates: usize,
    /// Worker restarts.
    pub restarts: usize,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, other: Stats) {
        self.taken += other.taken;
        self.conflicts += other.conflicts;
        self.duplicates += other.duplicates;
        self.restarts += other.restarts;
    }
}

/// What the network does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
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

/// One seed's world.
pub struct World {
    rng: StdRng,
    _dir: tempfile::TempDir,
    url: String,
    pub worker: Option<Worker>,
    pub client: Client,
    pub devices: Vec<Device>,
    /// A supervisor's session that only ever pulls, to read the server's state.
    pub reader: Device,
    pub history: Vec<Taken>,
    /// `(device, mutation id, status)` of every answer a device read.
    pub told: Vec<(Uuid, Mutation, MutationStatus)>,
    pub trace: Vec<String>,
    faults: bool,
}

impl World {
    /// Runs one seed: random steps, a final quiet sync, then the checks.
    pub async fn run(seed: u64) -> anyhow::Result<Stats> {
        let mut world = World::new(seed).await?;
        let outcome = world.play().await;
        let outcome = match outcome {
            Ok(()) => world.check().await,
            Err(error) => Err(error),
        };
        if let Some(worker) = world.worker.take() {
            worker.stop().await?;
        }
        if std::env::var_os("GUGUS_SIM_TRACE").is_some() {
            println!("seed {seed}:\n  {}", world.trace.join("\n  "));
        }
        outcome.map_err(|error| {
            let tail = world.trace.len().saturating_sub(40);
            error.context(format!(
                "seed {seed}, last steps:\n  {}",
                world.trace[tail..].join("\n  ")
            ))
        })?;
        Ok(world.stats())
    }

    fn stats(&self) -> Stats {
        let told = |f: fn(&MutationStatus) -> bool| self.told.iter().filter(|t| f(&t.2)).count();
        Stats {
            taken: self.history.len(),
            conflicts: told(|s| matches!(s, MutationStatus::Conflict { .. })),
            duplicates: told(|s| matches!(s, MutationStatus::Duplicate)),
            restarts: self.trace.iter().filter(|t| t.contains("restart")).count(),
        }
    }

    async fn new(seed: u64) -> anyhow::Result<World> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("gugus.db").display());
        let worker = Worker::start(&url).await?;
        let mut devices = Vec::new();
        for n in 0..DEVICES {
            let role = if n % 2 == 0 {
                Role::Officer
            } else {
                Role::Supervisor
            };
            devices.push(account(&worker, &format!("hp{n}"), role).await?);
        }
        let reader = account(&worker, "pembaca", Role::Supervisor).await?;
        Ok(World {
            rng: StdRng::seed_from_u64(seed),
            _dir: dir,
            url,
            worker: Some(worker),
            client: Client::new(),
            devices,
            reader,
            history: Vec::new(),
            told: Vec::new(),
            trace: Vec::new(),
            faults: true,
        })
    }

    fn base(&self) -> anyhow::Result<String> {
        Ok(self.worker.as_ref().context("no worker")?.base.clone())
    }

    async fn play(&mut self) -> anyhow::Result<()> {
        for step in 0..STEPS {
            let d = self.rng.gen_range(0..DEVICES);
            let roll = self.rng.gen_range(0..100);
            self.trace.push(format!("{step}: device {d}, roll {roll}"));
            match roll {
                0..=19 => self.create(d),
                20..=44 => self.edit(d),
                45..=51 => self.delete(d),
                52..=59 => {
                    let device = &mut self.devices[d];
                    device.online = !device.online;
                    self.trace.push(format!("   online = {}", device.online));
                }
                60..=89 => {
                    if self.devices[d].online {
                        if let Err(failed) = self.sync(d).await? {
                            self.trace.push(format!("   sync failed: {failed}"));
                        }
                    }
                }
                90..=95 => self.deliver_held(d).await?,
                _ => self.restart().await?,
            }
        }
        self.settle().await
    }

    /// Delivers everything still in the network, then syncs every device without faults
    /// until no device has anything left to send.
    async fn settle(&mut self) -> anyhow::Result<()> {
        self.trace.push("settle".into());
        self.faults = false;
        for d in 0..DEVICES {
            while !self.devices[d].held.is_empty() {
                self.deliver_held(d).await?;
            }
            self.devices[d].online = true;
        }
        for _round in 0..10 {
            for d in 0..DEVICES {
                if let Err(failed) = self.sync(d).await? {
                    bail!("a quiet sync of device {d} failed: {failed}");
                }
            }
            if self.devices.iter().all(|d| d.state.outbox.is_empty()) {
                // One more pull each brings what the others sent last.
                for d in 0..DEVICES {
                    if let Err(failed) = self.sync(d).await? {
                        bail!("a quiet sync of device {d} failed: {failed}");
                    }
                }
                return Ok(());
            }
        }
        bail!("the outboxes did not empty in 10 quiet rounds")
    }

    fn create(&mut self, d: usize) {
        let id = uuid::Builder::from_random_bytes(self.rng.gen()).into_uuid();
        let kecamatan: Vec<_> = regions::kecamatan().collect();
        let kecamatan = &kecamatan[self.rng.gen_range(0..kecamatan.len())].code;
        let desa = regions::villages_of(kecamatan)
            .next()
            .map(|v| v.code.clone())
            .unwrap_or_default();
        let fields = json!({
            "type": "outreach", "date": "2025-07-01", "kecamatan": kecamatan, "desa": desa,
            "venue": "Balai desa", "audience": ["public"], "topics": ["safe_migration"],
            "participants_female_adult": 1, "participants_male_adult": 1,
            "participants_female_child": 0, "participants_male_child": 0,
        });
        let fields = fields.as_object().cloned().unwrap_or_default();
        let at = self.at();
        let made = self.devices[d]
            .state
            .save("activity", &id.to_string(), fields, &at);
        self.trace.push(format!("   create {id} -> {made:?}"));
    }

    fn edit(&mut self, d: usize) {
        let Some((id, mut fields)) = self.pick_visible(d) else {
            return;
        };
        for _ in 0..self.rng.gen_range(1..=2) {
            let (name, value) = match self.rng.gen_range(0..4) {
                0 => (
                    "venue",
                    json!(["Balai desa", "Masjid", "Sekolah"][self.rng.gen_range(0..3)]),
                ),
                1 => ("notes", json!(["", "a", "b"][self.rng.gen_range(0..3)])),
                2 => ("participants_male_adult", json!(self.rng.gen_range(1..4))),
                _ => ("participants_female_child", json!(self.rng.gen_range(0..3))),
            };
            fields.insert(name.into(), value);
        }
        let at = self.at();
        let made = self.devices[d]
            .state
            .save("activity", &id, fields.clone(), &at);
        self.trace.push(format!(
            "   edit {id} {} -> {made:?}",
            Value::Object(fields)
        ));
    }

    fn delete(&mut self, d: usize) {
        let Some((id, _)) = self.pick_visible(d) else {
            return;
        };
        let at = self.at();
        let made = self.devices[d].state.delete(&id, &at);
        self.trace.push(format!("   delete {id} -> {made:?}"));
    }

    fn pick_visible(&mut self, d: usize) -> Option<(String, Map<String, Value>)> {
        let visible = self.devices[d].state.visible();
        if visible.is_empty() {
            return None;
        }
        let n = self.rng.gen_range(0..visible.len());
        visible.into_iter().nth(n)
    }

    fn at(&mut self) -> String {
        format!("2026-11-29T03:{:02}:00Z", self.trace.len() % 60)
    }

    fn fault(&mut self) -> Fault {
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

    async fn restart(&mut self) -> anyhow::Result<()> {
        self.trace.push("   restart the worker".into());
        if let Some(worker) = self.worker.take() {
            worker.stop().await?;
        }
        self.worker = Some(Worker::start(&self.url).await?);
        Ok(())
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

    async fn push_all(&mut self, d: usize) -> anyhow::Result<Result<(), String>> {
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
    async fn send(&mut self, d: usize, request: &PushRequest) -> anyhow::Result<PushAnswer> {
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
    async fn deliver_held(&mut self, d: usize) -> anyhow::Result<()> {
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

    async fn pull_all(&mut self, d: usize) -> anyhow::Result<Result<(), String>> {
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

/// An account with a session on a new device, made straight in the store (no password
/// hashing: hundreds of seeds log in five times each).
async fn account(worker: &Worker, username: &str, role: Role) -> anyhow::Result<Device> {
    let user_id = Uuid::now_v7();
    let user = NewUser {
        id: user_id,
        username: username.into(),
        name: format!("Pengguna {username}"),
        role,
        password_hash: "not-a-hash".into(),
    };
    worker.store.add_user(&user).await?;
    let token = auth::new_token();
    let device_id = Uuid::now_v7();
    let now = gugus_worker::clock::now_unix();
    let session = NewSession {
        token_hash: auth::token_hash(&token),
        user_id,
        device_id,
        created_at: now,
        expires_at: now + 86_400,
    };
    worker.store.create_session(&session).await?;
    Ok(Device {
        token,
        device_id,
        state: DeviceState::default(),
        online: true,
        held: Vec::new(),
    })
}
