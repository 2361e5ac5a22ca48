//! A deterministic data generator: cases with their victims, identities, services, legal
//! steps and notes, and activities, spread over the regency's villages and a span of
//! months, from a seed. The same seed and plan give the same records, ids included, on
//! every machine; each case and activity has its own random stream (seed, index), so any
//! part can be made again without the rest and a million cases stream in constant memory.
//!
//! Used by `gugus-worker generate`, by tests that check the evaluation figures against
//! the records, and by benchmarks. Every record is valid for its kind as of `until`.

use crate::store::{PushBatch, PushOutcome, Store, StoreError};
use model::activity::format_date;
use model::api::UserInfo;
use model::regions::{self, Region};
use model::sync::{Mutation, MutationStatus, Op};
use model::vocab::{self, Vocab};
use model::RecordKind;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};
use time::{Date, Duration};
use uuid::Uuid;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The seed: the same plan and seed give the same records.
    pub seed: u64,
    /// How many cases.
    pub cases: u64,
    /// How many activities.
    pub activities: u64,
    /// How many months back from `until` the dates spread over.
    pub months: u32,
    /// The last day any date may fall on.
    pub until: Date,
    /// Officers to assign cases to (each case to one of them, or none when empty).
    pub officers: Vec<Uuid>,
    /// Agencies to refer victims' services to (issue #19), each answered by its liaison
    /// when the plan is loaded ([`load`]); none when empty.
    pub referral_agencies: Vec<String>,
}

/// One generated record, ready to push as a creation.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// Its kind.
    pub kind: RecordKind,
    /// Its id.
    pub id: Uuid,
    /// Its fields.
    pub fields: Map<String, Value>,
}

impl Generated {
    /// The creation mutation with this device mutation id.
    pub fn mutation(&self, id: u64, at: &str) -> Mutation {
        Mutation {
            id,
            kind: self.kind.as_str().into(),
            record_id: self.id,
            op: Op::Upsert,
            base_version: 0,
            fields: self.fields.clone(),
            at: at.into(),
            resolves: Vec::new(),
        }
    }
}

/// Why a plan could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The store failed.
    #[error("the store failed")]
    Store(#[from] StoreError),
    /// A generated record was not applied: the generator no longer matches the model, or
    /// the loading user may not write it.
    #[error("generated record {id} ({kind}) was not applied: {status}")]
    NotApplied {
        /// The record.
        id: Uuid,
        /// Its kind.
        kind: &'static str,
        /// What the store answered.
        status: String,
    },
    /// The plan refers to an agency with no liaison among those given to answer.
    #[error("no liaison of the agency {0:?} to answer the generated referrals")]
    NoLiaison(String),
}

/// Pushes every record of `plan` through the store's push path as `user` (a supervisor
/// or admin), from a new device, at most `per_push` mutations a push; and each answer to a
/// referral (accept, decline, deliver) as the liaison among `liaisons` of the agency it is
/// addressed to, from that liaison's own device, right after the push that stored the
/// referral (only the addressed agency answers, issue #19). Parents always come before
/// their children, in the same push or an earlier one, and a declined referral's decline
/// before the referral that names it. Answers how many records were
/// stored.
pub async fn load(
    store: &dyn Store,
    user: &UserInfo,
    liaisons: &[UserInfo],
    plan: &Plan,
    per_push: usize,
    today: Date,
) -> Result<u64, LoadError> {
    for agency in &plan.referral_agencies {
        if !liaisons.iter().any(|l| &l.agency == agency) {
            return Err(LoadError::NoLiaison(agency.clone()));
        }
    }
    let device_id = Uuid::now_v7();
    let at = format!("{}T00:00:00Z", format_date(today));
    let per_push = per_push.clamp(1, model::sync::MAX_MUTATIONS);
    let mut batch: Vec<(RecordKind, Mutation)> = Vec::with_capacity(per_push);
    let mut answers = Answers::new(liaisons);
    let mut stored = 0;
    // The planner's statistics are refreshed each time the load doubles what it stored:
    // without them (a new database, or PostgreSQL with autovacuum off) it guesses every
    // table empty or huge, and a push's lookups by case slow down a hundredfold.
    let mut refresh_at = 10_000;
    let mut mutation_id = 0;
    for record in plan.records() {
        if answers.take(&record) {
            continue;
        }
        // A referral made after a decline names the declined one, which the server checks:
        // the referral and its answers go first.
        let previous = record
            .fields
            .get("previous_referral")
            .and_then(Value::as_str);
        let previous = previous.and_then(|id| Uuid::try_parse(id).ok());
        if previous.is_some_and(|id| batch.iter().any(|(_, m)| m.record_id == id)) {
            stored += push(store, user, device_id, std::mem::take(&mut batch), today).await?;
            stored += answers.flush(store, per_push, &at, today).await?;
        }
        mutation_id += 1;
        batch.push((record.kind, record.mutation(mutation_id, &at)));
        if batch.len() == per_push {
            stored += push(store, user, device_id, std::mem::take(&mut batch), today).await?;
            stored += answers.flush(store, per_push, &at, today).await?;
            if stored >= refresh_at {
                store.refresh_statistics().await?;
                refresh_at = stored.saturating_mul(2);
            }
        }
    }
    if !batch.is_empty() {
        stored += push(store, user, device_id, batch, today).await?;
    }
    stored += answers.flush(store, per_push, &at, today).await?;
    Ok(stored)
}

