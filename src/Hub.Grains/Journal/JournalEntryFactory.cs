using System.Security.Cryptography;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Outbound;

namespace CrmAI.Hub.Journal;

/// <summary>
/// Builds journal entries from attempts, redacting every secret before anything leaves the grain.
/// </summary>
public static class JournalEntryFactory
{
    public static JournalEntry FromAttempt(
        AttemptResult attempt, AttemptContext context, Redactor redactor, int maxBodyBytes,
        BusinessKeyExtractor? businessKeys = null)
    {
        var withheld = new List<string>();
        var requestBody = BodyCodec.Decode(attempt.RequestBody, attempt.RequestContentType, []);
        var storedRequest = ToJournal(requestBody, attempt.RequestContentType, redactor, maxBodyBytes, "request", withheld);
        var responseBody = attempt.ResponseBody is null
            ? null
            : ToJournal(attempt.ResponseBody, attempt.ResponseContentType, redactor, maxBodyBytes, "response", withheld);

        return new JournalEntry
        {
            Id = Guid.CreateVersion7(attempt.StartedAt),
            ExchangeId = context.ExchangeId,
            Attempt = context.Attempt,
            Trigger = context.Trigger,
            EndpointId = context.EndpointId,
            Direction = Direction.Outbound,
            Operation = context.Operation,
            Method = context.Method,
            Url = redactor.RedactUrl(attempt.Url),
            RequestHeaders = redactor.RedactHeaders(attempt.RequestHeaders),
            RequestBody = storedRequest,
            StatusCode = attempt.StatusCode,
            ResponseHeaders = attempt.ResponseHeaders is null ? null : redactor.RedactHeaders(attempt.ResponseHeaders),
            ResponseBody = responseBody,
            DurationMs = attempt.Duration.TotalMilliseconds,
            Outcome = attempt.Outcome,
            Error = WithNotes(attempt.Error is null ? null : redactor.ScrubSecrets(attempt.Error), withheld),
            CorrelationId = context.CorrelationId,
            StartedAt = attempt.StartedAt,
            Silo = context.Silo,
            BusinessKeys = businessKeys?.Extract(requestBody.Bytes, attempt.ResponseBody?.Bytes ?? []) ?? [],
            Redirects = [.. attempt.Redirects.Select(hop => hop with
            {
                From = redactor.RedactUrl(new Uri(hop.From)),
                To = redactor.RedactUrl(new Uri(hop.To)),
            })],
        };
    }

    public static JournalEntry FromInbound(
        InboundRequest request, AttemptContext context, Redactor redactor, int maxBodyBytes, double durationMs,
        string? rejectedReason = null, BusinessKeyExtractor? businessKeys = null)
    {
        var withheld = new List<string>();
        var body = BodyCodec.Decode(request.Body, request.ContentType, ContentEncodings(request.Headers));
        var storedBody = ToJournal(body, request.ContentType, redactor, maxBodyBytes, "request", withheld);

        return new JournalEntry
        {
            Id = Guid.CreateVersion7(request.ReceivedAt),
            ExchangeId = context.ExchangeId,
            Attempt = context.Attempt,
            EndpointId = context.EndpointId,
            Direction = Direction.Inbound,
            Operation = context.Operation,
            Method = request.Method,
            Url = redactor.RedactUrl(new Uri(request.Url)),
            RequestHeaders = redactor.RedactHeaders(request.Headers),
            RequestBody = storedBody,
            StatusCode = rejectedReason is null ? 202 : 400,
            ResponseHeaders = new Dictionary<string, string>(),
            ResponseBody = JournalBody.Empty,
            DurationMs = durationMs,
            Outcome = rejectedReason is null ? Outcome.Success : Outcome.Rejected,
            Error = WithNotes(rejectedReason, withheld),
            CorrelationId = context.CorrelationId,
            StartedAt = request.ReceivedAt,
            Silo = context.Silo,
            BusinessKeys = businessKeys?.Extract(body.Bytes) ?? [],
        };
    }

    // Redaction reads a JSON body as a tree, which throws on a name repeated in one object (ArgumentException) and
    // on text that is not valid Unicode (InvalidOperationException). Such a body keeps only its size and SHA-256,
    // because storing it unredacted could leak a secret, and the attempt itself goes on.
    // NOTE: the cause is in Redactor.TryRedactJson; once it reads such bodies, this fallback no longer runs.
    private static JournalBody ToJournal(
        BodyCodec.Decoded body, string? contentType, Redactor redactor, int maxBodyBytes, string which, List<string> withheld)
    {
        try
        {
            return BodyCodec.ToJournal(body, contentType, redactor, maxBodyBytes);
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException)
        {
            withheld.Add($"(journal: {which} body not stored, because redaction cannot read JSON that repeats a name " +
                "in one object or is not valid Unicode)");
            var hash = Convert.ToHexStringLower(SHA256.HashData(body.Bytes));
            return new JournalBody(null, null, body.Bytes.Length, hash, Truncated: true, contentType);
        }
    }

    private static string? WithNotes(string? error, List<string> notes) =>
        notes.Count == 0 ? error : string.Join(' ', notes.Prepend(error).OfType<string>());

    private static string[] ContentEncodings(IReadOnlyDictionary<string, string> headers) =>
        headers.FirstOrDefault(h => h.Key.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase)).Value is { } value
            ? value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];
}

/// <summary>
/// Identity of one attempt within its exchange.
/// </summary>
public sealed record AttemptContext(
    Guid ExchangeId,
    int Attempt,
    string EndpointId,
    string Operation,
    string Method,
    string? CorrelationId,
    string Silo,
    AttemptTrigger Trigger = AttemptTrigger.FirstAttempt);
