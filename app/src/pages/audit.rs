//! The audit trail (supervisors and admins): who changed, opened or exported what, and
//! when, read from the worker with filters; newest first, older pages on request. Online
//! only. It names fields, never their values.

use crate::app::use_ctx;
use crate::i18n::{self, tr, use_i18n};
use crate::sync::api::AuditFilter;
use crate::sync::engine::online;
use crate::sync::{Api, ApiError};
use gugus_model::activity::{self, parse_date};
use gugus_model::api::AuditEntry;
use gugus_model::{Lang, RecordKind, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

/// An action in words.
pub fn action_label(action: &str) -> Option<Text> {
    Some(match action {
        "mutation" => i18n::ACTION_MUTATION,
        "identity_read" => i18n::ACTION_IDENTITY_READ,
        "export" => i18n::ACTION_EXPORT,
        "account" => i18n::ACTION_ACCOUNT,
        "login" => i18n::ACTION_LOGIN,
        "identity_migrated" => i18n::ACTION_IDENTITY_MIGRATED,
        _ => return None,
    })
}

/// A field of `kind` in words.
fn field_label(kind: Option<&str>, name: &str, lang: Lang) -> String {
    match kind.and_then(RecordKind::parse) {
        Some(RecordKind::Activity) => activity::field_label(name, lang).to_owned(),
        Some(kind) => match kind.spec() {
            Some(spec) => spec.label(name, lang).to_owned(),
            None => name.to_owned(),
        },
        None => name.to_owned(),
    }
}

/// What changed, in words: an account change by name, else the fields touched.
pub fn change_text(entry: &AuditEntry, lang: Lang) -> String {
    let detail = &entry.detail;
    if let Some(change) = detail.get("change").and_then(Value::as_str) {
        let text = match change {
            "created" => i18n::CHANGE_CREATED,
            "deactivated" => i18n::CHANGE_DEACTIVATED,
            "activated" => i18n::CHANGE_ACTIVATED,
            "password_reset" => i18n::CHANGE_PASSWORD,
            "password_changed" => i18n::CHANGE_OWN_PASSWORD,
            "session_ended" => i18n::CHANGE_SESSION_ENDED,
            "logout" => i18n::CHANGE_LOGOUT,
            other => return other.to_owned(),
        };
        let mut words = text.get(lang).to_owned();
        if let Some(username) = detail.get("username").and_then(Value::as_str) {
            words.push_str(&format!(": {username}"));
        }
        return words;
    }
    if let Some(outcome) = detail.get("outcome").and_then(Value::as_str) {
        let text = match outcome {
            "success" => i18n::LOGIN_SUCCEEDED,
            "inactive" => i18n::LOGIN_INACTIVE,
            "unknown_account" => i18n::LOGIN_UNKNOWN_ACCOUNT,
            _ => i18n::LOGIN_WRONG_PASSWORD,
        };
        let mut words = text.get(lang).to_owned();
        if let Some(username) = detail.get("username").and_then(Value::as_str) {
            words.push_str(&format!(" \u{201c}{username}\u{201d}"));
        }
        if let Some(address) = detail.get("address").and_then(Value::as_str) {
            words.push_str(&format!(" ({} {address})", i18n::LOGIN_FROM.get(lang)));
        }
        return words;
    }
    if detail.get("op").and_then(Value::as_str) == Some("delete") {
        return i18n::OP_DELETE.get(lang).to_owned();
    }
    let fields: Vec<String> = detail
        .get("fields")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .map(|name| field_label(entry.record_kind.as_deref(), name, lang))
                .collect()
        })
        .unwrap_or_default();
    if fields.is_empty() {
        String::new()
    } else {
        format!("{}: {}", i18n::AUDIT_FIELDS.get(lang), fields.join(", "))
    }
}

/// The last 8 hex digits of an id: its random part (ids made in the same millisecond
/// share their first digits, the time).
pub fn short_id(id: uuid::Uuid) -> String {
    let simple = id.simple().to_string();
    simple[simple.len() - 8..].to_owned()
}

fn error_text(error: &ApiError) -> Text {
    match error {
        ApiError::Network => i18n::AUDIT_OFFLINE,
        ApiError::Unauthorized => i18n::ERR_SESSION,
        ApiError::Forbidden => i18n::AUDIT_FORBIDDEN,
        ApiError::Server { status: 400, .. } => i18n::AUDIT_BAD_FILTER,
        _ => i18n::ERR_SERVER,
    }
}

