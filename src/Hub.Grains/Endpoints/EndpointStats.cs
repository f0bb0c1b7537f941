using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Endpoints;

/// <summary>
/// Counts settled exchanges into an endpoint's stored buckets and derives its health and status.
/// </summary>
public static class EndpointStats
{
    /// <summary>The window that the recent counts of the status page cover.</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromMinutes(15);

    public static void Record(EndpointStatsState stats, ExchangeSample sample)
    {
        stats.TotalExchanges++;
        stats.LastExchangeAt = sample.At;
        if (sample.Failure is null)
        {
            stats.ConsecutiveFailures = 0;
            stats.LastSuccessAt = sample.At;
            stats.HealedExchanges += sample.Attempts > 1 ? 1 : 0;
        }
        else
        {
            stats.TotalFailures++;
            stats.ConsecutiveFailures++;
            stats.LastFailure = sample.Failure;
        }

        Add(stats.Minutes, Truncate(sample.At, TimeSpan.FromMinutes(1)), 60, sample);
        Add(stats.Hours, Truncate(sample.At, TimeSpan.FromHours(1)), 24, sample);
    }

    public static EndpointHealth ToHealth(string endpointId, EndpointStatsState stats, HealthContext context)
    {
        var now = context.Now;
        var health = new EndpointHealth
        {
            EndpointId = endpointId,
            Status = HealthStatus.Unknown,
            At = now,
            Last5Minutes = Window(stats.Minutes, now - TimeSpan.FromMinutes(5)),
            LastHour = Window(stats.Minutes, now - TimeSpan.FromHours(1)),
            Last24Hours = Window(stats.Hours, now - TimeSpan.FromHours(24)),
            ConsecutiveFailures = stats.ConsecutiveFailures,
            LastExchangeAt = stats.LastExchangeAt,
            LastSuccessAt = stats.LastSuccessAt,
            LastFailure = stats.LastFailure,
            Pending = context.Pending,
            Parked = context.Parked,
            DeadLettered = context.DeadLettered,
            HealedExchanges = stats.HealedExchanges,
            FailedExchanges = stats.TotalFailures,
            FailuresPerHour = FailuresPerHour(stats.Hours, now),
            AuthFailedAt = stats.AuthFailedAt,
            CircuitOpenUntil = context.CircuitOpenUntil,
            ExpectedActivity = context.Policy.ExpectedActivity,
            CreatedAt = stats.CreatedAt,
        };

        return health with { Status = Classify(stats, health, context) };
    }

    public static EndpointStatus ToStatus(string endpointId, EndpointStatsState stats, HealthContext context)
    {
        var health = ToHealth(endpointId, stats, context);
        var recent = Window(stats.Minutes, context.Now - RecentWindow);
        return new EndpointStatus
        {
            EndpointId = endpointId,
            Status = health.Status,
            LastExchangeAt = stats.LastExchangeAt,
            LastSuccessAt = stats.LastSuccessAt,
            LastFailureAt = stats.LastFailure?.At,
            RecentExchanges = recent.Exchanges,
            RecentFailures = recent.Failures,
            TotalExchanges = stats.TotalExchanges,
            TotalFailures = stats.TotalFailures,
            ConsecutiveFailures = stats.ConsecutiveFailures,
            Pending = context.Pending,
            Parked = context.Parked,
            DeadLettered = context.DeadLettered,
            FailuresPerHour = health.FailuresPerHour,
        };
    }

    private static HealthStatus Classify(EndpointStatsState stats, EndpointHealth health, HealthContext context)
    {
        var policy = context.Policy;
        if (stats.AuthFailedAt is not null)
        {
            return HealthStatus.AuthFailed;
        }

        if (context.CircuitOpenUntil is not null)
        {
            return HealthStatus.CircuitOpen;
        }

        if (stats.ConsecutiveFailures >= policy.DownAfterConsecutiveFailures)
        {
            return HealthStatus.Down;
        }

        var quietSince = stats.LastExchangeAt ?? stats.CreatedAt;
        if (policy.ExpectedActivity is { } expected && quietSince is { } since && context.Now - since > expected)
        {
            return HealthStatus.Silent;
        }

        if (stats.TotalExchanges == 0)
        {
            return HealthStatus.Unknown;
        }

        var window = health.Last5Minutes;
        var rateDegraded = window.Exchanges >= policy.DegradedMinExchanges
            && window.Failures >= policy.DegradedFailureRate * window.Exchanges && window.Failures > 0;
        return stats.ConsecutiveFailures > 0 || rateDegraded ? HealthStatus.Degraded : HealthStatus.Healthy;
    }

