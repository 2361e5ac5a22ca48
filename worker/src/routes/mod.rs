//! The API under `/api/v1/` (`docs/api.md`): one file per resource, handlers by verb.

pub mod area_groups;
pub mod audit;
pub mod health;
pub mod login;
pub mod sessions;
pub mod stats;
pub mod sync;
pub mod users;

use crate::error::ApiError;
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

/// The API routes, to be nested under `/api/v1`.
pub fn api() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::show))
        .route("/login", post(login::login))
        .route("/logout", post(login::logout))
        .route("/me", get(login::me))
        .route("/sessions", get(sessions::list))
        .route("/sessions/{id}/end", post(sessions::end))
        .route("/users", get(users::list).post(users::create))
        .route("/officers", get(users::officers))
        .route("/users/{id}/deactivate", post(users::deactivate))
        .route("/users/{id}/activate", post(users::activate))
        .route("/users/{id}/password", post(users::set_password))
        .route("/sync/push", post(sync::push))
        .route("/sync/pull", post(sync::pull))
        .route("/stats", get(stats::evaluation))
        .route("/stats/export", get(stats::export))
        .route("/stats/activities", get(stats::activities))
        .route("/audit", get(audit::list))
        .route(
            "/area-groups",
            get(area_groups::list).put(area_groups::replace),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
