//! The SQL that reads the same on SQLite and PostgreSQL, written once, and the statements
//! whose few differences a backend's [`Dialect`] fills in (casts, array parameters, the
//! columns of a record that left a scope). Locks and how a transaction begins are each
//! backend's `Backend` (`worker/src/store/backend.rs`).

use model::evaluation::{AreaGroup, AreaGroups};

/// Adds an account.
pub(super) const INSERT_USER: &str =
    "INSERT INTO users (id, username, name, role, password_hash, created_at, updated_at, agency)
    VALUES ($1, $2, $3, $4, $5, $6, $6, $7)";

/// An account and its password hash, by username.
pub(super) const USER_BY_USERNAME: &str =
    "SELECT id, username, name, role, agency, password_hash, active FROM users WHERE username = $1";

/// Opens a session (the token only as its hash).
pub(super) const INSERT_SESSION: &str =
    "INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at, id,
    last_seen_at)
    VALUES ($1, $2, $3, $4, $5, $6, $4)";

/// The user of a live session (`$2`: now; `$3`: the idle cutoff) and when it was last used.
pub(super) const LIVE_SESSION: &str =
    "SELECT u.id, u.username, u.name, u.role, u.agency, s.last_seen_at FROM sessions s
    JOIN users u ON u.id = s.user_id AND u.active
    WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
    AND s.last_seen_at >= $3";

/// Marks a session as used.
pub(super) const TOUCH_SESSION: &str =
    "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1";

/// A user's live sessions (`$2`: now; `$3`: the idle cutoff), newest first.
pub(super) const USER_SESSIONS: &str =
    "SELECT id, token_hash, device_id, created_at, last_seen_at, expires_at FROM sessions
    WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at >= $3
    ORDER BY created_at DESC, id";

/// Ends one of a user's sessions by its id.
pub(super) const END_SESSION: &str =
    "UPDATE sessions SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL";

/// Ends all of a user's sessions.
pub(super) const REVOKE_USER_SESSIONS: &str =
    "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL";

/// Every account, by username.
pub(super) const LIST_ACCOUNTS: &str =
    "SELECT id, username, name, role, agency, active FROM users ORDER BY username";

/// Activates or deactivates an account.
pub(super) const SET_USER_ACTIVE: &str =
    "UPDATE users SET active = $2, updated_at = $3 WHERE id = $1";

/// Sets an account's password hash.
pub(super) const SET_PASSWORD: &str =
    "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1";

/// Replaces a password's hash by the same password hashed at today's settings, only while
/// the hash is still the one checked (a password changed meanwhile wins). Not a change of
/// the account: `updated_at` stays.
pub(super) const REHASH_PASSWORD: &str =
    "UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2";

/// Ends a session.
pub(super) const REVOKE_SESSION: &str =
    "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL";

/// Login failures of one key since a time.
pub(super) const COUNT_LOGIN_FAILURES: &str =
    "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2";

/// Forgets a key's login failures (after a success).
pub(super) const FORGET_LOGIN_FAILURES: &str = "DELETE FROM login_failures WHERE key = $1";
pub(super) const FORGET_OLD_LOGIN_FAILURES: &str =
    "DELETE FROM login_failures WHERE key = $1 AND at < $2";
pub(super) const ADD_LOGIN_FAILURE: &str = "INSERT INTO login_failures (key, at) VALUES ($1, $2)";

/// The last mutation id taken from a user's device.
pub(super) const LAST_MUTATION_ID: &str =
    "SELECT last_mutation_id FROM devices WHERE user_id = $1 AND device_id = $2";

/// The latest version assigned.
pub(super) const CURRENT_VERSION: &str = "SELECT value FROM sync_seq WHERE id = 1";

/// A record's conflict log, oldest first.
pub(super) const CONFLICT_LOG: &str =
    "SELECT field, server_value, device_value, device_id, mutation_id, user_id, at,
    resolved_version, resolved_by
    FROM conflicts WHERE record_id = $1 ORDER BY id";

