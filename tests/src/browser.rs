//! A phone-sized headless Chromium, driven through chromedriver with fantoccini.

use crate::command::SessionCommand;
use crate::poll::poll;
use anyhow::{anyhow, bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use tempfile::TempDir;

/// The Chrome flags of `app/webdriver.json` (the wasm-bindgen tests' browser).
const HEADLESS_ARGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// A cheap Android phone's window (Chromium makes the viewport at least 500 px wide: see
/// [`Browser::start_phone`] for the phone's exact screen).
const WINDOW_SIZE: &str = "--window-size=360,640";

/// One browser: its own chromedriver (in its own process group), Chromium and profile.
pub struct Browser {
    client: Client,
    driver: Child,
    _profile: TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a session: headless Chromium in a
    /// 360x640 window (a 500x497 viewport) with a fresh profile, in Indonesian.
    pub async fn start() -> Result<Browser> {
        let profile = tempfile::Builder::new()
            .prefix("gugus-e2e-profile-")
            .tempdir()?;
        let port = free_port()?;
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| {
                format!("starting {chromedriver} (install it with scripts/ensure-tools.sh browser)")
            })?;
        // From here on, dropping `guard` kills chromedriver should the session not open.
        let guard = DriverGuard(Some(driver));
        poll("chromedriver to listen", || async {
            Ok(TcpStream::connect(("127.0.0.1", port)).ok().map(drop))
        })
        .await?;
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities(&profile))
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("opening a WebDriver session in Chromium")?;
        let browser = Browser {
            client,
            driver: guard.release(),
            _profile: profile,
        };
        browser.pin_app_clock().await?;
        Ok(browser)
    }

    /// [`Browser::start`], then the page emulates a phone exactly: a 360x640 viewport
    /// (CSS pixels, device scale 1), mobile layout and touch. A desktop window cannot be
    /// narrower than 500 px, so `--window-size` alone gives a 500x497 viewport; tests of
    /// what fits on a phone's screen start here.
    pub async fn start_phone() -> Result<Browser> {
        let browser = Browser::start().await?;
        browser
            .cdp(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": 360, "height": 640, "deviceScaleFactor": 1, "mobile": true }),
            )
            .await?;
        browser
            .cdp(
                "Emulation.setTouchEmulationEnabled",
                json!({ "enabled": true, "maxTouchPoints": 5 }),
            )
            .await?;
        Ok(browser)
    }

    /// When the test process's clock is pinned (`GUGUS_NOW`), the app's is pinned with it:
    /// before any page's own script runs, each document leaves the pinned "now" (running on
    /// from the same shift as this process's) where the app reads it at start.
    async fn pin_app_clock(&self) -> Result<()> {
        use gugus_model::clock;
        if !clock::is_pinned() {
            return Ok(());
        }
        let shift_ms = clock::shift_ms();
        let source = format!(
            "try {{ localStorage.setItem({key:?}, new Date(Date.now() + {shift_ms}).toISOString()); }} catch (e) {{}}",
            key = clock::PIN_STORAGE_KEY,
        );
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": source }),
        )
        .await?;
        Ok(())
    }

    /// The fantoccini client, for what the helpers below do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) -> Result<()> {
        Ok(self.client.goto(url).await?)
    }

    /// Reloads the page, as pulling down on a phone does.
    pub async fn reload(&self) -> Result<()> {
        Ok(self.client.refresh().await?)
    }

    /// Waits until an element matches `selector`, and returns it.
    pub async fn wait_for(&self, selector: &str) -> Result<Element> {
        poll(&format!("`{selector}`"), || async {
            Ok(self
                .client
                .find_all(Locator::Css(selector))
                .await?
                .into_iter()
                .next())
        })
        .await
    }

    /// Waits until exactly `n` elements match `selector`.
    pub async fn wait_for_count(&self, selector: &str, n: usize) -> Result<()> {
        poll(&format!("{n} × `{selector}`"), || async {
            Ok((self.count(selector).await? == n).then_some(()))
        })
        .await
    }

    /// How many elements match `selector` now.
    pub async fn count(&self, selector: &str) -> Result<usize> {
        Ok(self.client.find_all(Locator::Css(selector)).await?.len())
    }

    /// Types `value` into the text or number field `selector`, replacing what it held.
    pub async fn fill(&self, selector: &str, value: &str) -> Result<()> {
        poll(&format!("`{selector}` to hold {value:?}"), || async {
            let field = self.client.find(Locator::Css(selector)).await?;
            field.clear().await?;
            field.send_keys(value).await?;
            Ok((field.prop("value").await?.as_deref() == Some(value)).then_some(()))
        })
        .await
    }

    /// Sets a field's value as a picker does (date inputs: typing into them depends on
    /// the browser's locale), firing `input` and `change`.
    pub async fn set_value(&self, selector: &str, value: &str) -> Result<()> {
        let script = "const [selector, value] = arguments;
            const field = document.querySelector(selector);
            if (!field) return false;
            field.value = value;
            field.dispatchEvent(new Event('input', { bubbles: true }));
            field.dispatchEvent(new Event('change', { bubbles: true }));
            return field.value === value;";
        poll(&format!("`{selector}` to take {value:?}"), || async {
            let done = self
                .execute(script, vec![json!(selector), json!(value)])
                .await?;
            Ok((done == json!(true)).then_some(()))
        })
        .await
    }

    /// Chooses the option with `value` in the select `selector`, waiting for the option
    /// to exist (options that depend on another field appear after it changes).
    pub async fn select(&self, selector: &str, value: &str) -> Result<()> {
        poll(
            &format!("`{selector}` to offer and select {value:?}"),
            || async {
                let field = self.client.find(Locator::Css(selector)).await?;
                field.select_by_value(value).await?;
                Ok((field.prop("value").await?.as_deref() == Some(value)).then_some(()))
            },
        )
        .await
    }

    /// Ticks the checkbox `selector` (leaves it ticked if it is).
    pub async fn check(&self, selector: &str) -> Result<()> {
        poll(&format!("`{selector}` to be ticked"), || async {
            let field = self.client.find(Locator::Css(selector)).await?;
            if !field.is_selected().await? {
                self.to_the_middle(&field).await?;
                field.click().await?;
            }
            Ok(field.is_selected().await?.then_some(()))
        })
        .await
    }

    /// Scrolls `element` to the middle of the screen, as a thumb does before a tap: clear of
    /// the bars fixed at the top or bottom (WebDriver clicks an element that is merely in
    /// the viewport where it is, even under such a bar).
    async fn to_the_middle(&self, element: &Element) -> Result<()> {
        self.client
            .execute(
                "arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' });",
                vec![serde_json::to_value(element)?],
            )
            .await?;
        Ok(())
    }

    /// Clicks the element `selector` once it is there and clickable.
    pub async fn click(&self, selector: &str) -> Result<()> {
        poll(&format!("`{selector}` to be clickable"), || async {
            let element = self.client.find(Locator::Css(selector)).await?;
            self.to_the_middle(&element).await?;
            element.click().await?;
            Ok(Some(()))
        })
        .await
    }

    /// The visible text of the element `selector`, once it is there. Found and read in
    /// one try: an element the page re-renders between the two (a stale reference) is
    /// looked for again.
    pub async fn text(&self, selector: &str) -> Result<String> {
        poll(&format!("the text of `{selector}`"), || async {
            let element = self.client.find(Locator::Css(selector)).await?;
            Ok(Some(element.text().await?.trim().to_string()))
        })
        .await
    }

    /// An attribute of the element `selector`, once it is there (found and read in one
    /// try, as [`Browser::text`]).
    pub async fn attr(&self, selector: &str, name: &str) -> Result<Option<String>> {
        poll(&format!("`{name}` of `{selector}`"), || async {
            let element = self.client.find(Locator::Css(selector)).await?;
            Ok(Some(element.attr(name).await?))
        })
        .await
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.client.execute(script, args).await?)
    }

    /// Sends a raw Chrome DevTools Protocol command to the page's target.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        self.client
            .issue_cmd(SessionCommand::cdp(cmd, params))
            .await
            .with_context(|| format!("CDP {cmd}"))
    }

    /// Saves the page's downloads into `dir` (`Browser.setDownloadBehavior`), so a test can
    /// wait for the file a button saves.
    pub async fn download_to(&self, dir: &std::path::Path) -> Result<()> {
        let params = json!({
            "behavior": "allow",
            "downloadPath": dir.display().to_string(),
            "eventsEnabled": false,
        });
        self.cdp("Browser.setDownloadBehavior", params).await?;
        Ok(())
    }

    /// Emulates a phone with no signal (or gives the signal back) for the page.
    ///
    /// This reaches the page's target only: the service worker's own fetches still go
    /// out. For a true outage, also stop the worker process ([`crate::Worker::stop`]).
    pub async fn set_offline(&self, offline: bool) -> Result<()> {
        self.cdp("Network.enable", json!({})).await?;
        let conditions = json!({
            "offline": offline,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": -1,
        });
        self.cdp("Network.emulateNetworkConditions", conditions)
            .await?;
        Ok(())
    }

    /// Why Chromium would not offer to install the app (`Page.getInstallabilityErrors`);
    /// empty when it is installable.
    pub async fn installability_errors(&self) -> Result<Vec<Value>> {
        let answer = self.cdp("Page.getInstallabilityErrors", json!({})).await?;
        match answer.get("installabilityErrors") {
            Some(Value::Array(errors)) => Ok(errors.clone()),
            _ => bail!("unexpected Page.getInstallabilityErrors answer: {answer}"),
        }
    }

    /// Waits until a service worker controls the page.
    pub async fn wait_for_service_worker_control(&self) -> Result<()> {
        let script = "return !!(navigator.serviceWorker && navigator.serviceWorker.controller);";
        poll("a service worker to control the page", || async {
            Ok((self.execute(script, vec![]).await? == json!(true)).then_some(()))
        })
        .await
    }

    /// The console messages logged since the last call, one per line (for failure reports).
    pub async fn console_log(&self) -> Result<String> {
        let entries = self.client.issue_cmd(SessionCommand::browser_log()).await?;
        let lines: Vec<String> = entries
            .as_array()
            .ok_or_else(|| anyhow!("unexpected log answer: {entries}"))?
            .iter()
            .map(|entry| format!("{} {}", entry["level"], entry["message"]))
            .collect();
        Ok(lines.join("\n"))
    }

    /// Runs `journey` on this browser, then closes it. When the journey fails, the screen
    /// is kept as `failed-<name>.png` (see [`Browser::save_screenshot`]) and the browser's
    /// console is printed beside the error.
    pub async fn run<F, T>(self, name: &str, journey: F) -> Result<T>
    where
        F: AsyncFnOnce(&Browser) -> Result<T>,
    {
        let outcome = journey(&self).await;
        if outcome.is_err() {
            let _ = self.save_screenshot(&format!("failed-{name}")).await;
            if let Ok(log) = self.console_log().await {
                eprintln!("{name}: browser console:\n{log}");
            }
        }
        self.close().await?;
        outcome
    }

    /// Keeps a PNG of what the screen shows now as `target/e2e-screenshots/<name>.png`, the
    /// record a test leaves of a screen it checked.
    pub async fn save_screenshot(&self, name: &str) -> Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let dir = crate::target_dir().join("e2e-screenshots");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Ends the session, then chromedriver and Chromium.
    pub async fn close(self) -> Result<()> {
        // Drop kills the process group even when the session does not end cleanly.
        self.client.clone().close().await?;
        Ok(())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        kill_group(&mut self.driver);
    }
}

/// Owns chromedriver until the session is open.
struct DriverGuard(Option<Child>);

impl DriverGuard {
    fn release(mut self) -> Child {
        self.0.take().expect("released once")
    }
}

impl Drop for DriverGuard {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            kill_group(child);
        }
    }
}

/// Kills chromedriver's process group (Chromium and its helpers are in it). The `--`
/// matters: without it `kill -KILL -PGID` takes the group for an option and does nothing.
fn kill_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    let _ = Command::new("kill")
        .args(["-KILL", "--", &group])
        .stderr(Stdio::null())
        .status();
    let _ = child.wait();
}

fn capabilities(profile: &TempDir) -> serde_json::Map<String, Value> {
    let mut args: Vec<String> = HEADLESS_ARGS.iter().map(|arg| arg.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.path().display()));
    args.push(WINDOW_SIZE.into());
    args.push("--lang=id".into());
    let mut options = json!({ "args": args });
    if let Ok(binary) = std::env::var("CHROME_BIN") {
        options["binary"] = json!(binary);
    }
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": options,
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    match caps {
        Value::Object(map) => map,
        _ => unreachable!("built as an object"),
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