/// The answers to generated referrals, waiting for the push that stores their referrals,
/// by liaison.
struct Answers {
    /// Each liaison with its device, its last mutation id and its waiting answers.
    liaisons: Vec<(UserInfo, Uuid, u64, Vec<Generated>)>,
    /// The agency of each referral seen lately (a referral's steps follow it closely, in
    /// its case's records): two generations, so memory stays bounded.
    agencies: [std::collections::HashMap<Uuid, String>; 2],
}

impl Answers {
    fn new(liaisons: &[UserInfo]) -> Answers {
        Answers {
            liaisons: liaisons
                .iter()
                .map(|l| (l.clone(), Uuid::now_v7(), 0, Vec::new()))
                .collect(),
            agencies: Default::default(),
        }
    }

    /// Keeps an answer for its liaison (true), or notes a referral's agency and leaves the
    /// record to the main push (false).
    fn take(&mut self, record: &Generated) -> bool {
        let text = |name: &str| record.fields.get(name).and_then(Value::as_str);
        match record.kind {
            RecordKind::Referral => {
                if self.agencies[0].len() >= 10_000 {
                    self.agencies.swap(0, 1);
                    self.agencies[0].clear();
                }
                let agency = text("agency").unwrap_or_default().to_owned();
                self.agencies[0].insert(record.id, agency);
                false
            }
            RecordKind::ReferralStep => {
                let answer = text("action")
                    .and_then(model::referral::Action::parse)
                    .is_some_and(model::referral::Action::is_answer);
                let referral = text("referral_id").and_then(|id| Uuid::try_parse(id).ok());
                let agency = referral.and_then(|id| {
                    self.agencies
                        .iter()
                        .find_map(|generation| generation.get(&id))
                });
                let liaison = agency.and_then(|agency| {
                    self.liaisons.iter_mut().find(|(l, ..)| &l.agency == agency)
                });
                match (answer, liaison) {
                    (true, Some((_, _, _, waiting))) => {
                        waiting.push(record.clone());
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Pushes every waiting answer as its liaison.
    async fn flush(
        &mut self,
        store: &dyn Store,
        per_push: usize,
        at: &str,
        today: Date,
    ) -> Result<u64, LoadError> {
        let mut stored = 0;
        for (liaison, device, last, waiting) in &mut self.liaisons {
            for chunk in std::mem::take(waiting).chunks(per_push) {
                let batch = chunk
                    .iter()
                    .map(|record| {
                        *last += 1;
                        (record.kind, record.mutation(*last, at))
                    })
                    .collect();
                stored += push(store, liaison, *device, batch, today).await?;
            }
        }
        Ok(stored)
    }
}

async fn push(
    store: &dyn Store,
    user: &UserInfo,
    device_id: Uuid,
    batch: Vec<(RecordKind, Mutation)>,
    today: Date,
) -> Result<u64, LoadError> {
    let kinds: Vec<RecordKind> = batch.iter().map(|(kind, _)| *kind).collect();
    let push = PushBatch {
        user: user.clone(),
        device_id,
        mutations: batch.into_iter().map(|(_, m)| m).collect(),
        today,
    };
    let PushOutcome::Done(response) = store.push(&push).await? else {
        return Err(LoadError::NotApplied {
            id: Uuid::nil(),
            kind: "push",
            status: "mutation gap".into(),
        });
    };
    for ((result, mutation), kind) in response.results.iter().zip(&push.mutations).zip(kinds) {
        if !matches!(result.status, MutationStatus::Applied { .. }) {
            return Err(LoadError::NotApplied {
                id: mutation.record_id,
                kind: kind.as_str(),
                status: format!("{:?}", result.status),
            });
        }
    }
    Ok(response.results.len() as u64)
}

/// Stream tags, so a case and an activity with the same index draw different numbers.
const CASE_STREAM: u64 = 0xCA5E;
const ACTIVITY_STREAM: u64 = 0xAC71;
/// The referrals of a case draw from their own stream, so a plan with agencies to refer to
/// makes the same cases, victims and services as one without.
const REFERRAL_STREAM: u64 = 0x12EF;

impl Plan {
    /// The `index`-th case and every record under it, parents first.
    pub fn case(&self, index: u64) -> Vec<Generated> {
        let mut g = Gen::new(self, CASE_STREAM, index);
        let mut records = g.case();
        if !self.referral_agencies.is_empty() {
            let mut g = Gen::new(self, REFERRAL_STREAM, index);
            g.referrals(&mut records);
        }
        records
    }

    /// The `index`-th activity.
    pub fn activity(&self, index: u64) -> Generated {
        let mut g = Gen::new(self, ACTIVITY_STREAM, index);
        g.activity()
    }

    /// Every record of the plan, cases (each with its records) first, then activities.
    pub fn records(&self) -> impl Iterator<Item = Generated> + '_ {
        (0..self.cases)
            .flat_map(|i| self.case(i))
            .chain((0..self.activities).map(|i| self.activity(i)))
    }

    /// The first day dates may fall on.
    pub fn from(&self) -> Date {
        let days = i64::from(self.months) * 30;
        self.until - Duration::days(days.max(1) - 1)
    }
}

/// One random stream and what it draws from.
struct Gen<'a> {
    plan: &'a Plan,
    rng: StdRng,
}

/// The victim and service a generated referral is about.
struct Referred<'a> {
    victim_id: Uuid,
    victim: &'a Map<String, Value>,
    service: &'a str,
}

impl<'a> Gen<'a> {
    fn new(plan: &'a Plan, stream: u64, index: u64) -> Self {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&plan.seed.to_le_bytes());
        seed[8..16].copy_from_slice(&stream.to_le_bytes());
        seed[16..24].copy_from_slice(&index.to_le_bytes());
        Gen {
            plan,
            rng: StdRng::from_seed(seed),
        }
    }

    /// A random UUID v7-shaped id from the stream (time part from the record's date).
    /// An envelope of `plain`'s size under case key `key_id` (`model::e2e::Envelope`):
    /// random bytes where the phone's ciphertext would be, which no key opens.
    fn envelope(&mut self, key_id: Uuid, plain: &str) -> Value {
        let length = serde_json::to_vec(plain).map_or(0, |v| v.len()) + model::e2e::TAG_BYTES;
        let ciphertext = (0..length).map(|_| self.rng.gen()).collect();
        json!(model::e2e::Envelope {
            key_id,
            nonce: self.rng.gen(),
            ciphertext,
        }
        .to_text())
    }

    fn id(&mut self, date: Date) -> Uuid {
        let millis = (date.midnight().assume_utc().unix_timestamp().max(0) as u64) * 1000;
        let random: u128 = self.rng.gen();
        let bits = (u128::from(millis) << 80) | (random & ((1u128 << 80) - 1));
        let bits = (bits & !(0xF << 76)) | (0x7 << 76);
        let bits = (bits & !(0x3 << 62)) | (0x2 << 62);
        Uuid::from_u128(bits)
    }

    fn date(&mut self) -> Date {
        let span = (self.plan.until - self.plan.from()).whole_days();
        self.plan.from() + Duration::days(self.rng.gen_range(0..=span))
    }

    /// A date `0..=max` days after `after`, never after `until`.
    fn after(&mut self, after: Date, max: i64) -> Date {
        let date = after + Duration::days(self.rng.gen_range(0..=max));
        date.min(self.plan.until)
    }

    /// A code, the vocabulary's first ones weighted heavier (they are the common ones).
    fn code(&mut self, vocab: Vocab) -> &'static str {
        let n = vocab.terms.len();
        let skewed = (self.rng.gen::<f64>().powi(2) * n as f64) as usize;
        vocab.terms[skewed.min(n - 1)].code
    }

    fn codes(&mut self, vocab: Vocab, most: usize) -> Vec<&'static str> {
        let count = self.rng.gen_range(1..=most);
        let mut codes: Vec<&'static str> = (0..count).map(|_| self.code(vocab)).collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }

    fn place(&mut self) -> (&'static Region, &'static Region) {
        let kecamatan: Vec<&Region> = regions::kecamatan().collect();
        let kec = kecamatan[self.rng.gen_range(0..kecamatan.len())];
        let villages: Vec<&Region> = regions::villages_of(&kec.code).collect();
        (kec, villages[self.rng.gen_range(0..villages.len())])
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.gen_range(0..items.len())]
    }

