//! The activity form's state as typed: what a draft keeps, and its conversion to and from
//! a record's fields.

use gugus_model::activity::{format_date, PARTICIPANT_FIELDS};
use gugus_model::schema::{as_typed as text, codes_as_typed as codes};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::Date;

/// Everything the officer has entered, as entered (counts stay text until validated).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ActivityDraft {
    /// Activity type code.
    pub activity_type: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Kecamatan code.
    pub kecamatan: String,
    /// Desa code.
    pub desa: String,
    /// Venue.
    pub venue: String,
    /// Audience codes.
    pub audience: Vec<String>,
    /// The four counts in `PARTICIPANT_FIELDS` order, as typed.
    pub participants: [String; 4],
    /// Topic codes.
    pub topics: Vec<String>,
    /// Partner agencies.
    pub partners: String,
    /// Follow-up commitments.
    pub follow_up: String,
    /// Notes.
    pub notes: String,
}

impl ActivityDraft {
    /// An empty form: today's date and the counts empty (typing 12 into a "0" gave 120).
    pub fn blank(today: Date) -> Self {
        ActivityDraft {
            date: format_date(today),
            ..ActivityDraft::default()
        }
    }

    /// The form for a record's fields.
    pub fn from_fields(fields: &Map<String, Value>) -> Self {
        ActivityDraft {
            activity_type: text(fields, "type"),
            date: text(fields, "date"),
            kecamatan: text(fields, "kecamatan"),
            desa: text(fields, "desa"),
            venue: text(fields, "venue"),
            audience: codes(fields, "audience"),
            participants: PARTICIPANT_FIELDS.map(|name| text(fields, name)),
            topics: codes(fields, "topics"),
            partners: text(fields, "partners"),
            follow_up: text(fields, "follow_up"),
            notes: text(fields, "notes"),
        }
    }

    /// The fields to validate with `Activity::parse`. A count left empty is 0 (the form
    /// says so); one that is not a whole number is kept as text so validation names it.
    pub fn to_fields(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        fields.insert("type".into(), json!(self.activity_type));
        fields.insert("date".into(), json!(self.date));
        fields.insert("kecamatan".into(), json!(self.kecamatan));
        fields.insert("desa".into(), json!(self.desa));
        fields.insert("venue".into(), json!(self.venue));
        fields.insert("audience".into(), json!(self.audience));
        for (name, typed) in PARTICIPANT_FIELDS.iter().zip(&self.participants) {
            let typed = typed.trim();
            if typed.is_empty() {
                fields.insert((*name).into(), json!(0));
                continue;
            }
            let value = typed
                .parse::<i64>()
                .map_or_else(|_| json!(typed), |n| json!(n));
            fields.insert((*name).into(), value);
        }
        fields.insert("topics".into(), json!(self.topics));
        fields.insert("partners".into(), json!(self.partners));
        fields.insert("follow_up".into(), json!(self.follow_up));
        fields.insert("notes".into(), json!(self.notes));
        fields
    }

    /// Chooses a kecamatan; the desa is cleared when it lies elsewhere.
    pub fn set_kecamatan(&mut self, code: String) {
        let same = gugus_model::regions::find(&self.desa)
            .is_some_and(|desa| desa.kecamatan_code() == code);
        if !same {
            self.desa.clear();
        }
        self.kecamatan = code;
    }

    /// Adds or removes a code of a multiple choice.
    pub fn toggle(list: &mut Vec<String>, code: String, on: bool) {
        list.retain(|c| *c != code);
        if on {
            list.push(code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gugus_model::activity::Activity;
    use gugus_model::field::Problem;
    use serde_json::json;
    use time::macros::date;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn filled() -> ActivityDraft {
        ActivityDraft {
            activity_type: "outreach".into(),
            kecamatan: "33.03.08".into(),
            desa: "33.03.08.2001".into(),
            venue: "Balai desa".into(),
            audience: vec!["pkk".into()],
            participants: ["12".into(), "3".into(), "0".into(), "".into()],
            ..ActivityDraft::blank(date!(2026 - 11 - 02))
        }
    }

    #[test]
    fn an_empty_count_is_zero_and_a_fraction_or_text_is_not_a_whole_number() {
        let mut draft = filled();
        assert_eq!(draft.to_fields()["participants_male_child"], json!(0));
        assert_eq!(
            ActivityDraft::blank(date!(2026 - 11 - 02)).participants,
            [""; 4]
        );
        for typed in ["dua", "2.5", "2,5"] {
            draft.participants[2] = typed.into();
            let errors = Activity::parse(&draft.to_fields(), date!(2026 - 11 - 29)).unwrap_err();
            let named: Vec<_> = errors
                .iter()
                .map(|e| (e.field.as_str(), &e.problem))
                .collect();
            assert_eq!(
                named,
                [("participants_female_child", &Problem::NotWhole)],
                "{typed}"
            );
        }
    }

    #[test]
    fn a_valid_draft_round_trips_through_the_record_fields() {
        let mut draft = filled();
        draft.participants[3] = "1".into();
        let activity = Activity::parse(&draft.to_fields(), date!(2026 - 11 - 29)).unwrap();
        assert_eq!(activity.total_participants(), 16);
        assert_eq!(ActivityDraft::from_fields(&activity.to_fields()), draft);
    }

    #[test]
    fn changing_the_kecamatan_clears_a_desa_elsewhere() {
        let mut draft = filled();
        draft.set_kecamatan("33.03.08".into());
        assert_eq!(draft.desa, "33.03.08.2001");
        draft.set_kecamatan("33.03.01".into());
        assert!(draft.desa.is_empty());
    }
}
