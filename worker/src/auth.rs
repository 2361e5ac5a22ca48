//! Accounts, passwords and bearer tokens.
//!
//! Passwords are hashed with argon2id at 7 MiB, 5 passes and 1 lane: one of the settings
//! OWASP's password storage cheat sheet gives as equally strong (with 19 MiB and 2 passes,
//! the crate's default, and 9 MiB and 4 passes, which earlier builds used), the one that
//! holds least memory: a login's block is the top of the worker's peak memory under 200
//! phones (`make bench`, section `load`). A hash of an earlier build still verifies (its
//! parameters are in it) and is replaced at the account's next login. The worker checks
//! one password at a time ([`password_work`]). Tokens are 256 random bits in hex, stored
//! only as SHA-256 hashes, and expire 30 days after login, or sooner when idle for 14
//! days.

use crate::error::ApiError;
use crate::store::{NewUser, Store, StoreError};
use crate::AppState;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use model::api::{Account, Role, UserInfo};
use model::password::Weakness;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;
use time::Duration;
use tokio::sync::Semaphore;
use uuid::Uuid;

/// How long a token works after login.
pub const TOKEN_LIFETIME: Duration = Duration::days(30);
/// A session not used for longer than this stops working.
pub const IDLE_LIMIT: Duration = Duration::days(14);
/// A session's last use is written at most this often (not on every request).
pub const SEEN_GRANULARITY: Duration = Duration::minutes(1);
/// The shortest password an account may have.
pub const MIN_PASSWORD_CHARS: usize = model::password::MIN_CHARS;

/// A login name: 1 to 64 of `a-z 0-9 . _ -`, kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

/// Why an account cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The username has the wrong form.
    #[error("the username must be 1 to 64 of a-z, 0-9, '.', '_' and '-'")]
    BadUsername,
    /// The display name is empty.
    #[error("the name must not be empty")]
    EmptyName,
    /// The password is too easy to guess (too short among the reasons).
    #[error("the password is too easy to guess: {}", .0.text().en)]
    WeakPassword(Weakness),
    /// A liaison's account names no agency (issue #19).
    #[error("an agency liaison's account must name its agency")]
    AgencyRequired,
    /// The account names an agency that is not on the deployment's list.
    #[error("the agency {0:?} is not on the list")]
    UnknownAgency(String),
    /// The account names an agency that is no longer active.
    #[error("the agency {0:?} is no longer active")]
    InactiveAgency(String),
    /// Hashing failed.
    #[error("cannot hash the password: {0}")]
    Hash(String),
    /// The store failed, or the username is taken.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Username {
    /// Normalises (trim, lower case) and checks a username.
    pub fn parse(text: &str) -> Result<Username, AccountError> {
        let name = text.trim().to_lowercase();
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
        if name.is_empty() || name.len() > 64 || !name.chars().all(allowed) {
            return Err(AccountError::BadUsername);
        }
        Ok(Username(name))
    }

    /// The normalised name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// argon2id's memory per hash, in KiB (see the module's text).
pub const HASH_MEMORY_KIB: u32 = 7 * 1024;
/// argon2id's passes over that memory.
pub const HASH_PASSES: u32 = 5;
/// argon2id's lanes.
pub const HASH_LANES: u32 = 1;

/// The hasher of new passwords.
fn hasher() -> Result<Argon2<'static>, AccountError> {
    let params = Params::new(HASH_MEMORY_KIB, HASH_PASSES, HASH_LANES, None)
        .map_err(|e| AccountError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password with argon2id (a fresh random salt each time).
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// A hash that no password matches, verified for unknown users so that a wrong username
/// takes as long as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let mut secret = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut secret);
    hash_password(&hex::encode(secret)).unwrap_or_default()
});

/// Whether a stored hash was made at other settings than today's (an earlier build's):
/// the account's next login replaces it. A hash that does not parse is left as it is.
pub fn needs_rehash(hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let current = Params::try_from(&parsed).is_ok_and(|params| {
        (params.m_cost(), params.t_cost(), params.p_cost())
            == (HASH_MEMORY_KIB, HASH_PASSES, HASH_LANES)
    });
    !(current
        && parsed.algorithm == Algorithm::Argon2id.ident()
        && parsed.version == Some(Version::V0x13.into()))
}

/// Password work (hashing or checking) waits here: one at a time in a worker process.
/// Each holds argon2's memory block for its length, so a burst of logins costs the
/// process one block, not one per login in flight (the blocking pool would run hundreds
/// at once); on the two cores of a small server or a function the total time is the same.
static PASSWORD_WORK: Semaphore = Semaphore::const_new(1);

