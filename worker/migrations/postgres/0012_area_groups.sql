-- Groups of kecamatan a supervisor sets (issue #16), which viewers compare. Each list set
-- is kept: the last one is answered, and every earlier one is still suppressed with it,
-- since a viewer may have kept its figures (model::evaluation::groups::plan).
CREATE TABLE area_group_lists (
    list   INTEGER PRIMARY KEY,
    set_at BIGINT NOT NULL
);

-- A list's groups: each a name, the id made from it and its kecamatan's codes,
-- comma-separated in code order; `position` keeps the list's order.
CREATE TABLE area_groups (
    list      INTEGER NOT NULL REFERENCES area_group_lists (list),
    position  INTEGER NOT NULL,
    id        TEXT NOT NULL,
    name      TEXT NOT NULL,
    kecamatan TEXT NOT NULL,
    PRIMARY KEY (list, position)
);
