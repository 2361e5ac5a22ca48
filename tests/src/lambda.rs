//! The worker as an AWS Lambda function, run locally: the real `gugus-lambda` binary behind
//! cargo-lambda's emulator (`cargo lambda watch --only-lambda-apis`), which serves the
//! Lambda Runtime API the function polls and turns function-URL requests
//! (`http://127.0.0.1:PORT/lambda-url/gugus-lambda/...`) into the HTTP API's events
//! (payload 2.0), as a function URL does. No cloud.
//!
//! One [`Function`] is one instance: its own emulator on its own port and one function
//! process. The emulator is `GUGUS_CARGO_LAMBDA`, or what `scripts/ensure-tools.sh lambda`
//! installs (PyPI) and prints.

use crate::repo_root;
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// The function's name in the emulator, and so in its URLs.
pub const FUNCTION_NAME: &str = "gugus-lambda";
/// What the emulator prints once its Runtime API listens.
const EMULATOR_READY: &str = "starting Runtime server";
/// What the function logs once its init is done, with `init_ms=N`.
const FUNCTION_READY: &str = "the store is open; serving";
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// One function instance: the emulator and the function process it invokes.
pub struct Function {
    emulator: Option<Child>,
    function: Option<Child>,
    port: u16,
    /// Every line the emulator and the function wrote.
    log: Arc<Mutex<Vec<String>>>,
    /// From starting the function process to its first answer through the emulator.
    pub cold_start: Duration,
    /// The init phase as the function logs it (`init_ms`): the settings read and the
    /// store opened and checked, before its first poll of the Runtime API.
    pub init: Duration,
}

impl Function {
    /// The emulator's command: `Ok(None)` (the test skips, saying so) when it cannot be
    /// installed outside CI; with `CI=true` that is an error.
    pub fn emulator() -> Result<Option<PathBuf>> {
        static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
        let found = FOUND
            .get_or_init(|| find_emulator().map_err(|error| format!("{error:#}")))
            .clone();
        match found {
            Ok(path) => Ok(Some(path)),
            Err(error) if std::env::var("CI").as_deref() == Ok("true") => {
                bail!("the Lambda emulator is required in CI: {error}")
            }
            Err(error) => {
                println!("SKIPPED: no Lambda emulator: {error}");
                Ok(None)
            }
        }
    }

