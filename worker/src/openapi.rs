//! The API's OpenAPI 3.1 description, served at `GET /api/v1/openapi.json` (`docs/api.md`),
//! generated from the code: each handler's `#[utoipa::path]` (path, parameters, body,
//! answers, roles), the model's wire types (`gugus-model`'s `openapi` feature) and the error
//! codes of [`crate::error::CODES`]. The routes are registered from the same handlers
//! ([`crate::routes::described`]), so what is served and what is described cannot part.
//!
//! What every operation shares is added here rather than on each handler:
//! - 401 `unauthorized` on every operation that needs a token;
//! - 413 `too_large` and 415 (a `Content-Encoding` other than gzip) on every operation
//!   that takes a body;
//! - 500 `internal` and 503 `timeout` on every operation.
//!
//! Roles: every operation that needs a token names the roles that may call it as the
//! "scopes" of the `bearer` scheme (OpenAPI 3.1 allows role names there); any other role
//! gets 403 `forbidden`.

use crate::error::{ApiError, CODES};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response as ApiResponse, ResponseBuilder};
use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, OpenApi as Document, Ref, RefOr};
use utoipa::{OpenApi, ToResponse};

/// The name of the bearer-token scheme in `components.securitySchemes`.
pub const BEARER: &str = "bearer";

/// The body schema of an error answer whose `code` is one of `codes`.
fn error_schema(codes: &[&str]) -> Schema {
    let mut narrowed = ObjectBuilder::new().property(
        "code",
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(codes.iter().copied())),
    );
    if codes.contains(&"mutation_gap") {
        narrowed = narrowed.required("expected");
    }
    let detail = AllOfBuilder::new()
        .item(Ref::from_schema_name("ErrorDetail"))
        .item(narrowed);
    ObjectBuilder::new()
        .property("error", detail)
        .required("error")
        .into()
}

/// An error answer with `codes`, described by `description` and the codes' meanings.
fn error_response(description: &str, codes: &[&str]) -> ApiResponse {
    let mut text = description.trim().to_owned();
    for code in codes {
        if let Some((_, _, meaning)) = CODES.iter().find(|(c, ..)| c == code) {
            text.push_str(&format!("\n- `{code}`: {meaning}"));
        }
    }
    let mut response = ResponseBuilder::new().description(text).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(error_schema(codes)))
            .build(),
    );
    if codes.contains(&"rate_limited") {
        let seconds = HeaderBuilder::new()
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0)),
            ))
            .description(Some("Seconds until the client may try again."))
            .build();
        response = response.header("Retry-After", seconds);
    }
    response.build()
}

