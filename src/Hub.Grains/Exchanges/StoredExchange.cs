using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Exchanges;

/// <summary>
/// An exchange that did not succeed at once, as kept in <c>hub_exchanges</c> until it succeeds.
/// </summary>
public sealed record StoredExchange
{
    public required Guid ExchangeId { get; init; }

    public required string EndpointId { get; init; }

    public required StoredState State { get; init; }

    /// <summary>The request as submitted, secrets included, because retries send it again.</summary>
    public required ExchangeRequest Request { get; init; }

    /// <summary>Attempts made so far, quick retries included.</summary>
    public int Attempts { get; init; }

    /// <summary>Durable retries made so far; it picks the next delay from the schedule.</summary>
    public int ScheduledRetries { get; init; }

    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>When a pending exchange is due; null for the other states.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    public string? IdempotencyKey { get; init; }

    public Outcome? LastOutcome { get; init; }

    public int? LastStatusCode { get; init; }

    public string? LastError { get; init; }

    public Guid? LastEntryId { get; init; }

    /// <summary>The exchange status this stored state shows to callers.</summary>
    public ExchangeStatus Status => State switch
    {
        StoredState.Pending => Attempts == 0 ? ExchangeStatus.Pending : ExchangeStatus.RetryScheduled,
        StoredState.Parked => ExchangeStatus.Parked,
        StoredState.DeadLettered => ExchangeStatus.DeadLettered,
        _ => ExchangeStatus.Failed,
    };
}

public enum StoredState
{
    /// <summary>Waiting for its next attempt at <see cref="StoredExchange.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>Waiting for the endpoint's credentials to work again.</summary>
    Parked,
    DeadLettered,
    Failed,
}
