using System.Diagnostics;

namespace CrmAI.Hub.Telemetry;

/// <summary>
/// The hub's trace spans, all from the activity source <c>CrmAI.Hub</c>. <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null while no tracer provider listens, so callers handle a missing activity.
/// </summary>
public static class HubActivity
{
    public const string SourceName = "CrmAI.Hub";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The W3C trace id of the current activity, or null outside a trace.</summary>
    public static string? CurrentTraceId => Activity.Current is { } current ? current.TraceId.ToHexString() : null;
}
