//! The record kinds the sync layer carries, and what each allows.

use crate::schema::{self, KindSpec};
use crate::{activity::Activity, FieldError, Problem};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::Date;

/// A kind of record. The sync layer is generic over kinds; each kind validates its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A trafficking case: the root of its victims, services, legal steps and notes.
    Case,
    /// A victim of a case (no identity fields).
    Victim,
    /// A victim's identity: name, NIK, phone, address, family contact.
    VictimIdentity,
    /// A service for a victim.
    Service,
    /// A step of law enforcement in a case.
    LegalStep,
    /// A note on a case; never edited.
    Note,
    /// A case's key wrapped for one reader (issue #18; `crate::e2e::WrappedKey`); never
    /// edited.
    CaseKey,
    /// An outreach, training, advocacy or coordination activity.
    Activity,
    /// A victim's service referred to a member agency (issue #19); never edited.
    Referral,
    /// A step of a referral: the agency's answer or a cancellation; never edited.
    ReferralStep,
}

impl RecordKind {
    /// Every kind this version of the model knows.
    pub const ALL: [RecordKind; 10] = [
        RecordKind::Case,
        RecordKind::Victim,
        RecordKind::VictimIdentity,
        RecordKind::Service,
        RecordKind::LegalStep,
        RecordKind::Note,
        RecordKind::CaseKey,
        RecordKind::Activity,
        RecordKind::Referral,
        RecordKind::ReferralStep,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Case => "case",
            RecordKind::Victim => "victim",
            RecordKind::VictimIdentity => "victim_identity",
            RecordKind::Service => "service",
            RecordKind::LegalStep => "legal_step",
            RecordKind::Note => "note",
            RecordKind::CaseKey => "case_key",
            RecordKind::Activity => "activity",
            RecordKind::Referral => "referral",
            RecordKind::ReferralStep => "referral_step",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<RecordKind> {
        RecordKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }

    /// Whether records of this kind are never edited after creation (they never conflict).
    pub fn insert_only(self) -> bool {
        matches!(
            self,
            RecordKind::Note
                | RecordKind::CaseKey
                | RecordKind::Referral
                | RecordKind::ReferralStep
        )
    }

    /// Validates a record's whole state (after merge), as of `today`.
    pub fn validate(self, fields: &Map<String, Value>, today: Date) -> Result<(), Vec<FieldError>> {
        match self.spec() {
            Some(spec) => spec.validate(fields, today),
            None => Activity::parse(fields, today).map(|_| ()),
        }
    }

    /// Validates a record's whole state as the server receives it: an identity's values
    /// are end-to-end envelopes whose shape only can be checked
    /// ([`crate::schema::KindSpec::validate_sealed`]); any other kind as [`RecordKind::validate`].
    pub fn validate_received(
        self,
        fields: &Map<String, Value>,
        today: Date,
    ) -> Result<(), Vec<FieldError>> {
        match self.spec() {
            Some(spec) if self.is_identity() => spec.validate_sealed(fields, today),
            _ => self.validate(fields, today),
        }
    }

    /// The field specs of a kind that hangs off a case; `None` for activities, which
    /// have their own parser.
    pub fn spec(self) -> Option<&'static KindSpec> {
        Some(match self {
            RecordKind::Case => &schema::CASE,
            RecordKind::Victim => &schema::VICTIM,
            RecordKind::VictimIdentity => &schema::VICTIM_IDENTITY,
            RecordKind::Service => &schema::SERVICE,
            RecordKind::LegalStep => &schema::LEGAL_STEP,
            RecordKind::Note => &schema::NOTE,
            RecordKind::CaseKey => &schema::CASE_KEY,
            RecordKind::Referral => &schema::REFERRAL,
            RecordKind::ReferralStep => &schema::REFERRAL_STEP,
            RecordKind::Activity => return None,
        })
    }

    /// Whether records of this kind hold a person's identity (name, NIK, phone, address,
    /// family contact): never in aggregates or exports, and kept on a device only
    /// encrypted.
    pub fn is_identity(self) -> bool {
        self == RecordKind::VictimIdentity
    }

    /// Whether sending a record of this kind to a device is an `identity_read` in the
    /// audit trail: an identity, or a case key that opens identities (issue #18).
    pub fn reads_identity(self) -> bool {
        matches!(self, RecordKind::VictimIdentity | RecordKind::CaseKey)
    }

    /// Whether records of this kind belong to a case (the case itself included): an
    /// officer sees them only when the case is in its scope.
    pub fn in_case(self) -> bool {
        self != RecordKind::Activity
    }

    /// Whether records of this kind are a referral's, which a liaison of the agency it is
    /// addressed to pulls (issue #19).
    pub fn is_referral(self) -> bool {
        matches!(self, RecordKind::Referral | RecordKind::ReferralStep)
    }
}

/// Rejects fields the kind does not have, so a typo never silently drops data.
pub(crate) fn unknown_fields(fields: &Map<String, Value>, known: &[&str]) -> Vec<FieldError> {
    fields
        .keys()
        .filter(|name| !known.contains(&name.as_str()))
        .map(|name| FieldError::new(name.clone(), Problem::UnknownField))
        .collect()
}
