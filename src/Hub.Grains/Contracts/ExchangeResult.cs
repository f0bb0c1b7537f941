namespace CrmAI.Hub.Contracts;

/// <summary>
/// The outcome of an exchange, returned once its attempts are over.
/// </summary>
[GenerateSerializer, Alias("hub.ExchangeResult")]
public sealed record ExchangeResult
{
    [Id(0)] public required Guid ExchangeId { get; init; }

    [Id(1)] public required ExchangeStatus Status { get; init; }

    /// <summary>How the last attempt ended, or null when none ran.</summary>
    [Id(2)] public required Outcome? Outcome { get; init; }

    [Id(3)] public required int Attempts { get; init; }

    [Id(4)] public required double DurationMs { get; init; }

    /// <summary>The response of the last attempt, or null when no response arrived.</summary>
    [Id(5)] public ExchangeResponse? Response { get; init; }

    /// <summary>Network or timeout error of the last attempt.</summary>
    [Id(6)] public string? Error { get; init; }

    /// <summary>Journal entry of the last attempt, or null when none ran.</summary>
    [Id(7)] public required Guid? JournalEntryId { get; init; }

    [Id(8)] public string? CorrelationId { get; init; }

    /// <summary>When the next attempt is due, for exchanges still pending.</summary>
    [Id(9)] public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When the exchange was submitted.</summary>
    [Id(10)] public DateTimeOffset SubmittedAt { get; init; }
}

/// <summary>
/// A response as the external system sent it, with its body decoded for reading.
/// </summary>
[GenerateSerializer, Alias("hub.ExchangeResponse")]
public sealed record ExchangeResponse(
    [property: Id(0)] int StatusCode,
    [property: Id(1)] IReadOnlyDictionary<string, string> Headers,
    [property: Id(2)] string? Body,
    [property: Id(3)] string? BodyBase64);

public enum ExchangeStatus
{
    Succeeded,

    /// <summary>A permanent failure: the external system rejected the request. It can be replayed.</summary>
    Failed,

    /// <summary>Accepted and stored, and not attempted yet.</summary>
    Pending,

    /// <summary>A transient failure; the next attempt is scheduled.</summary>
    RetryScheduled,

    /// <summary>The endpoint rejected the credentials; the exchange waits for them to be fixed.</summary>
    Parked,

    /// <summary>Retries ran out or the exchange grew too old. It can be replayed.</summary>
    DeadLettered,

    /// <summary>Not accepted, because the endpoint's backlog is full.</summary>
    Rejected,

    /// <summary>Attempts are running now: the first one or the quick retries.</summary>
    Running,

    /// <summary>Not accepted: the idempotency key was used before for a different request.</summary>
    KeyConflict,
}
