using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using CrmAI.Hub.Alerts;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// Alert rules as the API reads and writes them; durations are strings such as <c>"10m"</c>, and a member left
/// out takes the global default.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AlertRulesBody(
    int? ConsecutiveFailures = null,
    double? FailureRatePercent = null,
    int? FailureRateMinExchanges = null,
    string? SilenceAfter = null,
    string? LatencyP95 = null,
    bool? AuthFailure = null,
    bool? DeadLetters = null,
    bool? CircuitOpen = null,
    string? ReminderInterval = null,
    string? RecoveryHold = null)
{
    internal AlertRules ToRules(string prefix, Validation errors)
    {
        if (ConsecutiveFailures is < 1)
        {
            errors.Add($"{prefix}.consecutiveFailures", "Must be at least 1.");
        }

        // Written as a negated range, so NaN (which the string "NaN" becomes) fails the check too.
        if (FailureRatePercent is { } rate && !(rate > 0 && rate <= 100))
        {
            errors.Add($"{prefix}.failureRatePercent", "Must be greater than 0 and at most 100.");
        }

        if (FailureRateMinExchanges is < 1)
        {
            errors.Add($"{prefix}.failureRateMinExchanges", "Must be at least 1.");
        }

        return new AlertRules
        {
            ConsecutiveFailures = ConsecutiveFailures,
            FailureRatePercent = FailureRatePercent,
            FailureRateMinExchanges = FailureRateMinExchanges,
            SilenceAfter = Optional($"{prefix}.silenceAfter", SilenceAfter, TimeSpan.FromSeconds(1), errors),
            LatencyP95 = Optional($"{prefix}.latencyP95", LatencyP95, TimeSpan.FromMilliseconds(1), errors),
            AuthFailure = AuthFailure,
            DeadLetters = DeadLetters,
            CircuitOpen = CircuitOpen,
            ReminderInterval = Optional($"{prefix}.reminderInterval", ReminderInterval, TimeSpan.FromSeconds(1), errors),
            RecoveryHold = Optional($"{prefix}.recoveryHold", RecoveryHold, TimeSpan.Zero, errors),
        };
    }

    public static AlertRulesBody From(AlertRules rules) => new(
        rules.ConsecutiveFailures,
        rules.FailureRatePercent,
        rules.FailureRateMinExchanges,
        Write(rules.SilenceAfter),
        Write(rules.LatencyP95),
        rules.AuthFailure,
        rules.DeadLetters,
        rules.CircuitOpen,
        Write(rules.ReminderInterval),
        Write(rules.RecoveryHold));

    private static TimeSpan? Optional(string field, string? text, TimeSpan minimum, Validation errors) =>
        text is null ? null : RetryBody.Duration(field, text, TimeSpan.Zero, errors, minimum);

    private static string? Write(TimeSpan? duration) => duration is { } value ? Durations.Write(value) : null;
}

/// <summary>
/// The body of <c>PUT /api/alert-rules</c> and the result of <c>GET</c>: global defaults and per-endpoint overrides.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AlertRuleSetBody(AlertRulesBody? Defaults = null, Dictionary<string, AlertRulesBody>? Endpoints = null);

/// <summary>
/// The body of <c>POST /api/endpoints/{endpointId}/mute</c>: a duration such as <c>"1h"</c>, or <c>"0s"</c> to unmute.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MuteBody([property: Required] string? Duration = null);

public sealed record MuteView(string EndpointId, DateTimeOffset? MutedUntil);