/// Runs `work` (a password hash or check) off the async threads, once no other password
/// work runs in this process.
pub async fn password_work<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let _turn = PASSWORD_WORK.acquire().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())
}

/// Whether `password` matches `hash` (`None`: check against a dummy hash, answer false).
/// A hash is checked at the settings written in it.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    let matches = |hash: &str| {
        PasswordHash::new(hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    };
    match hash {
        Some(hash) => matches(hash),
        None => {
            matches(&DUMMY_HASH);
            false
        }
    }
}

/// Creates an account with no agency after checking its name and password.
pub async fn add_user(
    store: &dyn Store,
    username: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<UserInfo, AccountError> {
    add_user_of(store, username, name, (role, ""), password).await
}

/// Creates an account of an agency (a liaison's must name one, issue #19) after checking
/// its name, agency and password.
pub async fn add_user_of(
    store: &dyn Store,
    username: &str,
    name: &str,
    (role, agency): (Role, &str),
    password: &str,
) -> Result<UserInfo, AccountError> {
    let spec = AccountSpec {
        username,
        name,
        role,
        agency,
        password,
    };
    let account = create_account(store, &spec).await?;
    Ok(UserInfo {
        id: account.id,
        username: account.username,
        name: account.name,
        role: account.role,
        agency: account.agency,
    })
}

/// What a new account is made from, its password still in clear.
#[derive(Debug, Clone, Copy)]
pub struct AccountSpec<'a> {
    /// The login name, as typed.
    pub username: &'a str,
    /// The display name.
    pub name: &'a str,
    /// The role.
    pub role: Role,
    /// The agency; may be empty.
    pub agency: &'a str,
    /// The first password.
    pub password: &'a str,
}

/// Words a password must not lean on, whoever's it is: the task force's own and the ones
/// people reach for in Indonesian.
#[rustfmt::skip]
const TASK_FORCE_WORDS: &[&str] = &[
    "gugus", "tugas", "gugustugas", "tppo", "pptppo", "perdagangan", "orang", "korban",
    "kasus", "trafficking", "purbalingga", "kabupaten", "kecamatan", "desa", "jawa",
    "tengah", "jateng", "indonesia", "bupati", "wakil", "ketua", "harian", "sekretaris",
    "petugas", "pemantau", "admin", "dinsos", "dinas", "sosial", "polres", "polisi",
    "kejaksaan", "pengadilan", "sandi", "katasandi", "kata", "rahasia", "sayang", "cinta",
    "bismillah", "merdeka", "selamat", "demo",
];

/// How hard a password must be to guess: zxcvbn's score 3, "safely unguessable"
/// (about 10^8 guesses or more), counting the account's and the regency's words as known.
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

/// Whose password it is: the account's username, name and agency, which a password must
/// not lean on either.
pub type PasswordOwner<'a> = [&'a str; 3];

/// Checks a new password: long enough, and not easy to guess (a strength estimator's
/// judgement, knowing the owner's names, the regency's places and the task force's words).
pub fn check_password(password: &str, owner: PasswordOwner<'_>) -> Result<(), AccountError> {
    let weak = |weakness| Err(AccountError::WeakPassword(weakness));
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return weak(Weakness::TooShort);
    }
    let words = known_words(owner);
    let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if estimate.score() >= MIN_SCORE {
        // The estimator prices a run of known words as a guesser without a list would;
        // one who knows the owner tries their names and places together.
        if own_characters(&password.to_lowercase(), &words) < MIN_OWN_CHARS {
            return weak(Weakness::Personal);
        }
        return Ok(());
    }
    use zxcvbn::feedback::Warning;
    let warning = estimate.feedback().and_then(|feedback| feedback.warning());
    weak(match warning {
        Some(
            Warning::ThisIsATop10Password
            | Warning::ThisIsATop100Password
            | Warning::ThisIsACommonPassword
            | Warning::ThisIsSimilarToACommonlyUsedPassword
            | Warning::AWordByItselfIsEasyToGuess
            | Warning::NamesAndSurnamesByThemselvesAreEasyToGuess
            | Warning::CommonNamesAndSurnamesAreEasyToGuess,
        ) => Weakness::Common,
        Some(
            Warning::RepeatsLikeAaaAreEasyToGuess
            | Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
        ) => Weakness::Repeated,
        Some(
            Warning::SequencesLikeAbcAreEasyToGuess
            | Warning::StraightRowsOfKeysAreEasyToGuess
            | Warning::ShortKeyboardPatternsAreEasyToGuess,
        ) => Weakness::Sequence,
        Some(Warning::RecentYearsAreEasyToGuess | Warning::DatesAreOftenEasyToGuess) => {
            Weakness::Date
        }
        None => {
            let lower = password.to_lowercase();
            let leans = words
                .iter()
                .any(|w| w.chars().count() >= 4 && lower.contains(w.as_str()));
            if leans {
                Weakness::Personal
            } else {
                Weakness::Guessable
            }
        }
    })
}

