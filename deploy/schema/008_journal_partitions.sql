-- Partitions journal_entries by day of started_at (UTC). Queries with a time range then read only the days
-- in it, and retention drops a whole day with DROP TABLE instead of deleting rows one by one.
--
-- The migrator runs this script once, in one transaction, under its advisory lock, so silos that start
-- together never convert the table twice. A plain journal_entries table (from 002) is renamed, a
-- partitioned table with the same columns replaces it, partitions are created for every day that has
-- rows plus the next 7 days, the rows are copied, and the old table is dropped. On an empty database
-- the copy is empty.

-- Creates the daily partitions that cover [first_day, last_day] and returns how many it created.
-- Partition names are journal_entries_pYYYYMMDD; bounds are written with +00 because they are read in the
-- session time zone. The function is safe to call from several sessions at once: a transaction-level
-- advisory lock serializes the catalog changes.
CREATE OR REPLACE FUNCTION hub_journal_ensure_partitions(first_day date, last_day date) RETURNS integer
LANGUAGE plpgsql AS
$$
DECLARE
    day date;
    partition_name text;
    created integer := 0;
BEGIN
    IF last_day - first_day > 3660 THEN
        RAISE EXCEPTION 'hub_journal_ensure_partitions: range % to % is longer than 10 years', first_day, last_day;
    END IF;

    -- 0x4875624A726E6C is "HubJrnl" in ASCII.
    PERFORM pg_advisory_xact_lock(x'4875624A726E6C'::bigint);
    day := first_day;
    WHILE day <= last_day LOOP
        partition_name := 'journal_entries_p' || to_char(day, 'YYYYMMDD');
        IF to_regclass(partition_name) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF journal_entries FOR VALUES FROM (%L) TO (%L)',
                partition_name, day::text || ' 00:00:00+00', (day + 1)::text || ' 00:00:00+00');
            created := created + 1;
        END IF;
        day := day + 1;
    END LOOP;

    RETURN created;
END;
$$;

DO
$$
DECLARE
    old_first date;
    old_last date;
    today date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
    IF EXISTS (SELECT FROM pg_class WHERE relname = 'journal_entries' AND relkind = 'p'
               AND relnamespace = current_schema()::regnamespace) THEN
        RETURN;
    END IF;

    ALTER TABLE journal_entries RENAME TO journal_entries_unpartitioned;
    -- The old indexes keep their names; free them for the partitioned table.
    DROP INDEX IF EXISTS journal_entries_started_ix, journal_entries_endpoint_started_ix,
        journal_entries_exchange_ix, journal_entries_correlation_ix;
    ALTER TABLE journal_entries_unpartitioned DROP CONSTRAINT IF EXISTS journal_entries_pkey;

    -- LIKE copies every column the old table has, in order, with defaults and the lz4 body compression.
    CREATE TABLE journal_entries
    (
        LIKE journal_entries_unpartitioned INCLUDING DEFAULTS INCLUDING COMPRESSION,
        PRIMARY KEY (id, started_at)
    ) PARTITION BY RANGE (started_at);

    SELECT (min(started_at) AT TIME ZONE 'UTC')::date, (max(started_at) AT TIME ZONE 'UTC')::date
    INTO old_first, old_last
    FROM journal_entries_unpartitioned;

    PERFORM hub_journal_ensure_partitions(LEAST(coalesce(old_first, today), today - 1),
                                          GREATEST(coalesce(old_last, today), today + 7));

    INSERT INTO journal_entries SELECT * FROM journal_entries_unpartitioned;
    DROP TABLE journal_entries_unpartitioned;
END;
$$;

-- Indexes on the parent are created on every partition, present and future.
CREATE INDEX IF NOT EXISTS journal_entries_started_ix ON journal_entries (started_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS journal_entries_endpoint_started_ix
    ON journal_entries (endpoint_id, started_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS journal_entries_exchange_ix ON journal_entries (exchange_id, attempt);
CREATE INDEX IF NOT EXISTS journal_entries_correlation_ix
    ON journal_entries (correlation_id, started_at DESC) WHERE correlation_id IS NOT NULL;
