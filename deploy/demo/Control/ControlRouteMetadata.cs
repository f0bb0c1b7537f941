namespace CrmAI.Hub.Demo.Control;

/// <summary>
/// Endpoint metadata for the demo's own routes (<c>/_control</c>, <c>/_requests</c>, <c>/simulate/...</c>).
/// Failure modes skip these routes and <c>GET /_requests</c> does not list them.
/// </summary>
internal sealed class ControlRouteMetadata
{
    public static readonly ControlRouteMetadata Instance = new();

    private ControlRouteMetadata()
    {
    }
}
