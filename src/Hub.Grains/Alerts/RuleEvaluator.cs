using System.Globalization;
using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Alerts;

/// <summary>
/// Applies alert rules to an endpoint's health.
/// </summary>
public static class RuleEvaluator
{
    /// <summary>Returns the rules the health breaks, each with its severity and a plain-text reason.</summary>
    public static IReadOnlyList<BrokenRule> Evaluate(EndpointHealth health, AlertRules rules)
    {
        var broken = new List<BrokenRule>();
        if (rules.AuthFailure == true && health.AuthFailedAt is { } authAt)
        {
            broken.Add(new("authFailure", AlertSeverity.Critical,
                $"the system rejects the hub's credentials since {Time(authAt)}; {Exchanges(health.Parked)} parked"));
        }

        if (rules.CircuitOpen == true && health.CircuitOpenUntil is not null)
        {
            broken.Add(new("circuitOpen", AlertSeverity.Critical, "too many failures in a row; the hub paused calls to it"));
        }

        if (rules.ConsecutiveFailures is { } failures && health.ConsecutiveFailures >= failures)
        {
            broken.Add(new("consecutiveFailures", AlertSeverity.Critical, $"{Exchanges(health.ConsecutiveFailures)} in a row failed"));
        }

        var window = health.Last5Minutes;
        if (rules.FailureRatePercent is { } percent && window.Exchanges >= (rules.FailureRateMinExchanges ?? 1)
            && window.Failures * 100.0 >= percent * window.Exchanges)
        {
            broken.Add(new("failureRate", AlertSeverity.Warning,
                $"{window.Failures} of {Exchanges(window.Exchanges)} failed in the last 5 minutes"));
        }

        // The endpoint's expected activity is a silence threshold too, so one setting covers both.
        if ((rules.SilenceAfter ?? health.ExpectedActivity) is { } silence && Silent(health, silence))
        {
            var since = health.LastSuccessAt is { } at ? $"since {Time(at)}" : "yet";
            broken.Add(new("silence", AlertSeverity.Warning, $"no successful exchange {since}"));
        }

        if (rules.LatencyP95 is { } latency && window.LatencyP95Ms is { } p95 && p95 >= latency.TotalMilliseconds)
        {
            broken.Add(new("latencyP95", AlertSeverity.Warning,
                $"95% of exchanges took up to {p95.ToString("0", CultureInfo.InvariantCulture)} ms in the last 5 minutes"));
        }

        if (rules.DeadLetters == true && health.DeadLettered > 0)
        {
            broken.Add(new("deadLetters", AlertSeverity.Warning, $"{Exchanges(health.DeadLettered)} gave up retrying (dead letters)"));
        }

        return broken;
    }

    // Silence counts from the last success, or from the endpoint's creation when it never had one.
    private static bool Silent(EndpointHealth health, TimeSpan silence) =>
        (health.LastSuccessAt ?? health.CreatedAt) is { } reference && health.At - reference >= silence;

    /// <summary>Counts exchanges in words: "1 exchange", "3 exchanges".</summary>
    public static string Exchanges(long count) => count == 1 ? "1 exchange" : $"{count} exchanges";

    public static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

/// <summary>
/// A rule that an endpoint's health breaks.
/// </summary>
public sealed record BrokenRule(string Rule, AlertSeverity Severity, string Reason);
