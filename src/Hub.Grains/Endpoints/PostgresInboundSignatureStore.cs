using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Endpoints;

/// <summary>
/// <see cref="IInboundSignatureStore"/> on the <c>hub_inbound_signatures</c> table. Expired rows are deleted at most
/// once a minute per process, while recording a new signature.
/// </summary>
public sealed class PostgresInboundSignatureStore(NpgsqlDataSource dataSource) : IInboundSignatureStore
{
    private static readonly TimeSpan PrunePeriod = TimeSpan.FromMinutes(1);

    private long _nextPruneTicks;

    public async Task<AcceptedSignature?> FindAsync(
        string endpointId, byte[] signature, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT journal_entry_id, accepted_at, expires_at FROM hub_inbound_signatures " +
            "WHERE endpoint_id = $1 AND signature = $2 AND expires_at >= $3");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = endpointId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = signature, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new AcceptedSignature(
            reader.GetGuid(0),
            new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero),
            new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero));
    }

    public async Task AddAsync(
        string endpointId, byte[] signature, AcceptedSignature accepted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO hub_inbound_signatures (endpoint_id, signature, journal_entry_id, accepted_at, expires_at) " +
            "VALUES ($1, $2, $3, $4, $5) " +
            "ON CONFLICT (endpoint_id, signature) DO UPDATE SET journal_entry_id = EXCLUDED.journal_entry_id, " +
            "accepted_at = EXCLUDED.accepted_at, expires_at = EXCLUDED.expires_at " +
            "WHERE hub_inbound_signatures.expires_at < EXCLUDED.accepted_at");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = endpointId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = signature, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = accepted.JournalEntryId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = accepted.AcceptedAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = accepted.ExpiresAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken);

        await PruneAsync(accepted.AcceptedAt, cancellationToken);
    }

    private async Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = Interlocked.Read(ref _nextPruneTicks);
        if (now.UtcTicks < due
            || Interlocked.CompareExchange(ref _nextPruneTicks, now.UtcTicks + PrunePeriod.Ticks, due) != due)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("DELETE FROM hub_inbound_signatures WHERE expires_at < $1");
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
