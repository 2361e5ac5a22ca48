//! `GET /api/v1/health`: whether the worker is up.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// The health answer.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: Status,
}

/// The worker's state: it answers, so it is up.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Up.
    Ok,
}

/// Whether the worker is up: answers `{"status": "ok"}`.
#[utoipa::path(
    get,
    path = "/health",
    operation_id = "health",
    tag = "meta",
    responses((status = 200, description = "The worker is up.", body = Health))
)]
pub async fn show() -> Json<Health> {
    Json(Health { status: Status::Ok })
}
