using CrmAI.Hub.Exchanges;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// One way to keep the pending exchanges of an endpoint in PostgreSQL.
/// </summary>
internal interface IBacklogDesign
{
    string Name { get; }

    /// <summary>Replaces the stored backlog of the endpoint with <paramref name="backlog"/>.</summary>
    Task FillAsync(IReadOnlyList<StoredExchange> backlog, CancellationToken cancellationToken);

    /// <summary>Stores one more pending exchange, the measured operation.</summary>
    /// <returns>The bytes the design sent to the database for this change.</returns>
    Task<long> EnqueueAsync(StoredExchange exchange, CancellationToken cancellationToken);

    /// <summary>Takes the exchange of the last <see cref="EnqueueAsync"/> out again, so the backlog size stays fixed.</summary>
    Task RemoveAsync(StoredExchange exchange, CancellationToken cancellationToken);

    /// <summary>Removes everything the design stored.</summary>
    Task ClearAsync(CancellationToken cancellationToken);
}
