//! The marks of a record that waits to be sent, was refused, or conflicts: one markup for
//! every list and page that shows records.

use super::rows::{Line, Marks};
use crate::i18n::{self, tr};
use crate::store::ListedRecord;
use leptos::prelude::*;

/// The badges: "pending", "refused" and "conflict", each only when it applies.
#[component]
pub fn Badges(
    /// Changes wait to be sent.
    #[prop(into)]
    pending: Signal<bool>,
    /// The server refused the last change.
    #[prop(into)]
    rejected: Signal<bool>,
    /// A conflict was reported.
    #[prop(into)]
    conflict: Signal<bool>,
) -> impl IntoView {
    view! {
        <span class="badges">
            <Show when=move || pending.get()>
                <span class="badge pending">{tr(i18n::BADGE_PENDING)}</span>
            </Show>
            <Show when=move || rejected.get()>
                <span class="badge rejected">{tr(i18n::BADGE_REJECTED)}</span>
            </Show>
            <Show when=move || conflict.get()>
                <span class="badge conflict">{tr(i18n::BADGE_CONFLICT)}</span>
            </Show>
        </span>
    }
}

/// The badges of a record as the store lists it.
pub fn badges_of(listed: &ListedRecord) -> impl IntoView {
    let marks = Marks::of(listed);
    view! { <Badges pending=marks.pending rejected=marks.rejected conflict=marks.conflict /> }
}

/// The badges of a list's line, kept up to date as the line changes.
pub fn line_badges<L: Line>(line: Signal<L>) -> impl IntoView {
    let mark =
        move |read: fn(&Marks) -> bool| Signal::derive(move || line.with(|l| read(&l.marks())));
    view! {
        <Badges pending=mark(|m| m.pending) rejected=mark(|m| m.rejected) conflict=mark(|m| m.conflict) />
    }
}
