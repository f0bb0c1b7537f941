namespace CrmAI.Hub.Alerts;

/// <summary>
/// Stored alert state of one endpoint.
/// </summary>
public sealed class AlertState
{
    public Incident? Open { get; set; }

    public DateTimeOffset? MutedUntil { get; set; }

    public string? MutedBy { get; set; }

    /// <summary>Notices sent for the open incident, so each notice gets a stable id.</summary>
    public int NoticeSequence { get; set; }

    /// <summary>The endpoint's failed-exchange total at the last notice, to say what changed since.</summary>
    public long FailedAtLastNotice { get; set; }
}