    fn case(&mut self) -> Vec<Generated> {
        let reported = self.date();
        let case_id = self.id(reported);
        let (kec, desa) = self.place();
        let status = self.pick(&["reported", "assessed", "in_service", "in_service", "closed"]);
        let mut fields = object(json!({
            "date_reported": format_date(reported),
            "source": self.code(vocab::CASE_SOURCES),
            "status": status,
            "kecamatan": kec.code,
            "desa": desa.code,
            "modus": self.code(vocab::MODUS),
            "exploitation": self.codes(vocab::EXPLOITATION, 2),
            "means": self.codes(vocab::MEANS, 3),
            "recruitment": self.codes(vocab::RECRUITMENT, 2),
            "destination": self.code(vocab::DESTINATIONS),
            "summary": "Data contoh (dibuat generator)",
            "sensitive": self.rng.gen_bool(0.1),
        }));
        if status == "closed" {
            fields.insert(
                "closing_reason".into(),
                json!(self.code(vocab::CLOSING_REASONS)),
            );
        }
        if !self.plan.officers.is_empty() {
            let plan = self.plan;
            let officer = self.pick(&plan.officers);
            fields.insert("assigned_officers".into(), json!([officer]));
        }
        let mut records = vec![Generated {
            kind: RecordKind::Case,
            id: case_id,
            fields,
        }];
        let key_id = self.case_key(case_id, reported, &mut records);
        for _ in 0..self.rng.gen_range(1..=3) {
            self.victim(case_id, key_id, reported, (kec, desa), &mut records);
        }
        self.legal_steps(case_id, reported, &mut records);
        for n in 0..self.rng.gen_range(0..=2) {
            let day = self.after(reported, 30);
            let id = self.id(day);
            let text = format!("Catatan perkembangan ke-{} (data contoh).", n + 1);
            records.push(Generated {
                kind: RecordKind::Note,
                id,
                fields: object(json!({"case_id": case_id, "text": text})),
            });
        }
        records
    }

