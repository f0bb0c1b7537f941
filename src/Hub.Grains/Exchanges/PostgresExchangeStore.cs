using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrmAI.Hub.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Exchanges;

/// <summary>
/// <see cref="IExchangeStore"/> on the <c>hub_exchanges</c> and <c>hub_idempotency_keys</c> tables.
/// </summary>
public sealed class PostgresExchangeStore(NpgsqlDataSource dataSource) : IExchangeStore
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private const string Columns =
        "exchange_id, endpoint_id, state, request, attempts, scheduled_retries, submitted_at, next_attempt_at, " +
        "idempotency_key, last_outcome, last_status_code, last_error, last_entry_id";

    public async Task SaveAsync(StoredExchange exchange, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO hub_exchanges ({Columns}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now()) " +
            "ON CONFLICT (exchange_id) DO UPDATE SET state = $3, request = $4, attempts = $5, scheduled_retries = $6, " +
            "next_attempt_at = $8, last_outcome = $10, last_status_code = $11, last_error = $12, last_entry_id = $13, " +
            "updated_at = now()");
        var p = command.Parameters;
        p.Add(Parameter(exchange.ExchangeId, NpgsqlDbType.Uuid));
        p.Add(Parameter(exchange.EndpointId, NpgsqlDbType.Text));
        p.Add(Parameter(exchange.State.ToString(), NpgsqlDbType.Text));
        p.Add(Parameter(JsonSerializer.Serialize(exchange.Request, Json), NpgsqlDbType.Jsonb));
        p.Add(Parameter(exchange.Attempts, NpgsqlDbType.Integer));
        p.Add(Parameter(exchange.ScheduledRetries, NpgsqlDbType.Integer));
        p.Add(Parameter(exchange.SubmittedAt.UtcDateTime, NpgsqlDbType.TimestampTz));
        p.Add(Parameter(exchange.NextAttemptAt?.UtcDateTime, NpgsqlDbType.TimestampTz));
        p.Add(Parameter(exchange.IdempotencyKey, NpgsqlDbType.Text));
        p.Add(Parameter(exchange.LastOutcome?.ToString(), NpgsqlDbType.Text));
        p.Add(Parameter(exchange.LastStatusCode, NpgsqlDbType.Integer));
        p.Add(Parameter(exchange.LastError, NpgsqlDbType.Text));
        p.Add(Parameter(exchange.LastEntryId, NpgsqlDbType.Uuid));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteAsync(Guid exchangeId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM hub_exchanges WHERE exchange_id = $1");
        command.Parameters.Add(Parameter(exchangeId, NpgsqlDbType.Uuid));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredExchange?> GetAsync(Guid exchangeId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM hub_exchanges WHERE exchange_id = $1");
        command.Parameters.Add(Parameter(exchangeId, NpgsqlDbType.Uuid));
        var rows = await ReadAsync(command, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<StoredExchange>> GetDueAsync(
        string endpointId, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM hub_exchanges WHERE endpoint_id = $1 AND state = 'Pending' AND next_attempt_at <= $2 " +
            "ORDER BY next_attempt_at, submitted_at LIMIT $3");
        command.Parameters.Add(Parameter(endpointId, NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(now.UtcDateTime, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Parameter(limit, NpgsqlDbType.Integer));
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredExchange>> ListAsync(
        string endpointId, StoredState state, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM hub_exchanges WHERE endpoint_id = $1 AND state = $2 " +
            "ORDER BY submitted_at, exchange_id LIMIT $3");
        command.Parameters.Add(Parameter(endpointId, NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(state.ToString(), NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(limit, NpgsqlDbType.Integer));
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<DateTimeOffset?> GetNextDueAsync(string endpointId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT min(next_attempt_at) FROM hub_exchanges WHERE endpoint_id = $1 AND state = 'Pending'");
        command.Parameters.Add(Parameter(endpointId, NpgsqlDbType.Text));
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DateTime due ? new DateTimeOffset(due) : null;
    }

    public async Task<(int Pending, int Parked, int DeadLettered)> CountBacklogAsync(
        string endpointId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FILTER (WHERE state = 'Pending'), count(*) FILTER (WHERE state = 'Parked'), " +
            "count(*) FILTER (WHERE state = 'DeadLettered') FROM hub_exchanges WHERE endpoint_id = $1");
        command.Parameters.Add(Parameter(endpointId, NpgsqlDbType.Text));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2));
    }

    public async Task<IdempotencyClaim?> ClaimKeyAsync(
        string endpointId, string key, Guid exchangeId, string requestSha256, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The insert either claims the key or leaves the existing row, which the union then returns.
        await using var command = dataSource.CreateCommand(
            "WITH claimed AS (INSERT INTO hub_idempotency_keys (endpoint_id, idempotency_key, exchange_id, created_at, request_sha256) " +
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING exchange_id) " +
            "SELECT exchange_id, NULL::text, true, NULL::text FROM claimed " +
            "UNION ALL SELECT exchange_id, result::text, false, request_sha256 FROM hub_idempotency_keys " +
            "WHERE endpoint_id = $1 AND idempotency_key = $2 AND NOT EXISTS (SELECT 1 FROM claimed)");
        command.Parameters.Add(Parameter(endpointId, NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(key, NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(exchangeId, NpgsqlDbType.Uuid));
        command.Parameters.Add(Parameter(now.UtcDateTime, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Parameter(requestSha256, NpgsqlDbType.Text));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Idempotency key of endpoint '{endpointId}' was neither claimed nor found.");
        }

        return reader.GetBoolean(2)
            ? null
            : new IdempotencyClaim(
                reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    public async Task SaveKeyResultAsync(string endpointId, string key, string resultJson, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE hub_idempotency_keys SET result = $3 WHERE endpoint_id = $1 AND idempotency_key = $2");
        command.Parameters.Add(Parameter(endpointId, NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(key, NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(resultJson, NpgsqlDbType.Jsonb));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter Parameter(object? value, NpgsqlDbType type) =>
        new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    private static async Task<List<StoredExchange>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<StoredExchange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    private static StoredExchange Read(DbDataReader reader) => new()
    {
        ExchangeId = reader.GetGuid(0),
        EndpointId = reader.GetString(1),
        State = Enum.Parse<StoredState>(reader.GetString(2)),
        Request = JsonSerializer.Deserialize<ExchangeRequest>(reader.GetString(3), Json)!,
        Attempts = reader.GetInt32(4),
        ScheduledRetries = reader.GetInt32(5),
        SubmittedAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(6)),
        NextAttemptAt = reader.IsDBNull(7) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(7)),
        IdempotencyKey = reader.IsDBNull(8) ? null : reader.GetString(8),
        LastOutcome = reader.IsDBNull(9) ? null : Enum.Parse<Outcome>(reader.GetString(9)),
        LastStatusCode = reader.IsDBNull(10) ? null : reader.GetInt32(10),
        LastError = reader.IsDBNull(11) ? null : reader.GetString(11),
        LastEntryId = reader.IsDBNull(12) ? null : reader.GetGuid(12),
    };
}
