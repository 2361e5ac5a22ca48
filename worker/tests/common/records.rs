//! Building sync requests for the tests.

use super::{Device, TestServer};
use gugus_model::regions;
use reqwest_native::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

/// The first village of a kecamatan.
pub fn village_of(kecamatan: &str) -> String {
    regions::villages_of(kecamatan)
        .next()
        .map(|v| v.code.clone())
        .unwrap_or_default()
}

/// A valid activity's fields: `(female adult, male adult, female child, male child)`.
pub fn activity(kecamatan: &str, date: &str, counts: (u64, u64, u64, u64)) -> Value {
    json!({
        "type": "outreach",
        "date": date,
        "kecamatan": kecamatan,
        "desa": village_of(kecamatan),
        "venue": "Balai desa",
        "audience": ["public"],
        "participants_female_adult": counts.0,
        "participants_male_adult": counts.1,
        "participants_female_child": counts.2,
        "participants_male_child": counts.3,
        "topics": ["safe_migration"],
    })
}

/// An upsert mutation.
pub fn upsert(id: u64, record_id: Uuid, base_version: u64, fields: Value) -> Value {
    json!({
        "id": id, "kind": "activity", "record_id": record_id, "op": "upsert",
        "base_version": base_version, "fields": fields, "at": "2026-11-29T03:20:00Z",
    })
}

/// An upsert mutation of a record of any kind.
pub fn upsert_of(kind: &str, id: u64, record_id: Uuid, base_version: u64, fields: Value) -> Value {
    json!({
        "id": id, "kind": kind, "record_id": record_id, "op": "upsert",
        "base_version": base_version, "fields": fields, "at": "2026-11-29T03:20:00Z",
    })
}

/// A valid case's fields, in a kecamatan.
pub fn case(kecamatan: &str) -> Value {
    json!({
        "date_reported": "2026-10-02", "source": "hotline", "status": "reported",
        "kecamatan": kecamatan, "modus": "fake_job_offer", "exploitation": ["forced_labour"],
        "destination": "MY", "summary": "Dijanjikan kerja di perkebunan sawit",
    })
}

/// A valid victim's fields, under a case.
pub fn victim(case_id: Uuid, kecamatan: &str) -> Value {
    json!({
        "case_id": case_id, "pseudonym": "S. A.", "sex": "female", "age": 19,
        "kecamatan": kecamatan, "desa": village_of(kecamatan), "consent": true,
        "consent_date": "2026-10-03",
    })
}

/// A valid victim identity's fields: its values are envelopes, as a phone sends them
/// (issue #18), of [`sealed`] texts.
pub fn identity(victim_id: Uuid) -> Value {
    json!({"victim_id": victim_id, "full_name": sealed("Siti Aminah"), "nik": sealed("3303084501070001")})
}

/// The key id of [`sealed`]'s envelopes.
pub const KEY_ID: Uuid = Uuid::from_u128(0xe2e);

/// A `case_key` record's fields: a wrapped key of the right shape for `reader`.
pub fn case_key(case_id: Uuid, key_id: Uuid, reader: &str) -> Value {
    json!({
        "case_id": case_id, "key_id": key_id, "reader": reader,
        "ephemeral": format!("04{}", "5a".repeat(64)), "nonce": "01".repeat(12),
        "wrapped": "ee".repeat(48)
    })
}

/// The `case_key` record of [`sealed`]'s key for a case: what the phone sends ahead of a
/// case's first identity (the worker takes envelopes only under a key of their case).
pub fn identity_key(case_id: Uuid) -> Value {
    case_key(case_id, KEY_ID, "recovery")
}

/// An envelope of the shape a phone makes (`model::e2e::Envelope`). The server can only
/// check its shape, so its "ciphertext" here is the text's bytes with a tag of zeros.
pub fn sealed(text: &str) -> Value {
    let mut ciphertext = text.as_bytes().to_vec();
    ciphertext.extend([0; gugus_model::e2e::TAG_BYTES]);
    json!(gugus_model::e2e::Envelope {
        key_id: KEY_ID,
        nonce: [7; gugus_model::e2e::NONCE_BYTES],
        ciphertext,
    }
    .to_text())
}

