namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Limits per API key and on request headers, bound from the <c>ApiLimits</c> configuration section.
/// </summary>
public sealed class ApiLimitOptions
{
    public const string SectionName = "ApiLimits";

    /// <summary>Requests a key may send at once after a quiet period (the token bucket's size).</summary>
    /// <value>Default 1000.</value>
    public int BurstRequests { get; set; } = 1000;

    /// <summary>Requests added back to each key's bucket every <see cref="RefillPeriod"/>.</summary>
    /// <value>Default 500.</value>
    /// <remarks>With the default period this is the sustained rate: 500 requests per second per key.</remarks>
    public int RequestsPerPeriod { get; set; } = 500;

    /// <summary>How often the bucket is refilled.</summary>
    /// <value>Default 1 s.</value>
    public TimeSpan RefillPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests of one key that may run at the same time; more get 429 at once.</summary>
    /// <value>Default 200.</value>
    /// <remarks>Exchanges with <c>wait=true</c> hold their request for the whole exchange, so a caller that
    /// submits many slow exchanges in parallel needs a higher value or <c>wait=false</c>.</remarks>
    public int ConcurrentRequests { get; set; } = 200;

    /// <summary>Maximum number of request headers; more get 431.</summary>
    /// <value>Default 64.</value>
    public int MaxHeaderCount { get; set; } = 64;

    /// <summary>Maximum total length of the request header names and values, in characters; more gets 431.</summary>
    /// <value>Default 16384, which is 16 KiB for ASCII headers.</value>
    public int MaxHeaderBytes { get; set; } = 16 * 1024;
}