/// The fewest letters and digits a password must have besides the known words.
const MIN_OWN_CHARS: usize = 4;

/// The letters and digits of `password` (lower case) left once every known word of three
/// characters or more is taken out, longest first.
fn own_characters(password: &str, words: &[String]) -> usize {
    let mut longest: Vec<&String> = words.iter().filter(|w| w.chars().count() >= 3).collect();
    longest.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let mut left = password.to_owned();
    for word in longest {
        left = left.replace(word.as_str(), " ");
    }
    left.chars().filter(|c| c.is_alphanumeric()).count()
}

/// The words a guesser would try first for this owner, lower case, each once.
fn known_words(owner: PasswordOwner<'_>) -> Vec<String> {
    let places = model::regions::kecamatan()
        .chain(model::regions::villages())
        .map(|region| region.name.as_str());
    let mut words: Vec<String> = owner
        .into_iter()
        .chain(TASK_FORCE_WORDS.iter().copied())
        .chain(places)
        .flat_map(|text| {
            let text = text.to_lowercase();
            let mut parts: Vec<String> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|part| !part.is_empty())
                .map(str::to_owned)
                .collect();
            parts.push(text.split_whitespace().collect());
            parts
        })
        .filter(|word| !word.is_empty())
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Checks and hashes a new password, off the async threads.
pub async fn new_password_hash(
    password: &str,
    owner: PasswordOwner<'_>,
) -> Result<String, AccountError> {
    check_password(password, owner)?;
    let password = password.to_owned();
    password_work(move || hash_password(&password))
        .await
        .map_err(AccountError::Hash)?
}

/// An account's agency: none, or an active one on the deployment's list; a liaison's is
/// required (issue #19).
async fn check_agency(store: &dyn Store, role: Role, agency: &str) -> Result<(), AccountError> {
    let agency = agency.trim();
    if agency.is_empty() {
        return match role.needs_agency() {
            true => Err(AccountError::AgencyRequired),
            false => Ok(()),
        };
    }
    match store.agencies().await?.find(agency) {
        None => Err(AccountError::UnknownAgency(agency.to_owned())),
        Some(found) if !found.active => Err(AccountError::InactiveAgency(agency.to_owned())),
        Some(_) => Ok(()),
    }
}

/// Creates an active account after checking its name, agency and password.
pub async fn create_account(
    store: &dyn Store,
    spec: &AccountSpec<'_>,
) -> Result<Account, AccountError> {
    let username = Username::parse(spec.username)?;
    let name = spec.name.trim();
    if name.is_empty() {
        return Err(AccountError::EmptyName);
    }
    check_agency(store, spec.role, spec.agency).await?;
    let owner = [username.as_str(), name, spec.agency];
    let password_hash = new_password_hash(spec.password, owner).await?;
    let user = NewUser {
        id: Uuid::now_v7(),
        username: username.0,
        name: name.to_owned(),
        role: spec.role,
        password_hash,
        agency: spec.agency.trim().to_owned(),
    };
    store.add_user(&user).await?;
    Ok(Account {
        id: user.id,
        username: user.username,
        name: user.name,
        role: user.role,
        agency: user.agency,
        active: true,
    })
}

/// A fresh token: 256 random bits, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The SHA-256 hash of a token, hex: all the store ever sees of it.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The user a valid bearer token belongs to. Missing, unknown, revoked, expired or idle
/// tokens, and the tokens of a deactivated user, answer 401 `unauthorized`. A session's
/// last use is written when the one stored is [`SEEN_GRANULARITY`] old or more.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// Who.
    pub user: UserInfo,
    /// The hash of the token used (to revoke it at logout).
    pub token_hash: String,
}

