//! `gugus-lambda`: the worker's API (`gugus_worker::server::router`, the same router as
//! `gugus-worker serve`) as an AWS Lambda function behind a function URL (issue #20).
//!
//! A function instance serves one request at a time, from PostgreSQL only, and never
//! migrates: `gugus-worker migrate` readies the database before the function is deployed,
//! and a cold start only checks it (`store::Startup::Check`). Static files come from
//! elsewhere (S3 and CloudFront), so the router has none. `docs/api.md`, "The Lambda
//! function".
#![forbid(unsafe_code)]

use anyhow::{bail, Context};
use axum::extract::ConnectInfo;
use gugus_worker::config::DatabaseUrl;
use gugus_worker::edge::{Edge, Proxy};
use gugus_worker::store::{self, PgPoolSize, Startup};
use gugus_worker::{server, AppState};
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// The connections an instance keeps by default (`GUGUS_DB_MAX_CONNECTIONS`): one for the
/// request it serves, and one more for the rare query made beside the request's
/// transaction.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 2;
/// How long a request waits for a connection: an instance's pool is never busy with other
/// requests, so a wait means the database is unreachable or full.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an idle connection stays open: an instance that gets no request for a minute
/// gives its connections back to the database, which many instances share.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// What the function reads from its environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `DATABASE_URL`: a `postgres://` URL (required).
    pub database_url: String,
    /// `GUGUS_DB_MAX_CONNECTIONS` (default [`DEFAULT_MAX_CONNECTIONS`]).
    pub max_connections: u32,
    /// `GUGUS_TRUSTED_PROXIES` and `GUGUS_HTTPS`, as for `gugus-worker serve`.
    pub edge: Edge,
}

impl Settings {
    /// The settings from the process's environment.
    pub fn from_env() -> anyhow::Result<Settings> {
        Settings::from_vars(|name| std::env::var(name).ok())
    }

    /// The settings from `var` (a variable's value by its name, `None` when unset).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Settings> {
        let Some(url) = var("DATABASE_URL").filter(|url| !url.trim().is_empty()) else {
            bail!("DATABASE_URL is not set: the function needs a postgres:// URL");
        };
        let database_url = match DatabaseUrl::parse(&url).context("DATABASE_URL")? {
            DatabaseUrl::Postgres(url) => url,
            DatabaseUrl::Sqlite(_) => bail!(
                "DATABASE_URL is a sqlite:// URL: the function serves from PostgreSQL only \
                 (its instances share no disk); give it a postgres:// URL"
            ),
        };
        let max_connections = match var("GUGUS_DB_MAX_CONNECTIONS") {
            None => DEFAULT_MAX_CONNECTIONS,
            Some(text) => text
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .with_context(|| {
                    format!("GUGUS_DB_MAX_CONNECTIONS must be a whole number from 1 (got {text:?})")
                })?,
        };
        let https = match var("GUGUS_HTTPS") {
            None => false,
            Some(text) => parse_flag(&text)
                .with_context(|| format!("GUGUS_HTTPS must be true or false (got {text:?})"))?,
        };
        let trusted_proxies = match var("GUGUS_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(text) => text
                .split(',')
                .filter(|part| !part.trim().is_empty())
                .map(str::parse::<Proxy>)
                .collect::<Result<_, _>>()
                .context("GUGUS_TRUSTED_PROXIES")?,
        };
        Ok(Settings {
            database_url,
            max_connections,
            edge: Edge {
                trusted_proxies,
                https,
            },
        })
    }

    /// The instance's pool: at most [`Settings::max_connections`], none kept open when idle.
    pub fn pool(&self) -> PgPoolSize {
        PgPoolSize {
            max_connections: self.max_connections,
            min_connections: 0,
            acquire_timeout: ACQUIRE_TIMEOUT,
            idle_timeout: Some(IDLE_TIMEOUT),
        }
    }
}

/// A flag's value as clap reads `gugus-worker serve`'s from the environment: `true`, `1`,
/// `yes`, `on` or `false`, `0`, `no`, `off`, `` (any case).
fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "on" => Some(true),
        "false" | "0" | "no" | "n" | "off" | "" => Some(false),
        _ => None,
    }
}

/// The function's router: the store opened checking only (a cold start never migrates),
/// the API of `gugus-worker serve` over it, no static files.
pub async fn app(settings: &Settings) -> anyhow::Result<axum::Router> {
    let store = store::open_postgres(&settings.database_url, Startup::Check, settings.pool())
        .await
        .context("cannot open the postgres store")?;
    Ok(server::router(
        AppState::with_edge(store, settings.edge.clone()),
        None,
    ))
}

/// The address the request came from, as the function URL saw it (the request context's
/// `sourceIp`); `None` when the event carries none.
pub fn source_ip(request: &Request) -> Option<IpAddr> {
    match request.request_context_ref()? {
        RequestContext::ApiGatewayV2(context) => context.http.source_ip.as_deref()?.parse().ok(),
        // Only the HTTP API's events are compiled in (a function URL sends those).
        _ => None,
    }
}

