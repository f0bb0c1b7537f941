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
/// Stored counters and rolling health windows of an endpoint. They are written in batches, so a crash can lose
/// the last few seconds; their size does not grow with traffic.
/// </summary>
public sealed class EndpointStatsState
{
    /// <summary>When the endpoint was created, so silence is detected even before its first exchange.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    public long TotalExchanges { get; set; }

    public long TotalFailures { get; set; }

    /// <summary>Exchanges that succeeded after at least one failed attempt.</summary>
    public long HealedExchanges { get; set; }

    public int ConsecutiveFailures { get; set; }

    public DateTimeOffset? LastExchangeAt { get; set; }

    public DateTimeOffset? LastSuccessAt { get; set; }

    public FailureInfo? LastFailure { get; set; }

    /// <summary>Since when the endpoint rejects its credentials, or null when they work.</summary>
    public DateTimeOffset? AuthFailedAt { get; set; }

    /// <summary>One bucket per minute for the last hour, oldest first.</summary>
    public List<HealthBucket> Minutes { get; set; } = [];

    /// <summary>One bucket per hour for the last 24 hours, oldest first.</summary>
    public List<HealthBucket> Hours { get; set; } = [];
}

/// <summary>
/// Exchanges that ended within one time bucket, with a latency histogram over <see cref="LatencyHistogram"/> bins.
/// </summary>
public sealed class HealthBucket
{
    public DateTimeOffset Start { get; set; }

    public int Exchanges { get; set; }

    public int Successes { get; set; }

    public Dictionary<string, int> Failures { get; set; } = [];

    public int[] Latency { get; set; } = new int[LatencyHistogram.BinCount];
}
