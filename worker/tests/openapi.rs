//! The OpenAPI description (`GET /api/v1/openapi.json`) against the real router: it is
//! OpenAPI 3.1, describes every route the router serves and only those, gives every
//! operation its shared answers, and names as the roles of each operation exactly those
//! that are not refused 403.

#[path = "common/mod.rs"]
mod common;

use common::{Backend, TestServer};
use gugus_model::api::Role;
use reqwest_native::{Method, StatusCode};
use serde_json::Value;
use std::collections::BTreeSet;
use uuid::Uuid;

/// Every operation the API has, as `METHOD /path`. A route added or removed changes this
/// list, the description and `docs/api.md` together.
const OPERATIONS: [&str; 35] = [
    "GET /api/v1/health",
    "GET /api/v1/openapi.json",
    "POST /api/v1/login",
    "POST /api/v1/logout",
    "GET /api/v1/me",
    "POST /api/v1/account/password",
    "GET /api/v1/sessions",
    "POST /api/v1/sessions/{id}/end",
    "GET /api/v1/users",
    "POST /api/v1/users",
    "GET /api/v1/officers",
    "POST /api/v1/users/{id}/deactivate",
    "POST /api/v1/users/{id}/activate",
    "POST /api/v1/users/{id}/password",
    "GET /api/v1/agencies",
    "POST /api/v1/agencies",
    "PUT /api/v1/agencies/{code}",
    "POST /api/v1/sync/push",
    "POST /api/v1/sync/pull",
    "GET /api/v1/stats",
    "GET /api/v1/stats/export",
    "GET /api/v1/stats/activities",
    "GET /api/v1/stats/referrals",
    "GET /api/v1/stats/referrals/export",
    "GET /api/v1/audit",
    "GET /api/v1/area-groups",
    "PUT /api/v1/area-groups",
    "GET /api/v1/keys/me",
    "PUT /api/v1/keys/me",
    "GET /api/v1/keys/public",
    "GET /api/v1/keys/recovery",
    "PUT /api/v1/keys/recovery",
    "GET /api/v1/keys/index",
    "PUT /api/v1/keys/index",
    "GET /api/v1/identities/nik",
];

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the description.
struct Operation {
    method: String,
    path: String,
    spec: Value,
}

impl Operation {
    fn name(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }

    /// The roles of its `bearer` requirement; `None` when it needs no token.
    fn roles(&self) -> Option<BTreeSet<String>> {
        let requirements = self.spec.get("security")?.as_array()?;
        let roles = requirements.iter().find_map(|r| r.get("bearer"))?;
        Some(
            roles
                .as_array()?
                .iter()
                .filter_map(|r| r.as_str().map(str::to_owned))
                .collect(),
        )
    }

    /// Its URL with `{id}` filled in and the query of its parameters' examples, under
    /// the server's origin (`base` ends in `/api/v1`).
    fn url(&self, base: &str) -> String {
        let origin = base.trim_end_matches("/api/v1");
        let path = self.path.replace("{id}", &Uuid::new_v4().to_string());
        let query: Vec<String> = self.spec["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .filter_map(|p| {
                let example = p.get("example")?.as_str()?;
                Some(format!("{}={example}", p["name"].as_str()?))
            })
            .collect();
        format!("{origin}{path}?{}", query.join("&"))
    }

    /// Its request body: the description's example, or `{}`.
    fn body(&self) -> Option<Vec<u8>> {
        let body = self.spec.get("requestBody")?;
        let example = &body["content"]["application/json"]["example"];
        let example = match example {
            Value::Null => serde_json::json!({}),
            found => found.clone(),
        };
        serde_json::to_vec(&example).ok()
    }
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if let Some(spec) = item.get(method) {
                found.push(Operation {
                    method: method.to_owned(),
                    path: path.clone(),
                    spec: spec.clone(),
                });
            }
        }
    }
    found
}

/// Sends `operation` as a caller with `token` (or none); answers the status.
async fn call(
    server: &TestServer,
    operation: &Operation,
    token: Option<&str>,
) -> anyhow::Result<StatusCode> {
    let method = Method::from_bytes(operation.method.to_uppercase().as_bytes())?;
    let mut request = server.client.request(method, operation.url(&server.base));
    if let Some(body) = operation.body() {
        request = request
            .header("content-type", "application/json")
            .body(body);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    Ok(request.send().await?.status())
}

/// Every `$ref` in `value`.
fn refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                match item {
                    Value::String(target) if key == "$ref" => into.push(target.clone()),
                    other => refs(other, into),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, into)),
        _ => {}
    }
}

