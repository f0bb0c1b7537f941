namespace CrmAI.Hub.Contracts;

/// <summary>
/// The outbound exchange that inbound data of an endpoint is delivered as.
/// </summary>
[GenerateSerializer, Alias("hub.ForwardTarget")]
public sealed record ForwardTarget(
    [property: Id(0)] string EndpointId,
    [property: Id(1)] string Method,
    [property: Id(2)] string Path);
