using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Journal;

/// <summary>
/// Creates the daily partitions of <c>journal_entries</c> before rows need them, and remembers which days exist.
/// </summary>
/// <remarks>
/// Partitions are created on demand rather than caught by a DEFAULT partition: a DEFAULT partition would need
/// its rows moved out later and blocks <c>DETACH … CONCURRENTLY</c>, while creating a missing day costs one
/// statement before the first COPY that needs it. A day dropped by retention is created again if a late row
/// arrives for it; the next retention run removes it again.
/// </remarks>
public sealed class JournalPartitions(NpgsqlDataSource dataSource)
{
    /// <summary>Days ahead of today that the maintenance job keeps created.</summary>
    public const int DaysAhead = 7;

    private readonly ConcurrentDictionary<DateOnly, bool> _known = new();

    /// <summary>Creates the partitions of any day among <paramref name="startTimes"/> not known to exist.</summary>
    public async Task EnsureAsync(IEnumerable<DateTimeOffset> startTimes, CancellationToken cancellationToken)
    {
        var missing = startTimes
            .Select(time => DateOnly.FromDateTime(time.UtcDateTime))
            .Distinct()
            .Where(day => !_known.ContainsKey(day))
            .Order()
            .ToList();
        if (missing.Count == 0)
        {
            return;
        }

        // Each missing day gets its own call, so a batch with two far-apart days creates only those two.
        foreach (var day in missing)
        {
            await EnsureRangeAsync(day, day, cancellationToken);
        }
    }

    /// <summary>Creates the partitions of every day from <paramref name="first"/> to <paramref name="last"/>.</summary>
    /// <returns>How many partitions were created.</returns>
    public async Task<int> EnsureRangeAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT hub_journal_ensure_partitions($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = first, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = last, NpgsqlDbType = NpgsqlDbType.Date });
        var created = (int)(await command.ExecuteScalarAsync(cancellationToken))!;

        for (var day = first; day <= last; day = day.AddDays(1))
        {
            _known[day] = true;
        }

        return created;
    }

    /// <summary>Forgets the known days, after retention dropped some or a COPY found one missing.</summary>
    public void Forget() => _known.Clear();

    /// <summary>True for the SQL error that a COPY raises when a row's day has no partition.</summary>
    public static bool IsMissingPartition(PostgresException error) =>
        error.SqlState == PostgresErrorCodes.CheckViolation &&
        error.MessageText.Contains("no partition", StringComparison.Ordinal);
}
