-- Exchanges that did not succeed at once: pending retries, parked on an auth failure, dead-lettered, or failed
-- permanently. Each row keeps the request as submitted (not redacted), because it is sent again on a retry
-- or replay. A row is deleted when its exchange succeeds. Adding, updating or removing one exchange touches
-- one row, so the cost does not grow with the backlog.
CREATE TABLE IF NOT EXISTS hub_exchanges
(
    exchange_id      uuid        NOT NULL PRIMARY KEY,
    endpoint_id      text        NOT NULL,
    state            text        NOT NULL,
    request          jsonb       NOT NULL,
    attempts         integer     NOT NULL,
    scheduled_retries integer    NOT NULL,
    submitted_at     timestamptz NOT NULL,
    next_attempt_at  timestamptz NULL,
    idempotency_key  text        NULL,
    last_outcome     text        NULL,
    last_status_code integer     NULL,
    last_error       text        NULL,
    last_entry_id    uuid        NULL,
    updated_at       timestamptz NOT NULL
);

-- Due retries per endpoint, and parked or dead-lettered exchanges in submission order.
CREATE INDEX IF NOT EXISTS hub_exchanges_due_ix
    ON hub_exchanges (endpoint_id, next_attempt_at) WHERE state = 'Pending';
CREATE INDEX IF NOT EXISTS hub_exchanges_state_ix ON hub_exchanges (endpoint_id, state, submitted_at, exchange_id);

-- Idempotency keys: one exchange per (endpoint, key). The final result is kept so a repeated submission
-- returns it without running the exchange again.
CREATE TABLE IF NOT EXISTS hub_idempotency_keys
(
    endpoint_id     text        NOT NULL,
    idempotency_key text        NOT NULL,
    exchange_id     uuid        NOT NULL,
    result          jsonb       NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (endpoint_id, idempotency_key)
);

CREATE INDEX IF NOT EXISTS hub_idempotency_keys_created_ix ON hub_idempotency_keys (created_at);

-- What started each attempt: first attempt, quick retry, scheduled retry, replay.
ALTER TABLE journal_entries ADD COLUMN IF NOT EXISTS trigger text NOT NULL DEFAULT 'FirstAttempt';
