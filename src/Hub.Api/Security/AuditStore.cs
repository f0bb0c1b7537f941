using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Appends to and searches <c>hub_audit</c>.
/// </summary>
public sealed class AuditStore(NpgsqlDataSource dataSource)
{
    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO hub_audit (at, key_id, actor, action, target, summary) VALUES ($1, $2, $3, $4, $5, $6)");
        command.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, entry.At);
        command.Parameters.AddWithValue(entry.KeyId);
        command.Parameters.AddWithValue(entry.Actor);
        command.Parameters.AddWithValue(entry.Action);
        command.Parameters.AddWithValue(entry.Target);
        command.Parameters.AddWithValue(entry.Summary);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Returns entries newest first, filtered by time range (from inclusive, to exclusive) and actor.</summary>
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(
        DateTimeOffset? from, DateTimeOffset? to, string? actor, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT id, at, key_id, actor, action, target, summary FROM hub_audit
            WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
              AND ($3::text IS NULL OR actor = $3)
            ORDER BY at DESC, id DESC LIMIT $4
            """);
        // Npgsql writes timestamptz only from UTC values, and a caller may send any offset, such as +03:00.
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)from?.UtcDateTime ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)to?.UtcDateTime ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)actor ?? DBNull.Value });
        command.Parameters.AddWithValue(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6)));
        }

        return entries;
    }
}
