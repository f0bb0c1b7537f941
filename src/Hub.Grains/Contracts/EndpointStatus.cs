namespace CrmAI.Hub.Contracts;

/// <summary>
/// A summary of an endpoint's recent exchanges, as shown by the status page.
/// </summary>
[GenerateSerializer, Alias("hub.EndpointStatus")]
public sealed record EndpointStatus
{
    [Id(0)] public required string EndpointId { get; init; }

    [Id(1)] public required HealthStatus Status { get; init; }

    [Id(2)] public DateTimeOffset? LastExchangeAt { get; init; }

    [Id(3)] public DateTimeOffset? LastSuccessAt { get; init; }

    [Id(4)] public DateTimeOffset? LastFailureAt { get; init; }

    [Id(5)] public int RecentExchanges { get; init; }

    [Id(6)] public int RecentFailures { get; init; }

    [Id(7)] public long TotalExchanges { get; init; }

    [Id(8)] public long TotalFailures { get; init; }

    [Id(9)] public int ConsecutiveFailures { get; init; }

    /// <summary>Exchanges waiting for a retry.</summary>
    [Id(10)] public int Pending { get; init; }

    /// <summary>Exchanges waiting for working credentials.</summary>
    [Id(11)] public int Parked { get; init; }

    [Id(12)] public int DeadLettered { get; init; }

    /// <summary>Failures in each of the last 24 hours, oldest first.</summary>
    [Id(13)] public IReadOnlyList<int> FailuresPerHour { get; init; } = [];
}

public enum HealthStatus
{
    /// <summary>No exchange has run yet.</summary>
    Unknown,
    Healthy,

    /// <summary>Some recent exchanges failed.</summary>
    Degraded,

    /// <summary>The latest exchanges all failed.</summary>
    Down,

    /// <summary>The endpoint rejected the credentials; exchanges are parked until they are fixed.</summary>
    AuthFailed,

    /// <summary>Too many transient failures; the hub pauses calls and probes after a break.</summary>
    CircuitOpen,

    /// <summary>No exchange for longer than the endpoint's expected activity.</summary>
    Silent,
}
