-- The evaluation's rollups (issue #5): the fact tables added up by kecamatan and month,
-- so a year's figures read a few thousand rows instead of every case. Each is kept in the
-- push transaction: before a write replaces fact rows, the contributions of the cases it
-- touches (with all their victims, services and legal steps) or of the activities it
-- writes are taken out, and after it they are added back (worker/src/store/rollup.rs).
-- The worker fills them from the fact tables once, at start-up, and records that in
-- fact_backfills. A key that no longer counts anything keeps a row with n = 0.

-- Cases reported, one breakdown at a time: dimension 'status', 'modus', 'destination' or
-- 'form' (a case counts once in each of the first three, once per form in the last).
CREATE TABLE case_rollup (
    month     TEXT NOT NULL,
    kecamatan TEXT NOT NULL,
    dimension TEXT NOT NULL,
    code      TEXT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (month, kecamatan, dimension, code)
);

-- Victims by their case's month and kecamatan.
CREATE TABLE victim_rollup (
    month     TEXT NOT NULL,
    kecamatan TEXT NOT NULL,
    sex       TEXT NOT NULL,
    child     BIGINT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (month, kecamatan, sex, child)
);

-- Services by the month requested: how many, delivered and delivered late (over 7 days),
-- by whether they wait (neither delivered nor cancelled): '' no; 'early' requested
-- before the month's last 8 days (so waiting too long once the month has ended); 'tail'
-- requested in them.
CREATE TABLE service_rollup (
    month     TEXT NOT NULL,
    kecamatan TEXT NOT NULL,
    type      TEXT NOT NULL,
    pending   TEXT NOT NULL,
    n         BIGINT NOT NULL,
    delivered BIGINT NOT NULL,
    late      BIGINT NOT NULL,
    PRIMARY KEY (month, kecamatan, type, pending)
);

-- The waiting ones by the day requested: read for the month in which today less 7 days
-- falls, the one month whose waiting count depends on the day.
CREATE TABLE service_pending (
    month     TEXT NOT NULL,
    kecamatan TEXT NOT NULL,
    type      TEXT NOT NULL,
    day       TEXT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (month, kecamatan, type, day)
);

-- Delivered services by days from request to delivery, for the median and the longest:
-- by kecamatan (read for one kecamatan at a time), and over the regency.
CREATE TABLE service_days (
    kecamatan TEXT NOT NULL,
    month     TEXT NOT NULL,
    type      TEXT NOT NULL,
    days      BIGINT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (kecamatan, month, type, days)
);

CREATE TABLE service_days_all (
    month TEXT NOT NULL,
    type  TEXT NOT NULL,
    days  BIGINT NOT NULL,
    n     BIGINT NOT NULL,
    PRIMARY KEY (month, type, days)
);

-- Victims with a service delivered in the month (each once a month).
CREATE TABLE served_rollup (
    month     TEXT NOT NULL,
    kecamatan TEXT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (month, kecamatan)
);

-- Cases with legal steps by their furthest funnel stage (-1: restitution only) and
-- whether restitution was ordered, with the rupiah ordered.
CREATE TABLE legal_rollup (
    month       TEXT NOT NULL,
    kecamatan   TEXT NOT NULL,
    furthest    BIGINT NOT NULL,
    restitution BIGINT NOT NULL,
    n           BIGINT NOT NULL,
    rupiah      BIGINT NOT NULL,
    PRIMARY KEY (month, kecamatan, furthest, restitution)
);

-- Activities and their participants.
CREATE TABLE activity_rollup (
    month        TEXT NOT NULL,
    kecamatan    TEXT NOT NULL,
    type         TEXT NOT NULL,
    n            BIGINT NOT NULL,
    female_adult BIGINT NOT NULL,
    male_adult   BIGINT NOT NULL,
    female_child BIGINT NOT NULL,
    male_child   BIGINT NOT NULL,
    PRIMARY KEY (month, kecamatan, type)
);

-- Activities held in each village and month.
CREATE TABLE reach_rollup (
    month TEXT NOT NULL,
    desa  TEXT NOT NULL,
    n     BIGINT NOT NULL,
    PRIMARY KEY (month, desa)
);

-- A service's case, for the push's delta (a victim's services).
CREATE INDEX service_facts_victim ON service_facts (victim_id);
