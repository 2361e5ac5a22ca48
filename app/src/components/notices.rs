//! What the server said about this device's last changes to a record: a refusal to fix,
//! or same-field conflicts (the server's value against this phone's).

use crate::i18n::{self, tr, use_i18n};
use crate::store::LocalRecord;
use gugus_model::activity::field_label;
use gugus_model::regions;
use gugus_model::schema::{FieldType, KindSpec};
use gugus_model::sync::Conflict;
use gugus_model::vocab::{ACTIVITY_TYPES, AUDIENCES, TOPICS};
use gugus_model::Lang;
use leptos::prelude::*;
use serde_json::Value;

/// A field's value in words: labels for codes, names for regions, grouped numbers.
pub fn value_text(field: &str, value: &Value, lang: Lang) -> String {
    match value {
        Value::Null => i18n::EMPTY_VALUE.get(lang).to_owned(),
        Value::String(s) if s.is_empty() => i18n::EMPTY_VALUE.get(lang).to_owned(),
        Value::String(code) => match field {
            "type" => ACTIVITY_TYPES.label(code, lang).to_owned(),
            "kecamatan" | "desa" => regions::name_of(code).to_owned(),
            _ => code.clone(),
        },
        Value::Number(n) => n
            .as_u64()
            .map_or_else(|| n.to_string(), |n| i18n::number(n, lang)),
        Value::Array(items) => {
            let vocab = match field {
                "audience" => Some(AUDIENCES),
                "topics" => Some(TOPICS),
                _ => None,
            };
            let words: Vec<String> = items
                .iter()
                .map(|item| match (item.as_str(), vocab) {
                    (Some(code), Some(vocab)) => vocab.label(code, lang).to_owned(),
                    (Some(text), None) => text.to_owned(),
                    _ => item.to_string(),
                })
                .collect();
            if words.is_empty() {
                i18n::EMPTY_VALUE.get(lang).to_owned()
            } else {
                words.join(", ")
            }
        }
        other => other.to_string(),
    }
}

/// A field's value in words for a kind described by `spec` (an activity's when `None`).
pub fn value_text_of(spec: Option<&KindSpec>, field: &str, value: &Value, lang: Lang) -> String {
    let Some(ty) = spec.and_then(|spec| spec.field(field)).map(|f| f.ty) else {
        return value_text(field, value, lang);
    };
    let words = |items: Vec<String>| match items.is_empty() {
        true => i18n::EMPTY_VALUE.get(lang).to_owned(),
        false => items.join(", "),
    };
    match (ty, value) {
        (FieldType::Code(vocab), Value::String(code)) if !code.is_empty() => {
            vocab.label(code, lang).to_owned()
        }
        (FieldType::Codes(vocab), Value::Array(items)) => words(
            items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map_or_else(|| item.to_string(), |c| vocab.label(c, lang).to_owned())
                })
                .collect(),
        ),
        (FieldType::Kecamatan | FieldType::Desa, Value::String(code)) if !code.is_empty() => {
            regions::name_of(code).to_owned()
        }
        (FieldType::Bool, Value::Bool(yes)) => match yes {
            true => i18n::YES.get(lang).to_owned(),
            false => i18n::NO.get(lang).to_owned(),
        },
        _ => value_text(field, value, lang),
    }
}

/// A field's label in words for a kind described by `spec` (an activity's when `None`).
fn label_of(spec: Option<&KindSpec>, field: &str, lang: Lang) -> String {
    match spec {
        Some(spec) => spec.label(field, lang).to_owned(),
        None => field_label(field, lang).to_owned(),
    }
}