/// Declares the error answers as response components: each a unit type for
/// `#[utoipa::path(responses((status = N, response = openapi::Name)))]`, listed in
/// [`ERROR_RESPONSES`] with its status and codes.
macro_rules! error_responses {
    ($($(#[doc = $doc:literal])+ $name:ident = $status:literal [$($code:literal),+];)+) => {
        $(
            $(#[doc = $doc])+
            #[derive(Debug, Clone, Copy)]
            pub struct $name;

            impl<'s> ToResponse<'s> for $name {
                fn response() -> (&'s str, RefOr<ApiResponse>) {
                    let description = concat!($($doc),+);
                    let response = error_response(description, &[$($code),+]);
                    (stringify!($name), RefOr::T(response))
                }
            }
        )+

        /// Every error answer of [`error_responses!`]: its component name, status and codes.
        pub const ERROR_RESPONSES: &[(&str, u16, &[&str])] =
            &[$((stringify!($name), $status, &[$($code),+])),+];
    };
}

error_responses! {
    /// The request is malformed: a body that is not JSON, misses a member or has a wrong
    /// type, or a query parameter that is wrong (the message names it).
    BadRequest = 400 ["bad_request"];
    /// The account cannot be made as asked.
    AccountRefused = 400 ["bad_request", "weak_password", "username_taken", "unknown_agency", "inactive_agency", "agency_required"];
    /// The agency cannot be added as asked.
    AgencyRefused = 400 ["bad_request", "agency_taken"];
    /// The password cannot be set.
    PasswordRefused = 400 ["bad_request", "weak_password"];
    /// The user's own password cannot be changed as asked.
    OwnPasswordRefused = 400 ["bad_request", "weak_password", "wrong_password", "keys_not_relocked"];
    /// An admin cannot deactivate their own account.
    OwnAccount = 400 ["own_account"];
    /// The period or the area is wrong (the message names it), or, for a viewer, a range of
    /// days or a group whose figures are withheld for the year.
    StatsRefused = 400 ["bad_request", "groups_withheld"];
    /// The key pair is not of its shape, or another pair would replace live keys.
    KeysRefused = 400 ["bad_request", "keys_exist"];
    /// No valid token (or, at login, wrong credentials).
    Unauthorized = 401 ["unauthorized"];
    /// The caller's role may not do this.
    Forbidden = 403 ["forbidden"];
    /// The id in the path names nothing the caller can reach.
    NotFound = 404 ["not_found"];
    /// The push skips mutation ids: nothing of it was applied.
    MutationGap = 409 ["mutation_gap"];
    /// The body is too large.
    TooLarge = 413 ["too_large"];
    /// Too many failed logins for this username or from this address.
    RateLimited = 429 ["rate_limited"];
    /// The server failed.
    Internal = 500 ["internal"];
    /// The server took too long.
    Timeout = 503 ["timeout"];
}

/// 415: the body was sent with a `Content-Encoding` other than gzip.
#[derive(Debug, Clone, Copy)]
pub struct UnsupportedEncoding;

impl<'s> ToResponse<'s> for UnsupportedEncoding {
    fn response() -> (&'s str, RefOr<ApiResponse>) {
        let accepted = HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .description(Some("The request encodings taken: `gzip`."))
            .build();
        let response = ResponseBuilder::new()
            .description(
                "The body was sent with a `Content-Encoding` other than gzip; no body is \
                 answered.",
            )
            .header("Accept-Encoding", accepted)
            .build();
        ("UnsupportedEncoding", RefOr::T(response))
    }
}

const DESCRIPTION: &str = "\
The API of Gugus, the case and prevention records of the anti-trafficking task force \
(Gugus Tugas PP-TPPO) of Purbalingga Regency, under `/api/v1/`. Provincial and national \
systems integrate through this description; `docs/api.md` is the human account of the same \
contract.

**Authentication.** `POST /api/v1/login` answers a bearer token (256 random bits, hex), sent \
as `Authorization: Bearer <token>` with every other request. It expires 30 days after login, \
or when unused for 14 days; logout and an admin's changes end it at once.

**Roles.** Each operation that needs a token names the roles that may call it as the scopes \
of the `bearer` scheme: `officer`, `supervisor`, `viewer` and `admin`. Any other role answers \
403 `forbidden`.

**Errors.** Every answer other than 2xx (but a 415) has the body \
`{\"error\": {\"code\", \"message\"}}`, with `expected` for `mutation_gap` and `reason` for \
`weak_password`; clients tell errors apart by `code`, never by the English `message`. Every \
operation may answer 500 `internal` and 503 `timeout` (not ready within 30 s). The codes:";

/// The parts of the document the handlers do not describe: the title, the tags, the error
/// answers and the shared schemas.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gugus API",
        license(name = "AGPL-3.0-only", identifier = "AGPL-3.0-only"),
    ),
    components(
        schemas(model::api::ErrorBody, model::api::ErrorDetail),
        responses(
            BadRequest,
            AccountRefused,
            AgencyRefused,
            PasswordRefused,
            OwnPasswordRefused,
            OwnAccount,
            StatsRefused,
            KeysRefused,
            Unauthorized,
            Forbidden,
            NotFound,
            MutationGap,
            TooLarge,
            UnsupportedEncoding,
            RateLimited,
            Internal,
            Timeout,
        )
    ),
    tags(
        (name = "meta", description = "The worker itself: health and this description."),
        (name = "sessions", description = "Logging in and out, and the caller's own sessions."),
        (name = "accounts", description = "Accounts, managed by admins; the officers supervisors assign."),
        (name = "sync", description = "The sync protocol (protocol 1): devices push their mutations and pull the records in their scope."),
        (name = "evaluation", description = "The evaluation figures of a period and an area, suppressed for viewers, and their CSV tables."),
        (name = "audit", description = "The audit trail, for supervisors and admins."),
        (name = "keys", description = "Accounts' key pairs for end-to-end identity encryption: the server keeps public keys and password-locked private keys, and can open neither."),
    )
)]
struct Base;

/// The whole description, as served.
pub fn document() -> Result<serde_json::Value, serde_json::Error> {
    let mut doc = serde_json::to_value(described())?;
    name_the_cell(&mut doc);
    Ok(doc)
}

/// The model's figures are `evaluation::Cell`, an alias of `Option<u64>` that the schema
/// derive sees as a type named `Option`: its schema is named `Cell` instead, with what it
/// means.
fn name_the_cell(doc: &mut serde_json::Value) {
    const FROM: &str = "#/components/schemas/Option";
    const TO: &str = "#/components/schemas/Cell";
    fn rename(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    match item {
                        serde_json::Value::String(target) if key == "$ref" && target == FROM => {
                            *target = TO.to_owned();
                        }
                        other => rename(other),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(rename),
            _ => {}
        }
    }
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(|s| s.as_object_mut());
    let Some(mut cell) = schemas.and_then(|schemas| schemas.remove("Option")) else {
        return;
    };
    cell["description"] = "A figure: a count, or `null` when it is suppressed for a viewer \
        (a count from 1 to 10, or one that would give such a count away)."
        .into();
    if let Some(schemas) = doc.pointer_mut("/components/schemas") {
        schemas["Cell"] = cell;
    }
    rename(doc);
}

