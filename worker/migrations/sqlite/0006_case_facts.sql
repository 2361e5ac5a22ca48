-- The evaluation's projections of cases, victims, services and legal steps (issue #5),
-- kept in the same transaction as their records like activity_facts. A child holds its
-- parent's id, not the parent's fields: the stats queries join it to its case, so a case
-- that changes kecamatan or date, or is deleted, takes its children along.
-- The worker fills these from the records already stored once, at start-up, and records
-- that in fact_backfills.

CREATE TABLE case_facts (
    case_id     TEXT PRIMARY KEY REFERENCES records (id),
    reported    TEXT NOT NULL,
    kecamatan   TEXT NOT NULL,
    status      TEXT NOT NULL,
    modus       TEXT NOT NULL,
    destination TEXT NOT NULL
);
CREATE INDEX case_facts_reported ON case_facts (reported, kecamatan);

CREATE TABLE case_forms (
    case_id   TEXT NOT NULL REFERENCES records (id),
    form      TEXT NOT NULL,
    reported  TEXT NOT NULL,
    kecamatan TEXT NOT NULL,
    PRIMARY KEY (case_id, form)
);
CREATE INDEX case_forms_reported ON case_forms (reported);

CREATE TABLE victim_facts (
    victim_id TEXT PRIMARY KEY REFERENCES records (id),
    case_id   TEXT NOT NULL,
    sex       TEXT NOT NULL,
    child     INTEGER NOT NULL
);
CREATE INDEX victim_facts_case ON victim_facts (case_id);

CREATE TABLE service_facts (
    service_id TEXT PRIMARY KEY REFERENCES records (id),
    victim_id  TEXT NOT NULL,
    type       TEXT NOT NULL,
    status     TEXT NOT NULL,
    requested  TEXT NOT NULL,
    delivered  TEXT
);
CREATE INDEX service_facts_requested ON service_facts (requested);
CREATE INDEX service_facts_delivered ON service_facts (delivered);

CREATE TABLE legal_facts (
    step_id     TEXT PRIMARY KEY REFERENCES records (id),
    case_id     TEXT NOT NULL,
    stage_rank  INTEGER,
    restitution INTEGER NOT NULL
);
CREATE INDEX legal_facts_case ON legal_facts (case_id);

CREATE TABLE fact_backfills (
    name    TEXT PRIMARY KEY,
    done_at INTEGER NOT NULL
);