/// A valid service's fields, for a victim.
pub fn service(victim_id: Uuid, requested: &str, delivered: Option<&str>) -> Value {
    let mut fields = json!({
        "victim_id": victim_id, "type": "shelter", "provider": "uptd_ppa",
        "requested_on": requested, "status": "requested",
    });
    if let Some(day) = delivered {
        fields["delivered_on"] = json!(day);
        fields["status"] = json!("delivered");
    }
    fields
}

/// A valid legal step's fields, in a case.
pub fn legal_step(case_id: Uuid, stage: &str, date: &str) -> Value {
    json!({"case_id": case_id, "stage": stage, "date": date, "suspects": 1})
}

/// A note on a case.
pub fn note(case_id: Uuid, text: &str) -> Value {
    json!({"case_id": case_id, "text": text})
}

/// A delete mutation.
pub fn delete(id: u64, record_id: Uuid, base_version: u64) -> Value {
    json!({
        "id": id, "kind": "activity", "record_id": record_id, "op": "delete",
        "base_version": base_version, "at": "2026-11-29T03:20:00Z",
    })
}

impl TestServer {
    /// Pushes mutations from a device; answers status and body.
    pub async fn push(
        &self,
        device: &Device,
        mutations: Vec<Value>,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let body = json!({"protocol": 1, "device_id": device.device_id, "mutations": mutations});
        self.post("/sync/push", Some(&device.token), &body).await
    }

    /// Pulls one page; answers status and body.
    pub async fn pull(
        &self,
        device: &Device,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let body =
            json!({"protocol": 1, "device_id": device.device_id, "cursor": cursor, "limit": limit});
        self.post("/sync/pull", Some(&device.token), &body).await
    }

    /// Pulls every page from the start; answers all records.
    pub async fn pull_all(&self, device: &Device) -> anyhow::Result<Vec<Value>> {
        let mut cursor: Option<String> = None;
        let mut records = Vec::new();
        loop {
            let (status, page) = self.pull(device, cursor.as_deref(), Some(1000)).await?;
            anyhow::ensure!(status == StatusCode::OK, "pull: {status} {page}");
            records.extend(page["records"].as_array().cloned().unwrap_or_default());
            cursor = page["cursor"].as_str().map(str::to_owned);
            if page["more"] != true {
                return Ok(records);
            }
        }
    }

    /// Pulls every page after `cursor`, `limit` records a page: (records, the cursor
    /// after them).
    pub async fn pull_after(
        &self,
        device: &Device,
        cursor: Option<String>,
        limit: u32,
    ) -> anyhow::Result<(Vec<Value>, Option<String>)> {
        let mut cursor = cursor;
        let mut records = Vec::new();
        loop {
            let (status, page) = self.pull(device, cursor.as_deref(), Some(limit)).await?;
            anyhow::ensure!(status == StatusCode::OK, "pull: {status} {page}");
            records.extend(page["records"].as_array().cloned().unwrap_or_default());
            cursor = page["cursor"].as_str().map(str::to_owned).or(cursor);
            if page["more"] != true {
                return Ok((records, cursor));
            }
        }
    }

    /// A liaison of `agency` made by `admin` through the API, logged in on a new device.
    pub async fn liaison(
        &self,
        admin: &Device,
        username: &str,
        agency: &str,
    ) -> anyhow::Result<Device> {
        let body = json!({"username": username, "name": format!("Penghubung {agency}"),
                          "role": "liaison", "agency": agency, "password": crate::common::PASSWORD});
        let (status, account) = self.post("/users", Some(&admin.token), &body).await?;
        anyhow::ensure!(status == StatusCode::CREATED, "{account}");
        let user: gugus_model::api::UserInfo = serde_json::from_value(account)?;
        self.device(&user).await
    }

    /// The record with this id, as a full pull shows it.
    pub async fn record(&self, device: &Device, id: Uuid) -> anyhow::Result<Option<Value>> {
        let records = self.pull_all(device).await?;
        Ok(records.into_iter().find(|r| r["id"] == json!(id)))
    }
}
