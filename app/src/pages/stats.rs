//! The evaluation page: activities and participants per kecamatan for a period, read from
//! the worker (it needs the network).

use crate::app::use_ctx;
use crate::clock;
use crate::i18n::{self, tr, use_i18n};
use crate::sync::engine::online;
use crate::sync::{Api, ApiError};
use gugus_model::activity::{format_date, parse_date};
use gugus_model::stats::{ActivityRow, ActivityStats};
use gugus_model::{Lang, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;
use time::Date;

/// The default period: the first day of the current month to today.
pub fn default_period(today: Date) -> (Date, Date) {
    (today.replace_day(1).unwrap_or(today), today)
}

/// A cell: the count, or "≤10" when it is suppressed.
pub fn cell_text(value: Option<u64>, lang: Lang) -> String {
    match value {
        Some(n) => i18n::number(n, lang),
        None => i18n::SUPPRESSED_CELL.get(lang).to_owned(),
    }
}

fn error_text(error: &ApiError) -> Text {
    match error {
        ApiError::Network => i18n::STATS_OFFLINE,
        ApiError::Unauthorized => i18n::ERR_SESSION,
        ApiError::Forbidden => i18n::STATS_FORBIDDEN,
        _ => i18n::ERR_SERVER,
    }
}

type RowKey = (String, [Option<u64>; 5]);

fn row_key(row: &ActivityRow) -> RowKey {
    let cells = [
        row.activities,
        row.participants,
        row.female,
        row.male,
        row.children,
    ];
    (row.kecamatan.clone(), cells)
}

/// The evaluation page.
#[component]
pub fn StatsPage() -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let (first, today) = default_period(clock::today());
    let from = RwSignal::new(format_date(first));
    let to = RwSignal::new(format_date(today));
    let stats = RwSignal::new(None::<ActivityStats>);
    let problem = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    // Only the latest request's answer is shown: an earlier, slower one must not
    // overwrite the period asked for last.
    let latest = StoredValue::new(0_u64);

    let load = move || {
        let period = parse_date(&from.get_untracked()).zip(parse_date(&to.get_untracked()));
        let Some((first, last)) = period.filter(|(first, last)| first <= last) else {
            problem.set(Some(i18n::STATS_BAD_PERIOD));
            return;
        };
        if !online() {
            problem.set(Some(i18n::STATS_OFFLINE));
            return;
        }
        let Some(token) = ctx
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
        else {
            return;
        };
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let answer = Api::here()
                .activity_stats(&token, &format_date(first), &format_date(last))
                .await;
            if latest.get_value() != ticket {
                return;
            }
            match answer {
                Ok(answer) => stats.set(Some(answer)),
                Err(error) => problem.set(Some(error_text(&error))),
            }
            busy.set(false);
        });
    };
    load();

    let period = move || {
        stats.with(|s| {
            s.as_ref().and_then(|s| {
                let (from, to) = (parse_date(&s.from)?, parse_date(&s.to)?);
                Some(i18n::period(from, to, i18n.lang()))
            })
        })
    };
    let rows = move || stats.with(|s| s.as_ref().map(|s| s.rows.clone()).unwrap_or_default());
    let total = move || stats.with(|s| s.as_ref().map(|s| s.total.clone()));
    let suppressed = move || stats.with(|s| s.as_ref().is_some_and(|s| s.suppressed));
    let header = move |text: Text| move || i18n.t(text);
    view! {
        <section class="page stats">
            <h1>{tr(i18n::STATS_TITLE)}</h1>
            <form class="period" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(); }>
                <div class="field">
                    <label for="stats-from">{tr(i18n::FROM)}</label>
                    <input id="stats-from" type="date" name="from" max=format_date(today) prop:value=from
                        on:input=move |ev| from.set(event_target_value(&ev))
                        on:change=move |ev| from.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="stats-to">{tr(i18n::TO)}</label>
                    <input id="stats-to" type="date" name="to" prop:value=to
                        on:input=move |ev| to.set(event_target_value(&ev))
                        on:change=move |ev| to.set(event_target_value(&ev)) />
                </div>
                <button type="submit" id="stats-load" class="primary">
                    {move || i18n.t(if busy.get() { i18n::LOADING } else { i18n::STATS_LOAD })}
                </button>
            </form>
            {move || problem.get().map(|text| view! {
                <p id="stats-error" class="form-error" role="alert">{move || i18n.t(text)}</p>
            })}
            <Show when=move || stats.with(Option::is_some)>
                <p id="stats-period" class="period-text">{period}</p>
                <div class="table-wrap">
                    <table id="stats-table">
                        <thead>
                            <tr>
                                <th scope="col">{header(i18n::COL_KECAMATAN)}</th>
                                <th scope="col">{header(i18n::COL_ACTIVITIES)}</th>
                                <th scope="col">{header(i18n::COL_PARTICIPANTS)}</th>
                                <th scope="col">{header(i18n::COL_FEMALE)}</th>
                                <th scope="col">{header(i18n::COL_MALE)}</th>
                                <th scope="col">{header(i18n::COL_CHILDREN)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=rows key=row_key let(row)>
                                <StatsRow row total=false />
                            </For>
                        </tbody>
                        <tfoot>
                            {move || total().map(|row| view! { <StatsRow row total=true /> })}
                        </tfoot>
                    </table>
                </div>
                <Show when=suppressed>
                    <p id="stats-suppressed" class="hint">{tr(i18n::SUPPRESSED_NOTE)}</p>
                </Show>
            </Show>
        </section>
    }
}

/// One kecamatan's row, or the regency's total.
#[component]
fn StatsRow(row: ActivityRow, total: bool) -> impl IntoView {
    let i18n = use_i18n();
    let cell = move |class: &'static str, value: Option<u64>| {
        view! {
            <td class=class class:suppressed=value.is_none() title=move || value.is_none().then(|| i18n.t(i18n::SUPPRESSED_NOTE))>
                {move || cell_text(value, i18n.lang())}
            </td>
        }
    };
    let name = row.name.clone();
    view! {
        <tr data-kecamatan=row.kecamatan.clone() class:total=total>
            <th scope="row" class="name">
                {move || if total { i18n.t(i18n::TOTAL_ROW).to_owned() } else { name.clone() }}
            </th>
            {cell("activities", row.activities)}
            {cell("participants", row.participants)}
            {cell("female", row.female)}
            {cell("male", row.male)}
            {cell("children", row.children)}
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_default_period_is_this_month_so_far() {
        let (from, to) = default_period(date!(2026 - 11 - 29));
        assert_eq!((from, to), (date!(2026 - 11 - 01), date!(2026 - 11 - 29)));
    }

    #[test]
    fn suppressed_cells_say_at_most_ten() {
        assert_eq!(cell_text(None, Lang::Id), "≤10");
        assert_eq!(cell_text(Some(1234), Lang::Id), "1.234");
    }
}
