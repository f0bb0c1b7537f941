-- Signatures of accepted inbound requests on endpoints whose HMAC covers a timestamp. A row lives until a day after
-- that timestamp, the largest tolerance an endpoint may have, and while it lives the same signed request is rejected.
-- The signature is the HMAC the hub computed, not the header text, so a change of letter case or prefix is the
-- same signature.
CREATE TABLE IF NOT EXISTS hub_inbound_signatures
(
    endpoint_id text NOT NULL,
    signature bytea NOT NULL,
    journal_entry_id uuid NOT NULL,
    accepted_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (endpoint_id, signature)
);

CREATE INDEX IF NOT EXISTS hub_inbound_signatures_expires_at ON hub_inbound_signatures (expires_at);
