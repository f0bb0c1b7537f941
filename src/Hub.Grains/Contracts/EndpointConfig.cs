namespace CrmAI.Hub.Contracts;

/// <summary>
/// Configuration of one external system as the hub reaches it.
/// </summary>
[GenerateSerializer, Alias("hub.EndpointConfig")]
public sealed record EndpointConfig
{
    /// <summary>Absolute http or https URL that exchange paths are appended to.</summary>
    [Id(0)] public required Uri BaseUrl { get; init; }

    /// <summary>Credentials sent with every outbound request, or null for none.</summary>
    [Id(1)] public EndpointAuth? Auth { get; init; }

    /// <summary>Time limit of one attempt.</summary>
    [Id(2)] public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Headers added to every outbound request.</summary>
    [Id(3)] public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Maximum number of exchanges that run against this endpoint at once.</summary>
    [Id(4)] public int MaxConcurrency { get; init; } = 32;

    /// <summary>JSON property names whose values are replaced before bodies reach the journal.</summary>
    [Id(5)] public IReadOnlyList<string> RedactJsonFields { get; init; } = DefaultRedactJsonFields;

    /// <summary>Where inbound data received for this endpoint is delivered, or null to only journal it.</summary>
    [Id(6)] public ForwardTarget? ForwardTo { get; init; }

    [Id(7)] public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    [Id(8)] public HealthPolicy Health { get; init; } = HealthPolicy.Default;

    /// <summary>JSON paths such as <c>$.order.number</c> whose values in request and response bodies are stored as
    /// business keys of each journal entry.</summary>
    [Id(9)] public IReadOnlyList<string> BusinessKeys { get; init; } = [];

    /// <summary>Journal retention of this endpoint in days; null members take the global defaults.</summary>
    [Id(10)] public JournalRetentionPolicy? JournalRetention { get; init; }

    /// <summary>How senders of inbound data authenticate, or null to require a hub API key with the exchange scope.</summary>
    [Id(11)] public InboundAuth? InboundAuth { get; init; }

    /// <summary>Redirects followed within one attempt. 0, the default, returns a redirect as the response.</summary>
    /// <remarks>Every hop passes the same address guard as the first request, and the journal lists every hop.
    /// Credentials are sent only to the origin of <see cref="BaseUrl"/>.</remarks>
    [Id(12)] public int MaxRedirects { get; init; }

    /// <summary>Largest body, in bytes, of an exchange submitted for this endpoint or of inbound data it receives.</summary>
    [Id(13)] public int MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>1 MiB.</summary>
    public const int DefaultMaxBodyBytes = 1024 * 1024;

    public static IReadOnlyList<string> DefaultRedactJsonFields { get; } = ["password", "token", "secret", "apiKey"];
}
