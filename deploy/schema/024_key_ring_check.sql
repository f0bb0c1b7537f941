-- A known text encrypted under the key ring key, written by the first hub that starts with a key. Every later start
-- opens it before anything else, so a hub with another key stops even while the key ring is still empty.
CREATE TABLE IF NOT EXISTS hub_key_ring_check
(
    id         smallint    PRIMARY KEY CHECK (id = 1),
    sealed     bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
