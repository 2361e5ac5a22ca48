//! The pure side of referrals (issue #19): each referral the device holds with its steps,
//! folded into its life (`gugus_model::referral::life`); the lists of the liaison's and
//! the officer's home pages; whose identity a referral shares with its agency now; what a
//! new referral copies from its victim and case; the fields of a referral and of a step as
//! the forms make them; why the server refused one. Dates come in as arguments: nothing
//! here reads the clock.

use crate::components::record_form::draft::{self, Draft};
use crate::i18n;
use crate::store::{ListedRecord, LocalRecord};
use gugus_model::activity::{format_date, parse_date};
use gugus_model::referral::{self, Action, Life, Status, Step};
use gugus_model::schema::as_typed as text;
use gugus_model::schema::REFERRAL;
use gugus_model::vocab::REFERRAL_URGENCIES;
use gugus_model::Lang;
use serde_json::{Map, Value};
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

/// The facts of a case a referral may share with the agency, in the form's order.
pub const SHARED: [&str; 4] = ["sex", "age_group", "kecamatan", "modus"];

/// The age from which a victim counts as an adult: a child is under 18 (UU 35/2014).
pub const ADULT_AGE: u64 = 18;

/// A referral with its steps, as the device holds them.
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    /// The referral.
    pub listed: ListedRecord,
    /// Its steps: those the server took, in its order, then those it has not answered for
    /// yet or refused, in the order they were made.
    pub steps: Vec<ListedRecord>,
    /// Where it stands: the steps that follow one another, refused ones left out.
    pub life: Life,
}

impl Referral {
    /// The referral's id.
    pub fn id(&self) -> &str {
        &self.listed.record.id
    }

    /// A field as text ("" when missing).
    pub fn text(&self, name: &str) -> String {
        text(&self.listed.record.fields, name)
    }

    /// A date field, when it reads.
    pub fn date(&self, name: &str) -> Option<Date> {
        parse_date(&self.text(name))
    }

    /// Whether it is past its "needed by" date on `today` and still not closed.
    pub fn overdue(&self, today: Date) -> bool {
        self.date("needed_by")
            .is_some_and(|needed| referral::is_overdue(&self.life, needed, today))
    }

    /// Whether it still waits for any answer on `today`, after
    /// `referral::UNANSWERED_AFTER_DAYS`.
    pub fn unanswered(&self, today: Date) -> bool {
        self.date("referred_on")
            .is_some_and(|on| referral::is_unanswered(&self.life, on, today))
    }

    /// Whether the server has taken the referral (it has a version): until then the agency
    /// cannot have seen it.
    pub fn on_server(&self) -> bool {
        self.listed.record.version > 0
    }

    /// Whether the server refused the referral itself.
    pub fn refused(&self) -> bool {
        self.listed.record.rejection.is_some()
    }

    /// Whether `action` may follow now: never on a referral the server refused.
    pub fn allows(&self, action: Action) -> bool {
        !self.refused() && referral::next(self.life.status, action).is_ok()
    }

    /// Whether the referral shares its victim's identity with the agency's liaison now:
    /// the officer ticked it, and it is open or accepted (a decline, a delivery or a
    /// cancellation, one not sent yet included, ends it); never one the server refused.
    pub fn shares_identity(&self) -> bool {
        !self.refused()
            && referral::shares_identity(&self.listed.record.fields)
            && self.life.status.shares_identity()
    }
}

/// A step as a referral's life reads it: `None` for one deleted, refused by the server, or
/// whose action or date does not read.
pub fn step_of(record: &LocalRecord) -> Option<Step> {
    if record.deleted || record.rejection.is_some() {
        return None;
    }
    let fields = &record.fields;
    Some(Step {
        action: Action::parse(&text(fields, "action"))?,
        date: parse_date(&text(fields, "date"))?,
        decline_reason: Some(text(fields, "decline_reason")).filter(|r| !r.is_empty()),
    })
}

/// The server's order of steps (their versions), then the steps it has not taken, in the
/// order they were made (ids are UUID v7).
fn server_order(a: &ListedRecord, b: &ListedRecord) -> Ordering {
    let key = |r: &ListedRecord| (r.record.version == 0, r.record.version, r.record.id.clone());
    key(a).cmp(&key(b))
}

