//! Scope by role (`sync-protocol.md`): which records a role pulls and may write.

use crate::store::KindScope;
use model::api::Role;
use model::RecordKind;

/// Whether `role` may write records of `kind`.
pub fn may_write(role: Role, kind: RecordKind) -> bool {
    match (role, kind) {
        (Role::Viewer, _) => false,
        (Role::Supervisor | Role::Admin, _) => true,
        // Officers write every activity; cases (and their child records) will be limited
        // to those the officer created or is assigned to.
        (Role::Officer, RecordKind::Activity) => true,
    }
}

/// The kinds `role` pulls, or `None` when it may not pull records at all.
pub fn pull_scope(role: Role) -> Option<KindScope> {
    match role {
        Role::Viewer => None,
        Role::Supervisor | Role::Admin => Some(KindScope::All),
        Role::Officer => Some(KindScope::Only(
            RecordKind::ALL
                .into_iter()
                .filter(|&kind| officer_pulls_all(kind))
                .map(|kind| kind.as_str().to_owned())
                .collect(),
        )),
    }
}

/// Kinds an officer pulls in full (not only its own records).
fn officer_pulls_all(kind: RecordKind) -> bool {
    match kind {
        RecordKind::Activity => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewers_neither_pull_nor_write() {
        assert_eq!(pull_scope(Role::Viewer), None);
        assert!(!may_write(Role::Viewer, RecordKind::Activity));
    }

    #[test]
    fn officers_pull_and_write_every_activity() {
        assert_eq!(
            pull_scope(Role::Officer),
            Some(KindScope::Only(vec!["activity".into()]))
        );
        assert!(may_write(Role::Officer, RecordKind::Activity));
        assert_eq!(pull_scope(Role::Supervisor), Some(KindScope::All));
    }
}
