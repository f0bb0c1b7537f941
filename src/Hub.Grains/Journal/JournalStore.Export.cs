using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Journal;

public sealed partial class JournalStore
{
    public async IAsyncEnumerable<JournalEntry> ExportAsync(
        JournalQuery query, long maxRows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);

        await using var command = dataSource.CreateCommand();
        var sql = new StringBuilder($"SELECT {SummaryColumns} FROM {JournalFilterSql.Source(command, query)} WHERE TRUE");
        JournalFilterSql.Append(sql, command, query);
        command.Parameters.Add(new NpgsqlParameter { Value = maxRows, NpgsqlDbType = NpgsqlDbType.Bigint });
        sql.Append(" ORDER BY started_at DESC, id DESC LIMIT $").Append(command.Parameters.Count);
        command.CommandText = sql.ToString();

        // Each row is returned before the next is read, so memory does not grow with the export. SequentialAccess
        // is not used because ReadEntry reads columns out of order.
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadEntry(reader);
        }
    }
}
