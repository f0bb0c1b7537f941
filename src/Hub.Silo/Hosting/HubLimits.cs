namespace CrmAI.Hub.Silo.Hosting;

/// <summary>
/// Hard limits of the HTTP API.
/// </summary>
public static class HubLimits
{
    /// <summary>Kestrel's body limit of requests that reach no route. Every route's own limit is set per request
    /// by <c>BodyLimitMiddleware</c>. 1 MiB.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;
}
