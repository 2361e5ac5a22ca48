//! Scope by role (`docs/sync-protocol.md`, "Scope by role"): which records a role pulls and
//! may write. Officers are further limited, record by record, to the cases they created
//! or are assigned to; the push checks that against the store (`store::push`).

use crate::store::PullScope;
use model::api::{Role, UserInfo};
use model::RecordKind;

/// Whether `role` may write records at all (of any kind; officers are then limited to
/// their own cases by [`limited_to_own_cases`]).
pub fn may_write(role: Role) -> bool {
    role != Role::Viewer
}

/// Whether `role` writes records of `kind` only in the cases it created or is assigned to
/// (a liaison writes only the steps of the referrals addressed to its agency:
/// `store::push`).
pub fn limited_to_own_cases(role: Role, kind: RecordKind) -> bool {
    role == Role::Officer && kind.in_case()
}

/// Whether `role` may change which officers a case is assigned to.
pub fn may_assign(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Admin)
}

/// What `user` pulls, or `None` when its role may not pull records at all.
pub fn pull_scope(user: &UserInfo) -> Option<PullScope> {
    match user.role {
        Role::Viewer => None,
        Role::Supervisor | Role::Admin => Some(PullScope::All),
        Role::Officer => Some(PullScope::OwnCases(user.id)),
        // A liaison with no agency (an account made before the rule) pulls nothing.
        Role::Liaison if user.agency.trim().is_empty() => None,
        Role::Liaison => Some(PullScope::Agency(user.agency.trim().to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn user(role: Role) -> UserInfo {
        UserInfo {
            id: Uuid::from_u128(7),
            username: "u".into(),
            name: "U".into(),
            role,
            agency: String::new(),
        }
    }

    #[test]
    fn viewers_neither_pull_nor_write() {
        assert_eq!(pull_scope(&user(Role::Viewer)), None);
        assert!(!may_write(Role::Viewer));
        assert!(!may_assign(Role::Viewer));
    }

    #[test]
    fn officers_pull_every_activity_and_their_own_cases() {
        assert_eq!(
            pull_scope(&user(Role::Officer)),
            Some(PullScope::OwnCases(Uuid::from_u128(7)))
        );
        assert!(!limited_to_own_cases(Role::Officer, RecordKind::Activity));
        assert!(limited_to_own_cases(Role::Officer, RecordKind::Note));
        assert!(!limited_to_own_cases(Role::Supervisor, RecordKind::Case));
        assert!(!may_assign(Role::Officer));
        assert_eq!(pull_scope(&user(Role::Supervisor)), Some(PullScope::All));
    }
}
