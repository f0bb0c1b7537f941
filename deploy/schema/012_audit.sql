-- Admin actions taken through the API: who (the API key's name), when, what and on which target. The summary
-- never contains request bodies, so no secret reaches this table.
CREATE TABLE IF NOT EXISTS hub_audit
(
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL,
    key_id     text        NOT NULL,
    actor      text        NOT NULL,
    action     text        NOT NULL,
    target     text        NOT NULL,
    summary    text        NOT NULL
);

CREATE INDEX IF NOT EXISTS hub_audit_at_ix ON hub_audit (at DESC, id DESC);