/// The refusal and conflicts recorded on a record, if any.
#[component]
pub fn RecordNotices(
    /// The record as the device has it.
    #[prop(into)]
    record: Signal<Option<LocalRecord>>,
    /// Settles a conflict with the chosen (field, value); no buttons without it.
    #[prop(optional)]
    on_resolve: Option<Callback<(String, Value)>>,
    /// The kind's fields, for labels and values in words (an activity when left out).
    #[prop(optional)]
    spec: Option<&'static KindSpec>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rejection = move || record.with(|r| r.as_ref().and_then(|r| r.rejection.clone()));
    let conflicts =
        move || record.with(|r| r.as_ref().map(|r| r.conflicts.clone()).unwrap_or_default());
    view! {
        {move || {
            rejection()
                .map(|error| {
                    let text = if error.code == "forbidden" {
                        i18n::REJECTED_FORBIDDEN
                    } else {
                        i18n::REJECTED_NOTICE
                    };
                    view! {
                        <p id="rejection-notice" class="notice rejected" role="alert">
                            {move || i18n.t(text)}
                        </p>
                    }
                })
        }}
        <Show when=move || !conflicts().is_empty()>
            <div id="conflict-notice" class="notice conflict" role="status">
                <p>{tr(i18n::CONFLICT_NOTICE)}</p>
                <ul>
                    <For each=conflicts key=|c| c.field.clone() let(conflict)>
                        <ConflictLine conflict on_resolve spec />
                    </For>
                </ul>
            </div>
        </Show>
    }
}

#[component]
fn ConflictLine(
    conflict: Conflict,
    on_resolve: Option<Callback<(String, Value)>>,
    spec: Option<&'static KindSpec>,
) -> impl IntoView {
    let i18n = use_i18n();
    let agencies = crate::agencies::use_agencies();
    // An agency reads by the deployment's list, which the kind's spec does not hold.
    let agency_field = spec
        .and_then(|spec| spec.field(&conflict.field))
        .is_some_and(|f| matches!(f.ty, FieldType::Agency));
    let field = conflict.field.clone();
    let choose = move |value: &Value| {
        let (field, value) = (field.clone(), value.clone());
        move |_| {
            if let Some(on_resolve) = on_resolve {
                on_resolve.run((field.clone(), value.clone()));
            }
        }
    };
    let buttons = on_resolve.map(|_| {
        let field = conflict.field.clone();
        view! {
            <div class="resolve-buttons">
                <button type="button" class="primary resolve-server" data-field=field.clone()
                    on:click=choose(&conflict.server)>
                    {tr(i18n::RESOLVE_SERVER)}
                </button>
                <button type="button" class="secondary resolve-mine" data-field=field
                    on:click=choose(&conflict.device)>
                    {tr(i18n::RESOLVE_MINE)}
                </button>
            </div>
        }
    });
    let line = move || {
        let lang = i18n.lang();
        let field = conflict.field.as_str();
        let shown = |value: &Value| match value.as_str() {
            Some(code) if agency_field && !code.is_empty() => agencies.label(code, lang),
            _ => value_text_of(spec, field, value, lang),
        };
        format!(
            "{}: {} {}; {} {}",
            label_of(spec, field, lang),
            shown(&conflict.server),
            i18n::CONFLICT_SERVER.get(lang),
            shown(&conflict.device),
            i18n::CONFLICT_DEVICE.get(lang),
        )
    };
    view! { <li><p>{line}</p>{buttons}</li> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn values_are_shown_in_words() {
        assert_eq!(
            value_text("type", &json!("outreach"), Lang::Id),
            "Sosialisasi"
        );
        assert_eq!(
            value_text("kecamatan", &json!("33.03.08"), Lang::Id),
            "Mrebet"
        );
        assert_eq!(
            value_text("participants_male_adult", &json!(1500), Lang::Id),
            "1.500"
        );
        assert_eq!(
            value_text("audience", &json!(["pkk", "students"]), Lang::Id),
            "Ibu-ibu PKK, Pelajar"
        );
        assert_eq!(value_text("venue", &json!(""), Lang::En), "(empty)");
    }

    #[test]
    fn a_case_kinds_values_are_shown_in_words_too() {
        let spec = gugus_model::RecordKind::Case.spec();
        assert_eq!(
            value_text_of(spec, "status", &json!("closed"), Lang::Id),
            "Ditutup"
        );
        assert_eq!(
            value_text_of(spec, "means", &json!(["fraud", "debt_bondage"]), Lang::Id),
            "Penipuan, Jeratan utang"
        );
        assert_eq!(
            value_text_of(spec, "sensitive", &json!(true), Lang::En),
            "Yes"
        );
        assert_eq!(label_of(spec, "modus", Lang::Id), "Modus");
        assert_eq!(
            value_text_of(None, "type", &json!("outreach"), Lang::Id),
            "Sosialisasi"
        );
    }
}
