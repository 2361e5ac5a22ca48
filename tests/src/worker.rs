//! The worker under test: the real `gugus-worker` binary as a child process.

use crate::{dist_dir, repo_root, target_dir};
use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::Duration;

const LISTENING: &str = "listening on http://";
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running (or stopped) `gugus-worker serve` with its own store (SQLite unless
/// [`Worker::start_api`] is given another database URL).
pub struct Worker {
    bin: PathBuf,
    /// `None`: the API only (the folder given does not exist).
    static_dir: Option<PathBuf>,
    database_url: String,
    /// `127.0.0.1:0` until the first start, then the port it got, kept for restarts.
    addr: String,
    child: Option<Child>,
    /// How long a start may take before it counts as failed.
    start_timeout: Duration,
    /// `RUST_LOG` for the process, when set.
    log_level: Option<&'static str>,
    /// Every line the process wrote, stdout and stderr.
    log: Arc<Mutex<Vec<String>>>,
}

impl Worker {
    /// Starts the worker on a free port of 127.0.0.1, serving `dist/`, with a new SQLite
    /// store in `data_dir`, and waits until it listens.
    pub fn start(data_dir: &Path) -> Result<Worker> {
        Worker::start_serving(data_dir, &dist_dir()?)
    }

    /// Like [`Worker::start`], serving the app from `static_dir` (a copy of `dist/` that a
    /// test may change, to play a new build).
    pub fn start_serving(data_dir: &Path, static_dir: &Path) -> Result<Worker> {
        let database = data_dir.join("gugus.db");
        let mut worker = Worker {
            bin: worker_binary()?,
            static_dir: Some(static_dir.to_path_buf()),
            database_url: format!("sqlite://{}", database.display()),
            addr: "127.0.0.1:0".into(),
            child: None,
            start_timeout: START_TIMEOUT,
            log_level: None,
            log: Arc::default(),
        };
        worker.spawn()?;
        Ok(worker)
    }

    /// Runs `gugus-worker serve` on `database_url` as an operator would before migrating
    /// it (no `gugus-worker migrate` first, no `--migrate`), expecting it to refuse: its
    /// exit status and what it printed on stderr. A worker that serves instead is killed
    /// after the start timeout, and that is an error.
    pub fn refused_serving(database_url: &str) -> Result<(std::process::ExitStatus, String)> {
        let mut child = Command::new(worker_binary()?)
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--database-url",
                database_url,
            ])
            .env_remove("GUGUS_DEMO")
            .env_remove("GUGUS_MIGRATE")
            .current_dir(repo_root())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting gugus-worker serve")?;
        let deadline = std::time::Instant::now() + START_TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if std::time::Instant::now() >= deadline {
                child.kill()?;
                child.wait()?;
                bail!("gugus-worker serve kept running on {database_url}: it did not refuse");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            pipe.read_to_string(&mut stderr)?;
        }
        Ok((status, stderr))
    }

    /// Like [`Worker::start`], over `database_url` (`sqlite://PATH` or `postgres://...`).
    pub fn start_on(database_url: &str) -> Result<Worker> {
        Worker::serving(database_url, None)
    }

    /// Like [`Worker::start_on`], logging at `RUST_LOG=trace` (read with [`Worker::log`]).
    pub fn start_traced(database_url: &str) -> Result<Worker> {
        Worker::serving(database_url, Some("trace"))
    }

    /// Starts the worker serving `dist/` over `database_url`, at `RUST_LOG=log_level`
    /// when given.
    fn serving(database_url: &str, log_level: Option<&'static str>) -> Result<Worker> {
        let mut worker = Worker {
            bin: worker_binary()?,
            static_dir: Some(dist_dir()?),
            database_url: database_url.to_string(),
            addr: "127.0.0.1:0".into(),
            child: None,
            start_timeout: START_TIMEOUT,
            log_level,
            log: Arc::default(),
        };
        worker.spawn()?;
        Ok(worker)
    }

    /// Everything the process wrote so far, one line each.
    pub fn log(&self) -> String {
        self.log
            .lock()
            .map(|lines| lines.join("\n"))
            .unwrap_or_default()
    }

    /// Starts the worker on a free port of 127.0.0.1 over `database_url` (`sqlite://PATH`
    /// or `postgres://...`), serving the API only, and waits until it listens.
    pub fn start_api(database_url: &str) -> Result<Worker> {
        Worker::start_api_within(database_url, START_TIMEOUT)
    }

    /// Like [`Worker::start_api`], allowing the start `start_timeout` (a large store's
    /// first start fills what a new migration adds).
    pub fn start_api_within(database_url: &str, start_timeout: Duration) -> Result<Worker> {
        let mut worker = Worker {
            bin: worker_binary()?,
            static_dir: None,
            database_url: database_url.to_string(),
            addr: "127.0.0.1:0".into(),
            child: None,
            start_timeout,
            log_level: None,
            log: Arc::default(),
        };
        worker.spawn()?;
        Ok(worker)
    }

    /// The process id of the running worker (`None` while it is stopped): to read its
    /// memory from `/proc/<pid>/status`.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The running process's resident memory from `/proc/<pid>/status`, in kB: its peak
    /// (`VmHWM`) and now (`VmRSS`).
    pub fn resident_kb(&self) -> Result<(u64, u64)> {
        let pid = self.pid().context("the worker is not running")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let field = |name: &str| -> Result<u64> {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
                .with_context(|| format!("{name} in /proc/{pid}/status"))
        };
        Ok((field("VmHWM:")?, field("VmRSS:")?))
    }

    /// `http://127.0.0.1:PORT/api/v1`, the API's base.
    pub fn api_url(&self) -> String {
        format!("{}/api/v1", self.base_url())
    }

    /// `http://127.0.0.1:PORT`, the address the app is opened at.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Creates a user with the binary's `user add` subcommand.
    pub fn add_user(&self, username: &str, name: &str, role: &str, password: &str) -> Result<()> {
        self.add_user_of(username, name, (role, ""), password)
    }

    /// Creates a user of an agency (a liaison's names one, issue #19) with the binary's
    /// `user add` subcommand.
    pub fn add_user_of(
        &self,
        username: &str,
        name: &str,
        (role, agency): (&str, &str),
        password: &str,
    ) -> Result<()> {
        let output = Command::new(&self.bin)
            .args(["user", "add", "--username", username, "--name", name])
            .args(["--role", role, "--agency", agency])
            .env("DATABASE_URL", &self.database_url)
            .env("GUGUS_PASSWORD", password)
            .current_dir(repo_root())
            .stdin(Stdio::null())
            .output()
            .context("running gugus-worker user add")?;
        if !output.status.success() {
            bail!(
                "gugus-worker user add {username} failed ({}): {}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }

    /// Runs `gugus-worker generate ARGS` (sample data, `docs/api.md`) on this worker's
    /// store, and answers what it printed.
    pub fn generate(&self, args: &[&str]) -> Result<String> {
        self.run("generate", args)
    }

    /// Runs `gugus-worker migrate` on this worker's store, as an operator does before
    /// starting the instances of a PostgreSQL store (issue #20; [`Worker::spawn`] does it
    /// first on PostgreSQL).
    pub fn migrate(&self) -> Result<String> {
        self.run("migrate", &[])
    }

    /// Runs `gugus-worker COMMAND ARGS` on this worker's store, and answers what it printed.
    fn run(&self, command: &str, args: &[&str]) -> Result<String> {
        let output = Command::new(&self.bin)
            .arg(command)
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .current_dir(repo_root())
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running gugus-worker {command}"))?;
        if !output.status.success() {
            bail!(
                "gugus-worker {command} failed ({}): {}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    }

    /// Kills the process, as a phone sees a server that has gone: connections refused.
    pub fn stop(&mut self) -> Result<()> {
        self.kill()
    }

    /// Kills the process with SIGKILL (`kill -9`): no shutdown, no flush, open requests
    /// cut off mid-way, as in a power cut of the process. A no-op when it is stopped.
    pub fn kill(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            // On Unix, `Child::kill` sends SIGKILL.
            child.kill().context("killing the worker")?;
            child.wait().context("waiting for the worker to exit")?;
        }
        Ok(())
    }

    /// Starts the worker again on the same port with the same store (after a [`kill`]
    /// or [`stop`], or killing it first when it runs).
    ///
    /// [`kill`]: Worker::kill
    /// [`stop`]: Worker::stop
    pub fn restart(&mut self) -> Result<()> {
        self.kill()?;
        self.spawn()
    }

    /// Starts the process (after `gugus-worker migrate` on PostgreSQL, whose instances
    /// only check that their store is migrated).
    fn spawn(&mut self) -> Result<()> {
        if self.database_url.starts_with("postgres") {
            self.migrate()?;
        }
        let static_dir = match &self.static_dir {
            Some(dir) => dir.clone(),
            None => repo_root().join("target/gugus-e2e-no-static-dir"),
        };
        let mut command = Command::new(&self.bin);
        if let Some(level) = self.log_level {
            command.env("RUST_LOG", level);
        }
        let mut child = command
            .args(["serve", "--addr", &self.addr])
            .arg("--static-dir")
            .arg(static_dir)
            .args(["--database-url", &self.database_url])
            .env_remove("GUGUS_DEMO")
            .current_dir(repo_root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", self.bin.display()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (tx, rx) = mpsc::channel();
        forward(stdout, Some(tx), self.log.clone());
        forward(stderr, None, self.log.clone());
        self.child = Some(child);
        match rx.recv_timeout(self.start_timeout) {
            Ok(addr) => {
                self.addr = addr;
                Ok(())
            }
            Err(_) => {
                let status = self
                    .child
                    .as_mut()
                    .and_then(|c| c.try_wait().ok().flatten());
                self.stop()?;
                Err(anyhow!(
                    "the worker did not print `{LISTENING}ADDR` within {:?} \
                     (exit status: {status:?}; its output is above)",
                    self.start_timeout
                ))
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// Copies a pipe of the worker into the test's output (shown when a test fails); on
/// stdout, also reports the address from the `listening on` line.
fn forward(
    pipe: impl Read + Send + 'static,
    listening: Option<mpsc::Sender<String>>,
    log: Arc<Mutex<Vec<String>>>,
) {
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            eprintln!("[worker] {line}");
            if let Ok(mut lines) = log.lock() {
                lines.push(line.clone());
            }
            if let (Some(tx), Some(addr)) = (&listening, line.strip_prefix(LISTENING)) {
                let _ = tx.send(addr.trim().trim_end_matches('/').to_string());
            }
        }
    });
}

/// `GUGUS_WORKER_BIN`, or the debug build of the worker (see [`debug_binary`]).
fn worker_binary() -> Result<PathBuf> {
    debug_binary("gugus-worker", "GUGUS_WORKER_BIN")
}

/// The path in `override_var` when it is set, or else the debug build of the workspace's
/// package `package` (whose binary has its name), built (or found up to date) by cargo
/// once per test process, so the tests never run a stale binary.
pub(crate) fn debug_binary(package: &str, override_var: &str) -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os(override_var) {
        return Ok(PathBuf::from(bin));
    }
    static BUILT: Mutex<BTreeMap<String, Result<PathBuf, String>>> = Mutex::new(BTreeMap::new());
    let mut built = BUILT
        .lock()
        .map_err(|_| anyhow!("a test failed while cargo built {package}"))?;
    built
        .entry(package.to_owned())
        .or_insert_with(|| build(package).map_err(|error| format!("{error:#}")))
        .clone()
        .map_err(|error| anyhow!(error))
}

fn build(package: &str) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["build", "-p", package]);
    if std::env::var_os("CI").is_some() {
        command.arg("--locked");
    }
    let output = command
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running cargo build -p {package}"))?;
    if !output.status.success() {
        bail!(
            "cargo build -p {package} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let bin = target_dir().join("debug").join(package);
    if !bin.is_file() {
        bail!("cargo built {package} but {} is not there", bin.display());
    }
    Ok(bin)
}
