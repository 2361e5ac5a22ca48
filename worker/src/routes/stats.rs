//! The evaluation figures, from SQL aggregates over the fact tables (`docs/api.md`,
//! "Evaluation"):
//! - `GET /api/v1/stats?period=2026-Q3&area=33.03.08` (or `from=…&to=…`): every figure of
//!   a period and an area, suppressed for viewers;
//! - `GET /api/v1/stats/export?table=kasus&lang=id&period=…&area=…`: one of those tables
//!   as CSV, suppressed as the caller's page is, and written to the audit trail;
//! - `GET /api/v1/stats/activities?from=YYYY-MM-DD&to=YYYY-MM-DD`: activities and
//!   participants per kecamatan; for viewers only of a whole month, quarter or year, cut
//!   from the same suppressed figures as `/stats`.

use crate::auth::CurrentUser;
use crate::error::{ApiError, Refusal};
use crate::extract::ApiQuery;
use crate::openapi;
use crate::store::{AuditAction, NewAuditEntry};
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use model::activity::{format_date, parse_date};
use model::evaluation::{self, csv, Area, AreaGroup, AreaGroups, Evaluation};
use model::regions::{self, REGENCY_CODE};
use model::stats::{ActivityCounts, ActivityStats};
use model::Lang;
use serde::Deserialize;
use std::collections::HashMap;
use time::Date;
use utoipa::IntoParams;

/// The query string as sent.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day, `YYYY-MM-DD`.
    #[param(required = true, format = Date, example = "2026-01-01")]
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (inclusive).
    #[param(required = true, format = Date, example = "2026-12-31")]
    pub to: Option<String>,
}

/// A checked period: two real dates, `from` not after `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day (inclusive).
    pub from: Date,
    /// Last day (inclusive).
    pub to: Date,
}

impl Period {
    /// Checks a query's period, naming the parameter at fault.
    pub fn parse(query: &PeriodQuery) -> Result<Period, ApiError> {
        let day = |name: &str, value: &Option<String>| {
            let value = value.as_deref().ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "The period needs `{name}`: give from=YYYY-MM-DD&to=YYYY-MM-DD."
                ))
            })?;
            parse_date(value.trim()).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "`{name}` is not a real date in the form YYYY-MM-DD: {value:?}."
                ))
            })
        };
        let (from, to) = (day("from", &query.from)?, day("to", &query.to)?);
        evaluation::Period::new(from, to)
            .map(|checked| Period {
                from: checked.from,
                to: checked.to,
            })
            .map_err(|error| ApiError::BadRequest(format!("{error}.")))
    }
}

/// The exact table of every kecamatan (zeros included) and the total.
pub fn table(period: Period, counts: &[(String, ActivityCounts)]) -> ActivityStats {
    let by_code: HashMap<&str, &ActivityCounts> =
        counts.iter().map(|(code, c)| (code.as_str(), c)).collect();
    let mut kecamatan: Vec<_> = regions::kecamatan().collect();
    kecamatan.sort_by(|a, b| a.code.cmp(&b.code));
    let mut sum = ActivityCounts::default();
    let rows: Vec<_> = kecamatan
        .into_iter()
        .map(|region| {
            let counts = by_code
                .get(region.code.as_str())
                .copied()
                .copied()
                .unwrap_or_default();
            sum.add(&counts);
            counts.row(&region.code, &region.name)
        })
        .collect();
    ActivityStats {
        from: format_date(period.from),
        to: format_date(period.to),
        suppressed: false,
        rows,
        total: sum.row(REGENCY_CODE, regions::name_of(REGENCY_CODE)),
    }
}

