-- The ASP.NET Core Data Protection key ring, shared by every silo. Its keys encrypt endpoint credentials in the
-- grain state; losing this table makes those credentials unreadable, so back it up with the database.
CREATE TABLE IF NOT EXISTS hub_data_protection_keys
(
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name text        NOT NULL,
    xml           text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
