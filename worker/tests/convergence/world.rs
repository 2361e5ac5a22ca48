//! One seed's world: a worker, five devices, a hostile network and the log of everything
//! the server answered (the network sees every answer, even those it then loses).

use super::net::{account, Worker};
use anyhow::{bail, Context};
use gugus_model::api::Role;
use gugus_model::device::DeviceState;
use gugus_model::sync::{Mutation, MutationStatus, PushRequest};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest_native::Client;
use uuid::Uuid;

const DEVICES: usize = 5;
/// Random steps per seed before the final quiet sync.
const STEPS: usize = 60;

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
    /// Resolving mutations the server took.
    pub resolutions: usize,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, other: Stats) {
        self.taken += other.taken;
        self.conflicts += other.conflicts;
        self.duplicates += other.duplicates;
        self.restarts += other.restarts;
        self.resolutions += other.resolutions;
    }
}

/// One seed's world.
pub struct World {
    pub(crate) rng: StdRng,
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
    pub(crate) faults: bool,
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
        if let Err(error) = outcome {
            let tail = world.trace.len().saturating_sub(40);
            anyhow::bail!(
                "{error:#}\nthe last steps of seed {seed}:\n  {}",
                world.trace[tail..].join("\n  ")
            );
        }
        Ok(world.stats())
    }

    fn stats(&self) -> Stats {
        let told = |f: fn(&MutationStatus) -> bool| self.told.iter().filter(|t| f(&t.2)).count();
        Stats {
            taken: self.history.len(),
            conflicts: told(|s| matches!(s, MutationStatus::Conflict { .. })),
            duplicates: told(|s| matches!(s, MutationStatus::Duplicate)),
            restarts: self.trace.iter().filter(|t| t.contains("restart")).count(),
            resolutions: (self.history.iter())
                .filter(|t| !t.mutation.resolves.is_empty())
                .count(),
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

    pub(crate) fn base(&self) -> anyhow::Result<String> {
        Ok(self.worker.as_ref().context("no worker")?.base.clone())
    }

    async fn play(&mut self) -> anyhow::Result<()> {
        for step in 0..STEPS {
            let d = self.rng.gen_range(0..DEVICES);
            let roll = self.rng.gen_range(0..100);
            self.trace.push(format!("{step}: device {d}, roll {roll}"));
            match roll {
                0..=19 => self.create(d),
                20..=37 => self.edit(d),
                38..=44 => self.resolve(d),
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

    async fn restart(&mut self) -> anyhow::Result<()> {
        self.trace.push("   restart the worker".into());
        if let Some(worker) = self.worker.take() {
            worker.stop().await?;
        }
        self.worker = Some(Worker::start(&self.url).await?);
        Ok(())
    }
}
