namespace CrmAI.Hub.Contracts;

/// <summary>
/// Data an external system pushed to the hub, exactly as it arrived.
/// </summary>
[GenerateSerializer, Alias("hub.InboundRequest")]
public sealed record InboundRequest
{
    [Id(0)] public required string Method { get; init; }

    /// <summary>The request URL as the hub received it, path and query included.</summary>
    [Id(1)] public required string Url { get; init; }

    [Id(2)] public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    [Id(3)] public byte[] Body { get; init; } = [];

    [Id(4)] public string? ContentType { get; init; }

    [Id(5)] public string? CorrelationId { get; init; }

    [Id(6)] public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>True when the caller sent a hub API key with the exchange scope. The grain lets such a key stand in
    /// for authentication only on an endpoint without <see cref="EndpointConfig.InboundAuth"/>.</summary>
    [Id(7)] public bool HubKeyAccepted { get; init; }

    /// <summary>The endpoint's body limit in bytes when the body exceeded it, else null. The body is then empty,
    /// and the grain journals the request as rejected.</summary>
    [Id(8)] public int? BodyOverLimit { get; init; }
}

/// <summary>
/// What the hub did with inbound data: where it was journaled and, with forwarding, which exchange delivers it.
/// </summary>
[GenerateSerializer, Alias("hub.InboundResult")]
public sealed record InboundResult(
    [property: Id(0)] Guid JournalEntryId,
    [property: Id(1)] string CorrelationId,
    [property: Id(2)] Guid? ForwardExchangeId,
    [property: Id(3)] string? ForwardEndpointId,
    [property: Id(4)] string? RejectedReason = null,
    [property: Id(5)] InboundDenial? Denial = null);

/// <summary>
/// Why the grain did not accept inbound data from its caller.
/// </summary>
public enum InboundDenial
{
    /// <summary>The endpoint has no inbound authentication, so the caller needs a hub API key. Nothing is journaled.</summary>
    HubKeyRequired,

    /// <summary>The shared secret or signature is missing, wrong or too old. The attempt is journaled as rejected.</summary>
    InboundAuthFailed,

    /// <summary>The body exceeded the endpoint's <c>maxBodyBytes</c>. The attempt is journaled as rejected, without the body.</summary>
    BodyTooLarge,
}
