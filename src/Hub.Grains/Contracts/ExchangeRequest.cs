namespace CrmAI.Hub.Contracts;

/// <summary>
/// One request to send to an endpoint, as an integrator submitted it.
/// </summary>
[GenerateSerializer, Alias("hub.ExchangeRequest")]
public sealed record ExchangeRequest
{
    [Id(0)] public required string Operation { get; init; }

    [Id(1)] public required string Method { get; init; }

    /// <summary>Path relative to the endpoint's base URL.</summary>
    [Id(2)] public string Path { get; init; } = "";

    [Id(3)] public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();

    [Id(4)] public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Body text, or null for a request without a body.</summary>
    [Id(5)] public string? Body { get; init; }

    /// <summary>True when <see cref="Body"/> is JSON text, so it goes out as application/json.</summary>
    [Id(6)] public bool BodyIsJson { get; init; }

    [Id(7)] public string? CorrelationId { get; init; }

    /// <summary>Raw body bytes, used instead of <see cref="Body"/> when the content is not text.</summary>
    [Id(8)] public byte[]? BodyBytes { get; init; }

    /// <summary>Content type of the body when the submitter named one.</summary>
    [Id(9)] public string? ContentType { get; init; }
}
