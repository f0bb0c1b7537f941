-- The SHA-256 of the request an idempotency key was first used with, so reusing the key for a different
-- request is rejected instead of silently returning the first request's result.
ALTER TABLE hub_idempotency_keys ADD COLUMN IF NOT EXISTS request_sha256 text NULL;
