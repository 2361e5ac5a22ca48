//! The test harness: the real router on 127.0.0.1:0 over a fresh database (a temporary
//! SQLite file, or a fresh PostgreSQL schema), and an HTTP client to talk to it.
#![allow(dead_code)]

use anyhow::{bail, Context};
use gugus_model::api::{Role, UserInfo};
use gugus_worker::config::DatabaseUrl;
use gugus_worker::store::{self, Store};
use gugus_worker::{auth, server, AppState};
use reqwest_native::{Client, StatusCode};
use serde_json::{json, Value};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use uuid::Uuid;
#[path = "../../../tests/src/skipped.rs"]
mod skipped;
use skipped::record_skip;

/// The password every test account gets.
pub const PASSWORD: &str = "kata-sandi-ujian";

/// Which store a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running worker over a fresh database.
pub struct TestServer {
    pub base: String,
    /// The database URL (PostgreSQL: scoped to the test's schema).
    pub url: String,
    pub client: Client,
    pub store: Arc<dyn Store>,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: Option<tempfile::TempDir>,
    schema: Option<(PgPool, String)>,
}

fn postgres_url() -> String {
    std::env::var("GUGUS_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Why PostgreSQL was unreachable, once a test has found out (the others skip at once).
static UNREACHABLE: Mutex<Option<String>> = Mutex::new(None);

/// The URL without its credentials, for messages.
fn shown(url: &str) -> &str {
    url.rsplit_once('@').map_or(url, |(_, host)| host)
}

/// A fresh schema on the test PostgreSQL, or `None` (skip) when it is unreachable outside CI.
async fn fresh_schema() -> anyhow::Result<Option<(PgPool, String, String)>> {
    let url = postgres_url();
    let known_failure = UNREACHABLE.lock().ok().and_then(|known| known.clone());
    let admin = match known_failure {
        Some(error) => Err(error),
        None => PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(3))
            .connect(&url)
            .await
            .map_err(|error| error.to_string()),
    };
    let admin = match admin {
        Ok(pool) => pool,
        Err(error) => {
            if let Ok(mut known) = UNREACHABLE.lock() {
                *known = Some(error.clone());
            }
            if std::env::var("CI").as_deref() == Ok("true") {
                bail!(
                    "PostgreSQL not reachable at {} (CI=true): {error}",
                    shown(&url)
                );
            }
            println!(
                "SKIPPED: PostgreSQL not reachable at {}: {error}",
                shown(&url)
            );
            record_skip(&format!(
                "PostgreSQL not reachable at {}: {error}",
                shown(&url)
            ));
            return Ok(None);
        }
    };
    let schema = format!("gugus_test_{}", Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await?;
    let separator = if url.contains('?') { '&' } else { '?' };
    let scoped = format!("{url}{separator}options=-c%20search_path%3D{schema}");
    Ok(Some((admin, schema, scoped)))
}

/// Serves the real router over `store` on a free port of 127.0.0.1: its API's base URL,
/// and the switch that stops it (dropping it stops it too).
async fn serve(store: Arc<dyn Store>) -> anyhow::Result<(String, oneshot::Sender<()>)> {
    let app = server::router(AppState::new(store), None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/api/v1", listener.local_addr()?);
    let (shutdown, stop) = oneshot::channel::<()>();
    tokio::spawn(server::serve(listener, app, async {
        let _ = stop.await;
    }));
    Ok((base, shutdown))
}

impl TestServer {
    /// Starts a worker over a fresh database; `None` when PostgreSQL is skipped.
    pub async fn start(backend: Backend) -> anyhow::Result<Option<TestServer>> {
        let (url, dir, schema) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir()?;
                let path = dir.path().join("db").join("gugus.db");
                (format!("sqlite://{}", path.display()), Some(dir), None)
            }
            Backend::Postgres => match fresh_schema().await? {
                Some((admin, schema, url)) => (url, None, Some((admin, schema))),
                None => return Ok(None),
            },
        };
        let store = store::connect(&DatabaseUrl::parse(&url)?).await?;
        let database_url = url.clone();
        let (base, shutdown) = serve(store.clone()).await?;
        Ok(Some(TestServer {
            base,
            url: database_url,
            client: Client::new(),
            store,
            shutdown: Some(shutdown),
            _dir: dir,
            schema,
        }))
    }

    /// Another handle on the same worker, for spawned tasks; dropping it stops nothing.
    pub fn attach(&self) -> TestServer {
        TestServer {
            base: self.base.clone(),
            url: self.url.clone(),
            client: self.client.clone(),
            store: self.store.clone(),
            shutdown: None,
            _dir: None,
            schema: None,
        }
    }

    /// A second worker over the same database, as another worker process would be (its
    /// own store connections and port); it stops when dropped.
    pub async fn second_process(&self) -> anyhow::Result<TestServer> {
        self.process_at(&self.url).await
    }

    /// Another worker over the same database reached by `url` (another role's, say); it
    /// stops when dropped. It opens the store as one of several instances does (issue
    /// #20): checking that it is migrated, changing nothing.
    pub async fn process_at(&self, url: &str) -> anyhow::Result<TestServer> {
        let store = store::open(&DatabaseUrl::parse(url)?, store::Startup::Check).await?;
        let (base, shutdown) = serve(store.clone()).await?;
        Ok(TestServer {
            base,
            url: url.to_owned(),
            client: self.client.clone(),
            store,
            shutdown: Some(shutdown),
            _dir: None,
            schema: None,
        })
    }

    /// Runs a story, then stops the worker and drops its database even when the story
    /// failed or panicked.
    pub async fn run<F, Fut>(self, story: F) -> anyhow::Result<()>
    where
        F: FnOnce(Arc<TestServer>) -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let outcome = tokio::spawn(story(Arc::new(self.attach()))).await;
        self.finish().await?;
        match outcome {
            Ok(result) => result,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => Err(error.into()),
        }
    }

    /// Stops the worker and drops the PostgreSQL schema.
    pub async fn finish(mut self) -> anyhow::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some((admin, schema)) = self.schema.take() {
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&admin)
                .await?;
        }
        Ok(())
    }

    /// Runs one SQL statement straight on the test's database, past the worker (to prove
    /// what the database itself refuses).
    pub async fn raw_sql(&self, statement: &str) -> anyhow::Result<()> {
        if self.url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(&self.url).await?;
            sqlx::query(statement).execute(&pool).await?;
            pool.close().await;
        } else {
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .connect(&self.url)
                .await?;
            sqlx::query(statement).execute(&pool).await?;
            pool.close().await;
        }
        Ok(())
    }

    /// Adds an account with [`PASSWORD`].
    pub async fn add_user(&self, username: &str, role: Role) -> anyhow::Result<UserInfo> {
        let name = format!("Pengguna {username}");
        Ok(auth::add_user(self.store.as_ref(), username, &name, role, PASSWORD).await?)
    }

    /// Adds an account and logs it in from a new device: (token, device id, user).
    pub async fn user(&self, username: &str, role: Role) -> anyhow::Result<Device> {
        let user = self.add_user(username, role).await?;
        self.device(&user).await
    }

    /// Logs an existing account in from a new device.
    pub async fn device(&self, user: &UserInfo) -> anyhow::Result<Device> {
        let device_id = Uuid::now_v7();
        let body = json!({"username": user.username, "password": PASSWORD, "device_id": device_id});
        let (status, answer) = self.post("/login", None, &body).await?;
        if status != StatusCode::OK {
            bail!("login failed: {status} {answer}");
        }
        let token = answer["token"].as_str().context("token")?.to_owned();
        Ok(Device {
            token,
            device_id,
            user: user.clone(),
        })
    }

    /// POSTs JSON; answers the status and the JSON body (`null` when empty).
    pub async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> anyhow::Result<(StatusCode, Value)> {
        self.post_raw(path, token, serde_json::to_vec(body)?).await
    }

    /// POSTs raw bytes as JSON.
    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        answer(request.send().await?).await
    }

    /// PUTs JSON; answers the status and the JSON body.
    pub async fn put(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let mut request = self.client.put(format!("{}{path}", self.base)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        answer(request.send().await?).await
    }

    /// GETs; answers the status and the JSON body.
    pub async fn get(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        answer(request.send().await?).await
    }
}

