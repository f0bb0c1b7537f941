using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Endpoints;

/// <summary>
/// Counts exchanges of an endpoint into its stored counters and derives the endpoint's status.
/// </summary>
public static class EndpointStats
{
    /// <summary>The window that status and recent counts cover.</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromMinutes(15);

    /// <summary>Consecutive failures from which an endpoint is down.</summary>
    public const int DownAfterFailures = 3;

    public static void Record(EndpointStatsState stats, DateTimeOffset at, bool succeeded)
    {
        stats.TotalExchanges++;
        stats.LastExchangeAt = at;
        if (succeeded)
        {
            stats.ConsecutiveFailures = 0;
            stats.LastSuccessAt = at;
        }
        else
        {
            stats.TotalFailures++;
            stats.ConsecutiveFailures++;
            stats.LastFailureAt = at;
        }

        var minute = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        Trim(stats.RecentMinutes, at);
        var failures = succeeded ? 0 : 1;
        if (stats.RecentMinutes.Count > 0 && stats.RecentMinutes[^1].Minute == minute)
        {
            var last = stats.RecentMinutes[^1];
            stats.RecentMinutes[^1] = last with { Exchanges = last.Exchanges + 1, Failures = last.Failures + failures };
        }
        else
        {
            stats.RecentMinutes.Add(new MinuteCount(minute, 1, failures));
        }
    }

    public static EndpointStatus ToStatus(
        string endpointId, EndpointStatsState stats, DateTimeOffset now, bool circuitOpen, int pending, int parked)
    {
        var recent = stats.RecentMinutes.Where(m => m.Minute > now - RecentWindow).ToList();
        var exchanges = recent.Sum(m => m.Exchanges);
        var failures = recent.Sum(m => m.Failures);

        return new EndpointStatus
        {
            EndpointId = endpointId,
            Status = stats.AuthFailedAt is not null ? HealthStatus.AuthFailed
                : circuitOpen ? HealthStatus.CircuitOpen
                : Classify(stats, exchanges, failures),
            LastExchangeAt = stats.LastExchangeAt,
            LastSuccessAt = stats.LastSuccessAt,
            LastFailureAt = stats.LastFailureAt,
            RecentExchanges = exchanges,
            RecentFailures = failures,
            TotalExchanges = stats.TotalExchanges,
            TotalFailures = stats.TotalFailures,
            ConsecutiveFailures = stats.ConsecutiveFailures,
            Pending = pending,
            Parked = parked,
        };
    }

    private static HealthStatus Classify(EndpointStatsState stats, int exchanges, int failures)
    {
        if (stats.TotalExchanges == 0)
        {
            return HealthStatus.Unknown;
        }

        if (stats.ConsecutiveFailures >= DownAfterFailures)
        {
            return HealthStatus.Down;
        }

        // Any failure of the latest exchange, or a fifth or more of the recent ones, degrades the endpoint.
        return stats.ConsecutiveFailures > 0 || failures * 5 >= Math.Max(exchanges, 1) && failures > 0
            ? HealthStatus.Degraded
            : HealthStatus.Healthy;
    }

    private static void Trim(List<MinuteCount> minutes, DateTimeOffset now)
    {
        var oldest = now - RecentWindow;
        minutes.RemoveAll(m => m.Minute <= oldest - TimeSpan.FromMinutes(1));
    }
}