    /// The case's key (issue #18), as a `case_key` record: the server holds identities only
    /// as envelopes, under a key a `case_key` record of their case names. Generated ones
    /// are of the size the phone's would be, under a key wrapped (random bytes too) for an
    /// account that does not exist: every phone passes over it (the identities show as not
    /// shared) and no phone ever shares it on.
    fn case_key(&mut self, case_id: Uuid, reported: Date, records: &mut Vec<Generated>) -> Uuid {
        let key_id = self.id(reported);
        let nobody = Uuid::from_u128(self.rng.gen());
        let mut ephemeral = vec![0x04];
        ephemeral.extend((0..64).map(|_| self.rng.gen::<u8>()));
        let wrapped = model::e2e::WrappedKey {
            case_id,
            key_id,
            reader: model::e2e::Reader::Account(nobody),
            ephemeral,
            nonce: (0..model::e2e::NONCE_BYTES)
                .map(|_| self.rng.gen())
                .collect(),
            wrapped: (0..model::e2e::KEY_BYTES + model::e2e::TAG_BYTES)
                .map(|_| self.rng.gen())
                .collect(),
            reader_key: None,
        };
        records.push(Generated {
            kind: RecordKind::CaseKey,
            id: self.id(reported),
            fields: wrapped.to_fields(),
        });
        key_id
    }