/// Answers the activities and participants of a period per kecamatan.
///
/// Supervisors and admins get exact figures of any range; viewers only of a whole month,
/// quarter or year (any other range is 400), cut from the same suppressed figures as
/// `GET /api/v1/stats`.
#[utoipa::path(
    get,
    path = "/stats/activities",
    operation_id = "activityStats",
    tag = "evaluation",
    security(("bearer" = ["supervisor", "viewer", "admin"])),
    params(PeriodQuery),
    responses(
        (status = 200, description = "Every kecamatan's row and the regency's total.", body = ActivityStats),
        (status = 400, response = openapi::BadRequest),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn activities(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Json<ActivityStats>, ApiError> {
    let role = current.user.role;
    if !role.sees_evaluation() {
        return Err(ApiError::Forbidden(
            "Your role may not see the evaluation figures.",
        ));
    }
    let period = Period::parse(&query)?;
    if !role.suppressed_figures() {
        let counts = state.store.activity_counts(period.from, period.to).await?;
        return Ok(Json(table(period, &counts)));
    }
    // A viewer's table is cut from the figures suppressed with the rest of their year, as
    // the evaluation page's are: two answers never differ by a hidden count.
    let calendar = evaluation::Period {
        from: period.from,
        to: period.to,
    };
    if calendar.shorthand().is_none() {
        return Err(ApiError::BadRequest(
            "Viewers see whole months, quarters and years: give the first and last day of one, such as from=2026-10-01&to=2026-10-31.".into(),
        ));
    }
    let today = crate::clock::today_wib();
    let tallies = state
        .store
        .tallies(year_of(calendar), &Area::Regency, today)
        .await?;
    let groups = state.store.area_groups().await?;
    let year = Evaluation::suppressed_year(calendar.from.year(), &tallies, today, &groups);
    let areas: Vec<&Evaluation> = year.iter().filter(|e| e.period == calendar).collect();
    ActivityStats::of(&areas)
        .map(Json)
        .ok_or_else(|| ApiError::internal("an area is missing from the year's figures"))
}

/// `GET /api/v1/stats` query string.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationQuery {
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
    /// The regency (`33.03`, the default), one of its kecamatan, or a current group of
    /// kecamatan (`kelompok:` and its id, `GET /api/v1/area-groups`).
    #[param(schema_with = openapi::area)]
    pub area: Option<String>,
}

/// A checked evaluation query: its period and area (among the `groups` set now).
pub fn evaluation_request(
    query: &EvaluationQuery,
    suppressed: bool,
    groups: &[AreaGroup],
) -> Result<(evaluation::Period, Area), ApiError> {
    let period = evaluation::Period::from_query(
        query.period.as_deref(),
        query.from.as_deref(),
        query.to.as_deref(),
    )
    .map_err(|error| ApiError::BadRequest(format!("{error}.")))?;
    // Any range of days would let a viewer subtract two overlapping answers and read one
    // day's small count: viewers get whole months, quarters and years.
    if suppressed && period.shorthand().is_none() {
        return Err(ApiError::BadRequest(
            "Viewers see whole months, quarters and years: give period=2026, period=2026-Q3 or period=2026-10.".into(),
        ));
    }
    let code = query
        .area
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .unwrap_or(REGENCY_CODE);
    let area = Area::parse(code, groups).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "`area` is the regency (33.03), one of its kecamatan codes (33.03.01 to 33.03.18) or a group of kecamatan (kelompok: and its id, from /api/v1/area-groups): {code:?}."
        ))
    })?;
    Ok((period, area))
}

/// The figures of a period and an area, with the regency's table of the current groups:
/// exact; or, for a viewer, suppressed together with every other calendar period of the
/// same year (the year, its quarters and its months) and every area, so that no answer a
/// viewer can ask for reveals what another hides.
pub async fn figures(
    state: &AppState,
    period: evaluation::Period,
    area: &Area,
    suppressed: bool,
    groups: &AreaGroups,
) -> Result<Evaluation, ApiError> {
    let today = crate::clock::today_wib();
    if !suppressed {
        let tallies = state.store.tallies(period, area, today).await?;
        return Ok(Evaluation::assemble(
            period,
            area,
            &tallies,
            today,
            groups.current(),
        ));
    }
    let tallies = state.store.tallies(year_of(period), area, today).await?;
    Evaluation::for_viewer(period, area, &tallies, today, groups).ok_or(ApiError::Refused {
        code: Refusal::GroupsWithheld,
        message: GROUPS_WITHHELD,
    })
}