/// Every referral among `records` (of any kinds) with its steps, the earliest referred
/// first.
pub fn referrals(records: &[ListedRecord]) -> Vec<Referral> {
    let mut steps: BTreeMap<String, Vec<ListedRecord>> = BTreeMap::new();
    for step in records
        .iter()
        .filter(|r| r.record.kind == "referral_step" && !r.record.deleted)
    {
        steps
            .entry(text(&step.record.fields, "referral_id"))
            .or_default()
            .push(step.clone());
    }
    let mut out: Vec<Referral> = records
        .iter()
        .filter(|r| r.record.kind == "referral" && !r.record.deleted)
        .map(|listed| {
            let mut own = steps.remove(&listed.record.id).unwrap_or_default();
            own.sort_by(server_order);
            let taken: Vec<Step> = own.iter().filter_map(|s| step_of(&s.record)).collect();
            Referral {
                listed: listed.clone(),
                life: referral::life(&taken),
                steps: own,
            }
        })
        .collect();
    out.sort_by(|a, b| (a.text("referred_on"), a.id()).cmp(&(b.text("referred_on"), b.id())));
    out
}

/// The agencies each victim's identity is shared with now ([`Referral::shares_identity`]),
/// by victim id: their liaisons may read the victim's case key (`keyring`).
pub fn identity_shares(referrals: &[Referral]) -> BTreeMap<String, BTreeSet<String>> {
    let mut shares: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for referral in referrals.iter().filter(|r| r.shares_identity()) {
        shares
            .entry(referral.text("victim_id"))
            .or_default()
            .insert(referral.text("agency"));
    }
    shares
}

/// The ids of the referrals another one replaces (its `previous_referral`), counting only
/// replacements the server did not refuse.
pub fn replaced(referrals: &[Referral]) -> BTreeSet<String> {
    referrals
        .iter()
        .filter(|r| !r.refused())
        .map(|r| r.text("previous_referral"))
        .filter(|id| !id.is_empty())
        .collect()
}

/// How pressing an urgency code is: the later in `REFERRAL_URGENCIES`, the more.
fn urgency_rank(code: &str) -> usize {
    REFERRAL_URGENCIES
        .terms
        .iter()
        .position(|term| term.code == code)
        .unwrap_or_default()
}

/// The soonest needed first, then the most urgent.
fn soonest_first(list: &mut [Referral]) {
    list.sort_by_key(|r| {
        (
            r.date("needed_by"),
            Reverse(urgency_rank(&r.text("urgency"))),
            r.id().to_owned(),
        )
    });
}

/// A liaison's home page: its agency's referrals that need it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiaisonLists {
    /// Not answered yet, still in time.
    pub new: Vec<Referral>,
    /// Not closed and past their "needed by" date.
    pub overdue: Vec<Referral>,
    /// Accepted, not delivered yet, still in time.
    pub accepted: Vec<Referral>,
}

/// The lists of a liaison's home page on `today`, each the soonest needed first.
pub fn liaison_lists(referrals: Vec<Referral>, today: Date) -> LiaisonLists {
    let mut lists = LiaisonLists::default();
    for referral in referrals.into_iter().filter(|r| !r.refused()) {
        if referral.overdue(today) {
            lists.overdue.push(referral);
            continue;
        }
        match referral.life.status {
            Status::Open => lists.new.push(referral),
            Status::Accepted => lists.accepted.push(referral),
            Status::Declined | Status::Delivered | Status::Cancelled => {}
        }
    }
    soonest_first(&mut lists.new);
    soonest_first(&mut lists.overdue);
    soonest_first(&mut lists.accepted);
    lists
}

/// A referral with the case and victim it is for, when the device holds them.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseReferral {
    /// The referral.
    pub referral: Referral,
    /// Its case's id ("" when the device lacks its victim).
    pub case_id: String,
    /// Its victim's pseudonym ("" when the device lacks it).
    pub pseudonym: String,
}

