namespace CrmAI.Hub.Contracts;

/// <summary>
/// How an exchange is submitted.
/// </summary>
/// <param name="ExchangeId">Id to use for the exchange; a new one when null.</param>
/// <param name="IdempotencyKey">The caller's key: the same key on the same endpoint never runs twice.</param>
/// <param name="Wait">False to store the exchange and return at once, before the first attempt.</param>
[GenerateSerializer, Alias("hub.SubmitOptions")]
public sealed record SubmitOptions(
    [property: Id(0)] Guid? ExchangeId = null,
    [property: Id(1)] string? IdempotencyKey = null,
    [property: Id(2)] bool Wait = true);

/// <summary>
/// Selects dead-lettered exchanges for a bulk replay; null members match all.
/// </summary>
[GenerateSerializer, Alias("hub.DeadLetterFilter")]
public sealed record DeadLetterFilter(
    [property: Id(0)] string? Operation = null,
    [property: Id(1)] DateTimeOffset? SubmittedFrom = null,
    [property: Id(2)] DateTimeOffset? SubmittedTo = null);