    private static void Add(List<HealthBucket> buckets, DateTimeOffset start, int keep, ExchangeSample sample)
    {
        if (buckets.Count == 0 || buckets[^1].Start < start)
        {
            buckets.Add(new HealthBucket { Start = start });
        }

        var bucket = buckets[^1];
        bucket.Exchanges++;
        if (sample.Failure is { } failure)
        {
            var key = failure.StatusCode is 401 or 403 ? "Auth" : failure.Outcome.ToString();
            bucket.Failures[key] = bucket.Failures.GetValueOrDefault(key) + 1;
        }
        else
        {
            bucket.Successes++;
        }

        bucket.Latency[LatencyHistogram.BinOf(sample.LatencyMs)]++;
        if (buckets.Count > keep)
        {
            buckets.RemoveRange(0, buckets.Count - keep);
        }
    }

    private static HealthWindow Window(List<HealthBucket> buckets, DateTimeOffset from)
    {
        var inWindow = buckets.Where(b => b.Start >= Truncate(from, TimeSpan.FromMinutes(1))).ToList();
        var exchanges = inWindow.Sum(b => b.Exchanges);
        var successes = inWindow.Sum(b => b.Successes);
        var latency = new int[LatencyHistogram.BinCount];
        var failures = new Dictionary<string, int>();
        foreach (var bucket in inWindow)
        {
            for (var i = 0; i < latency.Length && i < bucket.Latency.Length; i++)
            {
                latency[i] += bucket.Latency[i];
            }

            foreach (var (outcome, count) in bucket.Failures)
            {
                failures[outcome] = failures.GetValueOrDefault(outcome) + count;
            }
        }

        return new HealthWindow
        {
            Exchanges = exchanges,
            Successes = successes,
            Failures = exchanges - successes,
            FailuresByOutcome = failures,
            SuccessRate = exchanges == 0 ? null : Math.Round((double)successes / exchanges, 4),
            LatencyP50Ms = LatencyHistogram.Percentile(latency, 0.50),
            LatencyP95Ms = LatencyHistogram.Percentile(latency, 0.95),
            LatencyP99Ms = LatencyHistogram.Percentile(latency, 0.99),
        };
    }

    private static int[] FailuresPerHour(List<HealthBucket> hours, DateTimeOffset now)
    {
        var current = Truncate(now, TimeSpan.FromHours(1));
        var result = new int[24];
        foreach (var bucket in hours)
        {
            var age = (int)((current - bucket.Start).Ticks / TimeSpan.TicksPerHour);
            if (age is >= 0 and < 24)
            {
                result[23 - age] = bucket.Exchanges - bucket.Successes;
            }
        }

        return result;
    }

    private static DateTimeOffset Truncate(DateTimeOffset at, TimeSpan unit) =>
        new(at.UtcTicks - at.UtcTicks % unit.Ticks, TimeSpan.Zero);
}

/// <summary>
/// One settled exchange as health counts it: when, how long its last attempt took, how many attempts it
/// took, and its failure, if it failed.
/// </summary>
public sealed record ExchangeSample(DateTimeOffset At, double LatencyMs, int Attempts, FailureInfo? Failure);

/// <summary>
/// What health needs beyond the stored counters: the clock, the thresholds and the grain's live counts.
/// </summary>
public sealed record HealthContext(
    DateTimeOffset Now,
    HealthPolicy Policy,
    DateTimeOffset? CircuitOpenUntil,
    int Pending,
    int Parked,
    int DeadLettered);