/// An officer's home page: its cases' referrals that wait for it or for an answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfficerLists {
    /// Declined and not referred elsewhere yet, the earliest declined first.
    pub declined: Vec<CaseReferral>,
    /// Taken by the server and not answered after `referral::UNANSWERED_AFTER_DAYS`, the
    /// earliest referred first (one not sent yet waits on this phone, not on the agency).
    pub unanswered: Vec<CaseReferral>,
}

/// The lists of an officer's home page among `records` (of any kinds) on `today`.
pub fn officer_lists(records: &[ListedRecord], today: Date) -> OfficerLists {
    let victims: BTreeMap<&str, &LocalRecord> = records
        .iter()
        .map(|r| &r.record)
        .filter(|r| r.kind == "victim" && !r.deleted)
        .map(|r| (r.id.as_str(), r))
        .collect();
    let all = referrals(records);
    let done = replaced(&all);
    let with_case = |referral: Referral| {
        let victim = victims.get(referral.text("victim_id").as_str());
        CaseReferral {
            case_id: victim
                .map(|v| text(&v.fields, "case_id"))
                .unwrap_or_default(),
            pseudonym: victim
                .map(|v| text(&v.fields, "pseudonym"))
                .unwrap_or_default(),
            referral,
        }
    };
    let mut lists = OfficerLists::default();
    for referral in all.into_iter().filter(|r| !r.refused()) {
        if referral.life.status == Status::Declined && !done.contains(referral.id()) {
            lists.declined.push(with_case(referral));
        } else if referral.on_server() && referral.unanswered(today) {
            lists.unanswered.push(with_case(referral));
        }
    }
    lists
        .declined
        .sort_by_key(|c| (c.referral.life.answered_on, c.referral.id().to_owned()));
    // `referrals` gives them the earliest referred first already.
    lists
}

/// A victim's age group as a referral shares it instead of the age.
pub fn age_group(age: u64) -> &'static str {
    if age < ADULT_AGE {
        "child"
    } else {
        "adult"
    }
}

/// The value shared fact `name` takes from the victim and its case, when they record it:
/// the victim's sex, age group and home kecamatan, the case's modus.
pub fn fact(name: &str, victim: &Map<String, Value>, case: &Map<String, Value>) -> Option<String> {
    let filled = |value: String| Some(value).filter(|v| !v.is_empty());
    match name {
        "sex" => filled(text(victim, "sex")),
        "age_group" => victim
            .get("age")
            .and_then(Value::as_u64)
            .map(|age| age_group(age).to_owned()),
        "kecamatan" => filled(text(victim, "kecamatan")),
        "modus" => filled(text(case, "modus")),
        _ => None,
    }
}

/// A new referral's form: referred today, needed by `referral::default_needed_by`; after
/// a decline (`previous`, the declined referral's fields), the same service, reason and
/// urgency.
pub fn form_defaults(today: Date, previous: Option<&Map<String, Value>>) -> Draft {
    let mut form = Draft::new();
    form.insert("referred_on".into(), format_date(today).into());
    form.insert(
        "needed_by".into(),
        format_date(referral::default_needed_by(today)).into(),
    );
    for name in ["service", "reason", "urgency"] {
        let value = previous.map(|p| text(p, name)).unwrap_or_default();
        if !value.is_empty() {
            form.insert(name.into(), value.into());
        }
    }
    form
}

/// Changes the date referred to `typed`; a "needed by" date left at its default (or
/// empty) follows it.
pub fn set_referred_on(form: &mut Draft, typed: String) {
    let needed = text(form, "needed_by");
    let was_default = parse_date(&text(form, "referred_on"))
        .is_some_and(|old| format_date(referral::default_needed_by(old)) == needed);
    if needed.is_empty() || was_default {
        if let Some(new) = parse_date(typed.trim()) {
            let follows = format_date(referral::default_needed_by(new));
            form.insert("needed_by".into(), follows.into());
        }
    }
    form.insert("referred_on".into(), typed.into());
}