/// The description as utoipa builds it from the routes and [`Base`].
fn described() -> Document {
    let mut doc = OpenApiRouterOf::with_openapi(Base::openapi())
        .nest("/api/v1", crate::routes::described())
        .into_openapi();
    let mut description = DESCRIPTION.to_owned();
    for (code, status, meaning) in CODES {
        description.push_str(&format!("\n- `{code}` ({}): {meaning}", status.as_u16()));
    }
    doc.info.description = Some(description);
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "The token of `POST /api/v1/login`: 64 hex digits. The scopes of an \
                     operation's requirement are the roles that may call it.",
                ))
                .build(),
        ),
    );
    list_the_codes(components);
    for item in doc.paths.paths.values_mut() {
        for operation in operations(item) {
            add_shared_answers(operation);
        }
    }
    doc
}

type OpenApiRouterOf = utoipa_axum::router::OpenApiRouter<crate::AppState>;

/// Every operation of a path item.
fn operations(item: &mut utoipa::openapi::PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

/// Sets the enum of every code on `ErrorDetail.code`.
fn list_the_codes(components: &mut utoipa::openapi::Components) {
    let Some(RefOr::T(Schema::Object(detail))) = components.schemas.get_mut("ErrorDetail") else {
        return;
    };
    if let Some(RefOr::T(Schema::Object(code))) = detail.properties.get_mut("code") {
        code.enum_values = Some(CODES.iter().map(|(code, ..)| (*code).into()).collect());
    }
}

/// The answers every operation shares (see the module's notes), where the handler did not
/// give them.
fn add_shared_answers(operation: &mut Operation) {
    let secured = operation
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    let has_body = operation.request_body.is_some();
    let mut shared: Vec<(&str, &str)> = Vec::new();
    if secured {
        shared.push(("401", "Unauthorized"));
    }
    if has_body {
        shared.push(("413", "TooLarge"));
        shared.push(("415", "UnsupportedEncoding"));
    }
    shared.push(("500", "Internal"));
    shared.push(("503", "Timeout"));
    for (status, name) in shared {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| Ref::from_response_name(name).into());
    }
}

/// A string parameter that is one of `values`, described by `text`.
fn one_of<I: Into<serde_json::Value>>(
    values: impl IntoIterator<Item = I>,
    text: Option<&str>,
) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .description(text)
        .into()
}

/// The schema of an evaluation's `area`: the regency, one of its kecamatan, or a group.
pub fn area() -> Schema {
    const TEXT: &str = "The regency (`33.03`, the default), one of its kecamatan, or a \
        current group of kecamatan (`kelompok:` and its id, `GET /api/v1/area-groups`).";
    let mut codes = vec![model::regions::REGENCY_CODE];
    codes.extend(model::evaluation::kecamatan_codes());
    let group = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(format!(
            "^{}[a-z0-9]+(-[a-z0-9]+)*$",
            model::evaluation::GROUP_PREFIX
        )));
    utoipa::openapi::schema::OneOfBuilder::new()
        .item(one_of(codes, None))
        .item(group)
        .description(Some(TEXT))
        .into()
}

/// The schema of an export's `table`.
pub fn csv_table() -> Schema {
    let text = "The table: cases, victims, services, law enforcement, activities and \
        participants, the area's villages, the regency's kecamatan, the monthly trend.";
    one_of(
        model::evaluation::csv::Table::ALL.map(|t| t.name()),
        Some(text),
    )
}

/// The schema of an export's `lang`.
pub fn csv_lang() -> Schema {
    let text = "The language of the headers and labels (default `id`).";
    one_of(
        [model::Lang::Id, model::Lang::En].map(model::Lang::tag),
        Some(text),
    )
}

/// The schema of an export's `format`.
pub fn csv_dialect() -> Schema {
    let text = "`rfc4180` (the default: `,` and decimal points) or `excel-id` (as Excel \
        set to Indonesian opens it: a byte-order mark, `;` and decimal commas).";
    one_of(
        model::evaluation::csv::Dialect::ALL.map(|d| d.code()),
        Some(text),
    )
}

/// The document as served, made once.
static JSON: LazyLock<Result<String, String>> = LazyLock::new(|| {
    document()
        .and_then(|doc| serde_json::to_string(&doc))
        .map_err(|error| error.to_string())
});

/// This description, as JSON.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    tag = "meta",
    responses(
        (status = 200, description = "The OpenAPI 3.1 description of the API.", content_type = "application/json", body = Object),
    )
)]
pub async fn serve() -> Result<Response, ApiError> {
    let json = JSON
        .as_ref()
        .map_err(|error| ApiError::internal(error.clone()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json.as_str()).into_response())
}
