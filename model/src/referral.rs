//! Referrals between the task force's member agencies (issue #19): an officer refers a
//! victim's service to an agency; the agency's liaison accepts, declines or delivers it;
//! the officer may cancel it, or refer again elsewhere after a decline.
//!
//! A referral is a `referral` record under a victim; each step is a `referral_step` record
//! under the referral. Both are written once and never edited, so two phones never conflict
//! on a field: the server takes steps in the order they reach it and refuses one that does
//! not follow from the referral's status ([`next`]), naming that status; the device keeps
//! the refused step and shows it on the referral's timeline.

pub mod figures;

use crate::field::Problem;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

/// The days a referred service may take by default: the "needed by" date a new referral
/// proposes (UU 21/2007, art. 51: rehabilitation without delay).
pub const DEFAULT_DAYS_NEEDED: i64 = 7;
/// The referral's field that shares the victim's identity with the agency's liaison.
pub const SHARE_IDENTITY_FIELD: &str = "share_identity";

/// Whether a referral's fields share the victim's identity with the agency.
pub fn shares_identity(fields: &serde_json::Map<String, serde_json::Value>) -> bool {
    fields.get(SHARE_IDENTITY_FIELD) == Some(&serde_json::Value::Bool(true))
}

/// After this many days without an answer, a referral is shown on its officer's home page.
pub const UNANSWERED_AFTER_DAYS: i64 = 2;

/// Where a referral stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Sent, not answered yet.
    Open,
    /// The agency took it on.
    Accepted,
    /// The agency declined it (with a reason).
    Declined,
    /// The agency delivered the service.
    Delivered,
    /// The referring side withdrew it.
    Cancelled,
}

impl Status {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Accepted => "accepted",
            Status::Declined => "declined",
            Status::Delivered => "delivered",
            Status::Cancelled => "cancelled",
        }
    }

    /// Whether the agency's liaison sees a victim's identity the referral shares: while it
    /// is open or accepted; a decline, a delivery or a cancellation ends it (the worker's
    /// liaison pull, `worker/src/store/sql.rs`, and the phone's readers of a case key).
    pub fn shares_identity(self) -> bool {
        matches!(self, Status::Open | Status::Accepted)
    }

    /// Whether nothing more can happen to the referral.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Status::Declined | Status::Delivered | Status::Cancelled
        )
    }
}

/// A step of a referral (`referral_step.action`, vocabulary `REFERRAL_ACTIONS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The agency takes it on.
    Accept,
    /// The agency declines it, with a reason.
    Decline,
    /// The agency delivered the service.
    Deliver,
    /// The referring side withdraws it.
    Cancel,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 4] = [
        Action::Accept,
        Action::Decline,
        Action::Deliver,
        Action::Cancel,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Decline => "decline",
            Action::Deliver => "deliver",
            Action::Cancel => "cancel",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Action> {
        Action::ALL
            .into_iter()
            .find(|action| action.as_str() == name)
    }

    /// Whether only the agency the referral is addressed to takes this step (its answer);
    /// otherwise only the referring side does (a cancellation).
    pub fn is_answer(self) -> bool {
        !matches!(self, Action::Cancel)
    }
}

/// The status after `action` on a referral at `status`, or why it cannot follow: a closed
/// referral takes no step; an accepted one cannot be accepted again (a decline after an
/// acceptance is allowed: the agency found it cannot serve after all).
pub fn next(status: Status, action: Action) -> Result<Status, Problem> {
    match (status, action) {
        (Status::Declined, _) => Err(Problem::ReferralDeclined),
        (Status::Delivered, _) => Err(Problem::ReferralDelivered),
        (Status::Cancelled, _) => Err(Problem::ReferralCancelled),
        (Status::Accepted, Action::Accept) => Err(Problem::ReferralAccepted),
        (_, Action::Accept) => Ok(Status::Accepted),
        (_, Action::Decline) => Ok(Status::Declined),
        (_, Action::Deliver) => Ok(Status::Delivered),
        (_, Action::Cancel) => Ok(Status::Cancelled),
    }
}

