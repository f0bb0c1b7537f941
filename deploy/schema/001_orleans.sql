-- Orleans ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet) and reminders
-- (Microsoft.Orleans.Reminders.AdoNet) on PostgreSQL, invariant "Npgsql".
--
-- The providers run no SQL of their own except "SELECT QueryKey, QueryText FROM OrleansQuery".
-- Every other statement is the querytext stored below under a fixed key, read once when the provider starts,
-- so a changed querytext takes effect only after a silo restart. Orleans binds parameters as @Name
-- (Npgsql rewrites them to $n) and reads result columns by name, case-insensitively.
--
-- The script is idempotent: SchemaMigrator runs it once per database, but a second run changes nothing.
-- Object names are unquoted lower case because Orleans writes them unquoted.

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey varchar(64) NOT NULL PRIMARY KEY,
    querytext text NOT NULL
);

-- Grain state: one row per (service, state name, grain).
-- Orleans sends the state name in GrainTypeString, not the grain class. A string grain key arrives in
-- GrainIdExtensionString with N0 = N1 = 0, and a Guid or integer key arrives in N0/N1 with an optional
-- extension. The hashes are stored for reference but play no part in matching, so a change of
-- AdoNetGrainStorageOptions.HashPicker cannot hide or duplicate a row.
-- NOTE: a btree entry is limited to about 2700 bytes, so keys whose UTF-8 form is longer than that in total
-- fail on insert with "index row size exceeds maximum". ASCII keys within the column limits always fit.
CREATE TABLE IF NOT EXISTS orleansstorage
(
    grainidhash integer NOT NULL,
    grainidn0 bigint NOT NULL,
    grainidn1 bigint NOT NULL,
    graintypehash integer NOT NULL,
    graintypestring varchar(512) NOT NULL,
    grainidextensionstring varchar(512),
    serviceid varchar(150) NOT NULL,
    payloadbinary bytea,
    modifiedon timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL,
    CONSTRAINT orleansstorage_grain_key
        UNIQUE NULLS NOT DISTINCT (serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring)
);

-- Writes grain state with an optimistic version check and returns the new version: 1 for a new row,
-- expected_version + 1 for an update. It returns NULL when the check fails (another writer inserted the row
-- first, or the stored version differs from expected_version), and Orleans turns that NULL into an
-- InconsistentStateException. Under READ COMMITTED a concurrent UPDATE waits for the row lock and then
-- rechecks the version, and a concurrent INSERT waits on the unique key, so at most one writer wins.
CREATE OR REPLACE FUNCTION orleans_write_storage(
    grain_id_hash integer,
    grain_id_n0 bigint,
    grain_id_n1 bigint,
    grain_type_hash integer,
    grain_type text,
    grain_id_extension text,
    service_id text,
    expected_version integer,
    payload bytea)
    RETURNS integer
    LANGUAGE plpgsql
AS $function$
DECLARE
    new_version integer;
BEGIN
    IF expected_version IS NULL THEN
        INSERT INTO orleansstorage AS s
            (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring,
             serviceid, payloadbinary, modifiedon, version)
        VALUES
            (grain_id_hash, grain_id_n0, grain_id_n1, grain_type_hash, grain_type, grain_id_extension,
             service_id, payload, now(), 1)
        ON CONFLICT ON CONSTRAINT orleansstorage_grain_key DO NOTHING
        RETURNING s.version INTO new_version;

        RETURN new_version;
    END IF;

    -- Two statements instead of "IS NOT DISTINCT FROM" or an OR, because PL/pgSQL caches generic plans
    -- and only a plain "=" or "IS NULL" lets such a plan seek the unique index on all five key columns.
    IF grain_id_extension IS NULL THEN
        UPDATE orleansstorage AS s
        SET payloadbinary = payload,
            modifiedon = now(),
            version = s.version + 1
        WHERE s.serviceid = service_id
          AND s.graintypestring = grain_type
          AND s.grainidn0 = grain_id_n0
          AND s.grainidn1 = grain_id_n1
          AND s.grainidextensionstring IS NULL
          AND s.version = expected_version
        RETURNING s.version INTO new_version;
    ELSE
        UPDATE orleansstorage AS s
        SET payloadbinary = payload,
            modifiedon = now(),
            version = s.version + 1
        WHERE s.serviceid = service_id
          AND s.graintypestring = grain_type
          AND s.grainidn0 = grain_id_n0
          AND s.grainidn1 = grain_id_n1
          AND s.grainidextensionstring = grain_id_extension
          AND s.version = expected_version
        RETURNING s.version INTO new_version;
    END IF;

    RETURN new_version;
END;
$function$;

-- Reminders: GrainId is GrainId.ToString() ("type/key"), GrainHash is the grain's uniform hash cast from uint
-- to a signed int (it can be negative), Period is in milliseconds and StartTime arrives as a UTC DateTime,
-- which Npgsql sends as timestamptz.
CREATE TABLE IF NOT EXISTS orleansreminderstable
(
    serviceid varchar(150) NOT NULL,
    grainid varchar(512) NOT NULL,
    remindername varchar(150) NOT NULL,
    starttime timestamptz NOT NULL,
    period bigint NOT NULL,
    grainhash integer NOT NULL,
    version integer NOT NULL,
    CONSTRAINT orleansreminderstable_pkey PRIMARY KEY (serviceid, grainid, remindername)
);

-- Each silo reads the reminders of its hash range.
CREATE INDEX IF NOT EXISTS orleansreminderstable_service_hash
    ON orleansreminderstable (serviceid, grainhash);

