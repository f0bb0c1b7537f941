namespace CrmAI.Hub.Contracts;

/// <summary>
/// How an external system proves that inbound data for an endpoint comes from it: a shared secret in a header, or
/// an HMAC-SHA256 signature of the body.
/// </summary>
[GenerateSerializer, Alias("hub.InboundAuth")]
public sealed record InboundAuth
{
    [Id(0)] public required InboundAuthType Type { get; init; }

    /// <summary>Header that carries the shared secret or the signature.</summary>
    [Id(1)] public required string Header { get; init; }

    /// <summary>Shared secret or HMAC key, encrypted at rest and never shown by the API.</summary>
    [Id(2)] public string? Secret { get; init; }

    /// <summary>Header with the Unix time in seconds that the signature covers, or null to sign the body alone.</summary>
    [Id(3)] public string? TimestampHeader { get; init; }

    /// <summary>Maximum difference between the signed timestamp and the hub's clock.</summary>
    [Id(4)] public TimeSpan Tolerance { get; init; } = DefaultTolerance;

    public static TimeSpan DefaultTolerance { get; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest <see cref="Tolerance"/> an endpoint may have.</summary>
    public static TimeSpan MaxTolerance { get; } = TimeSpan.FromDays(1);
}

public enum InboundAuthType
{
    SharedSecret,
    Hmac,
}