    /// Starts an instance over `database_url` (migrated before: the function only checks
    /// it) with `GUGUS_DB_MAX_CONNECTIONS=max_connections`, and waits for its first answer
    /// (`GET /api/v1/health` through the emulator).
    pub async fn start(
        emulator: &PathBuf,
        database_url: &str,
        max_connections: u32,
    ) -> Result<Function> {
        let port = free_port()?;
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let mut instance = Function {
            emulator: None,
            function: None,
            port,
            log: log.clone(),
            cold_start: Duration::ZERO,
            init: Duration::ZERO,
        };
        let mut emulator = Command::new(emulator)
            .args(["lambda", "watch", "--only-lambda-apis", "--disable-cors"])
            .args(["--invoke-address", "127.0.0.1", "--invoke-port"])
            .arg(port.to_string())
            .current_dir(repo_root())
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", emulator.display()))?;
        let (ready, readiness) = mpsc::channel();
        forward("emulator", emulator.stdout.take(), &ready, &log);
        forward("emulator", emulator.stderr.take(), &ready, &log);
        instance.emulator = Some(emulator);
        wait_for(&readiness, EMULATOR_READY, "the emulator's Runtime API")?;

        let started = Instant::now();
        let mut function = Command::new(function_binary()?)
            .env(
                "AWS_LAMBDA_RUNTIME_API",
                format!("http://127.0.0.1:{port}/.rt/{FUNCTION_NAME}"),
            )
            .env("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME)
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
            .env("DATABASE_URL", database_url)
            .env("GUGUS_DB_MAX_CONNECTIONS", max_connections.to_string())
            .env("RUST_LOG", "info,sqlx=warn")
            .current_dir(repo_root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting gugus-lambda")?;
        forward("function", function.stdout.take(), &ready, &log);
        forward("function", function.stderr.take(), &ready, &log);
        instance.function = Some(function);
        let line = wait_for(&readiness, FUNCTION_READY, "the function's init")?;
        let init_ms: u64 = line
            .split("init_ms=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|ms| ms.parse().ok())
            .with_context(|| format!("no init_ms in {line:?}"))?;
        instance.init = Duration::from_millis(init_ms);
        let health = reqwest_native::Client::new()
            .get(format!("{}/health", instance.api_url()))
            .timeout(START_TIMEOUT)
            .send()
            .await
            .context("the first request through the emulator")?;
        if !health.status().is_success() {
            bail!("the first request answered {}", health.status());
        }
        instance.cold_start = started.elapsed();
        Ok(instance)
    }

    /// `http://127.0.0.1:PORT/lambda-url/gugus-lambda/api/v1`: the API through the
    /// emulator's function URL.
    pub fn api_url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/lambda-url/{FUNCTION_NAME}/api/v1",
            self.port
        )
    }

    /// Everything the emulator and the function wrote so far, one line each.
    pub fn log(&self) -> String {
        self.log
            .lock()
            .map(|lines| lines.join("\n"))
            .unwrap_or_default()
    }

    /// Kills the instance with SIGKILL, function and emulator (`kill -9`): the requests it
    /// was serving or holding are cut off, new ones refused.
    pub fn kill(&mut self) -> Result<()> {
        for child in [self.function.take(), self.emulator.take()]
            .into_iter()
            .flatten()
        {
            let mut child = child;
            // On Unix, `Child::kill` sends SIGKILL.
            child.kill().context("killing the instance")?;
            child.wait().context("waiting for the instance to exit")?;
        }
        Ok(())
    }

    /// Runs the function binary's init on `database_url` with no emulator, expecting it
    /// to refuse to start: its exit status and what it wrote on stderr.
    pub fn refused(database_url: &str) -> Result<(ExitStatus, String)> {
        let mut child = Command::new(function_binary()?)
            // Nothing listens there: a function that got past its init fails later, and
            // differently.
            .env("AWS_LAMBDA_RUNTIME_API", "http://127.0.0.1:9/.rt")
            .env("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME)
            .env("DATABASE_URL", database_url)
            .current_dir(repo_root())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting gugus-lambda")?;
        let deadline = Instant::now() + START_TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if Instant::now() >= deadline {
                child.kill()?;
                child.wait()?;
                bail!("gugus-lambda kept running on {database_url}: it did not refuse");
            }
            thread::sleep(Duration::from_millis(50));
        };
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            pipe.read_to_string(&mut stderr)?;
        }
        Ok((status, stderr))
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}

/// A port of 127.0.0.1 that was free a moment ago (the emulator takes no port 0).
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// Copies a pipe into the test's output and the log; sends each line to `ready`.
fn forward(
    who: &'static str,
    pipe: Option<impl Read + Send + 'static>,
    ready: &mpsc::Sender<String>,
    log: &Arc<Mutex<Vec<String>>>,
) {
    let (Some(pipe), ready, log) = (pipe, ready.clone(), log.clone()) else {
        return;
    };
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            eprintln!("[{who}] {line}");
            if let Ok(mut lines) = log.lock() {
                lines.push(format!("[{who}] {line}"));
            }
            let _ = ready.send(line);
        }
    });
}

/// Waits for a line holding `marker`; answers it.
fn wait_for(lines: &mpsc::Receiver<String>, marker: &str, what: &str) -> Result<String> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(marker) => return Ok(line),
            Ok(_) => {}
            Err(_) => bail!("{what} did not start within {START_TIMEOUT:?} (its output is above)"),
        }
    }
}

/// `GUGUS_CARGO_LAMBDA`, or the path `scripts/ensure-tools.sh lambda` prints after
/// installing the pinned cargo-lambda when it is missing.
fn find_emulator() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("GUGUS_CARGO_LAMBDA") {
        return Ok(PathBuf::from(path));
    }
    let output = Command::new(repo_root().join("scripts/ensure-tools.sh"))
        .arg("lambda")
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .output()
        .context("running scripts/ensure-tools.sh lambda")?;
    let printed = String::from_utf8_lossy(&output.stdout);
    let path = printed.lines().last().map(str::trim).unwrap_or_default();
    if !output.status.success() || path.is_empty() {
        bail!(
            "scripts/ensure-tools.sh lambda failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(PathBuf::from(path))
}

/// `GUGUS_LAMBDA_BIN`, or the debug build of the function (see
/// [`crate::worker::debug_binary`]).
fn function_binary() -> Result<PathBuf> {
    crate::worker::debug_binary("gugus-lambda", "GUGUS_LAMBDA_BIN")
}
