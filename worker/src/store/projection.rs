//! Projections: tables derived from a record's state, written in the same transaction as
//! the record, that the stats queries add up.

use model::activity::Activity;
use model::merge::StoredRecord;
use model::RecordKind;
use time::Date;

/// A row of the `activity_facts` projection that the stats queries add up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActivityFact {
    pub date: String,
    pub kecamatan: String,
    pub desa: String,
    pub activity_type: String,
    /// [female adult, male adult, female child, male child].
    pub participants: [i64; 4],
}

/// What the projections of a record's kind hold after a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Projection {
    /// An activity's facts; `None` removes its row (deleted).
    Activity(Option<ActivityFact>),
    /// A kind without projections yet.
    None,
}

/// The projection rows of a record's new state.
pub(crate) fn project(kind: RecordKind, record: &StoredRecord, today: Date) -> Projection {
    match kind {
        RecordKind::Activity => Projection::Activity(activity_fact(record, today)),
        RecordKind::Case
        | RecordKind::Victim
        | RecordKind::VictimIdentity
        | RecordKind::Service
        | RecordKind::LegalStep
        | RecordKind::Note => Projection::None,
    }
}

fn activity_fact(record: &StoredRecord, today: Date) -> Option<ActivityFact> {
    if record.deleted {
        return None;
    }
    let activity = Activity::parse(&record.fields, today).ok()?;
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    Some(ActivityFact {
        date: model::activity::format_date(activity.date),
        kecamatan: activity.kecamatan,
        desa: activity.desa,
        activity_type: activity.activity_type,
        participants: activity.participants.map(count),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::merge::{merge, Change};
    use model::sync::Op;
    use serde_json::json;

    #[test]
    fn a_live_activity_has_its_facts_and_a_deleted_one_none() {
        let today = time::macros::date!(2026 - 11 - 29);
        let fields = json!({
            "type": "training", "date": "2026-10-01", "kecamatan": "33.03.08",
            "desa": "33.03.08.2001", "audience": ["students"],
            "participants_female_adult": 4, "participants_male_adult": 3,
            "participants_female_child": 2, "participants_male_child": 1,
        });
        let fields = fields.as_object().cloned().unwrap_or_default();
        let change = Change {
            kind: RecordKind::Activity,
            op: Op::Upsert,
            base_version: 0,
            fields: &fields,
        };
        let mut record = merge(None, change, 1).record;
        let Projection::Activity(Some(fact)) = project(RecordKind::Activity, &record, today) else {
            panic!("an activity has facts");
        };
        assert_eq!(
            (fact.date.as_str(), fact.kecamatan.as_str()),
            ("2026-10-01", "33.03.08")
        );
        assert_eq!(fact.participants, [4, 3, 2, 1]);
        record.deleted = true;
        assert_eq!(
            project(RecordKind::Activity, &record, today),
            Projection::Activity(None)
        );
    }
}