/// The message for a group whose figures are withheld for the year.
pub const GROUPS_WITHHELD: &str = "The groups of kecamatan are not shown for this year: even hidden, their figures would give a small count away.";

/// The calendar year of `period`.
fn year_of(period: evaluation::Period) -> evaluation::Period {
    let year = evaluation::Period::calendar_year(period.from.year());
    year.first().copied().unwrap_or(period)
}

/// Answers every figure of a period and an area.
///
/// Supervisors and admins get exact figures of any period; viewers get calendar periods
/// only (`period`), with every count from 1 to 10 and what would reveal one hidden
/// (`suppressed: true`, hidden figures `null`).
#[utoipa::path(
    get,
    path = "/stats",
    operation_id = "evaluation",
    tag = "evaluation",
    security(("bearer" = ["supervisor", "viewer", "admin"])),
    params(EvaluationQuery),
    responses(
        (status = 200, description = "The figures.", body = Evaluation),
        (status = 400, response = openapi::StatsRefused),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn evaluation(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<EvaluationQuery>,
) -> Result<Json<Evaluation>, ApiError> {
    let role = current.user.role;
    if !role.sees_evaluation() {
        return Err(ApiError::Forbidden(
            "Your role may not see the evaluation figures.",
        ));
    }
    let suppressed = role.suppressed_figures();
    let groups = state.store.area_groups().await?;
    let (period, area) = evaluation_request(&query, suppressed, groups.current())?;
    Ok(Json(
        figures(&state, period, &area, suppressed, &groups).await?,
    ))
}

/// `GET /api/v1/stats/export` query string: the evaluation's, with the table and the
/// language of its headers.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// The table (`kasus`, `korban`, `layanan`, `penegakan-hukum`, `kegiatan`,
    /// `cakupan-desa`, `kecamatan`, `tren-bulanan`).
    #[param(required = true, schema_with = openapi::csv_table, example = "kasus")]
    pub table: Option<String>,
    /// The language of the headers and labels: `id` (the default) or `en`.
    #[param(schema_with = openapi::csv_lang)]
    pub lang: Option<String>,
    /// `rfc4180` (the default: `,` and decimal points) or `excel-id` (as Excel set to
    /// Indonesian opens it: a byte-order mark, `;` and decimal commas).
    #[param(schema_with = openapi::csv_dialect)]
    pub format: Option<String>,
    /// As `GET /api/v1/stats`.
    #[param(
        pattern = r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$",
        example = "2026-Q3"
    )]
    pub period: Option<String>,
    /// As `GET /api/v1/stats`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// As `GET /api/v1/stats`.
    #[param(format = Date)]
    pub to: Option<String>,
    /// As `GET /api/v1/stats`.
    #[param(schema_with = openapi::area)]
    pub area: Option<String>,
}

