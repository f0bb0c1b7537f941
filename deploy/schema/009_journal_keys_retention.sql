-- Business keys, filter indexes and retention tiers of the journal.

-- Values taken at write time from the JSON bodies at the endpoint's businessKeys paths, such as an order
-- number, so one query finds every exchange about it across endpoints and directions.
ALTER TABLE journal_entries ADD COLUMN IF NOT EXISTS business_keys text[] NOT NULL DEFAULT '{}';
-- Set when retention has replaced the bodies by their size and SHA-256 (the warm tier).
ALTER TABLE journal_entries ADD COLUMN IF NOT EXISTS bodies_removed boolean NOT NULL DEFAULT false;

-- fastupdate is off, so each row updates the index at once. With it on, every lookup also scans a pending list
-- until VACUUM merges it, and a key lookup over a million fresh rows took 30 times longer (bench/Hub.Benchmarks).
CREATE INDEX IF NOT EXISTS journal_entries_business_keys_ix ON journal_entries USING gin (business_keys)
    WITH (fastupdate = off);
CREATE INDEX IF NOT EXISTS journal_entries_status_started_ix
    ON journal_entries (status_code, started_at DESC) WHERE status_code IS NOT NULL;
CREATE INDEX IF NOT EXISTS journal_entries_outcome_started_ix ON journal_entries (outcome, started_at DESC);
CREATE INDEX IF NOT EXISTS journal_entries_operation_started_ix ON journal_entries (operation, started_at DESC);

-- The cold tier: what remains of journal rows after retention has dropped them, one row per UTC day,
-- endpoint, direction, operation and outcome. Retention adds to a row in the same transaction that deletes
-- the journal rows it counts, so every journal row is counted once.
CREATE TABLE IF NOT EXISTS journal_daily
(
    day                 date             NOT NULL,
    endpoint_id         text             NOT NULL,
    direction           text             NOT NULL,
    operation           text             NOT NULL,
    outcome             text             NOT NULL,
    attempts            bigint           NOT NULL,
    total_duration_ms   double precision NOT NULL,
    max_duration_ms     double precision NOT NULL,
    request_bytes       bigint           NOT NULL,
    response_bytes      bigint           NOT NULL,
    PRIMARY KEY (day, endpoint_id, direction, operation, outcome)
);
