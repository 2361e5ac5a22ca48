//! The activities on this device, newest first, with what still waits to be sent.

use crate::app::use_ctx;
use crate::components::{line_badges, Line, Marks, Rows};
use crate::i18n::{self, tr, use_i18n};
use crate::store::ListedRecord;
use crate::timing;
use gugus_model::activity::{parse_date, PARTICIPANT_FIELDS};
use gugus_model::regions;
use gugus_model::schema::as_typed as text;
use gugus_model::vocab::ACTIVITY_TYPES;
use gugus_model::{Lang, RecordKind};
use leptos::prelude::*;
use serde_json::Value;
use time::Date;

/// One line of the list, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActivityLine {
    /// The record id.
    pub id: String,
    /// The activity type's code.
    pub activity_type: String,
    /// When it took place.
    pub date: Option<Date>,
    /// Desa code.
    pub desa: String,
    /// Kecamatan code.
    pub kecamatan: String,
    /// Where it took place, as typed.
    pub venue: String,
    /// Everyone who took part.
    pub participants: u64,
    /// Whether its changes wait, were refused or conflict.
    pub marks: Marks,
    /// When it was last changed on this device (breaks ties between equal dates).
    pub changed_at: String,
}

impl ActivityLine {
    /// The line for a record.
    pub fn of(listed: &ListedRecord) -> Self {
        let fields = &listed.record.fields;
        ActivityLine {
            id: listed.record.id.clone(),
            activity_type: text(fields, "type"),
            date: parse_date(&text(fields, "date")),
            desa: text(fields, "desa"),
            kecamatan: text(fields, "kecamatan"),
            venue: text(fields, "venue"),
            participants: PARTICIPANT_FIELDS
                .iter()
                .filter_map(|name| fields.get(*name).and_then(Value::as_u64))
                .sum(),
            marks: Marks::of(listed),
            changed_at: listed.record.changed_at.clone(),
        }
    }
}

/// Newest date first; the latest change first within a day.
pub fn newest_first(records: &[ListedRecord]) -> Vec<ActivityLine> {
    let mut lines: Vec<ActivityLine> = records.iter().map(ActivityLine::of).collect();
    lines.sort_by(|a, b| (b.date, &b.changed_at, &b.id).cmp(&(a.date, &a.changed_at, &a.id)));
    lines
}

/// The list page.
#[component]
pub fn ActivityList() -> impl IntoView {
    let ctx = use_ctx();
    let revision = ctx.revision;
    let records = LocalResource::new(move || {
        revision.track();
        let store = ctx.store();
        async move { store.list_records(RecordKind::Activity).await }
    });
    let lines = move || match records.get() {
        Some(Ok(records)) => newest_first(&records),
        _ => Vec::new(),
    };
    Effect::new(move |_| {
        if records.with(Option::is_some) {
            timing::list_shown();
        }
    });
    let failed = move || matches!(records.get(), Some(Err(_)));
    let empty = move || matches!(records.get(), Some(Ok(r)) if r.is_empty());
    view! {
        <section class="page list">
            <h1>{tr(i18n::LIST_TITLE)}</h1>
            <Show when=failed>
                <p class="form-error" role="alert">{tr(i18n::ERR_STORAGE)}</p>
            </Show>
            <Show when=empty>
                <p class="empty">{tr(i18n::LIST_EMPTY)}</p>
            </Show>
            <Transition fallback=move || view! { <p class="loading">{tr(i18n::LOADING)}</p> }>
                <ul id="activity-list">
                    <Rows lines=Signal::derive(lines) row=|line| view! { <ActivityItem line /> } />
                </ul>
            </Transition>
        </section>
    }
}

/// One activity in the list.
#[component]
fn ActivityItem(
    /// What to show.
    line: Signal<ActivityLine>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = line.with_untracked(|l| l.id.clone());
    let href = format!("#/kegiatan/{id}");
    let text =
        move |read: fn(&ActivityLine, Lang) -> String| move || line.with(|l| read(l, i18n.lang()));
    view! {
        <li class="activity-item" data-id=id>
            <a href=href>
                <span class="item-title">
                    {text(|l, lang| ACTIVITY_TYPES.label(&l.activity_type, lang).to_owned())}
                </span>
                <span class="item-date">
                    {text(|l, lang| l.date.map(|d| i18n::date_short(d, lang)).unwrap_or_default())}
                </span>
                <span class="item-place">
                    {text(|l, _| format!("{}, {}", regions::name_of(&l.desa), regions::name_of(&l.kecamatan)))}
                </span>
                <span class="item-people">
                    {move || {
                        format!(
                            "{} {}",
                            i18n::number(line.with(|l| l.participants), i18n.lang()),
                            i18n.t(i18n::PEOPLE),
                        )
                    }}
                </span>
                <Show when=move || line.with(|l| !l.venue.is_empty())>
                    <span class="item-venue">{text(|l, _| l.venue.clone())}</span>
                </Show>
                {line_badges(line)}
            </a>
        </li>
    }
}

impl Line for ActivityLine {
    fn id(&self) -> &str {
        &self.id
    }

    fn marks(&self) -> Marks {
        self.marks
    }
}
