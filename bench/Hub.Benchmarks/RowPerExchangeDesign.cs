using System.Text.Json;
using CrmAI.Hub.Exchanges;
using Npgsql;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// The hub's design: one <c>hub_exchanges</c> row per exchange, written by <see cref="PostgresExchangeStore"/>.
/// </summary>
internal sealed class RowPerExchangeDesign(NpgsqlDataSource dataSource, string endpointId) : IBacklogDesign
{
    private const int FillWorkers = 4;

    private readonly PostgresExchangeStore _store = new(dataSource);

    public string Name => "row per exchange";

    public async Task FillAsync(IReadOnlyList<StoredExchange> backlog, CancellationToken cancellationToken)
    {
        await ClearAsync(cancellationToken);
        await Parallel.ForEachAsync(
            backlog,
            new ParallelOptions { MaxDegreeOfParallelism = FillWorkers, CancellationToken = cancellationToken },
            async (exchange, token) => await _store.SaveAsync(exchange, token));
    }

    public async Task<long> EnqueueAsync(StoredExchange exchange, CancellationToken cancellationToken)
    {
        await _store.SaveAsync(exchange, cancellationToken);

        // The request column dominates the row; the other columns add about a hundred bytes.
        return JsonSerializer.SerializeToUtf8Bytes(exchange.Request, PostgresExchangeStore.Json).LongLength;
    }

    public Task RemoveAsync(StoredExchange exchange, CancellationToken cancellationToken) =>
        _store.DeleteAsync(exchange.ExchangeId, cancellationToken);

    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM hub_exchanges WHERE endpoint_id = $1");
        command.Parameters.AddWithValue(endpointId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
