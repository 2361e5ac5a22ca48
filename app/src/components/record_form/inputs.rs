//! One input per field of a [`KindSpec`](gugus_model::schema::KindSpec), chosen by its
//! type.

use super::draft::{self, Draft};
use crate::clock;
use crate::components::fields::{
    Checkboxes, CountField, FieldErrorText, FormErrors, SelectField, TextField,
};
use crate::i18n::{self, use_i18n};
use gugus_model::activity::format_date;
use gugus_model::regions;
use gugus_model::schema::{FieldSpec, FieldType};
use gugus_model::vocab::Vocab;
use leptos::prelude::*;
use serde_json::Value;

/// A change the officer makes to one field.
#[derive(Debug, Clone)]
pub enum Change {
    /// A text, date, code or count as typed.
    Text(&'static str, String),
    /// The kecamatan (clears a desa elsewhere).
    Kecamatan(String),
    /// A code ticked or unticked.
    Toggle(&'static str, String, bool),
    /// A yes/no.
    Bool(&'static str, bool),
}

impl Change {
    /// Makes the change to the form.
    pub fn apply(self, form: &mut Draft) {
        match self {
            Change::Text(name, value) => {
                form.insert(name.to_owned(), value.into());
            }
            Change::Kecamatan(code) => draft::set_kecamatan(form, code),
            Change::Toggle(name, code, on) => draft::toggle(form, name, &code, on),
            Change::Bool(name, on) => {
                form.insert(name.to_owned(), on.into());
            }
        }
    }
}

fn vocab_options(vocab: Vocab) -> Signal<Vec<(String, String)>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        let lang = i18n.lang();
        vocab
            .terms
            .iter()
            .map(|t| (t.code.to_owned(), t.label.get(lang).to_owned()))
            .collect()
    })
}

/// The input of `field`, showing `form` and reporting changes to `edit`; `private` for a
/// victim's identity (the browser's autofill must not keep it).
pub fn input(
    field: &'static FieldSpec,
    form: RwSignal<Draft>,
    edit: Callback<Change>,
    private: bool,
) -> AnyView {
    let i18n = use_i18n();
    let name = field.name;
    let label = field.label;
    let value = Signal::derive(move || form.with(|f| draft::text(f, name)));
    let typed = Callback::new(move |v: String| edit.run(Change::Text(name, v)));
    let choose = Signal::derive(move || i18n.t(i18n::CHOOSE));
    match field.ty {
        FieldType::Date => view! {
            <TextField name label kind="date" max=format_date(clock::today()) value on_input=typed />
        }
        .into_any(),
        FieldType::Code(vocab) => view! {
            <SelectField name label options=vocab_options(vocab) value placeholder=choose on_change=typed />
        }
        .into_any(),
        FieldType::Codes(vocab) => {
            let selected = Signal::derive(move || form.with(|f| draft::codes(f, name)));
            let on_toggle =
                Callback::new(move |(code, on)| edit.run(Change::Toggle(name, code, on)));
            view! { <Checkboxes name label vocab selected on_toggle /> }.into_any()
        }
        FieldType::Text { max } => {
            let kind = if max > 300 { "textarea" } else { "text" };
            view! { <TextField name label kind value on_input=typed private /> }.into_any()
        }
        FieldType::Nik => view! {
            <TextField name label value on_input=typed inputmode="numeric" private />
        }
        .into_any(),
        FieldType::Phone => view! {
            <TextField name label kind="tel" value on_input=typed private />
        }
        .into_any(),
        FieldType::Count { .. } => {
            view! { <CountField name label value on_input=typed /> }.into_any()
        }
        FieldType::Bool => view! { <YesNo field form edit /> }.into_any(),
        FieldType::Kecamatan => {
            let options = Signal::derive(|| {
                regions::kecamatan()
                    .map(|r| (r.code.clone(), r.name.clone()))
                    .collect::<Vec<_>>()
            });
            let on_change = Callback::new(move |v| edit.run(Change::Kecamatan(v)));
            view! { <SelectField name label options value placeholder=choose on_change /> }
                .into_any()
        }
        FieldType::Desa => {
            let kecamatan = move || form.with(|f| draft::text(f, "kecamatan"));
            let options = Signal::derive(move || {
                regions::villages_of(&kecamatan())
                    .map(|r| (r.code.clone(), r.name.clone()))
                    .collect::<Vec<_>>()
            });
            let placeholder = Signal::derive(move || {
                i18n.t(if kecamatan().is_empty() {
                    i18n::CHOOSE_KECAMATAN_FIRST
                } else {
                    i18n::CHOOSE
                })
            });
            view! { <SelectField name label options value placeholder on_change=typed /> }
                .into_any()
        }
        FieldType::Agency => {
            let agencies = crate::agencies::use_agencies();
            // Every value the field has held: an agency deactivated since stays on offer
            // (marked so), and an old record never loses its value.
            let held = RwSignal::new(Vec::<String>::new());
            Effect::new(move |_| {
                let now = value.get();
                if !now.is_empty() && !held.with_untracked(|h| h.contains(&now)) {
                    held.update(|h| h.push(now));
                }
            });
            let options = Signal::derive(move || {
                let mut keep = held.get();
                keep.push(value.get());
                agencies.choices(&keep, i18n.lang())
            });
            view! { <SelectField name label options value placeholder=choose on_change=typed /> }
                .into_any()
        }
        FieldType::DueDate => view! {
            <TextField name label kind="date" value on_input=typed />
        }
        .into_any(),
        // Not on the form (see `draft::shown`).
        FieldType::Parent(_) | FieldType::UserIds | FieldType::CaseIds | FieldType::RecordId => {
            ().into_any()
        }
    }
}

/// A yes/no as one checkbox with a big touch target.
#[component]
fn YesNo(
    field: &'static FieldSpec,
    form: RwSignal<Draft>,
    edit: Callback<Change>,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = expect_context::<FormErrors>();
    let name = field.name;
    let checked = move || form.with(|f| f.get(name) == Some(&Value::Bool(true)));
    view! {
        <div class="field yes-no" class:invalid=move || errors.has(name)>
            <label class="check">
                <input
                    type="checkbox"
                    id=format!("field-{name}")
                    name=name
                    prop:checked=checked
                    on:change=move |ev| edit.run(Change::Bool(name, event_target_checked(&ev)))
                />
                <span>{move || field.label.get(i18n.lang())}</span>
            </label>
            <FieldErrorText name />
        </div>
    }
}