-- Stored queries. Dollar quoting keeps the SQL free of doubled quotes. ON CONFLICT updates the text, so running a
-- changed copy of this script by hand (psql -f) replaces old query texts.
-- The grain-state queries match a NULL-or-equal extension with an OR. Orleans runs them unprepared, so
-- PostgreSQL plans each one with its parameter values and the OR reduces to a single index condition.
-- NOTE: with Npgsql automatic preparation (Max Auto Prepare > 0) on Orleans' connections, a cached generic
-- plan may scan every string key of one state name instead.
INSERT INTO orleansquery (querykey, querytext)
VALUES
(
    'ReadFromStorageKey',
    -- A row with a NULL payload is a cleared state: Orleans reports RecordExists = false but keeps the version
    -- as its ETag, so the next write updates that row.
    $query$
    SELECT payloadbinary, version
    FROM orleansstorage
    WHERE serviceid = @ServiceId
      AND graintypestring = @GrainTypeString
      AND grainidn0 = @GrainIdN0
      AND grainidn1 = @GrainIdN1
      AND (grainidextensionstring = @GrainIdExtensionString
           OR (@GrainIdExtensionString IS NULL AND grainidextensionstring IS NULL))
    $query$
),
(
    'WriteToStorageKey',
    $query$
    SELECT orleans_write_storage(
        @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
        @ServiceId, @GrainStateVersion, @PayloadBinary) AS newgrainstateversion
    $query$
),
(
    'ClearStorageKey',
    -- Orleans reads the new version from the first column. No row means the version check failed.
    $query$
    UPDATE orleansstorage
    SET payloadbinary = NULL,
        modifiedon = now(),
        version = version + 1
    WHERE serviceid = @ServiceId
      AND graintypestring = @GrainTypeString
      AND grainidn0 = @GrainIdN0
      AND grainidn1 = @GrainIdN1
      AND (grainidextensionstring = @GrainIdExtensionString
           OR (@GrainIdExtensionString IS NULL AND grainidextensionstring IS NULL))
      AND version = @GrainStateVersion
    RETURNING version AS newgrainstateversion
    $query$
),
(
    'DeleteStorageKey',
    -- Used instead of ClearStorageKey when AdoNetGrainStorageOptions.DeleteStateOnClear is true. Orleans
    -- expects a value that differs from the ETag it sent, so the query returns the deleted version + 1.
    -- NOTE: no test runs this query through Orleans yet.
    $query$
    DELETE FROM orleansstorage
    WHERE serviceid = @ServiceId
      AND graintypestring = @GrainTypeString
      AND grainidn0 = @GrainIdN0
      AND grainidn1 = @GrainIdN1
      AND (grainidextensionstring = @GrainIdExtensionString
           OR (@GrainIdExtensionString IS NULL AND grainidextensionstring IS NULL))
      AND version = @GrainStateVersion
    RETURNING version + 1 AS newgrainstateversion
    $query$
),
(
    'ReadReminderRowsKey',
    $query$
    SELECT grainid, remindername, starttime, period, version
    FROM orleansreminderstable
    WHERE serviceid = @ServiceId
      AND grainid = @GrainId
    $query$
),
(
    'ReadReminderRowKey',
    $query$
    SELECT grainid, remindername, starttime, period, version
    FROM orleansreminderstable
    WHERE serviceid = @ServiceId
      AND grainid = @GrainId
      AND remindername = @ReminderName
    $query$
),
(
    'ReadRangeRows1Key',
    -- Orleans uses this query when (int)BeginHash < (int)EndHash: the range (BeginHash, EndHash] does not wrap.
    $query$
    SELECT grainid, remindername, starttime, period, version
    FROM orleansreminderstable
    WHERE serviceid = @ServiceId
      AND grainhash > @BeginHash
      AND grainhash <= @EndHash
    $query$
),
(
    'ReadRangeRows2Key',
    -- The wrapping range: everything above BeginHash plus everything up to EndHash. BeginHash = EndHash
    -- therefore selects the whole ring.
    $query$
    SELECT grainid, remindername, starttime, period, version
    FROM orleansreminderstable
    WHERE serviceid = @ServiceId
      AND (grainhash > @BeginHash OR grainhash <= @EndHash)
    $query$
),
(
    'UpsertReminderRowKey',
    -- Orleans reads the new version (the reminder's ETag) from the column "version".
    $query$
    INSERT INTO orleansreminderstable AS r
        (serviceid, grainid, remindername, starttime, period, grainhash, version)
    VALUES
        (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT ON CONSTRAINT orleansreminderstable_pkey DO UPDATE
    SET starttime = excluded.starttime,
        period = excluded.period,
        grainhash = excluded.grainhash,
        version = r.version + 1
    RETURNING r.version AS version
    $query$
),
(
    'DeleteReminderRowKey',
    -- Orleans reads exactly one row with one boolean column: true when the row with that version was deleted.
    $query$
    WITH deleted AS
    (
        DELETE FROM orleansreminderstable
        WHERE serviceid = @ServiceId
          AND grainid = @GrainId
          AND remindername = @ReminderName
          AND version = @Version
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM deleted) AS deleted
    $query$
),
(
    'DeleteReminderRowsKey',
    $query$
    DELETE FROM orleansreminderstable
    WHERE serviceid = @ServiceId
    $query$
)
ON CONFLICT (querykey) DO UPDATE
SET querytext = excluded.querytext;
