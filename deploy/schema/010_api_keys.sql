-- API keys created through /api/keys. Only the SHA-256 hash of a key is stored; the key itself is shown once,
-- when it is created. Deleting a row revokes the key.
CREATE TABLE IF NOT EXISTS hub_api_keys
(
    key_id       text        NOT NULL PRIMARY KEY,
    name         text        NOT NULL,
    scopes       text[]      NOT NULL,
    key_hash     bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz NULL
);