    fn victim(
        &mut self,
        case_id: Uuid,
        key_id: Uuid,
        reported: Date,
        (kec, desa): (&Region, &Region),
        records: &mut Vec<Generated>,
    ) {
        let id = self.id(reported);
        let sex = self.pick(&["female", "female", "male"]);
        let age: u8 = if self.rng.gen_bool(0.25) {
            self.rng.gen_range(12..18)
        } else {
            self.rng.gen_range(18..46)
        };
        // Most victims come from the case's village; some from elsewhere in the regency.
        let (kec, desa) = match self.rng.gen_bool(0.8) {
            true => (kec, desa),
            false => self.place(),
        };
        records.push(Generated {
            kind: RecordKind::Victim,
            id,
            fields: object(json!({
                "case_id": case_id,
                "pseudonym": format!("K-{}", &id.simple().to_string()[24..]),
                "sex": sex,
                "age": age,
                "kecamatan": kec.code,
                "desa": desa.code,
                "education": self.code(vocab::EDUCATION),
                "former_migrant": self.rng.gen_bool(0.3),
                "vulnerabilities": self.codes(vocab::VULNERABILITIES, 2),
                "consent": true,
                "consent_date": format_date(reported),
            })),
        });
        let identity_id = self.id(reported);
        let first = self.pick(match sex {
            "female" => &FEMALE_NAMES[..],
            _ => &MALE_NAMES[..],
        });
        let last = self.pick(&FAMILY_NAMES);
        let nik: String = format!(
            "{}{:010}",
            desa.code.replace('.', "").get(..6).unwrap_or("330301"),
            self.rng.gen_range(0..10_000_000_000u64)
        );
        let phone = format!("0812{:08}", self.rng.gen_range(0..100_000_000u32));
        let address = format!(
            "RT {:02} RW {:02}, {}",
            self.rng.gen_range(1..10),
            self.rng.gen_range(1..8),
            desa.name
        );
        let mut fields = Map::new();
        fields.insert("victim_id".into(), json!(id));
        for (name, plain) in [
            ("full_name", format!("{first} {last}")),
            ("nik", nik),
            ("phone", phone),
            ("address", address),
        ] {
            fields.insert(name.into(), self.envelope(key_id, &plain));
        }
        records.push(Generated {
            kind: RecordKind::VictimIdentity,
            id: identity_id,
            fields,
        });
        for _ in 0..self.rng.gen_range(1..=4) {
            let requested = self.after(reported, 20);
            let within_a_week = self.rng.gen_bool(0.7);
            let delivered = self
                .rng
                .gen_bool(0.7)
                .then(|| self.after(requested, if within_a_week { 7 } else { 40 }));
            let mut fields = object(json!({
                "victim_id": id,
                "type": self.code(vocab::SERVICE_TYPES),
                "provider": self.code(vocab::AGENCIES),
                "requested_on": format_date(requested),
                "status": match delivered {
                    Some(_) => "delivered",
                    None => self.pick(&["requested", "in_progress", "cancelled"]),
                },
            }));
            if let Some(day) = delivered {
                fields.insert("delivered_on".into(), json!(format_date(day)));
            }
            let service_id = self.id(requested);
            records.push(Generated {
                kind: RecordKind::Service,
                id: service_id,
                fields,
            });
        }
    }

    /// Referrals of some of the case's services (issue #19) to the plan's agencies, with
    /// the delays and answers a task force sees: most answered within a few days, some
    /// late, some never; about two in three accepted (most of those delivered), one in
    /// five declined (half of those referred again elsewhere), a few cancelled unanswered.
    /// Each referral shares the victim's sex, age group and kecamatan, as an officer
    /// would tick them.
    fn referrals(&mut self, records: &mut Vec<Generated>) {
        let victims: Vec<(Uuid, Map<String, Value>)> = records
            .iter()
            .filter(|r| r.kind == RecordKind::Victim)
            .map(|r| (r.id, r.fields.clone()))
            .collect();
        let services: Vec<Map<String, Value>> = records
            .iter()
            .filter(|r| r.kind == RecordKind::Service)
            .map(|r| r.fields.clone())
            .collect();
        for service in services {
            if !self.rng.gen_bool(0.35) {
                continue;
            }
            let victim_id = service["victim_id"]
                .as_str()
                .and_then(|v| Uuid::try_parse(v).ok());
            let Some((victim_id, victim)) = victims
                .iter()
                .find(|(id, _)| Some(*id) == victim_id)
                .cloned()
            else {
                continue;
            };
            let requested = service["requested_on"]
                .as_str()
                .and_then(model::activity::parse_date)
                .unwrap_or(self.plan.until);
            let agencies = self.plan.referral_agencies.clone();
            let agency = self.pick(&agencies.iter().map(String::as_str).collect::<Vec<_>>());
            let kind = service["type"].as_str().unwrap_or("shelter").to_owned();
            let referred = Referred {
                victim_id,
                victim: &victim,
                service: &kind,
            };
            let declined = self.referral(&referred, agency, requested, None, records);
            if let Some((previous, on)) = declined.filter(|_| self.rng.gen_bool(0.5)) {
                let others: Vec<&str> = agencies
                    .iter()
                    .map(String::as_str)
                    .filter(|a| *a != agency)
                    .collect();
                if !others.is_empty() {
                    let next = self.pick(&others);
                    self.referral(&referred, next, on, Some(previous), records);
                }
            }
        }
    }

