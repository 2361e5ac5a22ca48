//! Run-time configuration (`docs/api.md`, worker command line) and the validated types it
//! is made of.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The default address to listen on.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// The default database: a SQLite file under `data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/gugus.db";
/// The default folder of the built app.
pub const DEFAULT_STATIC_DIR: &str = "dist";

/// What `serve` needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (`127.0.0.1:0` picks a free port).
    pub addr: SocketAddr,
    /// The central store.
    pub database_url: DatabaseUrl,
    /// The built app and `public/`, served at `/`.
    pub static_dir: PathBuf,
    /// Create the demo accounts and sample activities.
    pub demo: bool,
    /// Migrate the store at start even on PostgreSQL (`--migrate`): the worker is its
    /// only instance. SQLite's is always migrated (see [`DatabaseUrl::startup`]).
    pub migrate: bool,
    /// Trusted proxies and HTTPS.
    pub edge: crate::edge::Edge,
}

/// A database URL whose backend is known.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://path` (or `sqlite:path`).
    Sqlite(String),
    /// `postgres://...` or `postgresql://...`.
    Postgres(String),
}

/// A database URL naming no backend this worker has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the database URL must start with sqlite:// or postgres:// (got {scheme:?})")]
pub struct UnknownBackend {
    /// What the URL started with.
    pub scheme: String,
}

impl DatabaseUrl {
    /// Parses a URL, choosing the backend from its scheme.
    pub fn parse(url: &str) -> Result<DatabaseUrl, UnknownBackend> {
        let url = url.trim();
        let scheme = url
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Ok(DatabaseUrl::Sqlite(url.to_owned())),
            "postgres" | "postgresql" => Ok(DatabaseUrl::Postgres(url.to_owned())),
            _ => Err(UnknownBackend { scheme }),
        }
    }

    /// How `serve` opens this store (issue #20): a SQLite file has one worker by
    /// construction, which migrates it; PostgreSQL may have several instances (or
    /// functions), so a separate `gugus-worker migrate` migrates it and each instance only
    /// checks, unless told it is the only one (`only_instance`).
    pub fn startup(&self, only_instance: bool) -> crate::store::Startup {
        match (self, only_instance) {
            (DatabaseUrl::Sqlite(_), _) | (DatabaseUrl::Postgres(_), true) => {
                crate::store::Startup::Migrate
            }
            (DatabaseUrl::Postgres(_), false) => crate::store::Startup::Check,
        }
    }

    /// The backend's name, for the log.
    pub fn backend(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = UnknownBackend;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        DatabaseUrl::parse(url)
    }
}

// The URL may hold a password: never print it.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.backend())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_comes_from_the_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/gugus.db").map(|u| u.backend()),
            Ok("sqlite")
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://u:p@h/db").map(|u| u.backend()),
            Ok("postgres")
        );
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        let url = DatabaseUrl::parse("postgres://u:secret@h/db").expect("parses");
        assert!(!format!("{url:?}").contains("secret"));
    }
}
