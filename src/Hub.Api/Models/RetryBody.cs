using System.Text.Json.Serialization;
using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// The <c>retry</c> member of an endpoint body; durations are strings such as <c>"30s"</c> or <c>"1h"</c>, and
/// every member is optional, with the defaults of <see cref="RetryPolicy"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RetryBody
{
    public int? Immediate { get; init; }

    public string? ImmediateDelay { get; init; }

    public string? MaxQuickRetryAfter { get; init; }

    public List<string>? Schedule { get; init; }

    public int? MaxAttempts { get; init; }

    public string? MaxAge { get; init; }

    public List<int>? TransientStatusCodes { get; init; }

    public List<int>? PermanentStatusCodes { get; init; }

    public int? BacklogLimit { get; init; }

    public string? AuthProbeInterval { get; init; }

    public CircuitBody? Circuit { get; init; }

    internal RetryPolicy ToPolicy(Validation errors)
    {
        var defaults = RetryPolicy.Default;
        var schedule = new List<TimeSpan>();
        for (var i = 0; i < (Schedule?.Count ?? 0); i++)
        {
            schedule.Add(Duration($"retry.schedule[{i}]", Schedule![i], TimeSpan.Zero, errors, TimeSpan.FromMilliseconds(100)));
        }

        if (Immediate is < 0 or > 10)
        {
            errors.Add("retry.immediate", "Must be from 0 to 10 quick retries.");
        }

        if (MaxAttempts is < 1)
        {
            errors.Add("retry.maxAttempts", "Must be at least 1, or left out for no limit but maxAge.");
        }

        if (BacklogLimit is < 1 or > 1_000_000)
        {
            errors.Add("retry.backlogLimit", "Must be from 1 to 1,000,000.");
        }

        CheckStatusCodes("retry.transientStatusCodes", TransientStatusCodes, errors);
        CheckStatusCodes("retry.permanentStatusCodes", PermanentStatusCodes, errors);

        return new RetryPolicy
        {
            Immediate = Immediate ?? defaults.Immediate,
            ImmediateDelay = Duration("retry.immediateDelay", ImmediateDelay, defaults.ImmediateDelay, errors, TimeSpan.FromMilliseconds(1)),
            MaxQuickRetryAfter = Duration("retry.maxQuickRetryAfter", MaxQuickRetryAfter, defaults.MaxQuickRetryAfter, errors, TimeSpan.Zero),
            Schedule = Schedule is null ? defaults.Schedule : schedule,
            MaxAttempts = MaxAttempts,
            MaxAge = Duration("retry.maxAge", MaxAge, defaults.MaxAge, errors, TimeSpan.FromSeconds(1)),
            TransientStatusCodes = TransientStatusCodes ?? defaults.TransientStatusCodes,
            PermanentStatusCodes = PermanentStatusCodes ?? defaults.PermanentStatusCodes,
            BacklogLimit = BacklogLimit ?? defaults.BacklogLimit,
            AuthProbeInterval = Duration("retry.authProbeInterval", AuthProbeInterval, defaults.AuthProbeInterval, errors, TimeSpan.FromMilliseconds(100)),
            Circuit = Circuit?.ToPolicy(errors) ?? defaults.Circuit,
        };
    }

    internal static TimeSpan Duration(string field, string? text, TimeSpan fallback, Validation errors, TimeSpan minimum)
    {
        if (text is null)
        {
            return fallback;
        }

        if (!Durations.TryParse(text, out var duration))
        {
            errors.Add(field, $"'{text}' is not a duration: use {Durations.Format}.");
            return fallback;
        }

        if (duration < minimum)
        {
            errors.Add(field, $"Must be at least {Durations.Write(minimum)}.");
        }

        return duration;
    }

    private static void CheckStatusCodes(string field, List<int>? codes, Validation errors)
    {
        if (codes?.Any(code => code is < 100 or > 599) == true)
        {
            errors.Add(field, "HTTP status codes must be from 100 to 599.");
        }
    }
}

/// <summary>
/// The <c>retry.circuit</c> member of an endpoint body.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CircuitBody(
    int? ConsecutiveFailures = null, double? FailureRatio = null, int? MinimumThroughput = null, string? Window = null, string? BreakDuration = null)
{
    internal CircuitPolicy ToPolicy(Validation errors)
    {
        var defaults = new CircuitPolicy();
        if (ConsecutiveFailures is < 1)
        {
            errors.Add("retry.circuit.consecutiveFailures", "Must be at least 1.");
        }

        // Written as a negated range, so NaN (which the string "NaN" becomes) fails the check too.
        if (FailureRatio is { } ratio && !(ratio > 0 && ratio <= 1))
        {
            errors.Add("retry.circuit.failureRatio", "Must be greater than 0 and at most 1.");
        }

        if (MinimumThroughput is < 1)
        {
            errors.Add("retry.circuit.minimumThroughput", "Must be at least 1.");
        }

        return new CircuitPolicy
        {
            ConsecutiveFailures = ConsecutiveFailures ?? defaults.ConsecutiveFailures,
            FailureRatio = FailureRatio ?? defaults.FailureRatio,
            MinimumThroughput = MinimumThroughput ?? defaults.MinimumThroughput,
            Window = RetryBody.Duration("retry.circuit.window", Window, defaults.Window, errors, TimeSpan.FromSeconds(1)),
            BreakDuration = RetryBody.Duration("retry.circuit.breakDuration", BreakDuration, defaults.BreakDuration, errors, TimeSpan.FromMilliseconds(100)),
        };
    }
}

/// <summary>
/// An endpoint's retry policy as the API shows it, with durations written like the input.
/// </summary>
public sealed record RetryView(
    int Immediate,
    string ImmediateDelay,
    string MaxQuickRetryAfter,
    IReadOnlyList<string> Schedule,
    int? MaxAttempts,
    string MaxAge,
    IReadOnlyList<int> TransientStatusCodes,
    IReadOnlyList<int> PermanentStatusCodes,
    int BacklogLimit,
    string AuthProbeInterval,
    CircuitBody Circuit)
{
    public static RetryView From(RetryPolicy p) => new(
        p.Immediate,
        Durations.Write(p.ImmediateDelay),
        Durations.Write(p.MaxQuickRetryAfter),
        [.. p.Schedule.Select(Durations.Write)],
        p.MaxAttempts,
        Durations.Write(p.MaxAge),
        p.TransientStatusCodes,
        p.PermanentStatusCodes,
        p.BacklogLimit,
        Durations.Write(p.AuthProbeInterval),
        new CircuitBody(p.Circuit.ConsecutiveFailures, p.Circuit.FailureRatio, p.Circuit.MinimumThroughput,
            Durations.Write(p.Circuit.Window), Durations.Write(p.Circuit.BreakDuration)));
}
