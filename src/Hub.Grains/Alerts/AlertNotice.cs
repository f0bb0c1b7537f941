namespace CrmAI.Hub.Alerts;

/// <summary>
/// One thing managers must hear about an endpoint: an incident opened, still open, or resolved. The text is
/// plain, so the delivery channel escapes it.
/// </summary>
public sealed record AlertNotice
{
    /// <summary>Unique per notice, so delivering the same notice twice is recognised and done once.</summary>
    public required Guid NoticeId { get; init; }

    public required string EndpointId { get; init; }

    public required Guid IncidentId { get; init; }

    public required AlertSeverity Severity { get; init; }

    public required AlertKind Kind { get; init; }

    /// <summary>One line saying what happened, such as "crm is down".</summary>
    public required string Title { get; init; }

    /// <summary>Facts in plain text, one per line: since when, last error, pending exchanges.</summary>
    public IReadOnlyList<string> Lines { get; init; } = [];

    /// <summary>Absolute URL of the matching journal view, or null when <c>Hub:PublicUrl</c> is unset.</summary>
    public string? JournalUrl { get; init; }

    public required DateTimeOffset At { get; init; }
}

public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

public enum AlertKind
{
    Opened,

    /// <summary>A follow-up while the incident lasts.</summary>
    StillOpen,
    Resolved,
}

/// <summary>
/// Delivers alert notices to the people routed to receive them.
/// </summary>
public interface INotifier
{
    /// <summary>
    /// Stores the notice durably for delivery and returns; delivery happens later, with retries. Storing the same
    /// <see cref="AlertNotice.NoticeId"/> twice has no effect.
    /// </summary>
    Task NotifyAsync(AlertNotice notice, CancellationToken cancellationToken);
}
