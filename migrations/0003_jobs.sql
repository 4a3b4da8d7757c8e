-- Durable background jobs (后台任务): polling, sending, retries and daily housekeeping survive
-- restarts because each job is a row. A job is leased by moving it to 'running' with a lease
-- end; a worker that dies leaves the lease to expire and the job is taken again.

CREATE TABLE jobs (
    id {{id}},
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    dedup_key TEXT,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    run_at TEXT NOT NULL,
    locked_until TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE UNIQUE INDEX jobs_dedup ON jobs (kind, dedup_key);
CREATE INDEX jobs_due ON jobs (state, run_at, id);
