-- Issue #19: a referral may share the victim's identity with the agency's liaison
-- (model::referral::SHARE_IDENTITY_FIELD). The liaison's pull sends the victim's identity,
-- and the case keys wrapped for the liaison, while such a referral is open or accepted
-- (worker/src/store/sql.rs, pull_agency). Referrals stored before shared nothing.
ALTER TABLE referral_facts ADD COLUMN shares_identity BOOLEAN NOT NULL DEFAULT FALSE;
