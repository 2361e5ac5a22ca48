//! The worker under test: the real `gugus-worker` binary as a child process.

use crate::{dist_dir, repo_root, target_dir};
use anyhow::{anyhow, bail, Context, Result};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, SystemTime};

const LISTENING: &str = "listening on http://";
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running (or stopped) `gugus-worker serve` with its own SQLite store.
pub struct Worker {
    bin: PathBuf,
    static_dir: PathBuf,
    database_url: String,
    /// `127.0.0.1:0` until the first start, then the port it got, kept for restarts.
    addr: String,
    child: Option<Child>,
}

impl Worker {
    /// Starts the worker on a free port of 127.0.0.1, serving `dist/`, with a new SQLite
    /// store in `data_dir`, and waits until it listens.
    pub fn start(data_dir: &Path) -> Result<Worker> {
        let database = data_dir.join("gugus.db");
        let mut worker = Worker {
            bin: worker_binary()?,
            static_dir: dist_dir()?,
            database_url: format!("sqlite://{}", database.display()),
            addr: "127.0.0.1:0".into(),
            child: None,
        };
        worker.spawn()?;
        Ok(worker)
    }

    /// `http://127.0.0.1:PORT`, the address the app is opened at.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Creates a user with the binary's `user add` subcommand.
    pub fn add_user(&self, username: &str, name: &str, role: &str, password: &str) -> Result<()> {
        let output = Command::new(&self.bin)
            .args(["user", "add", "--username", username, "--name", name])
            .args(["--role", role])
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

    /// Kills the process, as a phone sees a server that has gone: connections refused.
    pub fn stop(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill().context("killing the worker")?;
            child.wait().context("waiting for the worker to exit")?;
        }
        Ok(())
    }

    /// Starts the worker again on the same port with the same store.
    pub fn restart(&mut self) -> Result<()> {
        self.stop()?;
        self.spawn()
    }

    fn spawn(&mut self) -> Result<()> {
        let mut child = Command::new(&self.bin)
            .args(["serve", "--addr", &self.addr])
            .arg("--static-dir")
            .arg(&self.static_dir)
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
        forward(stdout, Some(tx));
        forward(stderr, None);
        self.child = Some(child);
        match rx.recv_timeout(START_TIMEOUT) {
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
                    "the worker did not print `{LISTENING}ADDR` within {START_TIMEOUT:?} \
                     (exit status: {status:?}; its output is above)"
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
fn forward(pipe: impl Read + Send + 'static, listening: Option<mpsc::Sender<String>>) {
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            eprintln!("[worker] {line}");
            if let (Some(tx), Some(addr)) = (&listening, line.strip_prefix(LISTENING)) {
                let _ = tx.send(addr.trim().trim_end_matches('/').to_string());
            }
        }
    });
}

/// `GUGUS_WORKER_BIN`, or the debug build in the target directory, checked to be newer
/// than the sources it is built from (a stale binary would test old code).
fn worker_binary() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("GUGUS_WORKER_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let bin = target_dir().join("debug/gugus-worker");
    let build = "build it with `cargo build -p gugus-worker --locked` (`make test` does)";
    let built = modified(&bin).with_context(|| format!("{} is missing: {build}", bin.display()))?;
    let root = repo_root();
    for source in ["worker/src", "worker/migrations", "model/src", "model/data"] {
        if let Some(path) = newer_than(&root.join(source), built)? {
            bail!(
                "{} is older than {}: {build}",
                bin.display(),
                path.display()
            );
        }
    }
    Ok(bin)
}

fn modified(path: &Path) -> Result<SystemTime> {
    Ok(std::fs::metadata(path)?.modified()?)
}

/// The first source file (`.rs`, `.sql`, `.csv`) under `path` modified after `time`;
/// nothing when `path` does not exist.
fn newer_than(path: &Path, time: SystemTime) -> Result<Option<PathBuf>> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(None);
    };
    if meta.is_file() {
        let source = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "sql" | "csv")
        );
        return Ok((source && meta.modified()? > time).then(|| path.to_path_buf()));
    }
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if let Some(found) = newer_than(&entry.path(), time)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}
