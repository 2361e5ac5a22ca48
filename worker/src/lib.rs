//! The Gugus worker: a stateless axum service in front of the central store.
//!
//! It authenticates officers, supervisors and viewers, takes and hands out records over
//! the sync protocol (`docs/sync-protocol.md`), answers the evaluation figures from SQL
//! aggregates, and serves the built app at `/`.
// One audited exception: the allocator's settings (`memory`).
#![deny(unsafe_code)]

extern crate gugus_model as model;

pub mod auth;
pub mod clock;
pub mod config;
pub mod demo;
pub mod edge;
pub mod error;
pub mod extract;
pub mod generate;
pub mod headers;
pub mod memory;
pub mod openapi;
pub mod request_log;
pub mod routes;
pub mod scope;
pub mod server;
pub mod store;
pub mod timeout;

use std::sync::Arc;
use store::Store;

/// What every request handler shares: the store (the worker keeps no other state).
#[derive(Clone)]
pub struct AppState {
    /// The central store.
    pub store: Arc<dyn Store>,
    /// The deployment's trusted proxies and HTTPS.
    pub edge: Arc<edge::Edge>,
}

impl AppState {
    /// State over a store, with no trusted proxy and no HTTPS.
    pub fn new(store: Arc<dyn Store>) -> Self {
        AppState::with_edge(store, edge::Edge::default())
    }

    /// State over a store behind `edge`.
    pub fn with_edge(store: Arc<dyn Store>, edge: edge::Edge) -> Self {
        AppState {
            store,
            edge: Arc::new(edge),
        }
    }
}
