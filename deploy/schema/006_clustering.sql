-- Orleans ADO.NET clustering (Microsoft.Orleans.Clustering.AdoNet) on PostgreSQL, invariant "Npgsql": the
-- membership table that silos of one cluster share. DeploymentId is the Orleans ClusterId. A silo is identified
-- by address, port and generation. Every change of a member row bumps the cluster's table version, and only
-- when the version the silo read is still current; a stale change returns 0 and leaves nothing changed.

CREATE TABLE IF NOT EXISTS orleansmembershipversiontable
(
    deploymentid varchar(150) NOT NULL PRIMARY KEY,
    timestamp    timestamptz  NOT NULL DEFAULT now(),
    version      integer      NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS orleansmembershiptable
(
    deploymentid varchar(150)  NOT NULL REFERENCES orleansmembershipversiontable (deploymentid),
    address      varchar(45)   NOT NULL,
    port         integer       NOT NULL,
    generation   integer       NOT NULL,
    siloname     varchar(150)  NOT NULL,
    hostname     varchar(150)  NOT NULL,
    status       integer       NOT NULL,
    proxyport    integer       NULL,
    suspecttimes varchar(8000) NULL,
    starttime    timestamptz   NOT NULL,
    iamalivetime timestamptz   NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

-- Bumps the version when it is still the one the caller read; returns false otherwise.
CREATE OR REPLACE FUNCTION hub_membership_bump_version(deployment varchar, expected integer)
RETURNS boolean LANGUAGE plpgsql AS
$body$
BEGIN
    UPDATE orleansmembershipversiontable
    SET version = version + 1, timestamp = now()
    WHERE deploymentid = deployment AND version = expected;
    RETURN FOUND;
END;
$body$;

-- Inserts a silo and bumps the version in one step. The exception block undoes the bump when the row exists.
CREATE OR REPLACE FUNCTION hub_membership_insert(
    deployment varchar, alive timestamptz, silo varchar, host varchar, silo_address varchar, silo_port integer,
    silo_generation integer, started timestamptz, silo_status integer, proxy integer, expected integer)
RETURNS integer LANGUAGE plpgsql AS
$body$
BEGIN
    IF NOT hub_membership_bump_version(deployment, expected) THEN
        RETURN 0;
    END IF;

    BEGIN
        INSERT INTO orleansmembershiptable
            (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
        VALUES (deployment, silo_address, silo_port, silo_generation, silo, host, silo_status, proxy, started, alive);
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'hub: membership row exists' USING ERRCODE = 'P0001';
    END;

    RETURN 1;
EXCEPTION WHEN raise_exception THEN
    RETURN 0;
END;
$body$;

-- Updates a silo's status, suspicions and liveness and bumps the version, all or nothing.
CREATE OR REPLACE FUNCTION hub_membership_update(
    deployment varchar, silo_address varchar, silo_port integer, silo_generation integer, alive timestamptz,
    silo_status integer, suspects varchar, expected integer)
RETURNS integer LANGUAGE plpgsql AS
$body$
BEGIN
    IF NOT hub_membership_bump_version(deployment, expected) THEN
        RETURN 0;
    END IF;

    UPDATE orleansmembershiptable
    SET status = silo_status, suspecttimes = suspects, iamalivetime = alive
    WHERE deploymentid = deployment AND address = silo_address AND port = silo_port AND generation = silo_generation;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'hub: membership row missing' USING ERRCODE = 'P0001';
    END IF;

    RETURN 1;
EXCEPTION WHEN raise_exception THEN
    RETURN 0;
END;
$body$;

INSERT INTO orleansquery (querykey, querytext)
VALUES
(
    'InsertMembershipVersionKey',
    $query$
    WITH inserted AS (
        INSERT INTO orleansmembershipversiontable (deploymentid) VALUES (@DeploymentId)
        ON CONFLICT (deploymentid) DO NOTHING
        RETURNING 1)
    SELECT count(*)::integer FROM inserted
    $query$
),
(
    'InsertMembershipKey',
    $query$
    SELECT hub_membership_insert(@DeploymentId, @IAmAliveTime, @SiloName, @HostName, @Address, @Port, @Generation,
        @StartTime, @Status, @ProxyPort, @Version)
    $query$
),
(
    'UpdateMembershipKey',
    $query$
    SELECT hub_membership_update(@DeploymentId, @Address, @Port, @Generation, @IAmAliveTime, @Status,
        @SuspectTimes, @Version)
    $query$
),
(
    'UpdateIAmAlivetimeKey',
    $query$
    UPDATE orleansmembershiptable
    SET iamalivetime = @IAmAliveTime
    WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
    $query$
),
(
    'MembershipReadRowKey',
    -- Always one row at least: the version row, joined to the silo when it exists.
    $query$
    SELECT m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport, m.suspecttimes,
           m.starttime, m.iamalivetime, v.version
    FROM orleansmembershipversiontable v
    LEFT JOIN orleansmembershiptable m
        ON m.deploymentid = v.deploymentid AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    WHERE v.deploymentid = @DeploymentId
    $query$
),
(
    'MembershipReadAllKey',
    $query$
    SELECT m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport, m.suspecttimes,
           m.starttime, m.iamalivetime, v.version
    FROM orleansmembershipversiontable v
    LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
    WHERE v.deploymentid = @DeploymentId
    $query$
),
(
    'GatewaysQueryKey',
    $query$
    SELECT address, proxyport, generation
    FROM orleansmembershiptable
    WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0
    $query$
),
(
    'DeleteMembershipTableEntriesKey',
    $query$
    DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
    DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;
    $query$
),
(
    'CleanupDefunctSiloEntriesKey',
    -- Status 3 is Active; only silos that stopped or died and stayed silent past the cutoff are removed.
    $query$
    DELETE FROM orleansmembershiptable
    WHERE deploymentid = @DeploymentId AND iamalivetime < @IAmAliveTime AND status <> 3
    $query$
)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
