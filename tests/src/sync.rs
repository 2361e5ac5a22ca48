//! A device's side of the sync API (`docs/sync-protocol.md`) over plain HTTP, without a browser:
//! log in, push prepared batches, pull every page. For the crash test and the benchmark.

use anyhow::{bail, ensure, Context, Result};
use reqwest_native::{Client, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;
use uuid::Uuid;

/// The kecamatan (Kemangkon) and desa (Kedungbenda) every generated activity is in.
pub const KECAMATAN: &str = "33.03.01";
/// See [`KECAMATAN`].
pub const DESA: &str = "33.03.01.2001";

/// An HTTP client for one worker's API.
#[derive(Debug, Clone)]
pub struct Api {
    base: String,
    client: Client,
}

/// A logged-in device.
#[derive(Debug, Clone)]
pub struct Device {
    /// The bearer token.
    pub token: String,
    /// The device id it logged in with.
    pub device_id: Uuid,
    /// The account it logged in as.
    pub user_id: Uuid,
}

/// An answer: its status and its JSON body (`null` when empty).
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON body.
    pub body: Value,
}

impl Api {
    /// A client for `api_url` (`http://HOST:PORT/api/v1`); a request that takes longer
    /// than `timeout` fails.
    pub fn new(api_url: &str, timeout: Duration) -> Result<Api> {
        let client = Client::builder().timeout(timeout).build()?;
        Ok(Api {
            base: api_url.trim_end_matches('/').to_string(),
            client,
        })
    }

    /// POSTs a JSON body. `Err` only when no answer came (refused, cut off, timed out),
    /// so the caller knows whether the server may have acted on it.
    pub async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Answer, reqwest_native::Error> {
        self.send(reqwest_native::Method::POST, path, token, body)
            .await
    }

    /// PUTs a JSON body, as [`Api::post`].
    pub async fn put(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Answer, reqwest_native::Error> {
        self.send(reqwest_native::Method::PUT, path, token, body)
            .await
    }

    async fn send(
        &self,
        method: reqwest_native::Method,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Answer, reqwest_native::Error> {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        let body = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            Value::String(format!("not JSON: {}", String::from_utf8_lossy(&bytes)))
        });
        Ok(Answer { status, body })
    }

    /// GETs a path with a token; answers the status and the body as text.
    pub async fn get_text(&self, path: &str, token: &str) -> Result<(StatusCode, String)> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await?;
        let status = response.status();
        Ok((status, response.text().await?))
    }

    /// Logs in from a new device.
    pub async fn login(&self, username: &str, password: &str) -> Result<Device> {
        let device_id = Uuid::now_v7();
        let body = json!({"username": username, "password": password, "device_id": device_id});
        let answer = self
            .post("/login", None, serde_json::to_vec(&body)?)
            .await?;
        ensure!(
            answer.status == StatusCode::OK,
            "login of {username}: {} {}",
            answer.status,
            answer.body
        );
        let token = answer.body["token"].as_str().context("a token")?.to_owned();
        let user_id = answer.body["user"]["id"]
            .as_str()
            .and_then(|id| id.parse().ok())
            .context("the account's id")?;
        Ok(Device {
            token,
            device_id,
            user_id,
        })
    }

    /// Pushes a prepared body (see [`push_body`]).
    pub async fn push(
        &self,
        device: &Device,
        body: Vec<u8>,
    ) -> Result<Answer, reqwest_native::Error> {
        self.post("/sync/push", Some(&device.token), body).await
    }

    /// Pulls one page: the answer's body.
    pub async fn pull(&self, device: &Device, cursor: &Value, limit: u32) -> Result<Value> {
        let body = json!({"protocol": 1, "device_id": device.device_id,
                          "cursor": cursor, "limit": limit});
        let answer = self
            .post(
                "/sync/pull",
                Some(&device.token),
                serde_json::to_vec(&body)?,
            )
            .await?;
        if answer.status != StatusCode::OK {
            bail!("pull: {} {}", answer.status, answer.body);
        }
        Ok(answer.body)
    }

    /// Pulls every page from the start at `limit`: every record, in version order.
    pub async fn pull_all(&self, device: &Device, limit: u32) -> Result<Vec<Value>> {
        let mut cursor = Value::Null;
        let mut records = Vec::new();
        loop {
            let mut page = self.pull(device, &cursor, limit).await?;
            let Value::Array(batch) = page["records"].take() else {
                bail!("a pull page without records: {page}");
            };
            records.extend(batch);
            if page["more"] != true {
                return Ok(records);
            }
            cursor = page["cursor"].take();
        }
    }
}

