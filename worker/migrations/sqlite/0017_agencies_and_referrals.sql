-- Issue #19: the task force's member agencies as data, and referrals between them.
--
-- Agencies: each deployment keeps its own list. The worker seeds it, once, from the list
-- the code had before (model::agency::seed) when the table is empty, so the codes that
-- stored services already name stay valid. An agency is never deleted, only deactivated.
CREATE TABLE agencies (
    code     TEXT PRIMARY KEY,
    name_id  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    active   BOOLEAN NOT NULL,
    position BIGINT NOT NULL
);

-- A referral's projection (model::schema::REFERRAL): the agency it is addressed to, which
-- a liaison's pull and the per-agency figures read. Written in the push's transaction.
CREATE TABLE referral_facts (
    referral_id TEXT PRIMARY KEY REFERENCES records (id),
    victim_id   TEXT NOT NULL,
    agency      TEXT NOT NULL,
    service     TEXT NOT NULL,
    urgency     TEXT NOT NULL,
    referred    TEXT NOT NULL,
    needed_by   TEXT NOT NULL
);
CREATE INDEX referral_facts_agency ON referral_facts (agency);
CREATE INDEX referral_facts_referred ON referral_facts (referred);

-- A referral's steps, in the order the server took them (seq: the step's version).
CREATE TABLE referral_step_facts (
    step_id        TEXT PRIMARY KEY REFERENCES records (id),
    referral_id    TEXT NOT NULL,
    seq            BIGINT NOT NULL,
    action         TEXT NOT NULL,
    date           TEXT NOT NULL,
    decline_reason TEXT
);
CREATE INDEX referral_step_facts_referral ON referral_step_facts (referral_id, seq);
