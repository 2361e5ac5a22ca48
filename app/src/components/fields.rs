//! Form fields, each labelled from `model::activity::field_label` (or the label given, for
//! the kinds described by a `KindSpec`) and followed by its error (`#error-FIELD`) when the
//! form has one.

use crate::i18n::use_i18n;
use gugus_model::activity::field_label;
use gugus_model::vocab::Vocab;
use gugus_model::{FieldError, Text};
use leptos::prelude::*;

/// The errors of the form being edited, shared with its fields through context.
#[derive(Debug, Clone, Copy)]
pub struct FormErrors(pub RwSignal<Vec<FieldError>>);

impl FormErrors {
    /// Whether `name` has an error (tracked).
    pub fn has(&self, name: &str) -> bool {
        self.0.with(|errors| errors.iter().any(|e| e.field == name))
    }
}

/// Which fields of the form around must be filled in now: provided by the form, read by
/// every label (a `*` after it) and input (`aria-required`).
#[derive(Clone)]
pub struct RequiredFields(pub std::sync::Arc<dyn Fn(&str) -> bool + Send + Sync>);

/// Whether the form around requires `name` (false outside a form that says).
fn required(name: &str) -> bool {
    use_context::<RequiredFields>().is_some_and(|required| (required.0)(name))
}

/// The `*` after a required field's label (the form's note says what it means).
#[component]
pub fn RequiredMark(
    /// The field's wire name.
    name: &'static str,
) -> impl IntoView {
    required(name).then(|| view! { <span class="required-mark" aria-hidden="true">" *"</span> })
}

/// The note at the top of a form that marks its required fields.
#[component]
pub fn RequiredNote() -> impl IntoView {
    view! { <p class="hint required-note">{crate::i18n::tr(crate::i18n::REQUIRED_NOTE)}</p> }
}

fn input_id(name: &str) -> String {
    format!("field-{name}")
}

/// What a field is called in the chosen language: `label` when given, else the
/// activity's label for `name` (tracked).
fn label_text(name: &'static str, label: Option<Text>) -> impl Fn() -> &'static str {
    let i18n = use_i18n();
    move || match label {
        Some(label) => label.get(i18n.lang()),
        None => field_label(name, i18n.lang()),
    }
}

/// A field's label.
#[component]
pub fn Label(
    /// The field's wire name.
    name: &'static str,
    /// What it says (the activity's label for `name` when `None`).
    #[prop(optional_no_strip)]
    label: Option<Text>,
) -> impl IntoView {
    view! { <label for=input_id(name)>{label_text(name, label)}<RequiredMark name /></label> }
}

/// The error of one field, when it has one (`#error-FIELD`).
#[component]
pub fn FieldErrorText(
    /// The field's wire name (or `participants` for the total).
    name: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = expect_context::<FormErrors>();
    let message = move || {
        errors.0.with(|errors| {
            errors
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.problem.message(i18n.lang()))
        })
    };
    move || {
        message().map(|text| {
            view! {
                <p class="field-error" id=format!("error-{name}") role="alert">
                    {text}
                </p>
            }
        })
    }
}

/// A drop-down list.
#[component]
pub fn SelectField(
    /// The field's wire name.
    name: &'static str,
    /// What it is called (the activity's label for `name` when not given).
    #[prop(optional)]
    label: Option<Text>,
    /// `(code, label)` of every choice.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// The chosen code ("" for none).
    #[prop(into)]
    value: Signal<String>,
    /// What the empty choice says.
    #[prop(into)]
    placeholder: Signal<&'static str>,
    /// Called with the new code.
    on_change: Callback<String>,
) -> impl IntoView {
    let errors = expect_context::<FormErrors>();
    view! {
        <div class="field" class:invalid=move || errors.has(name)>
            <Label name label />
            <select
                id=input_id(name)
                name=name
                aria-required=move || required(name).then_some("true")
                on:change=move |ev| on_change.run(event_target_value(&ev))
            >
                <option value="" prop:selected=move || value.get().is_empty()>
                    {placeholder}
                </option>
                <For each=move || options.get() key=|option| option.clone() let((code, label))>
                    <option value=code.clone() prop:selected=move || value.get() == code>
                        {label}
                    </option>
                </For>
            </select>
            <FieldErrorText name />
        </div>
    }
}

