namespace CrmAI.Hub.Demo.Control;

/// <summary>One request that a demo system received, as <c>GET /_requests</c> lists it.</summary>
/// <param name="Id">Sequence number within this system, starting at 1.</param>
/// <param name="ReceivedAt">Time the request arrived.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path without the query string.</param>
/// <param name="Query">Query string including the leading <c>?</c>, or empty.</param>
/// <param name="Headers">Request headers, with repeated headers joined by <c>", "</c>.</param>
/// <param name="Body">Parsed JSON body, the body text when it is not JSON, or null when empty.</param>
/// <param name="BodyTruncated">True when the body was longer than the recorded part.</param>
/// <param name="Mode">Failure mode applied to the request.</param>
/// <param name="StatusCode">Status code sent, or null when the connection was dropped or closed by the client.</param>
internal sealed record RecordedRequest(
    long Id,
    DateTimeOffset ReceivedAt,
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    object? Body,
    bool BodyTruncated,
    string Mode,
    int? StatusCode);
