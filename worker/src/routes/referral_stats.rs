//! The evaluation's per-agency table of referrals (issue #19, `docs/api.md`, "Referrals
//! between agencies"):
//! - `GET /api/v1/stats/referrals?period=2026-Q3` (or `from=…&to=…`): for each agency,
//!   the referrals it received in the period and what became of them; suppressed for
//!   viewers with the rest of the year's periods;
//! - `GET /api/v1/stats/referrals/export?period=…&lang=id&format=rfc4180`: the same table
//!   as CSV, written to the audit trail.

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::openapi;
use crate::store::{AuditAction, NewAuditEntry};
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use model::agency::AgencyList;
use model::evaluation::Period;
use model::referral::figures::{self, ReferralTable};
use serde::Deserialize;
use utoipa::IntoParams;

/// `GET /api/v1/stats/referrals` query string.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferralQuery {
    /// A year (`2026`), a quarter (`2026-Q3`) or a month (`2026-10`); or give `from` and
    /// `to` instead.
    #[param(
        pattern = r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$",
        example = "2026-Q3"
    )]
    pub period: Option<String>,
    /// First day, `YYYY-MM-DD` (with `to`, instead of `period`; not for viewers).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (inclusive).
    #[param(format = Date)]
    pub to: Option<String>,
}

/// `GET /api/v1/stats/referrals/export` query string: the table's, with the language and
/// the CSV dialect.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferralExportQuery {
    /// As `GET /api/v1/stats/referrals`.
    #[param(
        pattern = r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$",
        example = "2026-Q3"
    )]
    pub period: Option<String>,
    /// As `GET /api/v1/stats/referrals`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// As `GET /api/v1/stats/referrals`.
    #[param(format = Date)]
    pub to: Option<String>,
    /// The language of the headers and names: `id` (the default) or `en`.
    #[param(schema_with = openapi::csv_lang)]
    pub lang: Option<String>,
    /// `rfc4180` (the default) or `excel-id`.
    #[param(schema_with = openapi::csv_dialect)]
    pub format: Option<String>,
}

const MAY_NOT_SEE: &str = "Your role may not see the evaluation figures.";

/// The checked period of a query; a viewer's must be a whole month, quarter or year.
fn period_of(
    period: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    suppressed: bool,
) -> Result<Period, ApiError> {
    let period = Period::from_query(period, from, to)
        .map_err(|error| ApiError::BadRequest(format!("{error}.")))?;
    if suppressed && period.shorthand().is_none() {
        return Err(ApiError::BadRequest(
            "Viewers see whole months, quarters and years: give period=2026, period=2026-Q3 or period=2026-10.".into(),
        ));
    }
    Ok(period)
}

/// The table of `period`: exact, or for a viewer suppressed together with every other
/// calendar period of its year, so no answer reveals what another hides; in the order of
/// the deployment's `agencies`.
async fn table_of(
    state: &AppState,
    agencies: &AgencyList,
    period: Period,
    suppressed: bool,
) -> Result<ReferralTable, ApiError> {
    let today = crate::clock::today_wib();
    let order: Vec<&str> = agencies.agencies.iter().map(|a| a.code.as_str()).collect();
    if !suppressed {
        let facts = state.store.referral_facts(period.from, period.to).await?;
        return Ok(figures::table(period, &facts, &order, today));
    }
    let year = Period::calendar_year(period.from.year());
    let (first, last) = match (year.first(), year.last()) {
        (Some(first), Some(_)) => (first.from, first.to),
        _ => return Err(ApiError::internal("a calendar year without periods")),
    };
    let facts = state.store.referral_facts(first, last).await?;
    let mut tables: Vec<ReferralTable> = year
        .iter()
        .map(|p| figures::table(*p, &facts, &order, today))
        .collect();
    figures::suppress_year(&mut tables);
    tables
        .into_iter()
        .find(|t| t.period == period)
        .ok_or_else(|| ApiError::internal("a period missing from its year"))
}

/// Answers the per-agency table of referrals made in a period.
///
/// Supervisors and admins get exact figures of any period; viewers calendar periods only
/// (`period`), with every count from 1 to 10 and what would reveal one hidden
/// (`suppressed: true`, hidden figures `null`).
#[utoipa::path(
    get,
    path = "/stats/referrals",
    operation_id = "referralStats",
    tag = "evaluation",
    security(("bearer" = ["supervisor", "viewer", "admin"])),
    params(ReferralQuery),
    responses(
        (status = 200, description = "Each agency's row and the total.", body = ReferralTable),
        (status = 400, response = openapi::BadRequest),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn referrals(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<ReferralQuery>,
) -> Result<Json<ReferralTable>, ApiError> {
    let role = current.user.role;
    if !role.sees_evaluation() {
        return Err(ApiError::Forbidden(MAY_NOT_SEE));
    }
    let suppressed = role.suppressed_figures();
    let period = period_of(
        query.period.as_deref(),
        query.from.as_deref(),
        query.to.as_deref(),
        suppressed,
    )?;
    let agencies = state.store.agencies().await?;
    Ok(Json(table_of(&state, &agencies, period, suppressed).await?))
}

/// Answers the per-agency table of referrals as a CSV file, and writes the export to the
/// audit trail (a hidden figure reads `disembunyikan`, or `suppressed`).
#[utoipa::path(
    get,
    path = "/stats/referrals/export",
    operation_id = "exportReferralStats",
    tag = "evaluation",
    security(("bearer" = ["supervisor", "viewer", "admin"])),
    params(ReferralExportQuery),
    responses(
        (
            status = 200,
            description = "The table as CSV (`text/csv; charset=utf-8; header=present`).",
            content_type = "text/csv",
            body = String,
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"gugus-rujukan-PERIOD.csv\"`")),
        ),
        (status = 400, response = openapi::BadRequest),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<ReferralExportQuery>,
) -> Result<Response, ApiError> {
    let role = current.user.role;
    if !role.sees_evaluation() {
        return Err(ApiError::Forbidden(MAY_NOT_SEE));
    }
    let (lang, dialect) =
        super::stats::csv_options(query.lang.as_deref(), query.format.as_deref())?;
    let suppressed = role.suppressed_figures();
    let period = period_of(
        query.period.as_deref(),
        query.from.as_deref(),
        query.to.as_deref(),
        suppressed,
    )?;
    let agencies = state.store.agencies().await?;
    let table = table_of(&state, &agencies, period, suppressed).await?;
    let body = figures::csv(&table, &agencies, lang, dialect);
    let entry = NewAuditEntry {
        at: crate::clock::now_unix(),
        user_id: Some(current.user.id),
        device_id: None,
        action: AuditAction::Export,
        record_kind: None,
        record_id: None,
        detail: serde_json::json!({
            "table": "rujukan", "from": period.from_text(), "to": period.to_text(),
            "suppressed": suppressed,
        }),
    };
    state.store.append_audit(&[entry]).await?;
    Ok(super::stats::csv_answer(body, &figures::file_name(period)))
}
