namespace CrmAI.Hub.Silo.Hosting;

/// <summary>
/// Hard limits of the HTTP API.
/// </summary>
public static class HubLimits
{
    /// <summary>Largest request body the API accepts; larger ones get 413. 8 MiB.</summary>
    public const long MaxRequestBodyBytes = 8 * 1024 * 1024;
}