/// Answers one table of the evaluation as a CSV file, and writes the export to the audit
/// trail.
///
/// The figures are those of `GET /api/v1/stats` for the same period and area (suppressed
/// the same way for a viewer; a hidden figure reads `disembunyikan`, or `suppressed`).
#[utoipa::path(
    get,
    path = "/stats/export",
    operation_id = "exportTable",
    tag = "evaluation",
    security(("bearer" = ["supervisor", "viewer", "admin"])),
    params(ExportQuery),
    responses(
        (
            status = 200,
            description = "The table as CSV (`text/csv; charset=utf-8; header=present`).",
            content_type = "text/csv",
            body = String,
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"gugus-TABLE-PERIOD-AREA.csv\"`")),
        ),
        (status = 400, response = openapi::StatsRefused),
        (status = 403, response = openapi::Forbidden),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let role = current.user.role;
    if !role.sees_evaluation() {
        return Err(ApiError::Forbidden(
            "Your role may not see the evaluation figures.",
        ));
    }
    let names: Vec<&str> = csv::Table::ALL.iter().map(|t| t.name()).collect();
    let table = query
        .table
        .as_deref()
        .and_then(csv::Table::parse)
        .ok_or_else(|| ApiError::BadRequest(format!("`table` is one of: {}.", names.join(", "))))?;
    let (lang, dialect) = csv_options(query.lang.as_deref(), query.format.as_deref())?;
    let evaluation_query = EvaluationQuery {
        period: query.period,
        from: query.from,
        to: query.to,
        area: query.area,
    };
    let suppressed = role.suppressed_figures();
    let groups = state.store.area_groups().await?;
    let (period, area) = evaluation_request(&evaluation_query, suppressed, groups.current())?;
    let figures = figures(&state, period, &area, suppressed, &groups).await?;
    let body = csv::table_as(table, &figures, lang, dialect);
    let file = csv::file_name(table, &figures);
    let entry = NewAuditEntry {
        at: crate::clock::now_unix(),
        user_id: Some(current.user.id),
        device_id: None,
        action: AuditAction::Export,
        record_kind: None,
        record_id: None,
        detail: serde_json::json!({
            "table": table.name(), "from": period.from_text(), "to": period.to_text(),
            "area": area.code(), "suppressed": suppressed,
        }),
    };
    state.store.append_audit(&[entry]).await?;
    Ok(csv_answer(body, &file))
}

/// A CSV export's language (`id`, the default, or `en`) and dialect (`rfc4180`, the
/// default, or `excel-id`), as its query gives them.
pub fn csv_options(
    lang: Option<&str>,
    format: Option<&str>,
) -> Result<(Lang, csv::Dialect), ApiError> {
    let lang = match lang.unwrap_or("id") {
        "id" => Lang::Id,
        "en" => Lang::En,
        other => {
            return Err(ApiError::BadRequest(format!(
                "`lang` is id or en: {other:?}."
            )))
        }
    };
    let format = format.unwrap_or("rfc4180");
    let dialect = csv::Dialect::parse(format).ok_or_else(|| {
        ApiError::BadRequest(format!("`format` is rfc4180 or excel-id: {format:?}."))
    })?;
    Ok((lang, dialect))
}

/// A CSV file's answer: its type, and its name for the download.
pub fn csv_answer(body: String, file: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/csv; charset=utf-8; header=present".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(from: &str, to: &str) -> PeriodQuery {
        PeriodQuery {
            from: Some(from.into()),
            to: Some(to.into()),
        }
    }

    #[test]
    fn a_period_needs_two_real_dates_in_order() {
        assert!(Period::parse(&query("2026-01-01", "2026-12-31")).is_ok());
        assert!(Period::parse(&query("2026-02-30", "2026-12-31")).is_err());
        assert!(Period::parse(&query("2026-12-31", "2026-01-01")).is_err());
        assert!(Period::parse(&PeriodQuery::default()).is_err());
    }

    #[test]
    fn every_kecamatan_has_a_row_and_the_total_adds_up() {
        let period = Period::parse(&query("2026-01-01", "2026-12-31")).expect("valid");
        let counts = ActivityCounts {
            activities: 2,
            female: 30,
            male: 20,
            children: 5,
        };
        let stats = table(period, &[("33.03.08".into(), counts)]);
        assert_eq!(stats.rows.len(), 18);
        let mrebet = stats
            .rows
            .iter()
            .find(|r| r.kecamatan == "33.03.08")
            .expect("row");
        assert_eq!(
            (mrebet.name.as_str(), mrebet.participants),
            ("Mrebet", Some(50))
        );
        assert_eq!(stats.total.activities, Some(2));
        assert_eq!(stats.total.kecamatan, "33.03");
    }
}
