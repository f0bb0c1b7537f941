namespace CrmAI.Hub.Contracts;

/// <summary>
/// An endpoint's health: status, rolling windows of 5 minutes, 1 hour and 24 hours, and what waits for retry.
/// </summary>
[GenerateSerializer, Alias("hub.EndpointHealth")]
public sealed record EndpointHealth
{
    [Id(0)] public required string EndpointId { get; init; }

    [Id(1)] public required HealthStatus Status { get; init; }

    [Id(2)] public required DateTimeOffset At { get; init; }

    [Id(3)] public required HealthWindow Last5Minutes { get; init; }

    [Id(4)] public required HealthWindow LastHour { get; init; }

    [Id(5)] public required HealthWindow Last24Hours { get; init; }

    [Id(6)] public int ConsecutiveFailures { get; init; }

    [Id(7)] public DateTimeOffset? LastExchangeAt { get; init; }

    [Id(8)] public DateTimeOffset? LastSuccessAt { get; init; }

    [Id(9)] public FailureInfo? LastFailure { get; init; }

    [Id(10)] public int Pending { get; init; }

    [Id(11)] public int Parked { get; init; }

    [Id(12)] public int DeadLettered { get; init; }

    /// <summary>Exchanges that failed at least once and then succeeded, since the endpoint was created.</summary>
    [Id(13)] public long HealedExchanges { get; init; }

    /// <summary>Exchanges that ended in a failure of any kind, since the endpoint was created.</summary>
    [Id(14)] public long FailedExchanges { get; init; }

    /// <summary>Failures in each of the last 24 hours, oldest first; the last entry is the current hour.</summary>
    [Id(15)] public IReadOnlyList<int> FailuresPerHour { get; init; } = [];

    [Id(16)] public DateTimeOffset? AuthFailedAt { get; init; }

    [Id(17)] public DateTimeOffset? CircuitOpenUntil { get; init; }

    /// <summary>How long the endpoint may go without an exchange before it is <c>Silent</c>; null never.</summary>
    [Id(18)] public TimeSpan? ExpectedActivity { get; init; }

    /// <summary>When the endpoint was created, the reference for silence before any success.</summary>
    [Id(19)] public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>
/// Counts and latency of the exchanges in one rolling window.
/// </summary>
[GenerateSerializer, Alias("hub.HealthWindow")]
public sealed record HealthWindow
{
    [Id(0)] public int Exchanges { get; init; }

    [Id(1)] public int Successes { get; init; }

    [Id(2)] public int Failures { get; init; }

    /// <summary>Failures by outcome name, and <c>Auth</c> for 401 and 403.</summary>
    [Id(3)] public IReadOnlyDictionary<string, int> FailuresByOutcome { get; init; } = new Dictionary<string, int>();

    /// <summary>Successes divided by exchanges, or null without exchanges.</summary>
    [Id(4)] public double? SuccessRate { get; init; }

    /// <summary>Latency percentiles in milliseconds, estimated from a histogram; null without exchanges.</summary>
    [Id(5)] public double? LatencyP50Ms { get; init; }

    [Id(6)] public double? LatencyP95Ms { get; init; }

    [Id(7)] public double? LatencyP99Ms { get; init; }
}

/// <summary>
/// The last failure of an endpoint.
/// </summary>
[GenerateSerializer, Alias("hub.FailureInfo")]
public sealed record FailureInfo(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] Outcome Outcome,
    [property: Id(2)] int? StatusCode,
    [property: Id(3)] string? Error,
    [property: Id(4)] Guid? JournalEntryId);
