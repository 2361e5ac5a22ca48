//! A fresh PostgreSQL database for one run of the real worker binary, dropped after (or,
//! for a benchmark's loaded data, kept for the next run).
//!
//! The server is the one of `GUGUS_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/test`). When it is unreachable, a run prints
//! `SKIPPED` and passes, except with `CI=true`, where it fails (as the worker's tests do).

use crate::skipped::record_skip;
use anyhow::{bail, Result};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::time::Duration;
use url::Url;
use uuid::Uuid;

/// A database created for one run.
pub struct FreshDatabase {
    admin: PgPool,
    name: String,
    /// The database's URL, for `--database-url`.
    pub url: String,
}

fn server_url() -> String {
    std::env::var("GUGUS_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// The URL without its credentials, for messages.
fn shown(url: &str) -> &str {
    url.rsplit_once('@').map_or(url, |(_, host)| host)
}

impl FreshDatabase {
    /// Creates `PREFIX_<uuid>` on the test server; `None` (skip) when it is unreachable
    /// outside CI.
    pub async fn create(prefix: &str) -> Result<Option<FreshDatabase>> {
        let name = format!("{prefix}_{}", Uuid::new_v4().simple());
        FreshDatabase::open(&name, true).await
    }

    /// The database `name` on the test server, kept after the run: as it is when `reuse`,
    /// else dropped and created empty. `None` (skip) when the server is unreachable
    /// outside CI.
    pub async fn kept(name: &str, reuse: bool) -> Result<Option<FreshDatabase>> {
        FreshDatabase::open(name, !reuse).await
    }

    async fn open(name: &str, create: bool) -> Result<Option<FreshDatabase>> {
        let url = server_url();
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(3))
            .connect(&url)
            .await;
        let admin = match admin {
            Ok(pool) => pool,
            Err(error) if std::env::var("CI").as_deref() == Ok("true") => {
                bail!(
                    "PostgreSQL not reachable at {} (CI=true): {error}",
                    shown(&url)
                )
            }
            Err(error) => {
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
        if create {
            for statement in [
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                format!("CREATE DATABASE {name}"),
            ] {
                sqlx::query(&statement).execute(&admin).await?;
            }
        }
        let mut database_url = Url::parse(&url)?;
        database_url.set_path(&format!("/{name}"));
        Ok(Some(FreshDatabase {
            admin,
            name: name.into(),
            url: database_url.to_string(),
        }))
    }

    /// Drops the database, closing whatever connections are still open to it.
    pub async fn drop_database(self) -> Result<()> {
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&self.admin)
        .await?;
        self.admin.close().await;
        Ok(())
    }
}
