-- The W3C trace id of the exchange run that wrote each journal entry, so an entry leads to its trace.
-- NULL for entries written before this column existed or while tracing was off.
ALTER TABLE journal_entries ADD COLUMN IF NOT EXISTS trace_id text;
