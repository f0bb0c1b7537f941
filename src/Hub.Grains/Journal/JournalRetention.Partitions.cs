using System.Globalization;
using Npgsql;

namespace CrmAI.Hub.Journal;

public sealed partial class JournalRetention
{
    private const string ListPartitionsSql = """
        SELECT c.relname FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'journal_entries'::regclass AND c.relname LIKE 'journal\_entries\_p________'
        ORDER BY c.relname
        """;

    // Drops each daily partition past the warm tier of every endpoint, after counting its rows into
    // journal_daily in the same transaction. A partition that contains an entry of an unfinished exchange is left
    // to the row-by-row step, which keeps that entry.
    private async Task<(IReadOnlyList<string> Dropped, long Rows)> DropPartitionsAsync(
        Policies policies, DateTimeOffset now, bool dryRun, CancellationToken cancellationToken)
    {
        var dropBefore = DropBefore(policies, now);
        var dropped = new List<string>();
        long rows = 0;
        foreach (var name in await ListPartitionsAsync(cancellationToken))
        {
            if (!DateOnly.TryParseExact(name["journal_entries_p".Length..], "yyyyMMdd", CultureInfo.InvariantCulture,
                    DateTimeStyles.None, out var day) || day >= dropBefore)
            {
                continue;
            }

            var count = await DropPartitionAsync(name, dryRun, cancellationToken);
            if (count is { } dropRows)
            {
                dropped.Add(name);
                rows += dropRows;
            }
        }

        if (dropped.Count > 0 && !dryRun)
        {
            partitions.Forget();
        }

        return (dropped, rows);
    }

    // Returns the rows of the partition when it was (or would be) dropped, or null when it must stay.
    private async Task<long?> DropPartitionAsync(string name, bool dryRun, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The name comes from pg_class and matches journal_entries_pYYYYMMDD, so quoting it is enough.
        var table = $"\"{name}\"";
        var needed = await ScalarAsync(connection, $"SELECT count(*) FROM {table} j WHERE {UnfinishedSql}", cancellationToken);
        if (needed > 0)
        {
            return null;
        }

        if (dryRun)
        {
            return await ScalarAsync(connection, $"SELECT count(*) FROM {table}", cancellationToken);
        }

        // The exclusive lock keeps writers out between counting and dropping, so no row escapes the count.
        // NOTE: a COPY that routes a row to this very day while it is dropped can deadlock with this transaction;
        // PostgreSQL then aborts one of them, and a failed run is repeated at the next scheduled run.
        await ScalarAsync(connection, $"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", cancellationToken);
        var rows = await ScalarAsync(connection, $"SELECT count(*) FROM {table}", cancellationToken);
        await ScalarAsync(connection,
            $"INSERT INTO journal_daily SELECT {AggregateColumns} FROM {table} GROUP BY 1, 2, 3, 4, 5 {AddToDailySql}",
            cancellationToken);
        await ScalarAsync(connection, $"DROP TABLE {table}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    private async Task<List<string>> ListPartitionsAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using var command = dataSource.CreateCommand(ListPartitionsSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }
}
