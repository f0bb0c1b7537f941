using CrmAI.Hub.Silo.Storage;
using CrmAI.Hub.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Tests.Journal;

/// <summary>
/// A fresh database with the hub schema, and helpers that write journal rows with explicit timestamps.
/// </summary>
internal sealed class JournalDatabase : IAsyncDisposable
{
    private JournalDatabase(NpgsqlDataSource dataSource) => DataSource = dataSource;

    public NpgsqlDataSource DataSource { get; }

    public static async Task<JournalDatabase> CreateAsync(PostgresServerFixture server, CancellationToken cancellationToken)
    {
        var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(cancellationToken));
        await SchemaMigrator.ApplyAsync(dataSource, NullLogger.Instance, cancellationToken);
        return new JournalDatabase(dataSource);
    }

    /// <summary>Inserts one attempt with 4-byte text bodies, creating its day's partition first.</summary>
    public async Task<Guid> InsertAsync(string endpointId, DateTimeOffset startedAt, Guid? exchangeId = null, string outcome = "Success")
    {
        var day = DateOnly.FromDateTime(startedAt.UtcDateTime);
        await ExecuteAsync("SELECT hub_journal_ensure_partitions($1, $1)", (day, NpgsqlDbType.Date));
        var id = Guid.CreateVersion7(startedAt);
        await ExecuteAsync(
            """
            INSERT INTO journal_entries (id, exchange_id, attempt, endpoint_id, direction, operation, method, url,
                request_headers, request_body, request_body_size, request_body_truncated, status_code, response_body,
                response_body_size, response_body_truncated, duration_ms, outcome, started_at, silo)
            VALUES ($1, $2, 1, $3, 'Outbound', 'op', 'POST', 'http://127.0.0.1/', '{}', 'body', 4, false, 200, 'resp',
                4, false, 10, $4, $5, 'test')
            """,
            (id, NpgsqlDbType.Uuid), (exchangeId ?? Guid.NewGuid(), NpgsqlDbType.Uuid), (endpointId, NpgsqlDbType.Text),
            (outcome, NpgsqlDbType.Text), (startedAt.UtcDateTime, NpgsqlDbType.TimestampTz));
        return id;
    }

    /// <summary>Marks an exchange unfinished, as a parked exchange is.</summary>
    public Task AddUnfinishedExchangeAsync(Guid exchangeId, string endpointId, DateTimeOffset at) => ExecuteAsync(
        """
        INSERT INTO hub_exchanges (exchange_id, endpoint_id, state, request, attempts, scheduled_retries, submitted_at, updated_at)
        VALUES ($1, $2, 'Parked', '{}', 1, 0, $3, $3)
        """,
        (exchangeId, NpgsqlDbType.Uuid), (endpointId, NpgsqlDbType.Text), (at.UtcDateTime, NpgsqlDbType.TimestampTz));

    public async Task<long> ScalarAsync(string sql, params (object Value, NpgsqlDbType Type)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (value, type) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql, params (object Value, NpgsqlDbType Type)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (value, type) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
        }

        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

/// <summary>
/// A clock that stays at the time a test sets.
/// </summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
