//! The cases on this device, newest first, searched and filtered on the phone (no
//! network needed), with what still waits to be sent.

use crate::app::use_ctx;
use crate::components::{line_badges, Line, Marks, Rows};
use crate::i18n::{self, tr, use_i18n};
use crate::store::ListedRecord;
use crate::timing;
use gugus_model::regions;
use gugus_model::schema::view::{CaseFields, VictimFields};
use gugus_model::vocab::{Vocab, CASE_STATUSES, MODUS};
use gugus_model::{Lang, RecordKind};
use leptos::prelude::*;
use std::collections::HashMap;
use time::Date;

/// One case of the list (and of the assignment page), as shown and searched.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaseLine {
    /// The record id.
    pub id: String,
    /// When it was reported.
    pub date: Option<Date>,
    /// Status code.
    pub status: String,
    /// Modus code.
    pub modus: String,
    /// Kecamatan code.
    pub kecamatan: String,
    /// What happened.
    pub summary: String,
    /// The pseudonyms of its victims.
    pub victims: Vec<String>,
    /// The ids of the officers assigned.
    pub assigned: Vec<String>,
    /// Whether its changes wait, were refused or conflict.
    pub marks: Marks,
    /// When it was last changed on this device (breaks ties between equal dates).
    pub changed_at: String,
}

impl CaseLine {
    /// The line of a case, read through its typed view. A case that does not read (one a
    /// rejected change left incomplete, say) keeps its line, with what could not be read
    /// left blank, so it can still be found and opened.
    pub fn of(listed: &ListedRecord, victims: Vec<String>) -> CaseLine {
        let (date, status, modus, kecamatan, summary, assigned) =
            match CaseFields::from_fields(&listed.record.fields) {
                Ok(case) => (
                    Some(case.date_reported),
                    case.status,
                    case.modus,
                    case.kecamatan.code().to_owned(),
                    case.summary,
                    case.assigned_officers
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                ),
                Err(_) => Default::default(),
            };
        CaseLine {
            id: listed.record.id.clone(),
            date,
            status,
            modus,
            kecamatan,
            summary,
            victims,
            assigned,
            marks: Marks::of(listed),
            changed_at: listed.record.changed_at.clone(),
        }
    }
}

/// The list's lines: each case with its victims' pseudonyms, newest report first (the
/// latest change first within a day). The victims are grouped by case once, so this is
/// linear in cases plus victims (10,000 cases with their victims on a phone).
pub fn case_lines(cases: &[ListedRecord], victims: &[ListedRecord]) -> Vec<CaseLine> {
    let mut by_case: HashMap<String, Vec<String>> = HashMap::new();
    for victim in victims.iter().filter(|v| !v.record.deleted) {
        if let Ok(victim) = VictimFields::from_fields(&victim.record.fields) {
            by_case
                .entry(victim.case_id.to_string())
                .or_default()
                .push(victim.pseudonym);
        }
    }
    let mut lines: Vec<CaseLine> = cases
        .iter()
        .filter(|c| !c.record.deleted)
        .map(|listed| {
            let victims = by_case.remove(&listed.record.id).unwrap_or_default();
            CaseLine::of(listed, victims)
        })
        .collect();
    lines.sort_by(|a, b| (b.date, &b.changed_at, &b.id).cmp(&(a.date, &a.changed_at, &a.id)));
    lines
}

/// At most this many matching cases are drawn, newest first; a line then says how many
/// matched and asks for a narrower search. Drawing every one of 10,000 cases takes
/// seconds on a cheap phone, and nobody scrolls through them.
pub const SHOWN_AT_MOST: usize = 100;

/// The cases that match the filter: how many, and the first [`SHOWN_AT_MOST`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Matches {
    total: usize,
    shown: Vec<CaseLine>,
}

/// What the officer searches and filters by ("" for any).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Words to find in the summary, the modus, the kecamatan or a victim's pseudonym.
    pub query: String,
    /// Status code.
    pub status: String,
    /// Modus code.
    pub modus: String,
    /// Kecamatan code.
    pub kecamatan: String,
}

