-- The exchange journal: one row per attempt of an exchange, secrets redacted before the row is written.
-- Bodies are stored as decoded text, or as bytes for binary content, and may be truncated; the
-- *_size and *_sha256 columns then describe the full body.

CREATE TABLE IF NOT EXISTS journal_entries
(
    id                      uuid             NOT NULL PRIMARY KEY,
    exchange_id             uuid             NOT NULL,
    attempt                 integer          NOT NULL,
    endpoint_id             text             NOT NULL,
    direction               text             NOT NULL,
    operation               text             NOT NULL,
    method                  text             NOT NULL,
    url                     text             NOT NULL,
    request_headers         jsonb            NOT NULL,
    request_content_type    text             NULL,
    request_body            text             NULL,
    request_body_bytes      bytea            NULL,
    request_body_size       bigint           NOT NULL,
    request_body_sha256     text             NULL,
    request_body_truncated  boolean          NOT NULL,
    status_code             integer          NULL,
    response_headers        jsonb            NULL,
    response_content_type   text             NULL,
    response_body           text             NULL,
    response_body_bytes     bytea            NULL,
    response_body_size      bigint           NULL,
    response_body_sha256    text             NULL,
    response_body_truncated boolean          NULL,
    duration_ms             double precision NOT NULL,
    outcome                 text             NOT NULL,
    error                   text             NULL,
    correlation_id          text             NULL,
    started_at              timestamptz      NOT NULL,
    silo                    text             NOT NULL
);

-- Bodies of about a kilobyte defeat the default pglz compression; lz4 keeps them compressed and
-- makes COPY faster.
ALTER TABLE journal_entries ALTER COLUMN request_body SET COMPRESSION lz4;
ALTER TABLE journal_entries ALTER COLUMN response_body SET COMPRESSION lz4;

-- Newest-first pages, overall and per endpoint, use keyset pagination on (started_at, id).
CREATE INDEX IF NOT EXISTS journal_entries_started_ix ON journal_entries (started_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS journal_entries_endpoint_started_ix
    ON journal_entries (endpoint_id, started_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS journal_entries_exchange_ix ON journal_entries (exchange_id, attempt);
CREATE INDEX IF NOT EXISTS journal_entries_correlation_ix
    ON journal_entries (correlation_id, started_at DESC) WHERE correlation_id IS NOT NULL;