/// Gives the request its client's address as `gugus-worker serve` gives each request its
/// connection's peer (`ConnectInfo`), which the login limits and the audit trail read
/// (through `GUGUS_TRUSTED_PROXIES` as the binary's).
pub fn with_client_addr(mut request: Request) -> Request {
    if let Some(ip) = source_ip(&request) {
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(ip, 0)));
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_vars(|name| vars.get(name).cloned())
    }

    const PG: (&str, &str) = ("DATABASE_URL", "postgres://gugus:secret@db.internal/gugus");

    fn error(vars: &[(&str, &str)]) -> String {
        match settings(vars) {
            Ok(settings) => panic!("accepted: {settings:?}"),
            Err(error) => format!("{error:#}"),
        }
    }

    #[test]
    fn a_postgres_url_alone_gives_the_defaults() {
        let settings = settings(&[PG]).expect("valid");
        assert_eq!(settings.database_url, PG.1);
        assert_eq!(settings.max_connections, DEFAULT_MAX_CONNECTIONS);
        assert_eq!(settings.edge, Edge::default());
        let pool = settings.pool();
        assert_eq!(pool.max_connections, 2);
        assert_eq!(pool.min_connections, 0);
        assert_eq!(pool.acquire_timeout, ACQUIRE_TIMEOUT);
        assert_eq!(pool.idle_timeout, Some(IDLE_TIMEOUT));
        // The binary's pool is not the function's.
        assert_ne!(PgPoolSize::default(), pool);
    }

    #[test]
    fn the_store_must_be_postgres() {
        assert!(error(&[]).contains("DATABASE_URL is not set"));
        assert!(error(&[("DATABASE_URL", " ")]).contains("DATABASE_URL is not set"));
        let sqlite = error(&[("DATABASE_URL", "sqlite://data/gugus.db")]);
        assert!(sqlite.contains("PostgreSQL only"), "{sqlite}");
        let other = error(&[("DATABASE_URL", "mysql://db/gugus")]);
        assert!(other.contains("sqlite:// or postgres://"), "{other}");
        let url = ("DATABASE_URL", "postgresql://db/gugus");
        assert_eq!(settings(&[url]).expect("valid").database_url, url.1);
    }

    #[test]
    fn the_pool_size_is_a_whole_number_from_one() {
        let size = |n| settings(&[PG, ("GUGUS_DB_MAX_CONNECTIONS", n)]);
        assert_eq!(size("4").expect("valid").pool().max_connections, 4);
        assert_eq!(size(" 1 ").expect("valid").max_connections, 1);
        for bad in ["0", "-1", "two", ""] {
            let error = format!("{:#}", size(bad).expect_err(bad));
            assert!(error.contains("GUGUS_DB_MAX_CONNECTIONS"), "{error}");
        }
    }

    #[test]
    fn https_and_trusted_proxies_read_as_the_binary_reads_them() {
        for (text, https) in [("true", true), ("1", true), ("false", false), ("", false)] {
            let settings = settings(&[PG, ("GUGUS_HTTPS", text)]).expect(text);
            assert_eq!(settings.edge.https, https, "{text}");
        }
        assert!(error(&[PG, ("GUGUS_HTTPS", "maybe")]).contains("GUGUS_HTTPS"));
        let proxies = settings(&[PG, ("GUGUS_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1,")])
            .expect("valid")
            .edge
            .trusted_proxies;
        let shown: Vec<String> = proxies.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["10.0.0.0/8", "127.0.0.1/32"]);
        let bad = error(&[PG, ("GUGUS_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal")]);
        assert!(
            bad.contains("GUGUS_TRUSTED_PROXIES") && bad.contains("proxy.internal"),
            "{bad}"
        );
    }

    /// A function URL's event (the HTTP API's payload 2.0), from `source_ip` when given.
    fn event(source_ip: Option<&str>) -> Request {
        let mut http = serde_json::json!({
            "method": "POST", "path": "/api/v1/login", "protocol": "HTTP/1.1",
            "userAgent": "gugus-test",
        });
        if let Some(ip) = source_ip {
            http["sourceIp"] = ip.into();
        }
        let event = serde_json::json!({
            "version": "2.0", "routeKey": "$default", "rawPath": "/api/v1/login",
            "rawQueryString": "", "isBase64Encoded": false,
            "headers": {"host": "fn.lambda-url.ap-southeast-3.on.aws",
                        "content-type": "application/json"},
            "body": "{}",
            "requestContext": {
                "accountId": "anonymous", "apiId": "fn", "requestId": "r-1",
                "domainName": "fn.lambda-url.ap-southeast-3.on.aws", "domainPrefix": "fn",
                "routeKey": "$default", "stage": "$default",
                "time": "04/Dec/2026:23:00:00 +0000", "timeEpoch": 1_796_425_200_000_u64,
                "http": http,
            },
        });
        lambda_http::request::from_str(&event.to_string()).expect("a function URL event")
    }

    #[test]
    fn each_request_gets_the_address_it_came_from() {
        let request = with_client_addr(event(Some("203.0.113.7")));
        assert_eq!(request.uri().path(), "/api/v1/login");
        let info = request.extensions().get::<ConnectInfo<SocketAddr>>();
        let ip: IpAddr = "203.0.113.7".parse().expect("an address");
        assert_eq!(info.map(|ConnectInfo(addr)| addr.ip()), Some(ip));

        let v6 = with_client_addr(event(Some("2001:db8::7")));
        let info = v6.extensions().get::<ConnectInfo<SocketAddr>>();
        assert_eq!(
            info.map(|ConnectInfo(a)| a.ip().to_string()).as_deref(),
            Some("2001:db8::7")
        );
    }

    #[test]
    fn a_request_without_a_source_address_gets_none() {
        for request in [event(None), event(Some("not-an-address"))] {
            let request = with_client_addr(request);
            assert!(request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .is_none());
        }
    }
}