impl Filter {
    /// Whether `line` is kept: every filter matches and every word of the query is found.
    pub fn keeps(&self, line: &CaseLine, lang: Lang) -> bool {
        let same = |wanted: &str, got: &str| wanted.is_empty() || wanted == got;
        if !same(&self.status, &line.status)
            || !same(&self.modus, &line.modus)
            || !same(&self.kecamatan, &line.kecamatan)
        {
            return false;
        }
        let haystack = [
            line.summary.as_str(),
            MODUS.label(&line.modus, lang),
            regions::name_of(&line.kecamatan),
        ]
        .into_iter()
        .chain(line.victims.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
        self.query
            .to_lowercase()
            .split_whitespace()
            .all(|word| haystack.contains(word))
    }
}

fn vocab_choices(vocab: Vocab, lang: Lang) -> Vec<(String, String)> {
    vocab
        .terms
        .iter()
        .map(|t| (t.code.to_owned(), t.label.get(lang).to_owned()))
        .collect()
}

/// The case list page (`#/kasus`).
#[component]
pub fn CaseList() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let revision = ctx.revision;
    let records = LocalResource::new(move || {
        revision.track();
        let store = ctx.store();
        async move {
            let cases = store.list_records(RecordKind::Case).await?;
            let victims = store.list_records(RecordKind::Victim).await?;
            Ok::<_, crate::store::StoreError>(case_lines(&cases, &victims))
        }
    });
    let filter = RwSignal::new(Filter::default());
    // The matching cases, counted, with the first SHOWN_AT_MOST of them to draw; filtered
    // once per change of the records, the filter or the language.
    let matching = Memo::new(move |_| {
        let lang = i18n.lang();
        records.with(|records| match records {
            Some(Ok(lines)) => filter.with(|f| {
                let mut kept = lines.iter().filter(|l| f.keeps(l, lang));
                let shown: Vec<CaseLine> = kept.by_ref().take(SHOWN_AT_MOST).cloned().collect();
                Matches {
                    total: shown.len() + kept.count(),
                    shown,
                }
            }),
            _ => Matches::default(),
        })
    });
    let lines = move || matching.with(|m| m.shown.clone());
    let failed = move || records.with(|r| matches!(r, Some(Err(_))));
    let empty = move || records.with(|r| matches!(r, Some(Ok(l)) if l.is_empty()));
    let none_match = move || !empty() && matching.with(|m| m.total == 0);
    let more =
        move || matching.with(|m| (m.total > m.shown.len()).then_some((m.shown.len(), m.total)));
    Effect::new(move |_| {
        if records.with(Option::is_some) {
            timing::list_shown();
        }
    });
    let set = move |put: fn(&mut Filter, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            filter.update(|f| put(f, value));
        }
    };
    let search = move |ev: leptos::ev::Event| {
        timing::start(timing::SEARCH);
        let value = event_target_value(&ev);
        filter.update(|f| f.query = value);
        timing::end_after_paint(timing::SEARCH);
    };
    let statuses = Signal::derive(move || vocab_choices(CASE_STATUSES, i18n.lang()));
    let modus = Signal::derive(move || vocab_choices(MODUS, i18n.lang()));
    let kecamatan = Signal::derive(|| {
        regions::kecamatan()
            .map(|r| (r.code.clone(), r.name.clone()))
            .collect::<Vec<_>>()
    });
    view! {
        <section class="page list cases">
            <div class="page-head">
                <h1>{tr(i18n::CASES_TITLE)}</h1>
                <a id="case-new" class="button primary" href="#/kasus/baru">{tr(i18n::CASE_ADD)}</a>
            </div>
            <form id="case-filter" class="filters" on:submit=|ev| ev.prevent_default()>
                <input
                    type="search"
                    name="q"
                    id="case-search"
                    placeholder=tr(i18n::CASE_SEARCH)
                    aria-label=tr(i18n::CASE_SEARCH)
                    on:input=search
                />
                <Choice name="status" all=i18n::ALL_STATUSES options=statuses on_change=set(|f, v| f.status = v) />
                <Choice name="modus" all=i18n::ALL_MODUS options=modus on_change=set(|f, v| f.modus = v) />
                <Choice name="kecamatan" all=i18n::ALL_KECAMATAN options=kecamatan on_change=set(|f, v| f.kecamatan = v) />
            </form>
            <Show when=failed>
                <p class="form-error" role="alert">{tr(i18n::ERR_STORAGE)}</p>
            </Show>
            <Show when=empty>
                <p class="empty" id="case-list-empty">{tr(i18n::CASES_EMPTY)}</p>
            </Show>
            <Show when=none_match>
                <p class="empty" id="case-no-match">{tr(i18n::CASES_NO_MATCH)}</p>
            </Show>
            <Transition fallback=move || view! { <p class="loading">{tr(i18n::LOADING)}</p> }>
                <ul id="case-list">
                    <Rows lines=Signal::derive(lines) row=|line| view! { <CaseItem line /> } />
                </ul>
                {move || {
                    more()
                        .map(|(shown, total)| {
                            view! {
                                <p class="list-more" id="case-more" data-shown=shown.to_string() data-total=total.to_string()>
                                    {move || i18n::cases_shown(shown, total, i18n.lang())}
                                </p>
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

/// A filter's drop-down: "every ..." first, then each choice.
#[component]
fn Choice<F>(
    name: &'static str,
    all: gugus_model::Text,
    options: Signal<Vec<(String, String)>>,
    on_change: F,
) -> impl IntoView
where
    F: Fn(leptos::ev::Event) + 'static,
{
    view! {
        <select name=name aria-label=tr(all) on:change=on_change>
            <option value="">{tr(all)}</option>
            <For each=move || options.get() key=|o| o.clone() let((code, label))>
                <option value=code>{label}</option>
            </For>
        </select>
    }
}

/// One case in the list.
#[component]
fn CaseItem(
    /// What to show.
    line: Signal<CaseLine>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = line.with_untracked(|l| l.id.clone());
    let href = format!("#/kasus/{id}");
    let text =
        move |read: fn(&CaseLine, Lang) -> String| move || line.with(|l| read(l, i18n.lang()));
    view! {
        <li class="case-item" data-id=id data-status=move || line.with(|l| l.status.clone())>
            <a href=href>
                <span class="item-title">{text(|l, lang| MODUS.label(&l.modus, lang).to_owned())}</span>
                <span class="item-date">
                    {text(|l, lang| l.date.map(|d| i18n::date_short(d, lang)).unwrap_or_default())}
                </span>
                <span class="item-place">{text(|l, _| regions::name_of(&l.kecamatan).to_owned())}</span>
                <span class="case-status">
                    {text(|l, lang| CASE_STATUSES.label(&l.status, lang).to_owned())}
                </span>
                <span class="item-victims">{text(|l, _| l.victims.join(", "))}</span>
                {line_badges(line)}
            </a>
        </li>
    }
}

impl Line for CaseLine {
    fn id(&self) -> &str {
        &self.id
    }

    fn marks(&self) -> Marks {
        self.marks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn line() -> CaseLine {
        CaseLine {
            id: "c".into(),
            date: None,
            status: "reported".into(),
            modus: "ship_crew".into(),
            kecamatan: "33.03.08".into(),
            summary: "Dijanjikan kerja di kapal Taiwan".into(),
            victims: vec!["R.W.".into()],
            assigned: Vec::new(),
            marks: Marks::default(),
            changed_at: String::new(),
        }
    }

    fn listed(id: &str, kind: &str, fields: serde_json::Value) -> ListedRecord {
        let record = serde_json::json!({
            "id": id, "kind": kind, "version": 1, "deleted": false, "server": {},
            "fields": fields, "open_conflict": false, "conflicts": [], "rejection": null,
            "rejected": {}, "changed_at": "2026-12-01T08:00:00Z",
        });
        ListedRecord {
            record: serde_json::from_value(record).expect("a local record"),
            pending: false,
        }
    }

    #[test]
    fn a_line_reads_its_case_through_the_view_and_an_unreadable_case_keeps_its_line() {
        const CASE: &str = "0192f1a0-7c1e-7000-8000-000000000001";
        const OFFICER: &str = "0192f1a0-7c1e-7000-8000-0000000000aa";
        let cases = [
            listed(
                CASE,
                "case",
                serde_json::json!({
                    "date_reported": "2026-09-03", "source": "police", "status": "reported",
                    "kecamatan": "33.03.08", "modus": "ship_crew",
                    "assigned_officers": [OFFICER],
                }),
            ),
            listed("broken", "case", serde_json::json!({"status": "reported"})),
        ];
        let victims = [listed(
            "v",
            "victim",
            serde_json::json!({"case_id": CASE, "pseudonym": "R.W.", "sex": "male", "age": 30,
                               "kecamatan": "33.03.08", "desa": "33.03.08.2001"}),
        )];
        let lines = case_lines(&cases, &victims);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[0].date, Some(time::macros::date!(2026 - 09 - 03)));
        assert_eq!(lines[0].victims, ["R.W."]);
        assert_eq!(lines[0].assigned, [OFFICER]);
        assert_eq!(lines[1].id, "broken", "a case with no date comes last");
        assert_eq!((lines[1].date, lines[1].status.as_str()), (None, ""));
    }

    #[test]
    fn the_search_finds_summary_modus_kecamatan_and_pseudonyms() {
        let find = |query: &str| {
            let filter = Filter {
                query: query.into(),
                ..Filter::default()
            };
            filter.keeps(&line(), Lang::Id)
        };
        assert!(find("taiwan"));
        assert!(find("ABK"));
        assert!(find("mrebet"));
        assert!(find("r.w."));
        assert!(find("kapal mrebet"));
        assert!(!find("malaysia"));
    }

    #[test]
    fn the_filters_keep_only_matching_cases() {
        let by_status = |status: &str| Filter {
            status: status.into(),
            ..Filter::default()
        };
        assert!(by_status("reported").keeps(&line(), Lang::Id));
        assert!(!by_status("closed").keeps(&line(), Lang::Id));
        let elsewhere = Filter {
            kecamatan: "33.03.01".into(),
            ..Filter::default()
        };
        assert!(!elsewhere.keeps(&line(), Lang::En));
    }
}
