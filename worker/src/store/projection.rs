//! Projections: tables derived from a record's state, written in the same transaction as
//! the record, that the stats queries add up (migrations 0001 and 0006).
//!
//! Each kind with figures has its fact tables; a write replaces the record's rows in them
//! (none when the record is deleted). A child's facts hold only its own fields and its
//! parent's id: the stats queries join them to their case, so a deleted case takes its
//! victims, services and legal steps out of every figure, and a case that moves to
//! another kecamatan or date moves them along.

use super::StoreError;
use model::activity::{format_date, Activity};
use model::evaluation::funnel_rank;
use model::evaluation::NOT_RECORDED;
use model::input::RecordId;
use model::merge::StoredRecord;
use model::schema::view::{CaseFields, LegalStepFields, ServiceFields, VictimFields};
use model::{FieldError, RecordKind};
use serde_json::{Map, Value};
use time::Date;
use uuid::Uuid;

/// A fact table: its name, the column holding the record's id, and its columns in
/// insertion order (the record's id first).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FactTable {
    pub name: &'static str,
    pub key: &'static str,
    pub columns: &'static [&'static str],
}

/// Cases: one row each.
pub(crate) const CASE_FACTS: FactTable = FactTable {
    name: "case_facts",
    key: "case_id",
    columns: &[
        "case_id",
        "reported",
        "kecamatan",
        "status",
        "modus",
        "destination",
    ],
};

/// A case's forms of exploitation: one row per form (with the case's date and kecamatan,
/// written from the same record).
pub(crate) const CASE_FORMS: FactTable = FactTable {
    name: "case_forms",
    key: "case_id",
    columns: &["case_id", "form", "reported", "kecamatan"],
};

/// Victims: sex and child (0 or 1), under their case.
pub(crate) const VICTIM_FACTS: FactTable = FactTable {
    name: "victim_facts",
    key: "victim_id",
    columns: &["victim_id", "case_id", "sex", "child"],
};

/// Services: type, status and dates, under their victim.
pub(crate) const SERVICE_FACTS: FactTable = FactTable {
    name: "service_facts",
    key: "service_id",
    columns: &[
        "service_id",
        "victim_id",
        "type",
        "status",
        "requested",
        "delivered",
    ],
};

/// Legal steps: funnel rank (NULL for restitution) and restitution ordered, under their
/// case.
pub(crate) const LEGAL_FACTS: FactTable = FactTable {
    name: "legal_facts",
    key: "step_id",
    columns: &["step_id", "case_id", "stage_rank", "restitution"],
};

/// Activities.
pub(crate) const ACTIVITY_FACTS: FactTable = FactTable {
    name: "activity_facts",
    key: "record_id",
    columns: &[
        "record_id",
        "date",
        "kecamatan",
        "desa",
        "type",
        "female_adult",
        "male_adult",
        "female_child",
        "male_child",
    ],
};

/// Referrals (issue #19): the agency addressed, what and when, under their victim.
pub(crate) const REFERRAL_FACTS: FactTable = FactTable {
    name: "referral_facts",
    key: "referral_id",
    columns: &[
        "referral_id",
        "victim_id",
        "agency",
        "service",
        "urgency",
        "referred",
        "needed_by",
        "shares_identity",
    ],
};

/// A referral's steps, with the version the server took each at (`seq`): the order its
/// status folds them in (`model::referral::life`).
pub(crate) const REFERRAL_STEP_FACTS: FactTable = FactTable {
    name: "referral_step_facts",
    key: "step_id",
    columns: &[
        "step_id",
        "referral_id",
        "seq",
        "action",
        "date",
        "decline_reason",
    ],
};

/// One value of a fact row, typed for the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FactValue {
    /// A record id.
    Id(Uuid),
    /// Text.
    Text(String),
    /// A missing text.
    NoText,
    /// A day, `YYYY-MM-DD`.
    Date(String),
    /// A missing day.
    NoDate,
    /// A whole number.
    Int(i64),
    /// A missing whole number.
    NoInt,
    /// A yes or no.
    Bool(bool),
}

