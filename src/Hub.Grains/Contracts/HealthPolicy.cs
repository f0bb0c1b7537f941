namespace CrmAI.Hub.Contracts;

/// <summary>
/// Thresholds that turn an endpoint's counters into its status.
/// </summary>
[GenerateSerializer, Alias("hub.HealthPolicy")]
public sealed record HealthPolicy
{
    public static HealthPolicy Default { get; } = new();

    /// <summary>How long the endpoint may go without an exchange before it is <c>Silent</c>; null never. Default null.</summary>
    [Id(0)] public TimeSpan? ExpectedActivity { get; init; }

    /// <summary>Consecutive failed exchanges from which the endpoint is <c>Down</c>. Default 3.</summary>
    [Id(1)] public int DownAfterConsecutiveFailures { get; init; } = 3;

    /// <summary>Share of failed exchanges in the last 5 minutes from which it is <c>Degraded</c>. Default 0.2.</summary>
    [Id(2)] public double DegradedFailureRate { get; init; } = 0.2;

    /// <summary>Exchanges in the last 5 minutes before the failure rate counts. Default 5.</summary>
    [Id(3)] public int DegradedMinExchanges { get; init; } = 5;
}
