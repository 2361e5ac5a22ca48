-- The task force's recovery key (issue #18): its public half only. The private half exists
-- only as the code an admin printed when making it (model::e2e::recovery_code). One per
-- deployment, made once.
CREATE TABLE recovery_key (
    only_one INTEGER PRIMARY KEY CHECK (only_one = 1),
    public   TEXT NOT NULL,
    made_by  TEXT NOT NULL REFERENCES users (id),
    made_at  BIGINT NOT NULL
);
