using System.Globalization;
using CrmAI.Hub.Contracts;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Journal;

/// <summary>
/// Moves journal entries through the retention tiers: removes bodies of entries past the hot tier, counts entries
/// past the warm tier into <c>journal_daily</c> and deletes them, and deletes aggregates past the cold tier.
/// </summary>
/// <remarks>
/// Every step is idempotent. Entries are counted into <c>journal_daily</c> in the statement or transaction that
/// deletes them, so a run that stops half-way and runs again counts each entry once. Entries of an exchange that
/// still has a row in <c>hub_exchanges</c> (pending, parked, dead-lettered or failed) are left unchanged.
/// </remarks>
public sealed partial class JournalRetention(
    NpgsqlDataSource dataSource,
    JournalPartitions partitions,
    IOptions<JournalRetentionOptions> options,
    TimeProvider time)
{
    // The policy of each endpoint with an override; other endpoints take the defaults $5, $6 and $7.
    private const string PolicySql = """
        WITH policy AS (
            SELECT p.endpoint_id, p.hot_days, p.warm_days, p.cold_days
            FROM unnest($1::text[], $2::int[], $3::int[], $4::int[]) AS p(endpoint_id, hot_days, warm_days, cold_days))
        """;

    private const string UnfinishedSql =
        "EXISTS (SELECT 1 FROM hub_exchanges x WHERE x.exchange_id = j.exchange_id)";

    private const string AggregateColumns = """
        (started_at AT TIME ZONE 'UTC')::date, endpoint_id, direction, operation, outcome, count(*),
        sum(duration_ms), max(duration_ms), sum(request_body_size), sum(coalesce(response_body_size, 0))
        """;

    private const string AddToDailySql = """
        ON CONFLICT (day, endpoint_id, direction, operation, outcome) DO UPDATE SET
            attempts = journal_daily.attempts + excluded.attempts,
            total_duration_ms = journal_daily.total_duration_ms + excluded.total_duration_ms,
            max_duration_ms = greatest(journal_daily.max_duration_ms, excluded.max_duration_ms),
            request_bytes = journal_daily.request_bytes + excluded.request_bytes,
            response_bytes = journal_daily.response_bytes + excluded.response_bytes
        """;

    private readonly JournalRetentionOptions _options = options.Value;

    /// <summary>Runs every tier once, or only counts what would change when <paramref name="dryRun"/> is true.</summary>
    /// <param name="overrides">Retention overrides by endpoint id; endpoints missing here take the defaults.</param>
    public async Task<RetentionReport> RunAsync(
        IReadOnlyDictionary<string, JournalRetentionPolicy?> overrides, bool dryRun, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var policies = Resolve(overrides);
        var bodies = await RemoveBodiesAsync(policies, now, dryRun, cancellationToken);
        var (dropped, droppedRows) = await DropPartitionsAsync(policies, now, dryRun, cancellationToken);
        var deleted = await DeleteRowsAsync(policies, now, dryRun, cancellationToken);
        var daily = await DeleteDailyAsync(policies, now, dryRun, cancellationToken);
        var kept = await CountKeptAsync(policies, now, cancellationToken);

        return new RetentionReport(dryRun, now, bodies, deleted, dropped, droppedRows, daily, kept);
    }

    private Policies Resolve(IReadOnlyDictionary<string, JournalRetentionPolicy?> overrides)
    {
        var set = overrides.Where(o => o.Value is not null).ToList();
        return new Policies(
            [.. set.Select(o => o.Key)],
            [.. set.Select(o => o.Value!.HotDays ?? _options.HotDays)],
            [.. set.Select(o => Math.Max(o.Value!.WarmDays ?? _options.WarmDays, o.Value!.HotDays ?? _options.HotDays))],
            [.. set.Select(o => o.Value!.ColdDays ?? _options.ColdDays)],
            _options.HotDays, _options.WarmDays, _options.ColdDays);
    }

    private async Task<long> RemoveBodiesAsync(Policies policies, DateTimeOffset now, bool dryRun, CancellationToken cancellationToken)
    {
        // The constant bound on started_at lets PostgreSQL skip partitions that are hot for every endpoint. Entries
        // past the warm tier are left to the delete step rather than changed first.
        var candidates = $"""
            SELECT j.id, j.started_at FROM journal_entries j LEFT JOIN policy p USING (endpoint_id)
            WHERE NOT j.bodies_removed
              AND j.started_at < $8 - make_interval(days => $9)
              AND j.started_at < $8 - make_interval(days => coalesce(p.hot_days, $5))
              AND j.started_at >= $8 - make_interval(days => coalesce(p.warm_days, $6))
              AND NOT {UnfinishedSql}
            """;
        if (dryRun)
        {
            return await CountAsync($"{PolicySql} SELECT count(*) FROM ({candidates}) c", policies, now, policies.MinHotDays, cancellationToken);
        }

        var update = $"""
            {PolicySql}, batch AS ({candidates} LIMIT $10)
            UPDATE journal_entries j SET
                request_body_sha256 = coalesce(j.request_body_sha256,
                    encode(sha256(coalesce(j.request_body_bytes, convert_to(j.request_body, 'UTF8'))), 'hex')),
                response_body_sha256 = coalesce(j.response_body_sha256,
                    encode(sha256(coalesce(j.response_body_bytes, convert_to(j.response_body, 'UTF8'))), 'hex')),
                request_body = NULL, request_body_bytes = NULL, response_body = NULL, response_body_bytes = NULL,
                bodies_removed = true
            FROM batch WHERE j.id = batch.id AND j.started_at = batch.started_at
            """;
        return await RepeatAsync(update, policies, now, policies.MinHotDays, cancellationToken);
    }

    private async Task<long> DeleteRowsAsync(Policies policies, DateTimeOffset now, bool dryRun, CancellationToken cancellationToken)
    {
        var candidates = $"""
            SELECT j.id, j.started_at FROM journal_entries j LEFT JOIN policy p USING (endpoint_id)
            WHERE j.started_at < $8 - make_interval(days => $9)
              AND j.started_at < $8 - make_interval(days => coalesce(p.warm_days, $6))
              AND NOT {UnfinishedSql}
            """;
        if (dryRun)
        {
            // Partitions that the same run would drop are counted there, not here.
            var dropBefore = DropBefore(policies, now);
            return await CountAsync(
                $"{PolicySql} SELECT count(*) FROM ({candidates}) c WHERE c.started_at >= '{dropBefore:yyyy-MM-dd} 00:00:00+00'",
                policies, now, policies.MinWarmDays, cancellationToken);
        }

        var delete = $"""
            {PolicySql}, batch AS ({candidates} LIMIT $10),
            gone AS (
                DELETE FROM journal_entries j USING batch WHERE j.id = batch.id AND j.started_at = batch.started_at
                RETURNING j.*),
            counted AS (
                INSERT INTO journal_daily SELECT {AggregateColumns} FROM gone GROUP BY 1, 2, 3, 4, 5 {AddToDailySql})
            SELECT count(*) FROM gone
            """;
        return await RepeatScalarAsync(delete, policies, now, policies.MinWarmDays, cancellationToken);
    }

    private async Task<long> DeleteDailyAsync(Policies policies, DateTimeOffset now, bool dryRun, CancellationToken cancellationToken)
    {
        var condition = """
            FROM journal_daily d LEFT JOIN policy p USING (endpoint_id)
            WHERE d.day < ($8 AT TIME ZONE 'UTC')::date - coalesce(p.cold_days, $7)
            """;
        var sql = dryRun
            ? $"{PolicySql} SELECT count(*) {condition}"
            : $"{PolicySql}, gone AS (DELETE FROM journal_daily x USING (SELECT d.day, d.endpoint_id {condition}) old " +
              "WHERE x.day = old.day AND x.endpoint_id = old.endpoint_id RETURNING 1) SELECT count(*) FROM gone";
        return await CountAsync(sql, policies, now, 0, cancellationToken);
    }

    private async Task<long> CountKeptAsync(Policies policies, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sql = $"""
            {PolicySql}
            SELECT count(*) FROM journal_entries j LEFT JOIN policy p USING (endpoint_id)
            WHERE j.started_at < $8 - make_interval(days => $9)
              AND j.started_at < $8 - make_interval(days => coalesce(p.hot_days, $5))
              AND (NOT j.bodies_removed OR j.started_at < $8 - make_interval(days => coalesce(p.warm_days, $6)))
              AND {UnfinishedSql}
            """;
        return await CountAsync(sql, policies, now, policies.MinHotDays, cancellationToken);
    }

    // Days before this one are past the warm tier of every endpoint, so their partitions may be dropped whole.
    private static DateOnly DropBefore(Policies policies, DateTimeOffset now) =>
        DateOnly.FromDateTime(now.UtcDateTime.AddDays(-policies.MaxWarmDays));

    private async Task<long> RepeatAsync(string sql, Policies policies, DateTimeOffset now, int boundDays, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            await using var command = Command(sql, policies, now, boundDays);
            var changed = await command.ExecuteNonQueryAsync(cancellationToken);
            total += changed;
            if (changed < _options.BatchSize)
            {
                return total;
            }
        }
    }

    private async Task<long> RepeatScalarAsync(string sql, Policies policies, DateTimeOffset now, int boundDays, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            var changed = await CountAsync(sql, policies, now, boundDays, cancellationToken);
            total += changed;
            if (changed < _options.BatchSize)
            {
                return total;
            }
        }
    }

    private async Task<long> CountAsync(string sql, Policies policies, DateTimeOffset now, int boundDays, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, policies, now, boundDays);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private NpgsqlCommand Command(string sql, Policies policies, DateTimeOffset now, int boundDays)
    {
        var command = dataSource.CreateCommand(sql);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter { Value = policies.Endpoints, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = policies.Hot, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        parameters.Add(new NpgsqlParameter { Value = policies.Warm, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        parameters.Add(new NpgsqlParameter { Value = policies.Cold, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        parameters.Add(new NpgsqlParameter { Value = policies.DefaultHot, NpgsqlDbType = NpgsqlDbType.Integer });
        parameters.Add(new NpgsqlParameter { Value = policies.DefaultWarm, NpgsqlDbType = NpgsqlDbType.Integer });
        parameters.Add(new NpgsqlParameter { Value = policies.DefaultCold, NpgsqlDbType = NpgsqlDbType.Integer });
        parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter { Value = boundDays, NpgsqlDbType = NpgsqlDbType.Integer });
        if (sql.Contains("$10", StringComparison.Ordinal))
        {
            parameters.Add(new NpgsqlParameter { Value = _options.BatchSize, NpgsqlDbType = NpgsqlDbType.Integer });
        }

        return command;
    }

    private sealed record Policies(
        string[] Endpoints, int[] Hot, int[] Warm, int[] Cold, int DefaultHot, int DefaultWarm, int DefaultCold)
    {
        public int MinHotDays => Hot.Append(DefaultHot).Min();

        public int MinWarmDays => Warm.Append(DefaultWarm).Min();

        public int MaxWarmDays => Warm.Append(DefaultWarm).Max();
    }
}
