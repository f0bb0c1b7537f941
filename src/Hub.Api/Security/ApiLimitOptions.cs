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

    /// <summary>Maximum length of the request URL as sent (path and query string), in characters; longer gets 414.</summary>
    /// <value>Default 16384.</value>
    /// <remarks>Kestrel rejects request lines over 64 KiB itself, with a 414 that has no body.</remarks>
    public int MaxUrlLength { get; set; } = 16 * 1024;

    /// <summary>Largest request body, in bytes, of routes whose body does not belong to an endpoint; more gets 413.</summary>
    /// <value>Default 1048576 (1 MiB).</value>
    /// <remarks>Exchange submissions and inbound data take the endpoint's own <c>maxBodyBytes</c> instead.</remarks>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Longest query string, in characters after the <c>?</c>; longer gets 414.</summary>
    /// <value>Default 4096.</value>
    public int MaxQueryLength { get; set; } = 4096;

    /// <summary>Most query parameters in one request, counting each repetition; more gets 414.</summary>
    /// <value>Default 64.</value>
    public int MaxQueryParameters { get; set; } = 64;

    /// <summary>Failed inbound requests (401, 404, 413) one client address may cause per minute before its inbound
    /// requests without a valid hub key get 429.</summary>
    /// <value>Default 60.</value>
    /// <remarks>Each failed inbound request costs a journal row and a warning, so a stranger who floods the public
    /// inbound route is blocked here. The address is the TCP peer; behind a proxy that is the proxy.</remarks>
    public int InboundFailuresPerMinute { get; set; } = 60;
}
