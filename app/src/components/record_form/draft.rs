//! A record form's state as typed, and its conversion to and from a record's fields,
//! driven by the kind's [`KindSpec`].

use gugus_model::regions;
use gugus_model::schema::{self, FieldType, KindSpec};
pub use gugus_model::schema::{as_typed as text, codes_as_typed as codes};
use serde_json::{Map, Value};

/// What the officer has entered, by field name: text as typed (dates, codes, regions and
/// counts too), a list of codes, or a yes/no. What a draft keeps.
pub type Draft = Map<String, Value>;

/// Whether a field is on the form: the parent link is set by the page, and the assigned
/// officers are set by supervisors elsewhere.
pub fn shown(ty: FieldType) -> bool {
    !matches!(
        ty,
        FieldType::Parent(_) | FieldType::UserIds | FieldType::CaseIds | FieldType::RecordId
    )
}

/// The form for a record's fields (only the fields the form shows).
pub fn from_fields(spec: &KindSpec, fields: &Map<String, Value>) -> Draft {
    let mut draft = Draft::new();
    for field in spec.fields.iter().filter(|f| shown(f.ty)) {
        let value = match (field.ty, fields.get(field.name)) {
            (_, None | Some(Value::Null)) => continue,
            (_, Some(Value::Number(n))) => Value::String(n.to_string()),
            (_, Some(value)) => value.clone(),
        };
        draft.insert(field.name.to_owned(), value);
    }
    draft
}

/// Adds or removes a code of a multiple choice.
pub fn toggle(draft: &mut Draft, name: &str, code: &str, on: bool) {
    let mut list = codes(draft, name);
    list.retain(|c| c != code);
    if on {
        list.push(code.to_owned());
    }
    draft.insert(name.to_owned(), list.into());
}

/// Chooses a kecamatan; a desa elsewhere is cleared.
pub fn set_kecamatan(draft: &mut Draft, code: String) {
    let desa = text(draft, "desa");
    if regions::find(&desa).is_none_or(|d| d.kecamatan_code() != code) {
        draft.remove("desa");
    }
    draft.insert("kecamatan".into(), code.into());
}

/// The fields to validate and save. Empty optional fields are left out; a NIK and a phone
/// number are normalised as typed from a KTP or a contact list (`schema::normalise_nik`,
/// `schema::normalise_phone`); a count that is
/// not a whole number stays text so validation names it; `parent` fills the parent link;
/// the fields the form does not show keep their value in `original` (the record edited),
/// and a yes/no left unticked is `false` only when the record already said yes or no.
pub fn to_fields(
    spec: &KindSpec,
    draft: &Draft,
    parent: Option<&str>,
    original: Option<&Map<String, Value>>,
) -> Map<String, Value> {
    let mut fields = Map::new();
    for field in spec.fields {
        let name = field.name;
        let value = match field.ty {
            FieldType::Parent(_) => parent.map(|id| Value::String(id.to_owned())),
            ty if !shown(ty) => original.and_then(|o| o.get(name)).cloned(),
            FieldType::Codes(_) => {
                let chosen = codes(draft, name);
                (!chosen.is_empty()).then(|| chosen.into())
            }
            FieldType::Bool => match draft.get(name) {
                Some(Value::Bool(true)) => Some(Value::Bool(true)),
                _ if original.is_some_and(|o| o.contains_key(name)) => Some(Value::Bool(false)),
                _ => None,
            },
            FieldType::Count { .. } => {
                let typed = text(draft, name);
                let typed = typed.trim();
                (!typed.is_empty()).then(|| {
                    typed
                        .parse::<u64>()
                        .map_or_else(|_| Value::String(typed.to_owned()), Value::from)
                })
            }
            FieldType::Nik | FieldType::Phone => {
                let typed = text(draft, name);
                let normalise = match field.ty {
                    FieldType::Nik => schema::normalise_nik,
                    _ => schema::normalise_phone,
                };
                (!typed.trim().is_empty()).then(|| Value::String(normalise(&typed)))
            }
            _ => {
                let typed = text(draft, name);
                (!typed.trim().is_empty()).then(|| Value::String(typed.trim().to_owned()))
            }
        };
        if let Some(value) = value {
            fields.insert(name.to_owned(), value);
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use gugus_model::schema::{CASE, SERVICE};
    use serde_json::json;
    use time::macros::date;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn draft(value: Value) -> Draft {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_nik_and_a_phone_number_are_normalised_as_typed() {
        use gugus_model::schema::VICTIM_IDENTITY;
        let typed = draft(json!({
            "full_name": "Siti", "nik": "3303 0845.0107-0001", "phone": "+62 812-3456-7890",
        }));
        let fields = to_fields(&VICTIM_IDENTITY, &typed, Some("v"), None);
        assert_eq!(fields["nik"], json!("3303084501070001"));
        assert_eq!(fields["phone"], json!("081234567890"));
    }

    #[test]
    fn empty_fields_are_left_out_and_numbers_are_numbers() {
        let typed = draft(json!({
            "type": "shelter", "provider": "uptd_ppa", "requested_on": "2026-10-01",
            "delivered_on": "", "status": "requested", "notes": "  ",
        }));
        let fields = to_fields(
            &SERVICE,
            &typed,
            Some("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
            None,
        );
        assert_eq!(fields.get("delivered_on"), None);
        assert_eq!(fields.get("notes"), None);
        assert_eq!(
            fields["victim_id"],
            json!("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
        );
    }

    #[test]
    fn a_case_round_trips_and_keeps_its_assigned_officers() {
        let stored = draft(json!({
            "date_reported": "2026-10-01", "source": "police", "status": "reported",
            "kecamatan": "33.03.08", "desa": "33.03.08.2001", "modus": "ship_crew",
            "exploitation": ["forced_labour"], "sensitive": true,
            "assigned_officers": ["0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"],
        }));
        let typed = from_fields(&CASE, &stored);
        assert_eq!(typed.get("assigned_officers"), None);
        assert_eq!(to_fields(&CASE, &typed, None, Some(&stored)), stored);
        let mut unticked = typed.clone();
        unticked.insert("sensitive".into(), false.into());
        let fields = to_fields(&CASE, &unticked, None, Some(&stored));
        assert_eq!(fields["sensitive"], json!(false));
        assert_eq!(
            to_fields(&CASE, &unticked, None, None).get("sensitive"),
            None
        );
    }

    #[test]
    fn a_count_that_is_not_a_number_is_named_by_validation() {
        let typed = draft(json!({"age": "dua puluh"}));
        let fields = to_fields(&gugus_model::schema::VICTIM, &typed, None, None);
        let errors = gugus_model::schema::VICTIM
            .validate(&fields, date!(2026 - 11 - 29))
            .unwrap_err();
        assert!(errors.iter().any(|e| e.field == "age"));
    }

    #[test]
    fn changing_the_kecamatan_clears_a_desa_elsewhere() {
        let mut typed = draft(json!({"kecamatan": "33.03.08", "desa": "33.03.08.2001"}));
        set_kecamatan(&mut typed, "33.03.08".into());
        assert_eq!(text(&typed, "desa"), "33.03.08.2001");
        set_kecamatan(&mut typed, "33.03.01".into());
        assert_eq!(text(&typed, "desa"), "");
    }
}