/// Whether any record of a kind exists.
pub(super) const ANY_RECORD_OF_KIND: &str = "SELECT EXISTS (SELECT 1 FROM records WHERE kind = $1)";

/// The head of a multi-row upsert of record states.
pub(super) const UPSERT_RECORDS: &str =
    "INSERT INTO records (id, kind, version, deleted, conflict, fields, field_versions,
    created_by, updated_by, created_at, updated_at, case_id) ";

/// Records the last mutation id taken from a user's device.
pub(super) const SET_LAST_MUTATION_ID: &str =
    "INSERT INTO devices (user_id, device_id, last_mutation_id, updated_at)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT (user_id, device_id) DO UPDATE
    SET last_mutation_id = excluded.last_mutation_id, updated_at = excluded.updated_at";

/// Stores the latest version assigned.
pub(super) const SET_CURRENT_VERSION: &str = "UPDATE sync_seq SET value = $1 WHERE id = 1";

/// The head of a multi-row insert into the conflict log.
pub(super) const INSERT_CONFLICTS: &str =
    "INSERT INTO conflicts (record_id, field, server_value, device_value, device_id,
    mutation_id, user_id, at, logged_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// The records of a case (the case itself included), oldest version first.
pub(super) const CASE_RECORDS: &str =
    "SELECT id, kind FROM records WHERE case_id = $1 ORDER BY version";

/// Gives a user access to a case.
pub(super) const GRANT_ACCESS: &str =
    "INSERT INTO case_access (case_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";

/// Takes a user's access to a case away.
pub(super) const REVOKE_ACCESS: &str =
    "DELETE FROM case_access WHERE case_id = $1 AND user_id = $2";

/// The head of a multi-row insert of records that left a user's scope.
pub(super) const INSERT_SCOPE_EXITS: &str =
    "INSERT INTO scope_exits (user_id, version, kind, record_id) ";

/// Moves a record to a new version, its state unchanged.
pub(super) const MOVE_VERSION: &str = "UPDATE records SET version = $2 WHERE id = $1";

/// The head of a multi-row insert into the audit trail.
pub(super) const INSERT_AUDIT: &str =
    "INSERT INTO audit_log (at, user_id, device_id, action, record_kind, record_id, detail) ";

/// What the evaluation's queries write differently on each backend.
pub(super) struct Dialect {
    /// A `YYYY-MM-DD` text parameter as a day: `$1` or `$1::date`.
    pub day: fn(u8) -> String,
    /// The `YYYY-MM` of a day column.
    pub month: fn(&str) -> String,
    /// A day column as `YYYY-MM-DD` text.
    pub day_text: fn(&str) -> String,
    /// Whole days from one day column to another, as a 64-bit integer.
    pub days_between: fn(&str, &str) -> String,
    /// The day `n` days before the last of the month of a day column (comparable with it).
    pub before_month_end: fn(&str, u64) -> String,
    /// A sum as a 64-bit integer.
    pub sum: fn(&str) -> String,
    /// `column` is one of the values (ids or texts) bound as parameter `n`.
    pub ids: fn(&str, u8) -> String,
    /// Parameter `n` of a SQL type the backend must be told (tested with `IS NULL`).
    pub typed: fn(u8, &str) -> String,
    /// A record's field (of the `fields` JSON column) as text.
    pub field: fn(&str) -> String,
    /// The deleted, conflict and fields columns of a record that left a user's scope:
    /// deleted, without a conflict, with no fields.
    pub exited: &'static str,
}

/// Every record above a version (`$1`), at most `$2` of them, in version order.
pub(super) const PULL_ALL: &str = "SELECT kind, id, version, deleted, conflict, fields FROM records
    WHERE version > $1 ORDER BY version LIMIT $2";