/// Whether the filter can be asked for: a whole record id, and dates in order.
pub fn filter_ok(filter: &AuditFilter) -> bool {
    let record = filter.record.trim();
    let record_ok = record.is_empty() || uuid::Uuid::parse_str(record).is_ok();
    let dates_ok = match (parse_date(&filter.from), parse_date(&filter.to)) {
        (Some(from), Some(to)) => from <= to,
        _ => true,
    };
    record_ok && dates_ok
}

/// The audit page.
#[component]
pub fn AuditPage() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let filter = RwSignal::new(AuditFilter::default());
    let entries = RwSignal::new(None::<Vec<AuditEntry>>);
    let more = RwSignal::new(false);
    let problem = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    // Only the latest request's answer is shown.
    let latest = StoredValue::new(0_u64);

    // `older`: the next page of the shown list, else the first page of the filter.
    let load = move |older: bool| {
        let mut asked = filter.get_untracked();
        if !filter_ok(&asked) {
            problem.set(Some(i18n::AUDIT_BAD_FILTER));
            return;
        }
        if older {
            asked.before = entries.with_untracked(|e| e.as_ref()?.last().map(|e| e.id));
        }
        if !online() {
            problem.set(Some(i18n::AUDIT_OFFLINE));
            return;
        }
        let Some(token) = ctx.token() else {
            return;
        };
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let answer = Api::here().audit(&token, &asked).await;
            if latest.get_value() != ticket {
                return;
            }
            busy.set(false);
            match answer {
                Ok(page) => {
                    more.set(page.more);
                    if older {
                        entries.update(|e| e.get_or_insert_with(Vec::new).extend(page.entries));
                    } else {
                        entries.set(Some(page.entries));
                    }
                }
                Err(error) => problem.set(Some(error_text(&error))),
            }
        });
    };
    load(false);

    let input = move |id: &'static str,
                      name: &'static str,
                      kind: &'static str,
                      label: Text,
                      get: fn(&AuditFilter) -> String,
                      set: fn(&mut AuditFilter, String)| {
        let on_value = move |ev| {
            let value = event_target_value(&ev);
            filter.update(|f| set(f, value));
        };
        view! {
            <div class="field">
                <label for=id>{tr(label)}</label>
                <input id=id name=name type=kind autocapitalize="none" spellcheck="false"
                    prop:value=move || filter.with(get)
                    on:input=on_value on:change=on_value />
            </div>
        }
    };
    let list = move || entries.get().unwrap_or_default();
    let empty = move || entries.with(|e| e.as_ref().is_some_and(Vec::is_empty));
    view! {
        <section class="page audit">
            <h1>{tr(i18n::AUDIT_TITLE)}</h1>
            <form id="audit-filter" class="filters" novalidate
                on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(false); }>
                {input("audit-user", "user", "text", i18n::AUDIT_USER, |f| f.user.clone(), |f, v| f.user = v)}
                {input("audit-record", "record", "text", i18n::AUDIT_RECORD, |f| f.record.clone(), |f, v| f.record = v)}
                {input("audit-from", "from", "date", i18n::FROM, |f| f.from.clone(), |f, v| f.from = v)}
                {input("audit-to", "to", "date", i18n::TO, |f| f.to.clone(), |f, v| f.to = v)}
                <button type="submit" id="audit-load" class="primary">
                    {move || i18n.t(if busy.get() { i18n::LOADING } else { i18n::AUDIT_LOAD })}
                </button>
            </form>
            {move || problem.get().map(|text| view! {
                <p id="audit-problem" class="notice offline" role="alert">{move || i18n.t(text)}</p>
            })}
            <Show when=empty>
                <p class="empty">{tr(i18n::AUDIT_EMPTY)}</p>
            </Show>
            <ol id="audit-list">
                <For each=list key=|entry| entry.id let(entry)>
                    <AuditItem entry />
                </For>
            </ol>
            <Show when=move || more.get()>
                <button type="button" id="audit-more" class="button secondary wide"
                    disabled=busy on:click=move |_| load(true)>
                    {tr(i18n::AUDIT_MORE)}
                </button>
            </Show>
        </section>
    }
}

