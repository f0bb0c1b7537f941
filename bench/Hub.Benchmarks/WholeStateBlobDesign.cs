using System.Text.Json;
using CrmAI.Hub.Exchanges;
using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// The rejected baseline: the whole backlog as one grain state, serialized with System.Text.Json and written as one
/// bytea row on every change, as the Orleans ADO.NET grain storage writes <c>payloadbinary</c>.
/// </summary>
/// <remarks>
/// The table mirrors the parts of <c>orleansstorage</c> that cost: a bytea payload that PostgreSQL compresses and
/// moves to TOAST, and a version bumped on every write. Orleans' hashing and ETag check are left out, which only
/// makes the baseline cheaper.
/// </remarks>
internal sealed class WholeStateBlobDesign(NpgsqlDataSource dataSource, string grainId) : IBacklogDesign
{
    private const string CreateTableSql = """
        CREATE TABLE IF NOT EXISTS bench_backlog_state
        (
            grain_id    text        PRIMARY KEY,
            version     integer     NOT NULL,
            payload     bytea       NOT NULL,
            modified_on timestamptz NOT NULL
        )
        """;

    private const string UpsertSql = """
        INSERT INTO bench_backlog_state (grain_id, version, payload, modified_on) VALUES ($1, 1, $2, now())
        ON CONFLICT (grain_id) DO UPDATE
        SET version = bench_backlog_state.version + 1, payload = excluded.payload, modified_on = now()
        """;

    // The grain's in-memory state, which a real grain would keep between calls.
    private readonly List<StoredExchange> _state = [];

    public string Name => "one state blob";

    public async Task FillAsync(IReadOnlyList<StoredExchange> backlog, CancellationToken cancellationToken)
    {
        await using (var create = dataSource.CreateCommand(CreateTableSql))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        _state.Clear();
        _state.AddRange(backlog);
        await WriteStateAsync(cancellationToken);
    }

    public async Task<long> EnqueueAsync(StoredExchange exchange, CancellationToken cancellationToken)
    {
        _state.Add(exchange);
        return await WriteStateAsync(cancellationToken);
    }

    // Only the in-memory state shrinks: the next enqueue rewrites the stored blob anyway.
    public Task RemoveAsync(StoredExchange exchange, CancellationToken cancellationToken)
    {
        _state.Remove(exchange);
        return Task.CompletedTask;
    }

    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        _state.Clear();
        await using var command = dataSource.CreateCommand("DROP TABLE IF EXISTS bench_backlog_state");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<long> WriteStateAsync(CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(_state, PostgresExchangeStore.Json);
        await using var command = dataSource.CreateCommand(UpsertSql);
        command.Parameters.Add(new NpgsqlParameter { Value = grainId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = payload, NpgsqlDbType = NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return payload.LongLength;
    }
}
