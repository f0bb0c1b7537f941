namespace CrmAI.Hub.Exchanges;

/// <summary>
/// Exchanges that did not succeed at once, and idempotency keys. Every change touches one row.
/// </summary>
public interface IExchangeStore
{
    /// <summary>Inserts or replaces the row of an exchange.</summary>
    Task SaveAsync(StoredExchange exchange, CancellationToken cancellationToken);

    /// <summary>Removes the row of an exchange that succeeded.</summary>
    Task DeleteAsync(Guid exchangeId, CancellationToken cancellationToken);

    Task<StoredExchange?> GetAsync(Guid exchangeId, CancellationToken cancellationToken);

    /// <summary>Returns pending exchanges of an endpoint due by <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<StoredExchange>> GetDueAsync(
        string endpointId, DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Returns exchanges of an endpoint in one state, in submission order.</summary>
    Task<IReadOnlyList<StoredExchange>> ListAsync(
        string endpointId, StoredState state, int limit, CancellationToken cancellationToken);

    /// <summary>Returns the due time of the earliest pending exchange of an endpoint, or null.</summary>
    Task<DateTimeOffset?> GetNextDueAsync(string endpointId, CancellationToken cancellationToken);

    /// <summary>Counts the pending, the parked and the dead-lettered exchanges of an endpoint.</summary>
    Task<(int Pending, int Parked, int DeadLettered)> CountBacklogAsync(string endpointId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims an idempotency key for a new exchange. Returns null when the claim succeeded, else the exchange
    /// that already owns the key and its stored result, if it has finished.
    /// </summary>
    Task<IdempotencyClaim?> ClaimKeyAsync(
        string endpointId, string key, Guid exchangeId, string requestSha256, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Stores the final result of an exchange under its idempotency key.</summary>
    Task SaveKeyResultAsync(string endpointId, string key, string resultJson, CancellationToken cancellationToken);
}

/// <summary>
/// The exchange that owns an idempotency key, with its result once it has one.
/// </summary>
public sealed record IdempotencyClaim(Guid ExchangeId, string? ResultJson, string? RequestSha256);