    /// One referral and its steps; the referral's id and the day of its decline, when it
    /// was declined.
    fn referral(
        &mut self,
        &Referred {
            victim_id,
            victim,
            service,
        }: &Referred<'_>,
        agency: &str,
        referred: Date,
        previous: Option<Uuid>,
        records: &mut Vec<Generated>,
    ) -> Option<(Uuid, Date)> {
        let urgency = self.pick(&["routine", "routine", "urgent", "emergency"]);
        let days = if urgency == "emergency" {
            2
        } else {
            model::referral::DEFAULT_DAYS_NEEDED
        };
        let id = self.id(referred);
        let child = victim["age"].as_u64().is_some_and(|age| age < 18);
        let mut fields = object(json!({
            "victim_id": victim_id,
            "agency": agency,
            "service": service,
            "reason": "Korban membutuhkan layanan ini (data contoh).",
            "urgency": urgency,
            "referred_on": format_date(referred),
            "needed_by": format_date(referred + Duration::days(days)),
            "sex": victim["sex"],
            "age_group": if child { "child" } else { "adult" },
            "kecamatan": victim["kecamatan"],
        }));
        if let Some(previous) = previous {
            fields.insert("previous_referral".into(), json!(previous));
        }
        records.push(Generated {
            kind: RecordKind::Referral,
            id,
            fields,
        });
        let mut step = |g: &mut Self, action: &str, on: Date, reason: Option<&str>| {
            let mut fields = object(json!({
                "referral_id": id,
                "action": action,
                "date": format_date(on),
            }));
            if let Some(reason) = reason {
                fields.insert("decline_reason".into(), json!(reason));
            }
            records.push(Generated {
                kind: RecordKind::ReferralStep,
                id: g.id(on),
                fields,
            });
        };
        let answered = match self.rng.gen_range(0..100) {
            0..=74 => self.after(referred, 4),
            75..=89 => self.after(referred + Duration::days(5), 9),
            _ => {
                if self.rng.gen_bool(0.4) {
                    let on = self.after(referred, 20);
                    step(self, "cancel", on, None);
                }
                return None;
            }
        };
        match self.rng.gen_range(0..100) {
            0..=71 => {
                step(self, "accept", answered, None);
                if self.rng.gen_bool(0.8) {
                    let delivered = self.after(answered, 21);
                    step(self, "deliver", delivered, None);
                }
                None
            }
            _ => {
                let reason = self.code(vocab::DECLINE_REASONS);
                step(self, "decline", answered, Some(reason));
                Some((id, answered))
            }
        }
    }

    /// The stages a case reached, in order, each on or after the one before.
    fn legal_steps(&mut self, case_id: Uuid, reported: Date, records: &mut Vec<Generated>) {
        let stages = vocab::LEGAL_STAGES.terms;
        let reached = match self.rng.gen_range(0..10) {
            0..=3 => 0,
            n => (n - 3).min(stages.len() as u32) as usize,
        };
        let mut day = reported;
        for (n, stage) in stages.iter().take(reached).enumerate() {
            day = self.after(day, 45);
            let mut fields = object(json!({
                "case_id": case_id,
                "stage": stage.code,
                "date": format_date(day),
                "reference": format!("{}/{}/2026", stage.code.to_uppercase(), n + 1),
                "suspects": self.rng.gen_range(1..4),
            }));
            if stage.code == "restitution" {
                let rupiah = self.rng.gen_range(10..500) * 1_000_000u64;
                fields.insert("restitution".into(), json!(rupiah));
            }
            let id = self.id(day);
            records.push(Generated {
                kind: RecordKind::LegalStep,
                id,
                fields,
            });
        }
    }