/// A one-line text, a date or a long text.
#[component]
pub fn TextField(
    /// The field's wire name.
    name: &'static str,
    /// What it is called (the activity's label for `name` when not given).
    #[prop(optional)]
    label: Option<Text>,
    /// The text.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new text as the officer types.
    on_input: Callback<String>,
    /// `text` or `date`; `textarea` for a long text.
    #[prop(default = "text")]
    kind: &'static str,
    /// The latest date allowed (for `date`).
    #[prop(optional, into)]
    max: Option<String>,
    /// The keyboard a phone shows (`numeric` for a NIK).
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// A victim's identity: the browser must not remember it for autofill.
    #[prop(optional)]
    private: bool,
) -> impl IntoView {
    let errors = expect_context::<FormErrors>();
    let autocomplete = private.then_some("off");
    let input = move |ev: leptos::ev::Event| on_input.run(event_target_value(&ev));
    let control = if kind == "textarea" {
        view! {
            <textarea
                id=input_id(name)
                name=name
                aria-required=move || required(name).then_some("true")
                rows="4"
                autocomplete=autocomplete
                prop:value=value
                on:input=input
            >
            </textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=input_id(name)
                type=kind
                name=name
                aria-required=move || required(name).then_some("true")
                max=max
                inputmode=inputmode
                autocomplete=autocomplete
                prop:value=value
                on:input=input
                on:change=input
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:invalid=move || errors.has(name)>
            <Label name label />
            {control}
            <FieldErrorText name />
        </div>
    }
}

/// A head count, with a big touch target and the phone's number keypad.
#[component]
pub fn CountField(
    /// The field's wire name.
    name: &'static str,
    /// What it is called (the activity's label for `name` when not given).
    #[prop(optional)]
    label: Option<Text>,
    /// The count as typed.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new text as the officer types.
    on_input: Callback<String>,
) -> impl IntoView {
    let errors = expect_context::<FormErrors>();
    view! {
        <div class="field count" class:invalid=move || errors.has(name)>
            <Label name label />
            // Text, not `number`: the browser hands over exactly what was typed ("2.5",
            // "dua"), so the error can name it; the phone still shows its number pad.
            <input
                id=input_id(name)
                type="text"
                inputmode="numeric"
                autocomplete="off"
                name=name
                prop:value=value
                on:focus=move |ev| {
                    // What is there is replaced by what is typed, not appended to.
                    if let Some(input) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()) {
                        input.select();
                    }
                }
                on:input=move |ev| on_input.run(event_target_value(&ev))
            />
            <FieldErrorText name />
        </div>
    }
}

/// Several choices from a vocabulary, as checkboxes.
#[component]
pub fn Checkboxes(
    /// The field's wire name.
    name: &'static str,
    /// What it is called (the activity's label for `name` when not given).
    #[prop(optional)]
    label: Option<Text>,
    /// The choices.
    vocab: Vocab,
    /// The chosen codes.
    #[prop(into)]
    selected: Signal<Vec<String>>,
    /// Called with a code and whether it is now chosen.
    on_toggle: Callback<(String, bool)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = expect_context::<FormErrors>();
    let boxes = vocab
        .terms
        .iter()
        .map(|term| {
            let code = term.code;
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        name=name
                        value=code
                        prop:checked=move || selected.with(|s| s.iter().any(|c| c == code))
                        on:change=move |ev| on_toggle.run((code.to_owned(), event_target_checked(&ev)))
                    />
                    <span>{move || term.label.get(i18n.lang())}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field checks" class:invalid=move || errors.has(name)>
            <legend>{label_text(name, label)}<RequiredMark name /></legend>
            {boxes}
            <FieldErrorText name />
        </fieldset>
    }
}
