//! Demo mode (`--demo`): the demo accounts of `docs/api.md` (an officer, a supervisor, a
//! viewer and two agency liaisons), about 30 sample activities and 40 sample cases with
//! referrals so every page has something to show. Off unless asked for.

use crate::auth::{self, AccountError};
use crate::generate;
use crate::store::{PushBatch, PushOutcome, Store, StoreError};
use model::activity::format_date;
use model::api::{Role, UserInfo};
use model::regions;
use model::sync::{Mutation, MutationStatus, Op};
use model::vocab::{ACTIVITY_TYPES, AUDIENCES, TOPICS};
use serde_json::{json, Map, Value};
use time::{Date, Duration};
use uuid::Uuid;

/// A demo login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoAccount {
    /// The username.
    pub username: &'static str,
    /// The password (public: demo only).
    pub password: &'static str,
    /// The display name.
    pub name: &'static str,
    /// The role.
    pub role: Role,
}

/// The demo accounts: an officer, a supervisor and a viewer.
pub const ACCOUNTS: [DemoAccount; 3] = [
    DemoAccount {
        username: "petugas",
        password: "sepatu-lumpur-sawah",
        name: "Petugas Demo",
        role: Role::Officer,
    },
    DemoAccount {
        username: "ketua",
        password: "rapat-pagi-teh-manis",
        name: "Ketua Harian Demo",
        role: Role::Supervisor,
    },
    DemoAccount {
        username: "bupati",
        password: "pendopo-hujan-senja",
        name: "Bupati Demo",
        role: Role::Viewer,
    },
];

/// The demo liaisons (issue #19), each of one agency: the shelter unit and the police,
/// so the demo's referrals are answered, declined and delivered.
pub const LIAISONS: [(DemoAccount, &str); 2] = [
    (
        DemoAccount {
            username: "penghubung-uptd",
            password: "kunci-jendela-biru-pagi",
            name: "Penghubung UPTD PPA Demo",
            role: Role::Liaison,
        },
        "uptd_ppa",
    ),
    (
        DemoAccount {
            username: "penghubung-polres",
            password: "payung-merah-di-teras",
            name: "Penghubung Polres Demo",
            role: Role::Liaison,
        },
        "police",
    ),
];

/// How many sample activities demo mode adds to an empty store.
pub const SAMPLE_ACTIVITIES: usize = 30;

/// The device the sample activities are pushed from.
const DEMO_DEVICE: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_d3e0);