/// The rows a record has in one fact table after a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableRows {
    pub table: &'static FactTable,
    pub rows: Vec<Vec<FactValue>>,
}

/// What a record's fact tables hold after a write: for each of its kind's tables, its
/// rows (none when deleted). Empty for a kind without figures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Projection {
    pub tables: Vec<TableRows>,
}

/// A row of the `activity_facts` projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActivityFact {
    pub date: String,
    pub kecamatan: String,
    pub desa: String,
    pub activity_type: String,
    /// [female adult, male adult, female child, male child].
    pub participants: [i64; 4],
}

/// The projection rows of a record's new state, read through its kind's typed view.
///
/// The state was validated before it got here, so an error means that a view and its spec
/// disagree (a field renamed in one of them): it fails the write, never a figure.
pub(crate) fn project(
    kind: RecordKind,
    id: Uuid,
    record: &StoredRecord,
    today: Date,
) -> Result<Projection, FieldError> {
    // A deleted record is named with no rows, which clears its old ones.
    if record.deleted {
        let tables = fact_tables(kind)
            .iter()
            .map(|table| TableRows {
                table,
                rows: Vec::new(),
            })
            .collect();
        return Ok(Projection { tables });
    }
    let f = &record.fields;
    let one = |table: &'static FactTable, row: Vec<FactValue>| TableRows {
        table,
        rows: vec![row],
    };
    let tables = match kind {
        RecordKind::Activity => vec![one(
            &ACTIVITY_FACTS,
            activity_row(id, activity_fact(record, today)?),
        )],
        RecordKind::Case => {
            let case = CaseFields::from_fields(f)?;
            let row = case_row(id, &case);
            let forms = case
                .exploitation
                .iter()
                .map(|form| {
                    vec![
                        FactValue::Id(id),
                        FactValue::Text(form.clone()),
                        row[1].clone(),
                        row[2].clone(),
                    ]
                })
                .collect();
            vec![
                one(&CASE_FACTS, row),
                TableRows {
                    table: &CASE_FORMS,
                    rows: forms,
                },
            ]
        }
        RecordKind::Victim => vec![one(
            &VICTIM_FACTS,
            victim_row(id, &VictimFields::from_fields(f)?),
        )],
        RecordKind::Service => vec![one(
            &SERVICE_FACTS,
            service_row(id, &ServiceFields::from_fields(f)?),
        )],
        RecordKind::LegalStep => vec![one(
            &LEGAL_FACTS,
            legal_row(id, &LegalStepFields::from_fields(f)?),
        )],
        RecordKind::VictimIdentity | RecordKind::Note | RecordKind::CaseKey => Vec::new(),
        RecordKind::Referral => vec![one(&REFERRAL_FACTS, referral_row(id, f)?)],
        RecordKind::ReferralStep => vec![one(
            &REFERRAL_STEP_FACTS,
            referral_step_row(id, record.version, f)?,
        )],
    };
    debug_assert!(tables
        .iter()
        .map(|t| t.table.name)
        .eq(fact_tables(kind).iter().map(|t| t.name)));
    Ok(Projection { tables })
}

/// The fact tables a record of `kind` has rows in, in the order [`project`] names them.
fn fact_tables(kind: RecordKind) -> &'static [&'static FactTable] {
    match kind {
        RecordKind::Activity => &[&ACTIVITY_FACTS],
        RecordKind::Case => &[&CASE_FACTS, &CASE_FORMS],
        RecordKind::Victim => &[&VICTIM_FACTS],
        RecordKind::Service => &[&SERVICE_FACTS],
        RecordKind::LegalStep => &[&LEGAL_FACTS],
        RecordKind::VictimIdentity | RecordKind::Note | RecordKind::CaseKey => &[],
        RecordKind::Referral => &[&REFERRAL_FACTS],
        RecordKind::ReferralStep => &[&REFERRAL_STEP_FACTS],
    }
}