    fn activity(&mut self) -> Generated {
        let date = self.date();
        let (kec, desa) = self.place();
        let id = self.id(date);
        let fields = object(json!({
            "type": self.code(vocab::ACTIVITY_TYPES),
            "date": format_date(date),
            "kecamatan": kec.code,
            "desa": desa.code,
            "venue": format!("Balai Desa {}", desa.name),
            "audience": self.codes(vocab::AUDIENCES, 2),
            "participants_female_adult": self.rng.gen_range(0..40),
            "participants_male_adult": self.rng.gen_range(0..30),
            "participants_female_child": self.rng.gen_range(0..10),
            "participants_male_child": self.rng.gen_range(1..10),
            "topics": self.codes(vocab::TOPICS, 3),
            "partners": "",
            "follow_up": "",
            "notes": "Data contoh (dibuat generator)",
        }));
        Generated {
            kind: RecordKind::Activity,
            id,
            fields,
        }
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

const FEMALE_NAMES: [&str; 8] = [
    "Siti", "Sri", "Dewi", "Rina", "Wati", "Ani", "Nur", "Lestari",
];
const MALE_NAMES: [&str; 8] = [
    "Budi", "Agus", "Joko", "Slamet", "Eko", "Bambang", "Rudi", "Teguh",
];
const FAMILY_NAMES: [&str; 8] = [
    "Rahayu",
    "Wahyuni",
    "Santoso",
    "Setiawan",
    "Handayani",
    "Purnomo",
    "Lestari",
    "Susanto",
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use time::macros::date;

    fn plan(seed: u64) -> Plan {
        Plan {
            seed,
            cases: 300,
            activities: 300,
            months: 24,
            until: date!(2026 - 11 - 29),
            officers: vec![Uuid::from_u128(1), Uuid::from_u128(2)],
            referral_agencies: vec!["uptd_ppa".into(), "police".into()],
        }
    }

    #[test]
    fn every_generated_record_is_valid_and_every_id_unique() {
        let plan = plan(7);
        let mut ids = HashSet::new();
        let mut kinds = HashSet::new();
        for record in plan.records() {
            assert_eq!(
                record.kind.validate_received(&record.fields, plan.until),
                Ok(()),
                "{record:?}"
            );
            assert!(ids.insert(record.id), "duplicate id {}", record.id);
            kinds.insert(record.kind);
        }
        assert_eq!(kinds.len(), RecordKind::ALL.len(), "every kind appears");
    }

    /// Every generated identity's envelopes name a key one of its case's `case_key`
    /// records names (the worker refuses them otherwise), wrapped for no account in the
    /// plan: no phone tries to open it.
    #[test]
    fn every_identity_is_under_a_key_of_its_case_wrapped_for_nobody() {
        let plan = plan(7);
        for index in 0..40 {
            let records = plan.case(index);
            let keys: Vec<model::e2e::WrappedKey> = records
                .iter()
                .filter(|r| r.kind == RecordKind::CaseKey)
                .map(|r| model::e2e::WrappedKey::from_fields(&r.fields).expect("a wrapping"))
                .collect();
            let identities = records
                .iter()
                .filter(|r| r.kind == RecordKind::VictimIdentity);
            for identity in identities {
                let envelope = identity.fields["full_name"].as_str().expect("an envelope");
                let envelope = model::e2e::Envelope::parse(envelope).expect("an envelope");
                let wrapping = keys
                    .iter()
                    .find(|k| k.key_id == envelope.key_id)
                    .expect("a wrapping of the key");
                assert_eq!(wrapping.case_id, records[0].id);
                let model::e2e::Reader::Account(reader) = wrapping.reader else {
                    panic!("wrapped for the recovery key");
                };
                assert!(!plan.officers.contains(&reader));
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_records_and_another_seed_others() {
        let (a, b, c) = (plan(7), plan(7), plan(8));
        assert!(a.records().eq(b.records()));
        assert_ne!(a.case(0), c.case(0));
        assert_eq!(a.case(5), plan(7).case(5), "a part can be made again alone");
    }

    #[test]
    fn dates_stay_in_the_span() {
        let plan = plan(3);
        let (from, until) = (plan.from(), plan.until);
        for record in plan.records() {
            for name in ["date_reported", "date", "requested_on", "delivered_on"] {
                if let Some(day) = record.fields.get(name).and_then(Value::as_str) {
                    let day = model::activity::parse_date(day).expect("a date");
                    assert!(day >= from && day <= until, "{name} {day} in {record:?}");
                }
            }
        }
    }
}
