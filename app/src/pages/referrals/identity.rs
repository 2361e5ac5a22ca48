//! The victim's identity on the referral page of the agency's liaison (issue #19), when
//! the referring officer shared it and while the referral is open or accepted: read-only,
//! opened with the case key wrapped for the liaison's key pair (the liaison's phone holds
//! that key and the identity record, never the victim or its case). Until the key has
//! reached the phone it says so, never an error.

use crate::app::use_ctx;
use crate::i18n::{self, tr, use_i18n};
use crate::keyring::KeyringError;
use crate::store::LocalRecord;
use gugus_model::schema::as_typed as text;
use gugus_model::schema::{FieldType, VICTIM_IDENTITY};
use gugus_model::Text;
use leptos::prelude::*;

/// What the block shows.
#[derive(Debug, Clone, PartialEq)]
enum Opened {
    /// The filled fields: (name, label, value), in the form's order.
    Shown(Vec<(&'static str, Text, String)>),
    /// No identity record or no key for this account on the phone yet.
    NotShared,
    /// The values would not open (altered, or the phone's crypto failed).
    Failed,
}

/// The filled identity fields of an opened record, in the form's order.
fn lines(open: &LocalRecord) -> Vec<(&'static str, Text, String)> {
    VICTIM_IDENTITY
        .fields
        .iter()
        .filter(|f| !matches!(f.ty, FieldType::Parent(_)))
        .map(|f| (f.name, f.label, text(&open.fields, f.name)))
        .filter(|(_, _, value)| !value.trim().is_empty())
        .collect()
}

/// `#referral-identity`: the victim's identity the referral shares with this liaison
/// (`identity`: the phone's record of it, values sealed), opened again when the keys
/// change (the pair opened after the page, a sync brought the key).
#[component]
pub fn SharedIdentity(
    /// The victim's identity record on the phone, if it has reached it.
    identity: Option<LocalRecord>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i18n = use_i18n();
    let record = StoredValue::new(identity);
    let opened = LocalResource::new(move || {
        let keyring = ctx.keyring.get();
        let store = ctx.store();
        async move {
            let (Some(record), Some(keyring)) = (record.get_value(), keyring) else {
                return Opened::NotShared;
            };
            match keyring.open_record(&store, record).await {
                Ok(open) => Opened::Shown(lines(&open)),
                Err(KeyringError::NotShared | KeyringError::NoKeyPair) => Opened::NotShared,
                Err(_) => Opened::Failed,
            }
        }
    });
    let shown = move || match opened.get() {
        None => view! { <p class="loading">{tr(i18n::LOADING)}</p> }.into_any(),
        Some(Opened::Shown(lines)) => view! {
            <dl class="record-fields identity-fields">
                {lines.into_iter().map(|(name, label, value)| view! {
                    <div class="record-field" data-field=name>
                        <dt>{move || i18n.t(label)}</dt>
                        <dd class="identity-value">{value}</dd>
                    </div>
                }).collect_view()}
            </dl>
        }
        .into_any(),
        Some(Opened::NotShared) => view! {
            <p class="notice identity-not-shared">{tr(i18n::REFERRAL_IDENTITY_NOT_SHARED)}</p>
        }
        .into_any(),
        Some(Opened::Failed) => {
            view! { <p class="form-error" role="alert">{tr(i18n::ERR_ENCRYPTION)}</p> }.into_any()
        }
    };
    view! {
        <section id="referral-identity" class="identity referral-identity">
            <h2>{tr(i18n::REFERRAL_IDENTITY_TITLE)}</h2>
            {shown}
            <p class="hint">{tr(i18n::REFERRAL_IDENTITY_HINT)}</p>
        </section>
    }
}