/// The referral a form makes: what was typed (`draft::to_fields`) under `victim_id`, with
/// only the ticked facts (`share`) copied from the victim and its case, replacing
/// `previous` when given.
pub fn referral_fields(
    form: &Draft,
    victim_id: &str,
    previous: Option<&str>,
    victim: &Map<String, Value>,
    case: &Map<String, Value>,
) -> Map<String, Value> {
    let mut fields = draft::to_fields(&REFERRAL, form, Some(victim_id), None);
    for name in SHARED {
        fields.remove(name);
    }
    for name in draft::codes(form, "share") {
        if !SHARED.contains(&name.as_str()) {
            continue;
        }
        if let Some(value) = fact(&name, victim, case) {
            fields.insert(name, value.into());
        }
    }
    if let Some(previous) = previous.filter(|p| !p.is_empty()) {
        fields.insert("previous_referral".into(), previous.into());
    }
    fields
}

/// The step `action` on referral `referral_id`, on the form's date (`today` when it has
/// none), with its decline reason (a decline only) and note when filled.
pub fn step_fields(
    referral_id: &str,
    action: Action,
    form: &Draft,
    today: Date,
) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("referral_id".into(), referral_id.into());
    fields.insert("action".into(), action.as_str().into());
    let date = text(form, "date");
    let date = match date.trim() {
        "" => format_date(today),
        typed => typed.to_owned(),
    };
    fields.insert("date".into(), date.into());
    let reason = text(form, "decline_reason");
    if action == Action::Decline && !reason.trim().is_empty() {
        fields.insert("decline_reason".into(), reason.trim().into());
    }
    let note = text(form, "note");
    if !note.trim().is_empty() {
        fields.insert("note".into(), note.trim().into());
    }
    fields
}