/// A liaison's pull (issue #19): above a version (`$1`), the referrals addressed to its
/// agency (`$2`) and their steps; for each of those referrals that shares the victim's
/// identity and is open or accepted (`model::referral::Status::shares_identity`), that
/// victim's identity and the keys of its case wrapped for the liaison (`$5`); and, as
/// deleted with no fields, what left the liaison's scope above both `$1` and `$4` (a
/// sharing referral that closed); at most `$3` of them, in version order. Referrals and
/// steps are never deleted nor readdressed, so they never leave it.
pub(super) fn pull_agency(dialect: &Dialect) -> String {
    format!(
        "WITH shared AS (
             SELECT f.referral_id, CAST(f.victim_id AS TEXT) AS victim FROM referral_facts f
             WHERE f.agency = $2 AND {live}),
         shared_cases AS (
             SELECT r.case_id FROM records r JOIN shared ON r.id = shared.referral_id)
         SELECT kind, id, version, deleted, conflict, fields FROM records
         WHERE version > $1 AND (
             (kind = 'referral' AND id IN (SELECT referral_id FROM referral_facts WHERE agency = $2))
             OR (kind = 'referral_step' AND id IN (
                 SELECT s.step_id FROM referral_step_facts s
                 JOIN referral_facts r ON r.referral_id = s.referral_id WHERE r.agency = $2))
             OR (kind = 'victim_identity' AND case_id IN (SELECT case_id FROM shared_cases)
                 AND LOWER({victim}) IN (SELECT victim FROM shared))
             OR (kind = 'case_key' AND case_id IN (SELECT case_id FROM shared_cases)
                 AND {reader} = CAST($5 AS TEXT)))
         UNION ALL
         SELECT kind, record_id, version, {exited} FROM scope_exits
         WHERE user_id = $5 AND version > $1 AND version > $4
         ORDER BY version LIMIT $3",
        live = LIVE_SHARE,
        victim = (dialect.field)("victim_id"),
        reader = (dialect.field)("reader"),
        exited = dialect.exited,
    )
}

/// A referral (`f`, of `referral_facts`) that shares its victim's identity and stands open
/// or accepted: none of its stored steps is one after which the agency no longer sees the
/// identity (`model::referral::Status::shares_identity`; a refused step is never stored).
const LIVE_SHARE: &str = "f.shares_identity = TRUE AND NOT EXISTS (
    SELECT 1 FROM referral_step_facts s
    WHERE s.referral_id = f.referral_id AND s.action IN ('decline', 'deliver', 'cancel'))";

/// How many referrals to an agency (`$1`) share victim `$2`'s identity and are live.
pub(super) fn live_shares() -> String {
    format!("SELECT COUNT(*) FROM referral_facts f WHERE f.agency = $1 AND f.victim_id = $2 AND {LIVE_SHARE}")
}

/// The liaison accounts of an agency (`$1`).
pub(super) const AGENCY_LIAISONS: &str =
    "SELECT id FROM users WHERE role = 'liaison' AND agency = $1 ORDER BY id";

/// The pull access rule: the records above a version (`$1`) that the user `$2` may read
/// (those outside any case, and those of the cases the user created or is assigned to),
/// and, as deleted with no fields, the records that left the user's scope above both `$1`
/// and `$4`; at most `$3` of them, in version order.
pub(super) fn pull_own_cases(dialect: &Dialect) -> String {
    format!(
        "SELECT kind, id, version, deleted, conflict, fields FROM records
         WHERE version > $1 AND (case_id IS NULL OR case_id IN
             (SELECT case_id FROM case_access WHERE user_id = $2))
         UNION ALL
         SELECT kind, record_id, version, {} FROM scope_exits
         WHERE user_id = $2 AND version > $1 AND version > $4
         ORDER BY version LIMIT $3",
        dialect.exited
    )
}

