using System.Globalization;
using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Alerts;

/// <summary>
/// Words the notices of an incident in plain text for a manager: which integration, what happened, since
/// when, the last error and what waits for retry.
/// </summary>
public static class AlertNotices
{
    public static AlertNotice Opened(Incident incident, EndpointHealth health, IReadOnlyList<BrokenRule> broken, string? journalUrl) =>
        Build(incident, AlertKind.Opened, health.At, $"{incident.EndpointId}: {StatusWords(health.Status)}", journalUrl,
        [
            .. broken.Select(b => Capitalize(b.Reason) + "."),
            $"Since {RuleEvaluator.Time(incident.OpenedAt)}.",
            .. Facts(health),
        ]);

    public static AlertNotice StillOpen(
        Incident incident, EndpointHealth health, IReadOnlyList<BrokenRule> broken, long newFailures, string? journalUrl) =>
        Build(incident, AlertKind.StillOpen, health.At, $"{incident.EndpointId}: still {StatusWords(health.Status)}", journalUrl,
        [
            .. broken.Select(b => Capitalize(b.Reason) + "."),
            $"Open for {Duration(health.At - incident.OpenedAt)}; {RuleEvaluator.Exchanges(newFailures)} more failed since the last message.",
            .. Facts(health),
        ]);

    public static AlertNotice Resolved(Incident incident, EndpointHealth health, string? journalUrl)
    {
        var failed = health.FailedExchanges - incident.FailedAtOpen;
        var healed = health.HealedExchanges - incident.HealedAtOpen;
        return Build(incident, AlertKind.Resolved, incident.ResolvedAt!.Value, $"{incident.EndpointId}: recovered", journalUrl,
        [
            $"The incident lasted {Duration(incident.ResolvedAt!.Value - incident.OpenedAt)} (from {RuleEvaluator.Time(incident.OpenedAt)}).",
            $"{RuleEvaluator.Exchanges(failed)} failed during it; {RuleEvaluator.Exchanges(healed)} succeeded after retries.",
            health.Pending + health.Parked > 0 ? $"{RuleEvaluator.Exchanges(health.Pending + health.Parked)} still waiting for retry." : "Nothing waits for retry.",
        ]);
    }

    public static string StatusWords(HealthStatus status) => status switch
    {
        HealthStatus.Down => "down",
        HealthStatus.Degraded => "degraded",
        HealthStatus.AuthFailed => "credentials rejected",
        HealthStatus.CircuitOpen => "paused after repeated failures",
        HealthStatus.Silent => "silent",
        HealthStatus.Healthy => "failing",
        _ => "in trouble",
    };

    private static AlertNotice Build(
        Incident incident, AlertKind kind, DateTimeOffset at, string title, string? journalUrl, List<string> lines) => new()
    {
        NoticeId = Guid.Empty,
        EndpointId = incident.EndpointId,
        IncidentId = incident.IncidentId,
        // A recovery keeps the incident's severity, so every chat that heard of the incident hears it ended.
        Severity = incident.Severity,
        Kind = kind,
        Title = title,
        Lines = lines,
        JournalUrl = journalUrl,
        At = at,
    };

    private static IEnumerable<string> Facts(EndpointHealth health)
    {
        if (health.LastFailure is { } failure)
        {
            var status = failure.StatusCode is { } code ? $"HTTP {code}" : failure.Outcome.ToString();
            var error = string.IsNullOrWhiteSpace(failure.Error) ? "" : $": {failure.Error}";
            yield return $"Last error at {RuleEvaluator.Time(failure.At)}, {status}{error}";
        }

        if (health.Pending + health.Parked > 0)
        {
            yield return $"Waiting for retry: {health.Pending}; parked: {health.Parked}.";
        }
    }

    private static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpper(text[0], CultureInfo.InvariantCulture) + text[1..];

    private static string Duration(TimeSpan duration) =>
        duration.TotalMinutes < 1 ? $"{Math.Max(1, (int)duration.TotalSeconds)} s"
        : duration.TotalHours < 1 ? $"{(int)duration.TotalMinutes} min"
        : $"{(int)duration.TotalHours} h {duration.Minutes} min";
}
