//! chromedriver's own endpoints, which fantoccini has no method for: raw Chrome DevTools
//! Protocol commands (`POST /session/{id}/goog/cdp/execute`, forwarded to the session's
//! page target) and the browser console log (`POST /session/{id}/se/log`).

use fantoccini::wd::WebDriverCompatibleCommand;
use http::Method;
use serde_json::{json, Value};
use url::{ParseError, Url};

/// A POST to an endpoint under the session, with a JSON body.
#[derive(Debug)]
pub struct SessionCommand {
    path: &'static str,
    body: Value,
}

impl SessionCommand {
    /// One CDP command, e.g. `Page.getInstallabilityErrors` with `{}`.
    pub fn cdp(cmd: &str, params: Value) -> SessionCommand {
        SessionCommand {
            path: "goog/cdp/execute",
            body: json!({ "cmd": cmd, "params": params }),
        }
    }

    /// The browser's console messages since the last call (needs `goog:loggingPrefs`).
    pub fn browser_log() -> SessionCommand {
        SessionCommand {
            path: "se/log",
            body: json!({ "type": "browser" }),
        }
    }
}

impl WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, ParseError> {
        // fantoccini issues commands only within a session; were there none, chromedriver
        // would answer "invalid session id", which is the right report.
        let session = session_id.unwrap_or("none");
        base_url.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _request_url: &Url) -> (Method, Option<String>) {
        (Method::POST, Some(self.body.to_string()))
    }
}