/// A validated record's text field (a missing one is a spec and projection out of step).
fn text_field(fields: &Map<String, Value>, name: &str) -> Result<String, FieldError> {
    match fields.get(name) {
        Some(Value::String(text)) => Ok(text.trim().to_owned()),
        _ => Err(FieldError::new(name, model::Problem::Required)),
    }
}

/// A validated record's date field.
fn date_field(fields: &Map<String, Value>, name: &str) -> Result<FactValue, FieldError> {
    let text = text_field(fields, name)?;
    model::activity::parse_date(&text)
        .map(day)
        .ok_or_else(|| FieldError::new(name, model::Problem::NotADate))
}

/// A validated record's id field.
fn id_field(fields: &Map<String, Value>, name: &str) -> Result<FactValue, FieldError> {
    let text = text_field(fields, name)?;
    Uuid::try_parse(&text)
        .map(FactValue::Id)
        .map_err(|_| FieldError::new(name, model::Problem::NotAnId))
}

fn referral_row(id: Uuid, f: &Map<String, Value>) -> Result<Vec<FactValue>, FieldError> {
    Ok(vec![
        FactValue::Id(id),
        id_field(f, "victim_id")?,
        FactValue::Text(text_field(f, "agency")?),
        FactValue::Text(text_field(f, "service")?),
        FactValue::Text(text_field(f, "urgency")?),
        date_field(f, "referred_on")?,
        date_field(f, "needed_by")?,
        FactValue::Bool(model::referral::shares_identity(f)),
    ])
}

fn referral_step_row(
    id: Uuid,
    version: u64,
    f: &Map<String, Value>,
) -> Result<Vec<FactValue>, FieldError> {
    let reason = match f.get("decline_reason") {
        Some(Value::String(code)) if !code.trim().is_empty() => {
            FactValue::Text(code.trim().to_owned())
        }
        _ => FactValue::NoText,
    };
    Ok(vec![
        FactValue::Id(id),
        id_field(f, "referral_id")?,
        FactValue::Int(i64::try_from(version).unwrap_or(i64::MAX)),
        FactValue::Text(text_field(f, "action")?),
        date_field(f, "date")?,
        reason,
    ])
}

fn day(date: Date) -> FactValue {
    FactValue::Date(format_date(date))
}

fn record_id(id: RecordId) -> FactValue {
    FactValue::Id(id.uuid())
}

fn case_row(id: Uuid, case: &CaseFields) -> Vec<FactValue> {
    vec![
        FactValue::Id(id),
        day(case.date_reported),
        FactValue::Text(case.kecamatan.code().to_owned()),
        FactValue::Text(case.status.clone()),
        FactValue::Text(case.modus.clone()),
        FactValue::Text(
            case.destination
                .clone()
                .unwrap_or_else(|| NOT_RECORDED.into()),
        ),
    ]
}

fn victim_row(id: Uuid, victim: &VictimFields) -> Vec<FactValue> {
    vec![
        FactValue::Id(id),
        record_id(victim.case_id),
        FactValue::Text(victim.sex.clone()),
        FactValue::Int(i64::from(victim.is_child())),
    ]
}

fn service_row(id: Uuid, service: &ServiceFields) -> Vec<FactValue> {
    vec![
        FactValue::Id(id),
        record_id(service.victim_id),
        FactValue::Text(service.service_type.clone()),
        FactValue::Text(service.status.clone()),
        day(service.requested_on),
        service.delivered_on.map_or(FactValue::NoDate, day),
    ]
}

fn legal_row(id: Uuid, step: &LegalStepFields) -> Vec<FactValue> {
    let rank = funnel_rank(&step.stage);
    let restitution = step.restitution.unwrap_or(0);
    vec![
        FactValue::Id(id),
        record_id(step.case_id),
        rank.map_or(FactValue::NoInt, |r| FactValue::Int(i64::from(r))),
        FactValue::Int(i64::try_from(restitution).unwrap_or(i64::MAX)),
    ]
}