/// Activities and participants per kecamatan, from the day `$1` to the day `$2`.
pub(super) fn activity_counts(dialect: &Dialect) -> String {
    format!(
        "SELECT kecamatan, COUNT(*) AS activities, {} AS female, {} AS male, {} AS children
         FROM activity_facts WHERE date >= {} AND date <= {}
         GROUP BY kecamatan ORDER BY kecamatan",
        (dialect.sum)("female_adult + female_child"),
        (dialect.sum)("male_adult + male_child"),
        (dialect.sum)("female_child + male_child"),
        (dialect.day)(1),
        (dialect.day)(2),
    )
}

/// Audit entries, newest first, of a user (`$1`) and a record (`$2`) when given, from
/// `$3` and before `$4` (unix seconds), below the id `$5`; at most `$6`.
pub(super) fn audit_log(dialect: &Dialect) -> String {
    let typed = dialect.typed;
    format!(
        "SELECT a.id, a.at, a.user_id, u.username, a.device_id, a.action, a.record_kind,
                a.record_id, a.detail
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
         WHERE ({} IS NULL OR a.user_id = $1) AND ({} IS NULL OR a.record_id = $2)
           AND ({} IS NULL OR a.at >= $3) AND ({} IS NULL OR a.at < $4)
           AND ({} IS NULL OR a.id < $5)
         ORDER BY a.id DESC LIMIT $6",
        typed(1, "uuid"),
        typed(2, "uuid"),
        typed(3, "bigint"),
        typed(4, "bigint"),
        typed(5, "bigint"),
    )
}

/// Every list of groups of kecamatan ever set, oldest first: the lists, then their groups.
pub(super) const AREA_GROUP_LISTS: &str = "SELECT list FROM area_group_lists ORDER BY list";

/// Every group of every list, by list and position.
pub(super) const AREA_GROUPS: &str =
    "SELECT list, id, name, kecamatan FROM area_groups ORDER BY list, position";

/// The number of the next list.
pub(super) const NEXT_AREA_GROUP_LIST: &str =
    "SELECT COALESCE(MAX(list), 0) + 1 FROM area_group_lists";

/// Adds a list (`$1`) set at `$2` (unix seconds).
pub(super) const INSERT_AREA_GROUP_LIST: &str =
    "INSERT INTO area_group_lists (list, set_at) VALUES ($1, $2)";

/// Adds a group to a list (its kecamatan comma-separated).
pub(super) const INSERT_AREA_GROUP: &str =
    "INSERT INTO area_groups (list, position, id, name, kecamatan) VALUES ($1, $2, $3, $4, $5)";

/// A group of kecamatan in a list, its kecamatan comma-separated (`AREA_GROUPS`).
#[derive(Debug, sqlx::FromRow)]
pub(super) struct AreaGroupRow {
    list: i32,
    id: String,
    name: String,
    kecamatan: String,
}

/// Every list from its rows: the lists' numbers, and each group's row.
pub(super) fn area_groups(lists: Vec<(i32,)>, rows: Vec<AreaGroupRow>) -> AreaGroups {
    let lists = lists
        .into_iter()
        .map(|(list,)| {
            let of = rows.iter().filter(|row| row.list == list);
            of.map(|row| AreaGroup {
                id: row.id.clone(),
                name: row.name.clone(),
                kecamatan: row.kecamatan.split(',').map(str::to_owned).collect(),
            })
            .collect()
        })
        .collect();
    AreaGroups { lists }
}

/// An account's key pair and whether it is stale (issue #18).
/// Replaces one logged conflict's values (the redaction of plain identity, issue #18).
pub(super) const REDACT_CONFLICT: &str =
    "UPDATE conflicts SET server_value = $1, device_value = $2 WHERE id = $3";

pub(super) const ACCOUNT_KEYS: &str = "SELECT keys, stale FROM account_keys WHERE user_id = $1";

