//! `GET /api/v1/health`: whether the worker is up.

use axum::Json;
use serde_json::{json, Value};

/// Answers `{"status": "ok"}`.
pub async fn show() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}
