//! Talking to the worker: the HTTP API ([`api`]), the push/pull loop ([`engine`]) and its
//! pure planning ([`plan`]). The only code in the app that sends requests.

pub mod api;
pub mod engine;
pub mod gzip;
pub mod plan;
pub mod upkeep;

pub use api::{Api, ApiError};
pub use engine::SyncEngine;

use crate::i18n;
use crate::store::StoreError;
use gugus_model::Text;

/// What the sync indicator says (`#sync-status[data-state]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SyncState {
    /// Nothing running; the last sync worked (or none was needed).
    #[default]
    Idle,
    /// Pushing or pulling now.
    Syncing,
    /// No connection to the server; changes wait on the device.
    Offline,
    /// The last sync failed for another reason (see [`SyncProblem`]).
    Error,
}

impl SyncState {
    /// The value of `data-state`.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncState::Idle => "idle",
            SyncState::Syncing => "syncing",
            SyncState::Offline => "offline",
            SyncState::Error => "error",
        }
    }
}

/// Why the last sync did not finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncProblem {
    /// The device is offline, or the server could not be reached.
    Unreachable,
    /// The token expired or was revoked: log in again.
    SessionExpired,
    /// The account may not sync records.
    Forbidden,
    /// The server answered with an error.
    Server,
    /// The server's answer could not be read.
    BadResponse,
    /// The device's storage failed.
    Storage,
    /// Sealing or opening a victim's identity failed (the device's data is locked with
    /// another password, or was altered).
    Encryption,
}

impl From<crate::crypto::CryptoError> for SyncProblem {
    fn from(_: crate::crypto::CryptoError) -> Self {
        SyncProblem::Encryption
    }
}

impl From<crate::keyring::KeyringError> for SyncProblem {
    fn from(error: crate::keyring::KeyringError) -> Self {
        match error {
            crate::keyring::KeyringError::Store(_) => SyncProblem::Storage,
            _ => SyncProblem::Encryption,
        }
    }
}

impl SyncProblem {
    /// The problem in words, with what to do.
    pub fn text(self) -> Text {
        match self {
            SyncProblem::Unreachable => i18n::ERR_NETWORK,
            SyncProblem::SessionExpired => i18n::ERR_SESSION,
            SyncProblem::Forbidden => i18n::ERR_FORBIDDEN,
            SyncProblem::Server => i18n::ERR_SERVER,
            SyncProblem::BadResponse => i18n::ERR_RESPONSE,
            SyncProblem::Storage => i18n::ERR_STORAGE,
            SyncProblem::Encryption => i18n::ERR_ENCRYPTION,
        }
    }

    /// The indicator's state for this problem.
    pub fn state(self) -> SyncState {
        match self {
            SyncProblem::Unreachable => SyncState::Offline,
            _ => SyncState::Error,
        }
    }

    /// Whether trying again later may help (so the loop backs off and retries).
    pub fn retryable(self) -> bool {
        matches!(
            self,
            SyncProblem::Unreachable | SyncProblem::Server | SyncProblem::Storage
        )
    }
}

impl From<ApiError> for SyncProblem {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Network => SyncProblem::Unreachable,
            ApiError::Unauthorized => SyncProblem::SessionExpired,
            ApiError::Forbidden => SyncProblem::Forbidden,
            ApiError::RateLimited | ApiError::Server { .. } | ApiError::MutationGap(_) => {
                SyncProblem::Server
            }
            ApiError::BadResponse => SyncProblem::BadResponse,
        }
    }
}

impl From<StoreError> for SyncProblem {
    fn from(_: StoreError) -> Self {
        SyncProblem::Storage
    }
}

/// Everything the sync indicator shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncStatus {
    /// What is happening.
    pub state: SyncState,
    /// Changes waiting in the outbox.
    pub pending: usize,
    /// When the last full sync finished (RFC 3339).
    pub last_sync: Option<String>,
    /// Why the last sync failed, if it did.
    pub problem: Option<SyncProblem>,
}
