//! The API under `/api/v1/` (`docs/api.md`): one file per resource, handlers by verb.
//!
//! Every route is registered from its handler's `#[utoipa::path]` (`utoipa_axum::routes!`),
//! which also describes it in the OpenAPI document (`crate::openapi`): a route cannot be
//! served without being described, nor described at another path or method than it is
//! served at.

pub mod agencies;
pub mod area_groups;
pub mod audit;
pub mod health;
pub mod identities;
pub mod keys;
pub mod login;
pub mod referral_stats;
pub mod sessions;
pub mod stats;
pub mod sync;
pub mod users;

use crate::error::ApiError;
use crate::AppState;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The API's routes with their descriptions, paths relative to `/api/v1`. Only
/// `.routes(routes!(...))` belongs here (a test holds to it): a plain axum route would be
/// served undescribed. Handlers of one path go in one `routes!`.
pub fn described() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health::show))
        .routes(routes!(crate::openapi::serve))
        .routes(routes!(login::login))
        .routes(routes!(login::logout))
        .routes(routes!(login::me))
        .routes(routes!(login::change_password))
        .routes(routes!(sessions::list))
        .routes(routes!(sessions::end))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::officers))
        .routes(routes!(users::deactivate))
        .routes(routes!(users::activate))
        .routes(routes!(users::set_password))
        .routes(routes!(agencies::list, agencies::add))
        .routes(routes!(agencies::update))
        .routes(routes!(sync::push))
        .routes(routes!(sync::pull))
        .routes(routes!(stats::evaluation))
        .routes(routes!(stats::export))
        .routes(routes!(stats::activities))
        .routes(routes!(referral_stats::referrals))
        .routes(routes!(referral_stats::export))
        .routes(routes!(audit::list))
        .routes(routes!(area_groups::list, area_groups::replace))
        .routes(routes!(keys::own, keys::set_own))
        .routes(routes!(keys::public))
        .routes(routes!(keys::recovery, keys::set_recovery))
        .routes(routes!(identities::index, identities::set_index))
        .routes(routes!(identities::nik))
}

/// The API routes, to be nested under `/api/v1`.
pub fn api() -> Router<AppState> {
    let (router, _) = described().split_for_parts();
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

#[cfg(test)]
mod tests {
    /// A plain axum route here would be served without being described: only
    /// `.routes(routes!(...))` registers a route.
    #[test]
    fn every_route_is_registered_with_its_description() {
        let source = include_str!("mod.rs");
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        for plain in [
            ".route(",
            ".route_service(",
            ".nest(",
            ".nest_service(",
            ".merge(",
        ] {
            assert!(!code.contains(plain), "routes/mod.rs calls {plain}");
        }
        assert!(code.matches(".routes(routes!(").count() >= 19);
    }
}