/// A push request's body: the device's mutations, as bytes ready to send.
pub fn push_body(device_id: Uuid, mutations: &[Value]) -> Vec<u8> {
    let body = json!({"protocol": 1, "device_id": device_id, "mutations": mutations});
    serde_json::to_vec(&body).expect("JSON values serialise")
}

/// Now on the one clock (`GUGUS_NOW` pins it), as a mutation's `at`.
pub fn now_rfc3339() -> Result<String> {
    Ok(gugus_model::clock::now().format(&time::format_description::well_known::Rfc3339)?)
}

/// A victim as [`push_case_and_victim`] makes it: pseudonym and age.
#[derive(Debug, Clone, Copy)]
pub struct Victim<'a> {
    /// The victim's pseudonym.
    pub pseudonym: &'a str,
    /// Age in years.
    pub age: u32,
}

/// Where [`push_case_and_victim`]'s case happened.
pub const CASE_KECAMATAN: &str = "33.03.08";
/// See [`CASE_KECAMATAN`].
pub const CASE_DESA: &str = "33.03.08.2001";

/// A case (a fake job offer, reported to the hotline 14 days ago in [`CASE_DESA`]) and its
/// victim (consent the day after), no identity, as another device of
/// `officer` sends them: mutations `first_id` and `first_id + 1`, at now on the one clock.
/// Their ids (case, victim).
pub async fn push_case_and_victim(
    api: &Api,
    officer: &Device,
    first_id: u64,
    victim: Victim<'_>,
) -> Result<(Uuid, Uuid)> {
    let (case, victim_id) = (Uuid::now_v7(), Uuid::now_v7());
    let at = now_rfc3339()?;
    let (reported, consent) = (
        crate::app::days_before_today(14),
        crate::app::days_before_today(13),
    );
    let created = [
        json!({"id": first_id, "kind": "case", "record_id": case, "op": "upsert",
               "base_version": 0, "at": at,
               "fields": {"date_reported": reported, "source": "hotline", "status": "reported",
                          "kecamatan": CASE_KECAMATAN, "desa": CASE_DESA, "modus": "fake_job_offer",
                          "summary": "Dijanjikan kerja di pabrik"}}),
        json!({"id": first_id + 1, "kind": "victim", "record_id": victim_id, "op": "upsert",
               "base_version": 0, "at": at,
               "fields": {"case_id": case, "pseudonym": victim.pseudonym, "sex": "female",
                          "age": victim.age, "kecamatan": CASE_KECAMATAN, "desa": CASE_DESA,
                          "consent": true, "consent_date": consent}}),
    ];
    let answer = api
        .push(officer, push_body(officer.device_id, &created))
        .await?;
    let statuses = statuses(&answer.body)?;
    ensure!(
        statuses.iter().all(|(_, status, _)| status == "applied"),
        "the case and victim: {}",
        answer.body
    );
    Ok((case, victim_id))
}

/// Mutation `id` of a device: an upsert creating activity `record_id` with `fields`.
pub fn create_activity(id: u64, record_id: Uuid, fields: &Value) -> Value {
    json!({
        "id": id, "kind": "activity", "record_id": record_id, "op": "upsert",
        "base_version": 0, "fields": fields, "at": "2026-11-29T03:20:00Z",
    })
}

/// A valid activity's fields, different for each `seed`: the venue names the seed and
/// the participant counts derive from it, so a stored record shows which mutation made it.
pub fn activity_fields(seed: u64) -> Value {
    json!({
        "type": "outreach",
        "date": "2026-11-02",
        "kecamatan": KECAMATAN,
        "desa": DESA,
        "venue": format!("Balai desa {seed}"),
        "audience": ["public"],
        "participants_female_adult": seed % 97,
        "participants_male_adult": seed % 89,
        "participants_female_child": seed % 7,
        "participants_male_child": seed % 5,
        "topics": ["safe_migration"],
    })
}

/// The statuses of a push answer's results, by mutation id.
pub fn statuses(body: &Value) -> Result<Vec<(u64, String, Option<u64>)>> {
    let results = body["results"]
        .as_array()
        .with_context(|| format!("a push answer without results: {body}"))?;
    results
        .iter()
        .map(|result| {
            let id = result["id"].as_u64().context("a result id")?;
            let status = result["status"].as_str().context("a status")?.to_owned();
            Ok((id, status, result["version"].as_u64()))
        })
        .collect()
}