#[tokio::test]
async fn the_description_is_the_router() -> anyhow::Result<()> {
    let Some(server) = TestServer::start(Backend::Sqlite).await? else {
        return Ok(());
    };
    let response = server
        .client
        .get(format!("{}/openapi.json", server.base))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await?;
    assert_eq!(doc["openapi"], "3.1.0");
    let operations = operations(&doc);
    let described: BTreeSet<String> = operations.iter().map(Operation::name).collect();
    let expected: BTreeSet<String> = OPERATIONS.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(described, expected);

    // Every described operation is served: without a token, none answers the router's
    // 404 (no such endpoint) or 405 (no such method).
    for operation in &operations {
        let status = call(&server, operation, None).await?;
        let expected = match operation.roles() {
            Some(_) => StatusCode::UNAUTHORIZED,
            None => status,
        };
        assert_eq!(status, expected, "{}", operation.name());
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{}: {status}",
            operation.name()
        );
    }

    // The human account names every operation too.
    let human = include_str!("../../docs/api.md");
    for name in &described {
        assert!(
            human.contains(&format!("`{name}")),
            "docs/api.md lacks {name}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn every_operation_has_its_answers_and_every_reference_resolves() -> anyhow::Result<()> {
    let doc = gugus_worker::openapi::document()?;
    let mut ids = BTreeSet::new();
    let tags: BTreeSet<&str> = doc["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str())
        .collect();
    let errors = gugus_worker::openapi::ERROR_RESPONSES;
    for operation in operations(&doc) {
        let name = operation.name();
        let id = operation.spec["operationId"].as_str().unwrap_or_default();
        assert!(
            ids.insert(id.to_owned()),
            "{name}: operationId {id:?} twice"
        );
        for tag in operation.spec["tags"].as_array().into_iter().flatten() {
            assert!(tags.contains(tag.as_str().unwrap_or_default()), "{name}");
        }
        let responses = operation.spec["responses"].as_object().cloned();
        let responses = responses.unwrap_or_default();
        let mut shared = vec!["500", "503"];
        if let Some(roles) = operation.roles() {
            shared.push("401");
            for role in &roles {
                assert!(Role::parse(role).is_some(), "{name}: role {role}");
            }
        }
        if operation.spec.get("requestBody").is_some() {
            shared.extend(["413", "415"]);
        }
        for status in shared {
            assert!(responses.contains_key(status), "{name}: no {status}");
        }
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{name}: no success"
        );
        // An error answer is the component of its status.
        for (status, response) in &responses {
            let Some(target) = response["$ref"].as_str() else {
                continue;
            };
            let component = target.trim_start_matches("#/components/responses/");
            let listed = errors.iter().find(|(n, ..)| *n == component);
            if let Some((_, code_status, _)) = listed {
                assert_eq!(status, &code_status.to_string(), "{name}: {component}");
            }
        }
    }
    let mut targets = Vec::new();
    refs(&doc, &mut targets);
    for target in targets {
        let pointer = target.trim_start_matches('#');
        assert!(doc.pointer(pointer).is_some(), "{target} resolves");
    }
    // Each error answer lists codes of its own status.
    for (name, status, codes) in errors {
        for code in *codes {
            let listed = gugus_worker::error::CODES.iter().find(|(c, ..)| c == code);
            assert_eq!(
                listed.map(|(_, s, _)| s.as_u16()),
                Some(*status),
                "{name}: {code}"
            );
        }
    }
    assert!(doc.pointer("/components/schemas/Option").is_none());
    assert!(doc.pointer("/components/schemas/Cell").is_some());
    assert_eq!(
        doc.pointer("/components/securitySchemes/bearer/scheme"),
        Some(&Value::from("bearer"))
    );
    Ok(())
}

#[tokio::test]
async fn the_roles_described_are_the_roles_let_in() -> anyhow::Result<()> {
    let Some(server) = TestServer::start(Backend::Sqlite).await? else {
        return Ok(());
    };
    let doc = gugus_worker::openapi::document()?;
    let mut callers = Vec::new();
    for role in [Role::Officer, Role::Supervisor, Role::Viewer, Role::Admin] {
        let device = server
            .user(&format!("role-{}", role.as_str()), role)
            .await?;
        callers.push((role, device.token));
    }
    // Logout last: it ends the caller's session.
    let mut operations = operations(&doc);
    operations.sort_by_key(|o| o.spec["operationId"] == "logout");
    for operation in operations {
        let Some(roles) = operation.roles() else {
            continue;
        };
        for (role, token) in &callers {
            let status = call(&server, &operation, Some(token)).await?;
            let let_in = roles.contains(role.as_str());
            assert_eq!(
                status != StatusCode::FORBIDDEN,
                let_in,
                "{} as {}: {status}",
                operation.name(),
                role.as_str()
            );
            assert!(!status.is_server_error(), "{}: {status}", operation.name());
        }
    }
    Ok(())
}
