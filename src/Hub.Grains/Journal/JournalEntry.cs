using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Journal;

/// <summary>
/// One attempt of one exchange, with secrets already redacted.
/// </summary>
public sealed record JournalEntry
{
    public required Guid Id { get; init; }

    public required Guid ExchangeId { get; init; }

    /// <summary>Attempt number within the exchange, starting at 1.</summary>
    public required int Attempt { get; init; }

    public AttemptTrigger Trigger { get; init; } = AttemptTrigger.FirstAttempt;

    public required string EndpointId { get; init; }

    public required Direction Direction { get; init; }

    public required string Operation { get; init; }

    public required string Method { get; init; }

    public required string Url { get; init; }

    public required IReadOnlyDictionary<string, string> RequestHeaders { get; init; }

    public required JournalBody RequestBody { get; init; }

    /// <summary>HTTP status of the response, or null when none arrived.</summary>
    public int? StatusCode { get; init; }

    public IReadOnlyDictionary<string, string>? ResponseHeaders { get; init; }

    public JournalBody? ResponseBody { get; init; }

    public required double DurationMs { get; init; }

    public required Outcome Outcome { get; init; }

    /// <summary>Error message for timeouts, network errors and requests that could not be sent.</summary>
    public string? Error { get; init; }

    public string? CorrelationId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Name of the silo that ran the attempt.</summary>
    public required string Silo { get; init; }

    /// <summary>W3C trace id (32 hex digits) of the exchange run, or null when tracing was off.</summary>
    public string? TraceId { get; init; }

    /// <summary>Values found at the endpoint's <c>businessKeys</c> JSON paths in the request and response bodies.</summary>
    public IReadOnlyList<string> BusinessKeys { get; init; } = [];

    /// <summary>Redirects followed before the response of this entry, in order, with secrets removed from their URLs.</summary>
    public IReadOnlyList<RedirectHop> Redirects { get; init; } = [];
}
