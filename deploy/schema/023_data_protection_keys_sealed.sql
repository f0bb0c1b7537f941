-- A key ring row contains either its XML in plain text or, when the hub has a key ring key, the same XML encrypted
-- with AES-256-GCM under that key. The hub encrypts plain rows when it starts with a key.
ALTER TABLE hub_data_protection_keys ADD COLUMN IF NOT EXISTS sealed bytea;
ALTER TABLE hub_data_protection_keys ALTER COLUMN xml DROP NOT NULL;
ALTER TABLE hub_data_protection_keys ADD CONSTRAINT hub_data_protection_keys_one_form
    CHECK ((xml IS NULL) <> (sealed IS NULL));
