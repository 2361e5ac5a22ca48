//! What can go wrong in the store, and the conversion of versions and ids to and from the
//! database's signed 64 bits.

use model::RecordKind;
use uuid::Uuid;

/// What can go wrong in the store. Never shown to a client.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database answered with an error, or could not be reached.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// A migration failed at start-up.
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The schema is behind the worker's migrations and this connection's role may not
    /// bring it up to date (the worker's least-privilege role).
    #[error(
        "the database's schema is behind this worker (migration {applied} of {wanted}) and its role may not migrate it: run `gugus-worker migrate` as the schema's owner, then grant the worker's role again (worker/sql/postgres-worker-role.sql)"
    )]
    Behind {
        /// The newest migration applied.
        applied: i64,
        /// The newest this worker has.
        wanted: i64,
        /// Why the migration failed.
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// The store was opened without migrating ([`super::Startup::Check`]) and is not
    /// migrated: a migration, or what a migration fills, is missing.
    #[error(
        "the store is not ready for this worker ({missing}): run `gugus-worker migrate` on it first"
    )]
    NotMigrated {
        /// What is missing, in words.
        missing: String,
    },
    /// The SQLite file could not be made readable by its owner only.
    #[error("cannot make the database file {path} private (mode 0600)")]
    Private {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The SQLite file's folder could not be created.
    #[error("cannot create the database folder {path}")]
    Folder {
        /// The folder.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A username that is already taken.
    #[error("the username {0:?} is already taken")]
    UsernameTaken(String),
    /// An agency code that is already on the list.
    #[error("the agency code {0:?} is already taken")]
    AgencyTaken(String),
    /// A stored value that does not make sense (a corrupt row).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// A validated record that its kind's typed view does not read, so a view and its
    /// spec disagree: the write fails rather than its figures going missing.
    #[error("the {kind} record {id} does not read as its view: {field} ({problem:?})")]
    Unreadable {
        /// The record's kind.
        kind: &'static str,
        /// The record.
        id: Uuid,
        /// The field the view could not read.
        field: String,
        /// Why.
        problem: model::Problem,
    },
}

impl StoreError {
    /// A record that does not read as its kind's view.
    pub(crate) fn unreadable(kind: RecordKind, id: Uuid, error: model::FieldError) -> StoreError {
        StoreError::Unreadable {
            kind: kind.as_str(),
            id,
            field: error.field,
            problem: error.problem,
        }
    }
}

/// A version or id as the database stores it (signed 64 bits).
pub(super) fn to_db(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value} is out of range")))
}

/// A version or id read from the database.
pub(super) fn from_db(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative value {value}")))
}