/// One step as the figures and the timeline read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What happened.
    pub action: Action,
    /// The day it happened (`referral_step.date`).
    pub date: Date,
    /// With a decline: its `DECLINE_REASONS` code.
    pub decline_reason: Option<String>,
}

/// A referral's life as its steps tell it, in the order the server took them: a step that
/// does not follow (a device's copy may hold one the server refused) is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Life {
    /// Where it stands.
    pub status: Status,
    /// The day of its first answer (accept, decline or deliver), if any.
    pub answered_on: Option<Date>,
    /// The day its service was delivered.
    pub delivered_on: Option<Date>,
    /// Why it was declined.
    pub decline_reason: Option<String>,
}

/// Folds a referral's steps, in server order, into its [`Life`].
pub fn life<'a>(steps: impl IntoIterator<Item = &'a Step>) -> Life {
    let mut life = Life {
        status: Status::Open,
        answered_on: None,
        delivered_on: None,
        decline_reason: None,
    };
    for step in steps {
        let Ok(status) = next(life.status, step.action) else {
            continue;
        };
        life.status = status;
        if step.action.is_answer() && life.answered_on.is_none() {
            life.answered_on = Some(step.date);
        }
        match step.action {
            Action::Deliver => life.delivered_on = Some(step.date),
            Action::Decline => life.decline_reason = step.decline_reason.clone(),
            Action::Accept | Action::Cancel => {}
        }
    }
    life
}

/// Where a referral stands after its steps' actions, in server order; one that does not
/// follow is left out, as in [`life`] (the server's check of a new step).
pub fn status_after(actions: impl IntoIterator<Item = Action>) -> Status {
    actions.into_iter().fold(Status::Open, |status, action| {
        next(status, action).unwrap_or(status)
    })
}

/// Whether a new referral of `victim` may name a stored referral as the declined one it
/// replaces (`previous_referral`): `previous` is that referral's status and victim, `None`
/// when no referral has that id.
pub fn may_replace(
    previous: Option<(Status, uuid::Uuid)>,
    victim: uuid::Uuid,
) -> Result<(), Problem> {
    match previous {
        Some((Status::Declined, of)) if of == victim => Ok(()),
        _ => Err(Problem::NotDeclinedReferral),
    }
}

/// Whether a referral is past its "needed by" date on `today` without its service
/// delivered (and neither declined nor cancelled).
pub fn is_overdue(life: &Life, needed_by: Date, today: Date) -> bool {
    !life.status.is_closed() && needed_by < today
}

/// Whether a referral made on `referred_on` still waits for any answer on `today`, after
/// [`UNANSWERED_AFTER_DAYS`].
pub fn is_unanswered(life: &Life, referred_on: Date, today: Date) -> bool {
    life.status == Status::Open && referred_on + Duration::days(UNANSWERED_AFTER_DAYS) <= today
}

