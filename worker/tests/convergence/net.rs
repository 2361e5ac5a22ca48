//! The worker as the simulation runs it (start, stop, restart on the same SQLite file)
//! and the HTTP calls the devices make.

use super::world::Device;
use anyhow::{bail, Context};
use gugus_model::api::Role;
use gugus_model::device::DeviceState;
use gugus_model::sync::{PullRequest, PullResponse, PushRequest, PushResponse};
use gugus_worker::auth;
use gugus_worker::config::DatabaseUrl;
use gugus_worker::store::{self, Store};
use gugus_worker::store::{NewSession, NewUser};
use gugus_worker::{server, AppState};
use reqwest_native::{Client, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// A running worker.
pub struct Worker {
    /// `http://127.0.0.1:PORT/api/v1`.
    pub base: String,
    /// Its store (for the conflict log and accounts).
    pub store: Arc<dyn Store>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Worker {
    /// Opens the store at `url` (creating it the first time) and serves it on a free port.
    pub async fn start(url: &str) -> anyhow::Result<Worker> {
        let store = store::connect(&DatabaseUrl::parse(url)?).await?;
        let app = server::router(AppState::new(store.clone()), None);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}/api/v1", listener.local_addr()?);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server::serve(listener, app, async {
            let _ = stopped.await;
        }));
        Ok(Worker {
            base,
            store,
            stop,
            task,
        })
    }

    /// Stops serving and lets go of the store.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .context("the worker did not stop")???;
        drop(self.store);
        Ok(())
    }
}

/// What a push request got from the server.
#[derive(Debug)]
pub enum PushAnswer {
    /// 200.
    Taken(PushResponse),
    /// 409 `mutation_gap`.
    Gap(u64),
}

/// Sends a push; any answer but 200 and 409 `mutation_gap` is a failure of the test.
pub async fn push(
    client: &Client,
    base: &str,
    token: &str,
    request: &PushRequest,
) -> anyhow::Result<PushAnswer> {
    let (status, body) = post(client, base, "/sync/push", token, request).await?;
    match status {
        StatusCode::OK => Ok(PushAnswer::Taken(serde_json::from_value(body)?)),
        StatusCode::CONFLICT if body["error"]["code"] == "mutation_gap" => {
            let expected = body["expected"].as_u64().context("expected")?;
            Ok(PushAnswer::Gap(expected))
        }
        _ => bail!("push answered {status}: {body}"),
    }
}

/// Sends a pull; any answer but 200 is a failure of the test.
pub async fn pull(
    client: &Client,
    base: &str,
    token: &str,
    request: &PullRequest,
) -> anyhow::Result<PullResponse> {
    let (status, body) = post(client, base, "/sync/pull", token, request).await?;
    if status != StatusCode::OK {
        bail!("pull answered {status}: {body}");
    }
    decode(body)
}

fn decode<T: DeserializeOwned>(body: serde_json::Value) -> anyhow::Result<T> {
    Ok(serde_json::from_value(body)?)
}

async fn post(
    client: &Client,
    base: &str,
    path: &str,
    token: &str,
    body: &impl Serialize,
) -> anyhow::Result<(StatusCode, serde_json::Value)> {
    let response = client
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .with_context(|| format!("POST {path}"))?;
    let status = response.status();
    let body = response.json().await.context("a JSON answer")?;
    Ok((status, body))
}

/// An account with a session on a new device, made straight in the store (no password
/// hashing: hundreds of seeds log in five times each).
pub async fn account(worker: &Worker, username: &str, role: Role) -> anyhow::Result<Device> {
    let user_id = Uuid::now_v7();
    let user = NewUser {
        id: user_id,
        username: username.into(),
        name: format!("Pengguna {username}"),
        role,
        password_hash: "not-a-hash".into(),
        agency: String::new(),
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