/// An activity's fact; the first of its field errors when it does not read.
fn activity_fact(record: &StoredRecord, today: Date) -> Result<ActivityFact, FieldError> {
    // `parse` answers an error only with at least one field error.
    let activity = Activity::parse(&record.fields, today).map_err(|mut errors| errors.remove(0))?;
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    Ok(ActivityFact {
        date: format_date(activity.date),
        kecamatan: activity.kecamatan,
        desa: activity.desa,
        activity_type: activity.activity_type,
        participants: activity.participants.map(count),
    })
}

fn activity_row(id: Uuid, fact: ActivityFact) -> Vec<FactValue> {
    let mut row = vec![
        FactValue::Id(id),
        FactValue::Date(fact.date),
        FactValue::Text(fact.kecamatan),
        FactValue::Text(fact.desa),
        FactValue::Text(fact.activity_type),
    ];
    row.extend(fact.participants.map(FactValue::Int));
    row
}

/// The fact rows of some records' writes, table by table, in the order the tables first
/// appear: each table with the records whose rows it replaces and their new rows.
pub(crate) type TableWrites<'a> = (&'static FactTable, Vec<Uuid>, Vec<&'a [FactValue]>);

/// Groups the projections of written records by table.
pub(crate) fn by_table<'a>(facts: &[(Uuid, &'a Projection)]) -> Vec<TableWrites<'a>> {
    let mut tables: Vec<TableWrites<'a>> = Vec::new();
    for (id, projection) in facts {
        for rows in &projection.tables {
            let at = match tables.iter().position(|(t, _, _)| *t == rows.table) {
                Some(at) => at,
                None => {
                    tables.push((rows.table, Vec::new(), Vec::new()));
                    tables.len() - 1
                }
            };
            let (_, ids, new_rows) = &mut tables[at];
            ids.push(*id);
            new_rows.extend(rows.rows.iter().map(Vec::as_slice));
        }
    }
    tables
}

/// The projection of a record read back from the `records` table (for the backfill), or
/// `None` for an unknown kind.
pub(crate) fn project_stored(
    kind: &str,
    id: Uuid,
    deleted: bool,
    fields: Map<String, Value>,
    today: Date,
) -> Result<Option<Projection>, StoreError> {
    let Some(kind) = RecordKind::parse(kind) else {
        return Ok(None);
    };
    let record = StoredRecord {
        version: 0,
        deleted,
        conflict: false,
        fields,
        field_versions: Default::default(),
    };
    project(kind, id, &record, today)
        .map(Some)
        .map_err(|error| StoreError::unreadable(kind, id, error))
}

/// The kinds whose fact tables migration 0006 added, which the start-up backfill fills
/// from the records already stored.
pub(crate) const BACKFILLED: [RecordKind; 4] = [
    RecordKind::Case,
    RecordKind::Victim,
    RecordKind::Service,
    RecordKind::LegalStep,
];

/// The name the backfill of migration 0006's tables is recorded under once done.
pub(crate) const BACKFILL_NAME: &str = "0006_case_facts";

#[cfg(test)]
mod tests {
    use super::*;
    use model::merge::{merge, Change};
    use model::sync::Op;
    use serde_json::json;

    fn stored(kind: RecordKind, fields: Value) -> StoredRecord {
        let fields = fields.as_object().cloned().unwrap_or_default();
        let change = Change {
            kind,
            op: Op::Upsert,
            base_version: 0,
            fields: &fields,
        };
        merge(None, change, 1).record
    }

    #[test]
    fn a_live_activity_has_its_facts_and_a_deleted_one_none() {
        let today = time::macros::date!(2026 - 11 - 29);
        let mut record = stored(
            RecordKind::Activity,
            json!({
                "type": "training", "date": "2026-10-01", "kecamatan": "33.03.08",
                "desa": "33.03.08.2001", "audience": ["students"],
                "participants_female_adult": 4, "participants_male_adult": 3,
                "participants_female_child": 2, "participants_male_child": 1,
            }),
        );
        let id = Uuid::now_v7();
        let projection = project(RecordKind::Activity, id, &record, today).expect("projects");
        let row = &projection.tables[0].rows[0];
        assert_eq!(row[1], FactValue::Date("2026-10-01".into()));
        assert_eq!(row[5..], [4, 3, 2, 1].map(FactValue::Int));
        record.deleted = true;
        let projection = project(RecordKind::Activity, id, &record, today).expect("projects");
        assert_eq!(
            projection.tables.len(),
            1,
            "the table is still named, to clear"
        );
        assert!(projection.tables[0].rows.is_empty());
    }