/// One entry of the trail.
#[component]
fn AuditItem(entry: AuditEntry) -> impl IntoView {
    let i18n = use_i18n();
    let kind = entry.record_kind.clone().unwrap_or_default();
    let short_id = entry.record_id.map(short_id).unwrap_or_default();
    let full_id = entry.record_id.map(|id| id.to_string()).unwrap_or_default();
    let action = entry.action.clone();
    let at = entry.at;
    let entry_id = entry.id.to_string();
    let username = entry.username.clone();
    let user_text = move || match &username {
        Some(name) => name.clone(),
        None => i18n.t(i18n::AUDIT_NO_ACCOUNT).to_owned(),
    };
    let change = move || change_text(&entry, i18n.lang());
    let action_text = {
        let action = action.clone();
        move || match action_label(&action) {
            Some(text) => i18n.t(text).to_owned(),
            None => action.clone(),
        }
    };
    let kind_text = move || match i18n::kind_label(&kind) {
        Some(text) => i18n.t(text).to_owned(),
        None => kind.clone(),
    };
    view! {
        <li class="audit-entry" data-id=entry_id data-action=action>
            <span class="audit-time">{move || i18n::date_time_wib(at, i18n.lang())}</span>
            <span class="audit-user">{user_text}</span>
            <span class="audit-action">{action_text}</span>
            <span class="audit-record" title=full_id>
                {kind_text} " " <code>{short_id}</code>
            </span>
            <span class="audit-change">{change}</span>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn entry(action: &str, kind: &str, detail: Value) -> AuditEntry {
        AuditEntry {
            id: 7,
            at: 0,
            user_id: Some(uuid::Uuid::nil()),
            username: Some("ketua1".into()),
            device_id: None,
            action: action.into(),
            record_kind: Some(kind.into()),
            record_id: Some(uuid::Uuid::nil()),
            detail,
        }
    }

    #[test]
    fn changes_are_told_in_words_without_values() {
        let created = entry(
            "account",
            "user",
            json!({"change": "created", "username": "sari", "role": "officer"}),
        );
        assert_eq!(change_text(&created, Lang::Id), "Akun dibuat: sari");
        let reset = entry("account", "user", json!({"change": "password_reset"}));
        assert_eq!(
            change_text(&reset, Lang::Id),
            "Kata sandi diatur ulang oleh admin"
        );
        let changed = entry("account", "user", json!({"change": "password_changed"}));
        assert_eq!(
            change_text(&changed, Lang::Id),
            "Kata sandi diganti sendiri"
        );
        let edit = entry(
            "mutation",
            "case",
            json!({"op": "upsert", "fields": ["status", "assigned_officers"]}),
        );
        assert_eq!(
            change_text(&edit, Lang::Id),
            "Kolom: Status, Petugas yang menangani"
        );
        assert_eq!(action_label("account"), Some(i18n::ACTION_ACCOUNT));
        let login = entry(
            "login",
            "user",
            json!({"outcome": "wrong_password", "address": "203.0.113.9"}),
        );
        assert_eq!(action_label("login"), Some(i18n::ACTION_LOGIN));
        assert_eq!(
            change_text(&login, Lang::Id),
            "Gagal: kata sandi salah (dari 203.0.113.9)"
        );
        let stranger = AuditEntry {
            user_id: None,
            username: None,
            record_id: None,
            ..entry(
                "login",
                "user",
                json!({"outcome": "unknown_account", "username": "admin", "address": "203.0.113.9"}),
            )
        };
        assert_eq!(
            change_text(&stranger, Lang::Id),
            "Gagal: nama pengguna tidak terdaftar \u{201c}admin\u{201d} (dari 203.0.113.9)"
        );
        let inactive = entry("login", "user", json!({"outcome": "inactive"}));
        assert_eq!(
            change_text(&inactive, Lang::Id),
            "Gagal: akun dinonaktifkan"
        );
        let logout = entry(
            "account",
            "user",
            json!({"change": "logout", "username": "sari"}),
        );
        assert_eq!(change_text(&logout, Lang::Id), "Keluar dari aplikasi: sari");
        let id = uuid::Uuid::parse_str("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").unwrap();
        assert_eq!(short_id(id), "2e3f4a5b");
    }

    #[test]
    fn a_filter_needs_a_whole_record_id_and_ordered_dates() {
        let mut filter = AuditFilter::default();
        assert!(filter_ok(&filter));
        filter.record = "0193a1b2".into();
        assert!(!filter_ok(&filter));
        filter.record = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into();
        filter.from = "2026-11-29".into();
        filter.to = "2026-11-01".into();
        assert!(!filter_ok(&filter));
    }
}