/// Why demo mode could not set up.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// An account could not be made.
    #[error("cannot create a demo account")]
    Account(#[from] AccountError),
    /// The store failed.
    #[error("the store failed")]
    Store(#[from] StoreError),
    /// A sample activity was not applied (the samples no longer match the model).
    #[error("a sample activity was not applied: {0}")]
    Sample(String),
}

/// Creates the demo accounts that are missing (the liaisons too); answers the three of
/// [`ACCOUNTS`].
pub async fn ensure_accounts(store: &dyn Store) -> Result<&'static [DemoAccount], DemoError> {
    let everyone = ACCOUNTS
        .iter()
        .map(|account| (account, ""))
        .chain(LIAISONS.iter().map(|(account, agency)| (account, *agency)));
    for (account, agency) in everyone {
        if store.user_credentials(account.username).await?.is_some() {
            continue;
        }
        let added = auth::add_user_of(
            store,
            account.username,
            account.name,
            (account.role, agency),
            account.password,
        )
        .await;
        match added {
            Ok(_) | Err(AccountError::Store(StoreError::UsernameTaken(_))) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(&ACCOUNTS)
}

/// Adds the sample activities through the push path, as the demo officer, when the store
/// has no activity yet. Answers how many were added.
pub async fn seed_activities(store: &dyn Store, today: Date) -> Result<usize, DemoError> {
    if store.has_records("activity").await? {
        return Ok(0);
    }
    let officer = store
        .user_credentials(ACCOUNTS[0].username)
        .await?
        .ok_or_else(|| DemoError::Sample("the demo officer is missing".into()))?
        .user;
    let mut mutations: Vec<Mutation> = (0..SAMPLE_ACTIVITIES).map(|i| sample(i, today)).collect();
    let response = match push(store, &officer, &mutations, today).await? {
        PushOutcome::Done(response) => response,
        PushOutcome::Gap { expected } => {
            for (offset, mutation) in mutations.iter_mut().enumerate() {
                mutation.id = expected + offset as u64;
            }
            match push(store, &officer, &mutations, today).await? {
                PushOutcome::Done(response) => response,
                PushOutcome::Gap { .. } => return Err(DemoError::Sample("mutation gap".into())),
            }
        }
    };
    for result in &response.results {
        if !matches!(result.status, MutationStatus::Applied { .. }) {
            return Err(DemoError::Sample(format!("{:?}", result.status)));
        }
    }
    Ok(response.results.len())
}

/// How many sample cases demo mode adds to a store without cases.
pub const SAMPLE_CASES: u64 = 40;

/// Adds generated sample cases (with victims, services, legal steps and notes) over the
/// last 12 months, written by the demo supervisor and assigned to the demo officer, when
/// the store has no case yet. Answers how many records were added.
pub async fn seed_cases(store: &dyn Store, today: Date) -> Result<u64, DemoError> {
    if store.has_records("case").await? {
        return Ok(0);
    }
    let account = |username: &'static str| async move {
        let found = store.user_credentials(username).await?;
        found
            .map(|c| c.user)
            .ok_or_else(|| DemoError::Sample(format!("the demo account {username} is missing")))
    };
    let officer = account(ACCOUNTS[0].username).await?;
    let supervisor = account(ACCOUNTS[1].username).await?;
    let mut liaisons = Vec::new();
    for (liaison, _) in &LIAISONS {
        liaisons.push(account(liaison.username).await?);
    }
    let plan = generate::Plan {
        seed: 2026,
        cases: SAMPLE_CASES,
        activities: 0,
        months: 12,
        until: today,
        officers: vec![officer.id],
        referral_agencies: LIAISONS.iter().map(|(_, a)| (*a).to_owned()).collect(),
    };
    generate::load(store, &supervisor, &liaisons, &plan, 500, today)
        .await
        .map_err(|error| DemoError::Sample(error.to_string()))
}

async fn push(
    store: &dyn Store,
    officer: &UserInfo,
    mutations: &[Mutation],
    today: Date,
) -> Result<PushOutcome, StoreError> {
    let batch = PushBatch {
        user: officer.clone(),
        device_id: DEMO_DEVICE,
        mutations: mutations.to_vec(),
        today,
    };
    store.push(&batch).await
}

/// The `i`-th sample activity: deterministic, spread over 12 kecamatan and ~6 months.
fn sample(i: usize, today: Date) -> Mutation {
    Mutation {
        id: i as u64 + 1,
        kind: "activity".into(),
        record_id: Uuid::now_v7(),
        op: Op::Upsert,
        base_version: 0,
        fields: sample_fields(i, today),
        at: format!("{}T02:00:00Z", format_date(today)),
        resolves: Vec::new(),
    }
}

fn sample_fields(i: usize, today: Date) -> Map<String, Value> {
    let mut kecamatan: Vec<_> = regions::kecamatan().collect();
    kecamatan.sort_by(|a, b| a.code.cmp(&b.code));
    let kec = kecamatan[(i * 5) % 12];
    let villages: Vec<_> = regions::villages_of(&kec.code).collect();
    let desa = villages[(i * 3) % villages.len()];
    let date = today - Duration::days((i * 6 + 1) as i64);
    let pick = |terms: &[model::vocab::Term], n: usize| terms[n % terms.len()].code;
    let fields = json!({
        "type": pick(ACTIVITY_TYPES.terms, i),
        "date": format_date(date),
        "kecamatan": kec.code,
        "desa": desa.code,
        "venue": format!("Balai Desa {}", desa.name),
        "audience": [pick(AUDIENCES.terms, i), pick(AUDIENCES.terms, i + 3)],
        "participants_female_adult": 8 + (i * 7) % 23,
        "participants_male_adult": 5 + (i * 11) % 19,
        "participants_female_child": (i * 3) % 9,
        "participants_male_child": (i * 5) % 7,
        "topics": [pick(TOPICS.terms, i), pick(TOPICS.terms, i + 2)],
        "partners": "Dinsosdalduk KBP3A, Polres Purbalingga",
        "follow_up": "",
        "notes": "Data contoh (mode demo)",
    });
    match fields {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_passwords_pass_the_strength_check() {
        for account in ACCOUNTS {
            let owner = [account.username, account.name, ""];
            let checked = auth::check_password(account.password, owner);
            assert!(checked.is_ok(), "{}: {checked:?}", account.username);
        }
    }
    use model::RecordKind;

    #[test]
    fn every_sample_is_a_valid_activity() {
        let today = time::macros::date!(2026 - 11 - 29);
        for i in 0..SAMPLE_ACTIVITIES {
            let fields = sample_fields(i, today);
            assert_eq!(
                RecordKind::Activity.validate(&fields, today),
                Ok(()),
                "sample {i}"
            );
        }
        assert_eq!(
            sample_fields(3, today),
            sample_fields(3, today),
            "deterministic"
        );
    }
}