    #[test]
    fn a_case_has_a_row_and_one_per_form_and_a_missing_destination_says_so() {
        let today = time::macros::date!(2026 - 11 - 29);
        let record = stored(
            RecordKind::Case,
            json!({
                "date_reported": "2026-09-03", "source": "police", "status": "reported",
                "kecamatan": "33.03.08", "modus": "online_scam",
                "exploitation": ["forced_labour", "sexual", "forced_labour"],
            }),
        );
        let id = Uuid::now_v7();
        let projection = project(RecordKind::Case, id, &record, today).expect("projects");
        let case = &projection.tables[0].rows[0];
        assert_eq!(case[5], FactValue::Text(NOT_RECORDED.into()));
        let forms: Vec<&FactValue> = projection.tables[1].rows.iter().map(|r| &r[1]).collect();
        assert_eq!(
            forms,
            [
                &FactValue::Text("forced_labour".into()),
                &FactValue::Text("sexual".into())
            ]
        );
    }

    #[test]
    fn a_case_its_view_cannot_read_is_an_error_not_a_missing_row() {
        let today = time::macros::date!(2026 - 11 - 29);
        let record = stored(
            RecordKind::Case,
            json!({
                "reported_on": "2026-09-03", "source": "police", "status": "reported",
                "kecamatan": "33.03.08", "modus": "online_scam",
            }),
        );
        let error = project(RecordKind::Case, Uuid::now_v7(), &record, today).unwrap_err();
        assert_eq!(error.field, "date_reported");
    }

    #[test]
    fn every_generated_record_is_valid_and_projects_a_row() {
        let until = time::macros::date!(2026 - 11 - 29);
        let plan = crate::generate::Plan {
            seed: 7,
            cases: 300,
            activities: 100,
            months: 24,
            until,
            officers: vec![Uuid::now_v7()],
            referral_agencies: Vec::new(),
        };
        let mut kinds = std::collections::BTreeSet::new();
        for generated in plan.records() {
            let record = stored(generated.kind, Value::Object(generated.fields.clone()));
            generated
                .kind
                .validate_received(&record.fields, until)
                .unwrap_or_else(|errors| panic!("{generated:?}: {errors:?}"));
            let projection = project(generated.kind, generated.id, &record, until)
                .unwrap_or_else(|error| panic!("{generated:?}: {error:?}"));
            for table in &projection.tables {
                if table.table.name != CASE_FORMS.name {
                    assert_eq!(table.rows.len(), 1, "{generated:?}");
                }
            }
            // Deleted, it names the same tables with no rows: its old ones are cleared.
            let mut gone = record.clone();
            gone.deleted = true;
            let cleared = project(generated.kind, generated.id, &gone, until).expect("projects");
            let names = |p: &Projection| p.tables.iter().map(|t| t.table.name).collect::<Vec<_>>();
            assert_eq!(names(&cleared), names(&projection), "{generated:?}");
            assert!(cleared.tables.iter().all(|t| t.rows.is_empty()));
            kinds.insert(generated.kind.as_str());
        }
        assert!(kinds.len() >= 5, "{kinds:?}");
    }

    #[test]
    fn a_restitution_step_is_outside_the_funnel() {
        let today = time::macros::date!(2026 - 11 - 29);
        let case_id = Uuid::now_v7();
        let record = stored(
            RecordKind::LegalStep,
            json!({"case_id": case_id, "stage": "restitution", "date": "2026-10-01",
                   "restitution": 25_000_000}),
        );
        let projection =
            project(RecordKind::LegalStep, Uuid::now_v7(), &record, today).expect("projects");
        let row = &projection.tables[0].rows[0];
        assert_eq!(
            (&row[2], &row[3]),
            (&FactValue::NoInt, &FactValue::Int(25_000_000))
        );
    }
}
