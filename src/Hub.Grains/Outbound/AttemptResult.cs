using CrmAI.Hub.Contracts;
using CrmAI.Hub.Journal;

namespace CrmAI.Hub.Outbound;

/// <summary>
/// What one outbound attempt produced, before redaction.
/// </summary>
public sealed record AttemptResult
{
    public required Outcome Outcome { get; init; }

    public required Uri Url { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; init; }

    public required byte[] RequestBody { get; init; }

    public string? RequestContentType { get; init; }

    public int? StatusCode { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>>? ResponseHeaders { get; init; }

    public BodyCodec.Decoded? ResponseBody { get; init; }

    public string? ResponseContentType { get; init; }

    public string? Error { get; init; }

    /// <summary>True when the connection was not opened because the address is not allowed; never retried.</summary>
    public bool AddressRejected { get; init; }

    /// <summary>Redirects followed before the response above, in order; empty when none was.</summary>
    public IReadOnlyList<RedirectHop> Redirects { get; init; } = [];

    public required DateTimeOffset StartedAt { get; init; }

    public required TimeSpan Duration { get; init; }
}
