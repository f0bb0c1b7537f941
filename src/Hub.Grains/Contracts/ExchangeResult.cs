namespace CrmAI.Hub.Contracts;

/// <summary>
/// The outcome of an exchange, returned once its attempts are over.
/// </summary>
[GenerateSerializer, Alias("hub.ExchangeResult")]
public sealed record ExchangeResult
{
    [Id(0)] public required Guid ExchangeId { get; init; }

    [Id(1)] public required ExchangeStatus Status { get; init; }

    [Id(2)] public required Outcome Outcome { get; init; }

    [Id(3)] public required int Attempts { get; init; }

    [Id(4)] public required double DurationMs { get; init; }

    /// <summary>The response of the last attempt, or null when no response arrived.</summary>
    [Id(5)] public ExchangeResponse? Response { get; init; }

    /// <summary>Network or timeout error of the last attempt.</summary>
    [Id(6)] public string? Error { get; init; }

    [Id(7)] public required Guid JournalEntryId { get; init; }

    [Id(8)] public string? CorrelationId { get; init; }
}

/// <summary>
/// A response as the external system sent it, with its body decoded for reading.
/// </summary>
[GenerateSerializer, Alias("hub.ExchangeResponse")]
public sealed record ExchangeResponse(
    [property: Id(0)] int StatusCode,
    [property: Id(1)] IReadOnlyDictionary<string, string> Headers,
    [property: Id(2)] string? Body,
    [property: Id(3)] string? BodyBase64);

public enum ExchangeStatus
{
    Succeeded,
    Failed,
}