/// Sets an account's key pair: its first, the same pair relocked under a new password, or
/// a new pair replacing a stale one. Another pair over live keys changes no row.
pub(super) const SET_ACCOUNT_KEYS: &str =
    "INSERT INTO account_keys (user_id, public, keys, stale, set_at) VALUES ($1, $2, $3, 0, $4)
     ON CONFLICT (user_id) DO UPDATE
     SET public = excluded.public, keys = excluded.keys, stale = 0, set_at = excluded.set_at
     WHERE account_keys.stale = 1 OR account_keys.public = excluded.public";

/// Relocks an account's live key pair under a new password: the same public key only.
pub(super) const RELOCK_ACCOUNT_KEYS: &str =
    "UPDATE account_keys SET keys = $3, set_at = $4 WHERE user_id = $1 AND public = $2 AND stale = 0";

/// Ends every session of an account but one.
pub(super) const REVOKE_OTHER_SESSIONS: &str =
    "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND token_hash <> $3";

/// Marks an account's keys stale (an admin reset its password).
pub(super) const STALE_ACCOUNT_KEYS: &str =
    "UPDATE account_keys SET stale = 1, set_at = $2 WHERE user_id = $1";

/// The task force's recovery key's public half (hex).
pub(super) const RECOVERY_KEY: &str = "SELECT public FROM recovery_key";

/// Sets the recovery key, once: a second changes no row.
pub(super) const SET_RECOVERY_KEY: &str =
    "INSERT INTO recovery_key (only_one, public, made_by, made_at) VALUES (1, $1, $2, $3)
     ON CONFLICT (only_one) DO NOTHING";

/// Every agency's code and active flag (a push's check of the agencies it names).
pub(super) const AGENCY_FLAGS: &str = "SELECT code, active FROM agencies";

/// Every agency, in the deployment's order.
pub(super) const AGENCIES: &str =
    "SELECT code, name_id, name_en, kind, active FROM agencies ORDER BY position, code";

/// Adds an agency (`$6`: its position).
pub(super) const INSERT_AGENCY: &str =
    "INSERT INTO agencies (code, name_id, name_en, kind, active, position)
     VALUES ($1, $2, $3, $4, $5, $6)";

/// The position after the last agency.
pub(super) const NEXT_AGENCY_POSITION: &str =
    "SELECT COALESCE(MAX(position), -1) + 1 FROM agencies";

/// Changes an agency's names, kind and flag (`$1`: its code).
pub(super) const UPDATE_AGENCY: &str =
    "UPDATE agencies SET name_id = $2, name_en = $3, kind = $4, active = $5 WHERE code = $1";

/// The referrals made from the day `$1` to the day `$2` under a victim of a case that
/// stands (a deleted case takes its referrals out of the figures), with their steps in the
/// order the server took them: one row per step, or one with no step.
pub(super) fn referral_facts(dialect: &Dialect) -> String {
    format!(
        "SELECT r.referral_id, r.agency, {} AS referred, {} AS needed_by,
                s.action, {} AS step_date, s.decline_reason
         FROM referral_facts r
         JOIN victim_facts v ON v.victim_id = r.victim_id
         JOIN case_facts c ON c.case_id = v.case_id
         LEFT JOIN referral_step_facts s ON s.referral_id = r.referral_id
         WHERE r.referred >= {} AND r.referred <= {}
         ORDER BY r.referral_id, s.seq",
        (dialect.day_text)("r.referred"),
        (dialect.day_text)("r.needed_by"),
        (dialect.day_text)("s.date"),
        (dialect.day)(1),
        (dialect.day)(2),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_live_share_ends_at_every_step_after_which_the_agency_no_longer_sees_the_identity() {
        use model::referral::{next, Action, Status};
        for action in Action::ALL {
            let ends = next(Status::Open, action).is_ok_and(|s| !s.shares_identity());
            let quoted = format!("'{}'", action.as_str());
            assert_eq!(super::LIVE_SHARE.contains(&quoted), ends, "{action:?}");
        }
    }
}
