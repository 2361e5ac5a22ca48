//! Issue #20, a stateless worker: one step migrates a store (`gugus-worker migrate`, or
//! the one worker of a SQLite file); every other instance opens it checking only, so
//! nothing it does at start changes the schema or takes the writers' lock. A store not
//! ready for the worker is refused with what is missing and the command to run.

use crate::common::TestServer;
use gugus_model::api::Role;
use gugus_worker::config::DatabaseUrl;
use gugus_worker::store::{self, Startup};
use reqwest_native::StatusCode;

crate::on_both_backends!(an_instance_opens_a_migrated_store_and_refuses_an_unready_one);

/// The refusal of opening `url` checking only, as text.
async fn refusal(url: &str) -> anyhow::Result<String> {
    match store::open(&DatabaseUrl::parse(url)?, Startup::Check).await {
        Ok(_) => anyhow::bail!("{url} opened, but it is not ready"),
        Err(error) => Ok(error.to_string()),
    }
}

/// An empty database beside the server's: a new SQLite file, or a new PostgreSQL schema
/// (`search_path`) on the same server; its URL, and the schema to drop after.
async fn empty_beside(server: &TestServer) -> anyhow::Result<(String, Option<String>)> {
    if server.url.starts_with("sqlite:") {
        let path = server.url.replace("gugus.db", "empty.db");
        return Ok((path, None));
    }
    let (_, tail) = server
        .url
        .split_once("search_path%3D")
        .ok_or_else(|| anyhow::anyhow!("a scoped URL: {}", server.url))?;
    let schema = tail.split('&').next().unwrap_or(tail).to_owned();
    let empty = format!("{schema}_empty");
    server.raw_sql(&format!("CREATE SCHEMA {empty}")).await?;
    Ok((server.url.replace(&schema, &empty), Some(empty)))
}

async fn an_instance_opens_a_migrated_store_and_refuses_an_unready_one(
    server: &TestServer,
) -> anyhow::Result<()> {
    // Nothing migrated: refused, and the empty database is left as it was.
    let (empty, schema) = empty_beside(server).await?;
    let refused = refusal(&empty).await;
    let still_empty = match &schema {
        Some(schema) => server
            .raw_sql(&format!("DROP SCHEMA {schema}"))
            .await
            .map(|()| true)?,
        None => {
            let pool = sqlx::SqlitePool::connect(&empty).await?;
            let (tables,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'")
                    .fetch_one(&pool)
                    .await?;
            pool.close().await;
            tables == 0
        }
    };
    let refused = refused?;
    assert!(refused.contains("gugus-worker migrate"), "{refused}");
    assert!(refused.contains("migration 1 is not applied"), "{refused}");
    // (A PostgreSQL schema that `DROP SCHEMA` without CASCADE drops holds no table.)
    assert!(still_empty, "checking created nothing");

    // The server's store was migrated as it started: a second instance opens it checking
    // only and serves it.
    let second = server.second_process().await?;
    let officer = second.user("petugas", Role::Officer).await?;
    let (status, body) = second.get("/agencies", Some(&officer.token)).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    drop(second);

    // What a migration fills counts as the migration: a store whose rollups were never
    // filled is refused, and migrating fills them.
    server
        .raw_sql("DELETE FROM fact_backfills WHERE name = '0008_rollups'")
        .await?;
    let refused = refusal(&server.url).await?;
    assert!(refused.contains("the rollups are not filled"), "{refused}");
    store::connect(&DatabaseUrl::parse(&server.url)?).await?;
    store::open(&DatabaseUrl::parse(&server.url)?, Startup::Check).await?;

    // A store newer than the worker (a later migration applied) is refused too: an older
    // instance left running must not write under a schema it does not know.
    let checksum = match server.url.starts_with("sqlite:") {
        true => "x'00'",
        false => "'\\x00'::bytea",
    };
    server
        .raw_sql(&format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (99990101, 'from a newer worker', TRUE, {checksum}, 0)"
        ))
        .await?;
    let refused = refusal(&server.url).await?;
    assert!(refused.contains("older than the database"), "{refused}");
    server
        .raw_sql("DELETE FROM _sqlx_migrations WHERE version = 99990101")
        .await?;
    Ok(())
}

/// A deployment's PostgreSQL may require TLS (RDS does by default, `rds.force_ssl`): the
/// worker connects over TLS when its URL asks for it (`sslmode=require`, or `verify-full`
/// with `sslrootcert`), and the server sees every one of its connections encrypted. The
/// test's server has TLS on (Debian's PostgreSQL with its own certificate); one without it
/// refuses `sslmode=require`, which is said, not skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connections_are_encrypted_when_the_url_asks() -> anyhow::Result<()> {
    let Some(server) = TestServer::start(crate::common::Backend::Postgres).await? else {
        return Ok(());
    };
    server
        .run(|server| async move {
            let name = format!("gugus_tls_{}", std::process::id());
            let url = format!("{}&sslmode=require&application_name={name}", server.url);
            let store = store::open(&DatabaseUrl::parse(&url)?, Startup::Check)
                .await
                .map_err(|error| {
                    anyhow::anyhow!("the test's PostgreSQL must have TLS on: {error}")
                })?;
            // A request through the store, so that a connection is open while counted.
            assert!(store.user_credentials("nobody").await?.is_none());
            let admin = sqlx::PgPool::connect(&server.url).await?;
            let (plain, encrypted): (i64, i64) = sqlx::query_as(
                "SELECT count(*) FILTER (WHERE NOT s.ssl), count(*) FILTER (WHERE s.ssl)
                 FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
                 WHERE a.application_name = $1",
            )
            .bind(&name)
            .fetch_one(&admin)
            .await?;
            admin.close().await;
            assert_eq!(plain, 0, "a connection of the store is not encrypted");
            assert!(encrypted >= 1, "no connection of the store was seen");
            drop(store);
            Ok(())
        })
        .await
}
