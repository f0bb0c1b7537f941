-- The redirects an outbound attempt followed, in order, as a JSON array of {from, statusCode, to}.
-- NULL when the attempt followed none, which is every attempt of an endpoint with maxRedirects 0.
ALTER TABLE journal_entries ADD COLUMN IF NOT EXISTS redirects jsonb;
