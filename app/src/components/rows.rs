//! The rows of a list of records, keyed on the record id.

use crate::store::ListedRecord;
use leptos::prelude::*;
use std::collections::HashMap;

/// A line of a list that stands for one record.
pub trait Line: Clone + PartialEq + Send + Sync + 'static {
    /// The record's id.
    fn id(&self) -> &str;
    /// Whether its changes wait to be sent, were refused, or conflict.
    fn marks(&self) -> Marks;
}

/// What a record's badges show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Marks {
    /// Changes wait to be sent.
    pub pending: bool,
    /// The server refused the last change.
    pub rejected: bool,
    /// A conflict was reported.
    pub conflict: bool,
}

impl Marks {
    /// The marks of a record as the store lists it.
    pub fn of(listed: &ListedRecord) -> Marks {
        Marks {
            pending: listed.pending,
            rejected: listed.record.rejection.is_some(),
            conflict: listed.record.has_conflict(),
        }
    }
}

/// One row per line of `lines`, in their order, keyed on the record id. Each row reads its
/// own line as a signal, so a record that changes (a tick on the assignment page, a change
/// sent, a refusal) updates its row in place: the row's focus, its place for a screen
/// reader and a checkbox being ticked stay where they are.
#[component]
pub fn Rows<L, F, V>(
    /// The lines, in order.
    #[prop(into)]
    lines: Signal<Vec<L>>,
    /// Draws one row from its line.
    row: F,
) -> impl IntoView
where
    L: Line,
    F: Fn(Signal<L>) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let by_id = Memo::new(move |_| {
        lines.with(|lines| {
            lines
                .iter()
                .map(|line| (line.id().to_owned(), line.clone()))
                .collect::<HashMap<String, L>>()
        })
    });
    let ids =
        move || lines.with(|lines| lines.iter().map(|l| l.id().to_owned()).collect::<Vec<_>>());
    view! {
        <For
            each=ids
            key=|id| id.clone()
            children=move |id: String| {
                // A row exists only for an id of the lines; until it is taken away, a line
                // that has just left keeps its last state.
                let first = by_id.with_untracked(|lines| lines.get(&id).cloned());
                let row = row.clone();
                first.map(move |first| {
                    let line = Memo::new(move |_| {
                        by_id.with(|lines| lines.get(&id).cloned()).unwrap_or_else(|| first.clone())
                    });
                    row(line.into())
                })
            }
        />
    }
}