/// Why the server refused `record`, in words: its account may not, or the first field's
/// problem (a step that does not follow names where the referral stands).
pub fn refusal(record: &LocalRecord, lang: Lang) -> Option<String> {
    let error = record.rejection.as_ref()?;
    Some(match (error.code.as_str(), error.fields.first()) {
        ("forbidden", _) => i18n::REFERRAL_REFUSED_FORBIDDEN.get(lang).to_owned(),
        (_, Some(field)) => field.problem.message(lang),
        (_, None) => i18n::REJECTED_NOTICE.get(lang).to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gugus_model::sync::RejectError;
    use gugus_model::{FieldError, Problem};
    use serde_json::json;
    use time::macros::date;
    // Plain tests natively (`cargo test -p gugus-app --lib`), browser tests in wasm.
    #[cfg(target_family = "wasm")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const VICTIM: &str = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a01";

    fn listed(kind: &str, id: &str, fields: Value) -> ListedRecord {
        let fields = fields.as_object().cloned().unwrap_or_default();
        ListedRecord {
            record: LocalRecord::created(id.into(), kind, fields, "2026-11-01T00:00:00Z".into()),
            pending: false,
        }
    }

    /// A record the server took at `version`.
    fn taken(kind: &str, id: &str, version: u64, fields: Value) -> ListedRecord {
        let mut listed = listed(kind, id, fields);
        listed.record.version = version;
        listed.record.server = listed.record.fields.clone();
        listed
    }

    fn referral(id: &str, referred_on: &str, needed_by: &str) -> ListedRecord {
        taken(
            "referral",
            id,
            1,
            json!({
                "victim_id": VICTIM, "agency": "dinsos", "service": "shelter",
                "reason": "Butuh rumah aman", "urgency": "urgent",
                "referred_on": referred_on, "needed_by": needed_by,
            }),
        )
    }

    fn step(id: &str, referral: &str, version: u64, action: &str, date: &str) -> ListedRecord {
        let mut fields = json!({"referral_id": referral, "action": action, "date": date});
        if action == "decline" {
            fields["decline_reason"] = json!("no_capacity");
        }
        taken("referral_step", id, version, fields)
    }

    fn refused(mut listed: ListedRecord, problem: Problem) -> ListedRecord {
        listed.record.version = 0;
        listed.record.rejection = Some(RejectError::invalid(vec![FieldError::new(
            "action", problem,
        )]));
        listed
    }

    fn ids(list: &[Referral]) -> Vec<&str> {
        list.iter().map(Referral::id).collect()
    }

    #[test]
    fn steps_fold_in_the_servers_order_and_a_refused_one_is_kept_but_not_counted() {
        let records = vec![
            // Listed out of order: the server's versions decide.
            step("s3", "r1", 9, "deliver", "2026-11-10"),
            referral("r1", "2026-11-02", "2026-11-09"),
            step("s1", "r1", 4, "accept", "2026-11-03"),
            refused(
                step("s2", "r1", 0, "accept", "2026-11-04"),
                Problem::ReferralAccepted,
            ),
            step("s4", "r1", 0, "cancel", "2026-11-11"),
        ];
        let found = referrals(&records);
        assert_eq!(found.len(), 1);
        let r1 = &found[0];
        let order: Vec<&str> = r1.steps.iter().map(|s| s.record.id.as_str()).collect();
        assert_eq!(order, ["s1", "s3", "s2", "s4"], "server order, then unsent");
        assert_eq!(r1.life.status, Status::Delivered);
        assert_eq!(r1.life.answered_on, Some(date!(2026 - 11 - 03)));
        assert!(!r1.allows(Action::Cancel), "a delivered referral is closed");
        assert_eq!(
            refusal(&r1.steps[2].record, Lang::Id).as_deref(),
            Some("Rujukan ini sudah diterima.")
        );
        assert_eq!(refusal(&r1.steps[0].record, Lang::Id), None);
    }

    #[test]
    fn a_pending_step_counts_until_the_server_answers() {
        let mut cancel = step("s1", "r1", 0, "cancel", "2026-11-05");
        cancel.pending = true;
        let found = referrals(&[referral("r1", "2026-11-02", "2026-11-09"), cancel]);
        assert_eq!(found[0].life.status, Status::Cancelled);
        assert!(!found[0].allows(Action::Accept));
    }

    #[test]
    fn a_liaison_sees_new_overdue_and_accepted_referrals() {
        let today = date!(2026 - 11 - 20);
        let mut emergency = referral("r2", "2026-11-18", "2026-11-25");
        emergency.record.fields["urgency"] = json!("emergency");
        let records = vec![
            referral("r1", "2026-11-18", "2026-11-25"),
            emergency,
            referral("r3", "2026-11-01", "2026-11-08"),
            referral("r4", "2026-11-15", "2026-11-22"),
            step("s4", "r4", 2, "accept", "2026-11-16"),
            referral("r5", "2026-11-01", "2026-11-10"),
            step("s5", "r5", 3, "accept", "2026-11-02"),
            referral("r6", "2026-11-01", "2026-11-05"),
            step("s6", "r6", 4, "decline", "2026-11-02"),
            referral("r7", "2026-11-19", "2026-11-20"),
        ];
        let lists = liaison_lists(referrals(&records), today);
        assert_eq!(
            ids(&lists.new),
            ["r7", "r2", "r1"],
            "soonest, then most urgent"
        );
        assert_eq!(ids(&lists.overdue), ["r3", "r5"]);
        assert_eq!(ids(&lists.accepted), ["r4"]);
        // Needed on the day itself is not overdue yet.
        assert!(!lists.new[0].overdue(today));
    }

    #[test]
    fn an_officer_sees_declines_not_referred_again_and_referrals_left_unanswered() {
        let today = date!(2026 - 11 - 20);
        let mut again = referral("r3", "2026-11-10", "2026-11-17");
        again
            .record
            .fields
            .insert("previous_referral".into(), json!("r2"));
        let mut refused_again = refused(
            referral("r9", "2026-11-12", "2026-11-19"),
            Problem::Required,
        );
        refused_again
            .record
            .fields
            .insert("previous_referral".into(), json!("r1"));
        let mut unsent = referral("r8", "2026-11-01", "2026-11-08");
        unsent.record.version = 0;
        unsent.pending = true;
        let records = vec![
            listed(
                "victim",
                VICTIM,
                json!({"case_id": "c1", "pseudonym": "R.W."}),
            ),
            referral("r1", "2026-11-01", "2026-11-08"),
            step("s1", "r1", 2, "decline", "2026-11-04"),
            referral("r2", "2026-11-01", "2026-11-08"),
            step("s2", "r2", 3, "decline", "2026-11-03"),
            again,
            step("s3", "r3", 4, "accept", "2026-11-11"),
            refused_again,
            referral("r4", "2026-11-19", "2026-11-26"),
            referral("r5", "2026-11-17", "2026-11-24"),
            referral("r6", "2026-11-16", "2026-11-23"),
            unsent,
        ];
        let lists = officer_lists(&records, today);
        let declined: Vec<&str> = lists.declined.iter().map(|c| c.referral.id()).collect();
        assert_eq!(declined, ["r1"], "r2 was referred again; r9 was refused");
        assert_eq!(lists.declined[0].case_id, "c1");
        assert_eq!(lists.declined[0].pseudonym, "R.W.");
        let unanswered: Vec<&str> = lists.unanswered.iter().map(|c| c.referral.id()).collect();
        assert_eq!(
            unanswered,
            ["r6", "r5"],
            "two days and more, the earliest first; r8 was never sent"
        );
    }

    #[test]
    fn only_the_ticked_facts_are_copied_from_the_victim_and_the_case() {
        let victim =
            json!({"sex": "female", "age": 16, "kecamatan": "33.03.08", "pseudonym": "R.W."});
        let victim = victim.as_object().cloned().unwrap_or_default();
        let case = json!({"modus": "ship_crew", "kecamatan": "33.03.01", "summary": "rahasia"});
        let case = case.as_object().cloned().unwrap_or_default();
        let mut form = form_defaults(date!(2026 - 11 - 20), None);
        for (name, value) in [
            ("agency", "uptd_ppa"),
            ("service", "psychosocial"),
            ("reason", "  Trauma berat  "),
            ("urgency", "urgent"),
            ("needs", "Didampingi ibunya"),
            // Typed values of shared facts never pass: they are copied.
            ("modus", "other"),
        ] {
            form.insert(name.into(), value.into());
        }
        draft::toggle(&mut form, "share", "age_group", true);
        draft::toggle(&mut form, "share", "kecamatan", true);
        draft::toggle(&mut form, "share", "summary", true);
        let fields = referral_fields(&form, VICTIM, None, &victim, &case);
        assert_eq!(
            Value::Object(fields.clone()),
            json!({
                "victim_id": VICTIM, "agency": "uptd_ppa", "service": "psychosocial",
                "reason": "Trauma berat", "urgency": "urgent",
                "referred_on": "2026-11-20", "needed_by": "2026-11-27",
                "age_group": "child", "kecamatan": "33.03.08", "needs": "Didampingi ibunya",
            })
        );
        assert!(REFERRAL.validate(&fields, date!(2026 - 11 - 20)).is_ok());
        draft::toggle(&mut form, "share", "sex", true);
        draft::toggle(&mut form, "share", "modus", true);
        let again = referral_fields(&form, VICTIM, Some("r1"), &victim, &case);
        assert_eq!(again["sex"], json!("female"));
        assert_eq!(again["modus"], json!("ship_crew"));
        assert_eq!(again["previous_referral"], json!("r1"));
        assert_eq!(age_group(17), "child");
        assert_eq!(age_group(18), "adult");
        assert_eq!(fact("age_group", &Map::new(), &case), None);
    }

    #[test]
    fn an_identity_is_shared_while_its_referral_is_open_or_accepted() {
        let sharing = |id: &str, agency: &str| {
            let mut listed = referral(id, "2026-11-02", "2026-11-09");
            listed.record.fields["agency"] = json!(agency);
            let fields = &mut listed.record.fields;
            fields.insert(referral::SHARE_IDENTITY_FIELD.into(), json!(true));
            listed
        };
        let mut cancel = step("s5", "r5", 0, "cancel", "2026-11-05");
        cancel.pending = true;
        let mut unticked = referral("r6", "2026-11-02", "2026-11-09");
        let fields = &mut unticked.record.fields;
        fields.insert(referral::SHARE_IDENTITY_FIELD.into(), json!(false));
        let records = vec![
            sharing("r1", "dinsos"),
            sharing("r2", "uptd_ppa"),
            step("s2", "r2", 3, "accept", "2026-11-03"),
            sharing("r3", "rsud"),
            step("s3", "r3", 4, "decline", "2026-11-03"),
            sharing("r4", "polres"),
            step("s4a", "r4", 5, "accept", "2026-11-03"),
            step("s4b", "r4", 6, "deliver", "2026-11-06"),
            // Cancelled on this phone, not sent yet: the sharing ends at once.
            sharing("r5", "kejaksaan"),
            cancel,
            unticked,
            refused(sharing("r7", "bapas"), Problem::InactiveAgency),
        ];
        let found = referrals(&records);
        let live: Vec<&str> = found
            .iter()
            .filter(|r| r.shares_identity())
            .map(Referral::id)
            .collect();
        assert_eq!(live, ["r1", "r2"]);
        let shares = identity_shares(&found);
        let agencies: Vec<&str> = shares[VICTIM].iter().map(String::as_str).collect();
        assert_eq!(agencies, ["dinsos", "uptd_ppa"]);
        assert_eq!(shares.len(), 1);
        assert!(identity_shares(&referrals(&records[5..])).is_empty());
    }

    #[test]
    fn sharing_the_identity_is_kept_only_when_ticked() {
        let mut form = form_defaults(date!(2026 - 11 - 20), None);
        for (name, value) in [
            ("agency", "uptd_ppa"),
            ("service", "psychosocial"),
            ("reason", "Trauma berat"),
            ("urgency", "urgent"),
        ] {
            form.insert(name.into(), value.into());
        }
        let (victim, case) = (Map::new(), Map::new());
        let fields = referral_fields(&form, VICTIM, None, &victim, &case);
        assert!(!fields.contains_key(referral::SHARE_IDENTITY_FIELD));
        form.insert(referral::SHARE_IDENTITY_FIELD.into(), json!(true));
        let fields = referral_fields(&form, VICTIM, None, &victim, &case);
        assert_eq!(fields[referral::SHARE_IDENTITY_FIELD], json!(true));
        assert!(referral::shares_identity(&fields));
        assert!(REFERRAL.validate(&fields, date!(2026 - 11 - 20)).is_ok());
        form.insert(referral::SHARE_IDENTITY_FIELD.into(), json!(false));
        let fields = referral_fields(&form, VICTIM, None, &victim, &case);
        assert!(!fields.contains_key(referral::SHARE_IDENTITY_FIELD));
    }

    #[test]
    fn a_new_referral_after_a_decline_keeps_its_service_and_reason() {
        let previous = referral("r1", "2026-11-01", "2026-11-08").record.fields;
        let form = form_defaults(date!(2026 - 11 - 20), Some(&previous));
        assert_eq!(text(&form, "service"), "shelter");
        assert_eq!(text(&form, "reason"), "Butuh rumah aman");
        assert_eq!(text(&form, "urgency"), "urgent");
        assert_eq!(text(&form, "agency"), "", "the agency is chosen again");
        assert_eq!(text(&form, "needed_by"), "2026-11-27");
    }

    #[test]
    fn the_needed_by_date_follows_the_date_referred_until_it_is_changed() {
        let mut form = form_defaults(date!(2026 - 11 - 20), None);
        set_referred_on(&mut form, "2026-11-18".into());
        assert_eq!(text(&form, "needed_by"), "2026-11-25");
        form.insert("needed_by".into(), "2026-11-21".into());
        set_referred_on(&mut form, "2026-11-19".into());
        assert_eq!(text(&form, "needed_by"), "2026-11-21");
        assert_eq!(text(&form, "referred_on"), "2026-11-19");
    }

    #[test]
    fn a_step_carries_a_decline_reason_only_when_it_declines() {
        let today = date!(2026 - 11 - 20);
        let mut form = Draft::new();
        form.insert("decline_reason".into(), "no_capacity".into());
        form.insert("note".into(), "  Rumah aman penuh ".into());
        let decline = step_fields("r1", Action::Decline, &form, today);
        assert_eq!(
            Value::Object(decline.clone()),
            json!({"referral_id": "r1", "action": "decline", "date": "2026-11-20",
                   "decline_reason": "no_capacity", "note": "Rumah aman penuh"})
        );
        form.insert("date".into(), "2026-11-19".into());
        let deliver = step_fields("r1", Action::Deliver, &form, today);
        assert_eq!(deliver.get("decline_reason"), None);
        assert_eq!(deliver["date"], json!("2026-11-19"));
        let accept = step_fields("r1", Action::Accept, &Draft::new(), today);
        assert_eq!(accept.len(), 3);
    }
}