async fn answer(response: reqwest_native::Response) -> anyhow::Result<(StatusCode, Value)> {
    let status = response.status();
    let bytes = response.bytes().await?;
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .with_context(|| format!("{status}: not JSON: {}", String::from_utf8_lossy(&bytes)))?
    };
    Ok((status, body))
}

/// A logged-in device.
#[derive(Debug, Clone)]
pub struct Device {
    pub token: String,
    pub device_id: Uuid,
    pub user: UserInfo,
}

/// Asserts the JSON error shape and code of a non-2xx answer.
pub fn assert_error(answer: &(StatusCode, Value), status: StatusCode, code: &str) {
    let (got, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "a message: {body}");
}

/// Runs one story against one backend over a fresh database.
#[macro_export]
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() -> anyhow::Result<()> {
                    let server = $crate::common::TestServer::start($crate::common::Backend::Sqlite)
                        .await?
                        .expect("SQLite always runs");
                    server.run(|s| async move { super::$story(&s).await }).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() -> anyhow::Result<()> {
                    let Some(server) =
                        $crate::common::TestServer::start($crate::common::Backend::Postgres).await?
                    else {
                        return Ok(());
                    };
                    server.run(|s| async move { super::$story(&s).await }).await
                }
            )*
        }
    };
}

pub mod records;
