//! The deployment's agencies on the accounts page (issue #19, `#admin-agencies`): the list
//! as the device has it (fetched again when the page opens), each with "Ubah" and
//! "Nonaktifkan" / "Aktifkan kembali", and the form that adds one or, after "Ubah",
//! changes its names and kind (the code never changes). Checked on the device with the
//! model's own rules first (`agency::check`); the worker's refusals are told in words. An
//! agency is never deleted, only deactivated. Offline the form says so and keeps what was
//! typed.

use crate::agencies::use_agencies;
use crate::app::use_ctx;
use crate::i18n::{self, tr, use_i18n};
use crate::sync::engine::online;
use crate::sync::{Api, ApiError};
use gugus_model::agency::{self, Agency, AgencyProblem};
use gugus_model::vocab::AGENCY_KINDS;
use gugus_model::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A problem [`agency::check`] found, in words.
pub fn problem_text(problem: AgencyProblem) -> Text {
    match problem {
        AgencyProblem::BadCode => i18n::AGENCY_BAD_CODE,
        AgencyProblem::BadName => i18n::AGENCY_BAD_NAME,
        AgencyProblem::BadKind => i18n::AGENCY_BAD_KIND,
    }
}

/// What a failed agency request means to the admin, with what to do.
pub fn agency_error_text(error: &ApiError) -> Text {
    match error {
        ApiError::Network => i18n::AGENCY_OFFLINE,
        ApiError::Unauthorized => i18n::ERR_SESSION,
        ApiError::Forbidden => i18n::AGENCY_FORBIDDEN,
        ApiError::Server { code, .. } if code == "agency_taken" => i18n::AGENCY_TAKEN,
        // A `bad_request` names the check's problem in its message.
        ApiError::Server {
            status: 400,
            message,
            ..
        } => [
            AgencyProblem::BadCode,
            AgencyProblem::BadName,
            AgencyProblem::BadKind,
        ]
        .into_iter()
        .find(|problem| message.contains(problem.code()))
        .map_or(i18n::ACCOUNT_REFUSED, problem_text),
        ApiError::Server { status: 404, .. } => i18n::AGENCY_GONE,
        _ => i18n::ERR_SERVER,
    }
}

/// The agency as typed in the form: the code without spaces around it and in lower case
/// (as a username is), the rest as typed (`agency::check` trims the names).
pub fn typed(code: &str, name_id: &str, name_en: &str, kind: &str, active: bool) -> Agency {
    Agency {
        code: code.trim().to_lowercase(),
        name_id: name_id.to_owned(),
        name_en: name_en.to_owned(),
        kind: kind.to_owned(),
        active,
    }
}

/// What makes a row drawn afresh: any change to the agency.
type AgencyKey = (String, String, String, String, bool);

fn agency_key(agency: &Agency) -> AgencyKey {
    (
        agency.code.clone(),
        agency.name_id.clone(),
        agency.name_en.clone(),
        agency.kind.clone(),
        agency.active,
    )
}

