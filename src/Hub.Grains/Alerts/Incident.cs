namespace CrmAI.Hub.Alerts;

/// <summary>
/// A period during which an endpoint broke one or more alert rules.
/// </summary>
[GenerateSerializer, Alias("hub.Incident")]
public sealed record Incident
{
    [Id(0)] public required Guid IncidentId { get; init; }

    [Id(1)] public required string EndpointId { get; init; }

    [Id(2)] public required AlertSeverity Severity { get; init; }

    /// <summary>The rules broken, such as <c>consecutiveFailures</c> or <c>authFailure</c>.</summary>
    [Id(3)] public required IReadOnlyList<string> Rules { get; init; }

    [Id(4)] public required string Summary { get; init; }

    [Id(5)] public required DateTimeOffset OpenedAt { get; init; }

    [Id(6)] public DateTimeOffset? ResolvedAt { get; init; }

    [Id(7)] public DateTimeOffset? AcknowledgedAt { get; init; }

    [Id(8)] public string? AcknowledgedBy { get; init; }

    [Id(9)] public DateTimeOffset? LastNotifiedAt { get; init; }

    /// <summary>Failed and healed exchange totals of the endpoint when the incident opened.</summary>
    [Id(10)] public long FailedAtOpen { get; init; }

    [Id(11)] public long HealedAtOpen { get; init; }

    public bool IsOpen => ResolvedAt is null;
}
