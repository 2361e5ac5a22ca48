//! The worker on PostgreSQL as its least-privilege role (`worker/sql/postgres-worker-role.sql`):
//! it serves everything, but cannot rewrite the audit trail, switch its triggers off or
//! change the schema; and on a schema its owner has not migrated it says what to run.

use crate::audit::case_with_identity;
use crate::common::{Backend, TestServer};
use anyhow::{bail, Context};
use gugus_model::api::Role;
use reqwest_native::{StatusCode, Url};
use serde_json::json;
use sqlx::postgres::PgPoolOptions;
use uuid::Uuid;

/// The script as the docs give it.
const SCRIPT: &str = include_str!("../../sql/postgres-worker-role.sql");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_serves_as_a_role_that_may_only_append_to_the_trail() -> anyhow::Result<()> {
    let Some(server) = TestServer::start(Backend::Postgres).await? else {
        return Ok(());
    };
    server
        .run(|s| async move { least_privilege(&s).await })
        .await
}

/// The test's schema, from its URL's `search_path`.
fn schema_of(url: &str) -> anyhow::Result<String> {
    let (_, tail) = url.split_once("search_path%3D").context("a scoped URL")?;
    Ok(tail.split('&').next().unwrap_or(tail).to_owned())
}

/// `url` logging in as `role`.
fn as_role(url: &str, role: &str) -> anyhow::Result<String> {
    let mut url = Url::parse(url)?;
    url.set_username(role).ok().context("a user in the URL")?;
    url.set_password(None).ok().context("no password")?;
    Ok(url.to_string())
}

/// The script's statements for `schema` and `role`, as `psql -v` would run them.
fn statements(schema: &str, role: &str) -> Vec<String> {
    let text: String = SCRIPT
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace(":\"schema\"", &format!("\"{schema}\""))
        .replace(":\"role\"", &format!("\"{role}\""));
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn least_privilege(server: &TestServer) -> anyhow::Result<()> {
    let schema = schema_of(&server.url)?;
    let role = format!(
        "gugus_worker_{}",
        &Uuid::new_v4().simple().to_string()[..12]
    );
    server
        .raw_sql(&format!(
            "CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
        ))
        .await?;
    let outcome = serve_as(server, &schema, &role).await;
    // The role goes whatever happened (roles outlive the test's schema).
    server.raw_sql(&format!("DROP OWNED BY {role}")).await?;
    server.raw_sql(&format!("DROP ROLE {role}")).await?;
    outcome
}

async fn serve_as(server: &TestServer, schema: &str, role: &str) -> anyhow::Result<()> {
    // On a schema its owner has not migrated, the role is told what to run.
    let empty = format!("{schema}_empty");
    server.raw_sql(&format!("CREATE SCHEMA {empty}")).await?;
    server
        .raw_sql(&format!("GRANT USAGE ON SCHEMA {empty} TO {role}"))
        .await?;
    let behind = as_role(&server.url.replace(schema, &empty), role)?;
    let refused = gugus_worker::store::connect(&gugus_worker::config::DatabaseUrl::parse(&behind)?)
        .await
        .err()
        .map(|e| e.to_string());
    server
        .raw_sql(&format!("DROP SCHEMA {empty} CASCADE"))
        .await?;
    let refused = refused.context("a role that may not migrate starts on an empty schema")?;
    assert!(refused.contains("gugus-worker migrate"), "{refused}");

    // The owner migrated the test's schema (TestServer::start); the grants, as documented.
    for statement in statements(schema, role) {
        server.raw_sql(&statement).await?;
    }
    let url = as_role(&server.url, role)?;
    let worker = server.process_at(&url).await?;

    // Everything the worker does, it does as the role: accounts, logins, pushes, pulls,
    // figures, and the trail of all of them.
    let officer = worker.user("petugas", Role::Officer).await?;
    let supervisor = worker.user("ketua", Role::Supervisor).await?;
    let (_, identity_id, _) = case_with_identity(&worker, &officer).await?;
    let pulled = worker.pull_all(&supervisor).await?;
    assert!(pulled.iter().any(|r| r["id"] == json!(identity_id)));
    let (status, figures) = worker
        .get("/stats?period=2026", Some(&supervisor.token))
        .await?;
    assert_eq!(status, StatusCode::OK, "{figures}");
    let (status, trail) = worker
        .get("/audit?limit=500", Some(&supervisor.token))
        .await?;
    assert_eq!(status, StatusCode::OK, "{trail}");
    let actions: Vec<&str> = trail["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in ["login", "mutation", "identity_read"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }

    // What the role may not do, straight on the database.
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await?;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&pool)
        .await?;
    assert!(before >= 6, "the role reads the trail: {before}");
    for statement in [
        "UPDATE audit_log SET detail = '{}'::jsonb",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "SET session_replication_role = replica",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
        "DROP TRIGGER audit_log_no_change ON audit_log",
        "ALTER TABLE audit_log ALTER COLUMN detail DROP NOT NULL",
        "CREATE TABLE shadow (id int)",
        "DELETE FROM _sqlx_migrations",
    ] {
        match sqlx::query(statement).execute(&pool).await {
            Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("42501") => {}
            other => bail!("{statement}: {other:?}, where permission is denied"),
        }
    }
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, action, detail) VALUES (0, NULL, 'login', '{}')",
    )
    .execute(&pool)
    .await
    .context("the role appends to the trail")?;
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&pool)
        .await?;
    assert_eq!(after, before + 1);
    pool.close().await;
    Ok(())
}
