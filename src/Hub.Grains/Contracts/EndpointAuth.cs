namespace CrmAI.Hub.Contracts;

/// <summary>
/// Credentials of an endpoint: a bearer token, a user name and password, or a custom header.
/// </summary>
[GenerateSerializer, Alias("hub.EndpointAuth")]
public sealed record EndpointAuth
{
    [Id(0)] public required EndpointAuthType Type { get; init; }

    [Id(1)] public string? Token { get; init; }

    [Id(2)] public string? Username { get; init; }

    [Id(3)] public string? Password { get; init; }

    /// <summary>Header name for <see cref="EndpointAuthType.Header"/>.</summary>
    [Id(4)] public string? HeaderName { get; init; }

    /// <summary>Header value for <see cref="EndpointAuthType.Header"/>; a secret.</summary>
    [Id(5)] public string? HeaderValue { get; init; }

    /// <summary>Every secret value this configuration carries, so they can be scrubbed from stored text.</summary>
    public IEnumerable<string> Secrets()
    {
        foreach (var value in new[] { Token, Password, HeaderValue })
        {
            if (!string.IsNullOrEmpty(value))
            {
                yield return value;
            }
        }
    }
}

public enum EndpointAuthType
{
    Bearer,
    Basic,
    Header,
}
