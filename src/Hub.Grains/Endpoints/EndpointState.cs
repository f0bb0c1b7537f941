using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Endpoints;

/// <summary>
/// Stored configuration of an endpoint; a null <see cref="Config"/> means the endpoint does not exist.
/// </summary>
public sealed class EndpointConfigState
{
    public EndpointConfig? Config { get; set; }
}

/// <summary>
/// Stored counters of an endpoint. They are written in batches, so a crash can lose the last few seconds.
/// </summary>
public sealed class EndpointStatsState
{
    public long TotalExchanges { get; set; }

    public long TotalFailures { get; set; }

    public int ConsecutiveFailures { get; set; }

    public DateTimeOffset? LastExchangeAt { get; set; }

    public DateTimeOffset? LastSuccessAt { get; set; }

    public DateTimeOffset? LastFailureAt { get; set; }

    /// <summary>Since when the endpoint rejects its credentials, or null when they work.</summary>
    public DateTimeOffset? AuthFailedAt { get; set; }

    /// <summary>Exchanges and failures per minute over the recent window, oldest first.</summary>
    public List<MinuteCount> RecentMinutes { get; set; } = [];
}

public sealed record MinuteCount(DateTimeOffset Minute, int Exchanges, int Failures);