/// The "needed by" date a referral made on `referred_on` proposes.
pub fn default_needed_by(referred_on: Date) -> Date {
    referred_on + Duration::days(DEFAULT_DAYS_NEEDED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn step(action: Action, date: Date) -> Step {
        Step {
            action,
            date,
            decline_reason: (action == Action::Decline).then(|| "no_capacity".into()),
        }
    }

    #[test]
    fn every_transition_is_named() {
        use Action::*;
        use Status::*;
        assert_eq!(next(Open, Accept), Ok(Accepted));
        assert_eq!(next(Open, Decline), Ok(Declined));
        assert_eq!(next(Open, Deliver), Ok(Delivered));
        assert_eq!(next(Open, Cancel), Ok(Cancelled));
        assert_eq!(next(Accepted, Deliver), Ok(Delivered));
        assert_eq!(next(Accepted, Decline), Ok(Declined));
        assert_eq!(next(Accepted, Cancel), Ok(Cancelled));
        assert_eq!(next(Accepted, Accept), Err(Problem::ReferralAccepted));
        for action in Action::ALL {
            assert_eq!(next(Declined, action), Err(Problem::ReferralDeclined));
            assert_eq!(next(Delivered, action), Err(Problem::ReferralDelivered));
            assert_eq!(next(Cancelled, action), Err(Problem::ReferralCancelled));
        }
    }

    #[test]
    fn only_a_declined_referral_of_the_same_victim_is_replaced() {
        let (victim, other) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2));
        assert_eq!(
            may_replace(Some((Status::Declined, victim)), victim),
            Ok(())
        );
        for previous in [
            None,
            Some((Status::Declined, other)),
            Some((Status::Open, victim)),
            Some((Status::Accepted, victim)),
            Some((Status::Cancelled, victim)),
        ] {
            assert_eq!(
                may_replace(previous, victim),
                Err(Problem::NotDeclinedReferral),
                "{previous:?}"
            );
        }
    }

    #[test]
    fn the_status_after_some_actions_is_the_lifes() {
        use Action::*;
        let cases: [&[Action]; 4] = [
            &[],
            &[Accept, Accept, Deliver],
            &[Decline, Accept],
            &[Accept, Decline, Deliver],
        ];
        for actions in cases {
            let steps: Vec<Step> = actions
                .iter()
                .map(|a| step(*a, date!(2026 - 03 - 03)))
                .collect();
            assert_eq!(status_after(actions.iter().copied()), life(&steps).status);
        }
        assert_eq!(status_after([Accept, Deliver]), Status::Delivered);
    }

    #[test]
    fn the_identity_is_shared_only_when_ticked_and_only_while_the_referral_is_live() {
        let fields = |value: serde_json::Value| {
            let mut fields = serde_json::Map::new();
            fields.insert(SHARE_IDENTITY_FIELD.into(), value);
            fields
        };
        assert!(shares_identity(&fields(serde_json::json!(true))));
        assert!(!shares_identity(&fields(serde_json::json!(false))));
        assert!(!shares_identity(&fields(serde_json::json!("true"))));
        assert!(!shares_identity(&serde_json::Map::new()));
        assert!(Status::Open.shares_identity() && Status::Accepted.shares_identity());
        for closed in [Status::Declined, Status::Delivered, Status::Cancelled] {
            assert!(!closed.shares_identity() && closed.is_closed());
        }
    }

    #[test]
    fn a_life_skips_what_does_not_follow_and_keeps_the_first_answer() {
        let steps = [
            step(Action::Accept, date!(2026 - 03 - 03)),
            step(Action::Accept, date!(2026 - 03 - 04)),
            step(Action::Deliver, date!(2026 - 03 - 09)),
            step(Action::Decline, date!(2026 - 03 - 10)),
        ];
        let life = life(&steps);
        assert_eq!(life.status, Status::Delivered);
        assert_eq!(life.answered_on, Some(date!(2026 - 03 - 03)));
        assert_eq!(life.delivered_on, Some(date!(2026 - 03 - 09)));
        assert_eq!(life.decline_reason, None);

        let declined = super::life(&[step(Action::Decline, date!(2026 - 03 - 05))]);
        assert_eq!(declined.status, Status::Declined);
        assert_eq!(declined.decline_reason.as_deref(), Some("no_capacity"));
        let cancelled = super::life(&[step(Action::Cancel, date!(2026 - 03 - 05))]);
        assert_eq!(cancelled.answered_on, None);
    }

    #[test]
    fn overdue_and_unanswered_count_whole_days() {
        let open = life(&[]);
        let referred = date!(2026 - 03 - 01);
        let needed = default_needed_by(referred);
        assert_eq!(needed, date!(2026 - 03 - 08));
        assert!(!is_overdue(&open, needed, date!(2026 - 03 - 08)));
        assert!(is_overdue(&open, needed, date!(2026 - 03 - 09)));
        assert!(!is_unanswered(&open, referred, date!(2026 - 03 - 02)));
        assert!(is_unanswered(&open, referred, date!(2026 - 03 - 03)));
        let delivered = life(&[step(Action::Deliver, date!(2026 - 03 - 04))]);
        assert!(!is_overdue(&delivered, needed, date!(2026 - 04 - 01)));
        let accepted = life(&[step(Action::Accept, date!(2026 - 03 - 02))]);
        assert!(!is_unanswered(&accepted, referred, date!(2026 - 03 - 05)));
        assert!(is_overdue(&accepted, needed, date!(2026 - 03 - 09)));
    }
}