const NO_TOKEN: &str = "Log in first: this request needs a valid token.";

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or(ApiError::Unauthorized(NO_TOKEN))?;
        let token_hash = token_hash(&token.to_ascii_lowercase());
        let now = crate::clock::now_unix();
        let session = state
            .store
            .live_session(&token_hash, now)
            .await?
            .ok_or(ApiError::Unauthorized(NO_TOKEN))?;
        if now - session.last_seen_at >= SEEN_GRANULARITY.whole_seconds() {
            state.store.touch_session(&token_hash, now).await?;
        }
        if let Some(slot) = parts.extensions.get::<crate::request_log::RequestUser>() {
            slot.set(session.user.id);
        }
        Ok(CurrentUser {
            user: session.user,
            token_hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guessable_passwords_are_refused_with_their_reason() {
        let owner = ["ani.wulandari", "Ani Wulandari", "Dinas Sosial"];
        let weak = |password: &str| match check_password(password, owner) {
            Err(AccountError::WeakPassword(weakness)) => Some(weakness),
            _ => None,
        };
        for (password, weakness) in [
            ("pendek", Weakness::TooShort),
            ("password1", Weakness::Common),
            ("12345678", Weakness::Common),
            ("iloveyou", Weakness::Common),
            ("        ", Weakness::Repeated),
            ("aaaaaaaaaaaa", Weakness::Repeated),
            ("abcdefghij", Weakness::Sequence),
            ("qwertyuiop", Weakness::Common),
            ("98765432100", Weakness::Sequence),
            ("ani.wulandari", Weakness::Personal),
            ("wulandari88", Weakness::Personal),
            ("Purbalingga2026", Weakness::Personal),
            ("kalimanah1", Weakness::Personal),
            ("guguspptppo", Weakness::Personal),
            ("wulandari-dinas-sosial", Weakness::Personal),
            ("wulandari-kalimanah-purbalingga", Weakness::Personal),
        ] {
            assert_eq!(weak(password), Some(weakness), "{password:?}");
        }
        for strong in [
            "kata-sandi-ujian",
            "sepatu-lumpur-sawah",
            "mangga-payung-kereta-senja",
            "Tebu manis dari Bukateja 1987!",
        ] {
            assert_eq!(weak(strong), None, "{strong:?}");
        }
    }

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("rahasia-123").expect("hashes");
        assert!(hash.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"));
        assert!(verify_password("rahasia-123", Some(&hash)));
        assert!(!verify_password("rahasia-124", Some(&hash)));
        assert!(!verify_password("rahasia-123", None));
        assert!(!needs_rehash(&hash));
    }

    #[test]
    fn an_earlier_builds_hash_still_verifies_and_is_due_for_a_rehash() {
        // The crate's default settings, as earlier builds hashed: 19 MiB, 2 passes.
        let salt = SaltString::generate(&mut OsRng);
        let earlier = Argon2::default()
            .hash_password(b"rahasia-123", &salt)
            .expect("hashes")
            .to_string();
        assert!(earlier.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("rahasia-123", Some(&earlier)));
        assert!(!verify_password("rahasia-124", Some(&earlier)));
        assert!(needs_rehash(&earlier));
        assert!(!needs_rehash("not a hash"));
        // The next build's: 9 MiB, 4 passes.
        let params = Params::new(9 * 1024, 4, 1, None).expect("valid");
        let nine = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"rahasia-123", &salt)
            .expect("hashes")
            .to_string();
        assert!(nine.starts_with("$argon2id$v=19$m=9216,t=4,p=1$"));
        assert!(verify_password("rahasia-123", Some(&nine)));
        assert!(needs_rehash(&nine));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn password_work_runs_one_at_a_time() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let works = (0..6).map(|_| {
            let (running, most) = (running.clone(), most.clone());
            tokio::spawn(password_work(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(20));
                running.fetch_sub(1, Ordering::SeqCst);
            }))
        });
        for work in works.collect::<Vec<_>>() {
            work.await.expect("joins").expect("runs");
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn tokens_are_256_bits_of_hex_and_stored_hashed() {
        let token = new_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, new_token());
        assert_eq!(token_hash(&token).len(), 64);
        assert_ne!(token_hash(&token), token);
    }

    #[test]
    fn usernames_are_normalised() {
        assert_eq!(
            Username::parse(" Petugas ").map(|u| u.0).ok(),
            Some("petugas".into())
        );
        assert!(Username::parse("").is_err());
        assert!(Username::parse("a b").is_err());
        assert!(Username::parse("a\0b").is_err());
    }
}