/// The agencies section of the accounts page.
#[component]
pub fn AgenciesSection() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let agencies = use_agencies();
    // The newest list while the page is open; the device's copy shows meanwhile.
    crate::agencies::fetch(ctx, agencies);
    let code = RwSignal::new(String::new());
    let name_id = RwSignal::new(String::new());
    let name_en = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    // The code of the agency being changed; `None`: a new one.
    let editing = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<Text>);
    let done = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    let form_ref = NodeRef::<leptos::html::Form>::new();

    let clear = move || {
        for field in [code, name_id, name_en, kind] {
            field.set(String::new());
        }
        editing.set(None);
        error.set(None);
    };
    let edit = Callback::new(move |agency: Agency| {
        code.set(agency.code.clone());
        name_id.set(agency.name_id);
        name_en.set(agency.name_en);
        kind.set(agency.kind);
        editing.set(Some(agency.code));
        error.set(None);
        done.set(None);
        if let Some(form) = form_ref.get_untracked() {
            form.scroll_into_view();
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        done.set(None);
        let changing = editing.get_untracked();
        // A change keeps the agency active or not as it is; a new one starts active.
        let active = changing.as_ref().is_none_or(|code| {
            agencies.with_untracked(|list| list.find(code).is_none_or(|a| a.active))
        });
        let agency = typed(
            &code.get_untracked(),
            &name_id.get_untracked(),
            &name_en.get_untracked(),
            &kind.get_untracked(),
            active,
        );
        let agency = match agency::check(&agency) {
            Ok(agency) => agency,
            Err(problem) => {
                error.set(Some(problem_text(problem)));
                return;
            }
        };
        // Offline: say so and keep every entry for when the signal returns.
        if !online() {
            error.set(Some(i18n::AGENCY_OFFLINE));
            return;
        }
        let Some(token) = ctx.token() else {
            return;
        };
        busy.set(true);
        error.set(None);
        let said = match changing {
            Some(_) => i18n::AGENCY_SAVED,
            None => i18n::AGENCY_ADDED,
        };
        spawn_local(async move {
            let api = Api::here();
            let answer = match changing {
                Some(_) => api.update_agency(&token, &agency).await,
                None => api.create_agency(&token, &agency).await,
            };
            busy.set(false);
            match answer {
                Ok(stored) => {
                    agencies.keep(ctx.store(), stored);
                    clear();
                    done.set(Some(said));
                }
                Err(problem) => error.set(Some(agency_error_text(&problem))),
            }
        });
    };

    let text_input = move |id: &'static str, field: &'static str, value: RwSignal<String>| {
        view! {
            <input id=id name=field type="text" autocomplete="off" prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev)) />
        }
    };
    let changing = move || editing.with(Option::is_some);
    let list = move || agencies.with(|list| list.agencies.clone());
    let empty = move || agencies.with(|list| list.agencies.is_empty());
    view! {
        <section id="admin-agencies" class="block">
            <h2>{tr(i18n::AGENCIES_TITLE)}</h2>
            <p class="hint">{tr(i18n::AGENCIES_WHY)}</p>
            <form id="agency-form" class="card-form" node_ref=form_ref on:submit=submit novalidate>
                <h3>{move || i18n.t(if changing() { i18n::AGENCY_CHANGE } else { i18n::AGENCY_NEW })}</h3>
                <div class="field">
                    <label for="agency-code">{tr(i18n::AGENCY_CODE)}</label>
                    <input id="agency-code" name="code" type="text" autocomplete="off"
                        autocapitalize="none" spellcheck="false" translate="no"
                        aria-describedby="agency-code-hint"
                        readonly=changing prop:value=code
                        on:input=move |ev| code.set(event_target_value(&ev)) />
                    <p class="hint" id="agency-code-hint">{tr(i18n::AGENCY_CODE_HINT)}</p>
                </div>
                <div class="field">
                    <label for="agency-name-id">{tr(i18n::AGENCY_NAME_ID)}</label>
                    {text_input("agency-name-id", "name_id", name_id)}
                </div>
                <div class="field">
                    <label for="agency-name-en">{tr(i18n::AGENCY_NAME_EN)}</label>
                    {text_input("agency-name-en", "name_en", name_en)}
                </div>
                <div class="field">
                    <label for="agency-kind">{tr(i18n::AGENCY_KIND)}</label>
                    <select id="agency-kind" name="kind"
                        on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="" prop:selected=move || kind.with(String::is_empty)>
                            {tr(i18n::CHOOSE)}
                        </option>
                        {AGENCY_KINDS.terms.iter().map(|term| view! {
                            <option value=term.code prop:selected=move || kind.get() == term.code>
                                {move || term.label.get(i18n.lang())}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                {move || error.get().map(|text| view! {
                    <p id="agency-error" class="form-error" role="alert">{move || i18n.t(text)}</p>
                })}
                {move || done.get().map(|text| view! {
                    <p id="agency-done" class="notice done" role="status">{move || i18n.t(text)}</p>
                })}
                <div class="row-actions">
                    <button type="submit" id="agency-submit" class="primary" disabled=busy>
                        {move || i18n.t(match (busy.get(), changing()) {
                            (true, _) => i18n::SAVING,
                            (false, true) => i18n::AGENCY_SAVE,
                            (false, false) => i18n::AGENCY_ADD,
                        })}
                    </button>
                    <Show when=changing>
                        <button type="button" id="agency-cancel" class="secondary"
                            on:click=move |_| clear()>
                            {tr(i18n::CANCEL)}
                        </button>
                    </Show>
                </div>
            </form>
            <Show when=empty>
                <p id="agency-empty" class="empty">{tr(i18n::AGENCIES_EMPTY)}</p>
            </Show>
            <ul id="agency-list">
                <For each=list key=agency_key let(agency)>
                    <AgencyItem agency on_edit=edit />
                </For>
            </ul>
        </section>
    }
}

/// One agency (`li.agency-item`), with "Ubah" and "Nonaktifkan" / "Aktifkan kembali".
#[component]
fn AgencyItem(
    /// The agency as the device has it.
    agency: Agency,
    /// Called with the agency to change it in the form.
    on_edit: Callback<Agency>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let agencies = use_agencies();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<Text>);
    let active = agency.active;
    let flipped = Agency {
        active: !active,
        ..agency.clone()
    };
    let toggle = move |_| {
        if busy.get_untracked() {
            return;
        }
        if !online() {
            error.set(Some(i18n::AGENCY_OFFLINE));
            return;
        }
        let Some(token) = ctx.token() else {
            return;
        };
        busy.set(true);
        error.set(None);
        let changed = flipped.clone();
        spawn_local(async move {
            let answer = Api::here().update_agency(&token, &changed).await;
            busy.set(false);
            match answer {
                // The row is drawn afresh with the agency as stored.
                Ok(stored) => agencies.keep(ctx.store(), stored),
                Err(problem) => error.set(Some(agency_error_text(&problem))),
            }
        });
    };
    let edited = agency.clone();
    let Agency {
        code,
        name_id,
        name_en,
        kind,
        ..
    } = agency;
    let data_code = code.clone();
    view! {
        <li class="agency-item" data-code=data_code data-active=active.to_string()
            class:inactive=!active>
            <div class="agency-head">
                <span class="agency-name">{name_id}</span>
                <span class="agency-name-en" lang="en">{name_en}</span>
                <span class="agency-code" translate="no">{code}</span>
                <span class="agency-kind">{move || AGENCY_KINDS.label(&kind, i18n.lang()).to_owned()}</span>
                {(!active).then(|| view! {
                    <span class="badge agency-inactive">{tr(i18n::AGENCY_INACTIVE_BADGE)}</span>
                })}
            </div>
            {move || error.get().map(|text| view! {
                <p class="form-error agency-item-error" role="alert">{move || i18n.t(text)}</p>
            })}
            <div class="row-actions">
                <button type="button" class="secondary agency-edit"
                    on:click=move |_| on_edit.run(edited.clone())>
                    {tr(i18n::AGENCY_EDIT)}
                </button>
                <button type="button" class="secondary agency-toggle" disabled=busy
                    on:click=toggle>
                    {tr(if active { i18n::AGENCY_DEACTIVATE } else { i18n::AGENCY_REACTIVATE })}
                </button>
            </div>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn refused(status: u16, code: &str, message: &str) -> ApiError {
        ApiError::Server {
            status,
            code: code.into(),
            message: message.into(),
            reason: None,
        }
    }

    #[test]
    fn an_agency_is_checked_as_typed() {
        let agency = typed(
            " LSM_Mitra ",
            " LSM Mitra Perempuan ",
            "Women's NGO",
            "ngo",
            true,
        );
        assert_eq!(agency.code, "lsm_mitra");
        let checked = agency::check(&agency).expect("a good agency");
        assert_eq!(checked.name_id, "LSM Mitra Perempuan");
        assert!(checked.active);
        let problem = |agency: Agency| agency::check(&agency).err().map(problem_text);
        assert_eq!(
            problem(typed("lsm mitra", "LSM Mitra", "NGO", "ngo", true)),
            Some(i18n::AGENCY_BAD_CODE)
        );
        assert_eq!(
            problem(typed("lsm_mitra", "LSM Mitra", "  ", "ngo", true)),
            Some(i18n::AGENCY_BAD_NAME)
        );
        assert_eq!(
            problem(typed("lsm_mitra", "LSM Mitra", "NGO", "", true)),
            Some(i18n::AGENCY_BAD_KIND)
        );
        assert_eq!(
            i18n::AGENCY_BAD_CODE.id,
            "Kode hanya huruf kecil, angka dan garis bawah, paling banyak 32 karakter."
        );
    }

    #[test]
    fn the_workers_refusals_of_an_agency_are_told_in_words() {
        assert_eq!(
            agency_error_text(&refused(409, "agency_taken", "That code is taken.")),
            i18n::AGENCY_TAKEN
        );
        assert_eq!(
            agency_error_text(&refused(400, "bad_request", "bad_name: a name is empty")),
            i18n::AGENCY_BAD_NAME
        );
        assert_eq!(
            agency_error_text(&refused(400, "bad_request", "bad_kind")),
            i18n::AGENCY_BAD_KIND
        );
        assert_eq!(
            agency_error_text(&refused(400, "bad_request", "The body could not be read.")),
            i18n::ACCOUNT_REFUSED
        );
        assert_eq!(
            agency_error_text(&refused(404, "not_found", "No such agency.")),
            i18n::AGENCY_GONE
        );
        assert_eq!(agency_error_text(&ApiError::Network), i18n::AGENCY_OFFLINE);
        assert_eq!(
            i18n::AGENCY_OFFLINE.id,
            "Tidak ada sinyal. Coba lagi setelah tersambung."
        );
        assert_eq!(
            agency_error_text(&ApiError::Forbidden),
            i18n::AGENCY_FORBIDDEN
        );
        assert_eq!(
            agency_error_text(&refused(500, "internal", "Oops.")),
            i18n::ERR_SERVER
        );
    }
}
