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
        var requestBody = BodyCodec.Decode(attempt.RequestBody, attempt.RequestContentType, []);
        var responseBody = attempt.ResponseBody is null
            ? null
            : BodyCodec.ToJournal(attempt.ResponseBody, attempt.ResponseContentType, redactor, maxBodyBytes);

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
            RequestBody = BodyCodec.ToJournal(requestBody, attempt.RequestContentType, redactor, maxBodyBytes),
            StatusCode = attempt.StatusCode,
            ResponseHeaders = attempt.ResponseHeaders is null ? null : redactor.RedactHeaders(attempt.ResponseHeaders),
            ResponseBody = responseBody,
            DurationMs = attempt.Duration.TotalMilliseconds,
            Outcome = attempt.Outcome,
            Error = attempt.Error is null ? null : redactor.ScrubSecrets(attempt.Error),
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
        var body = BodyCodec.Decode(request.Body, request.ContentType, ContentEncodings(request.Headers));

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
            RequestBody = BodyCodec.ToJournal(body, request.ContentType, redactor, maxBodyBytes),
            StatusCode = rejectedReason is null ? 202 : 400,
            ResponseHeaders = new Dictionary<string, string>(),
            ResponseBody = JournalBody.Empty,
            DurationMs = durationMs,
            Outcome = rejectedReason is null ? Outcome.Success : Outcome.Rejected,
            Error = rejectedReason,
            CorrelationId = context.CorrelationId,
            StartedAt = request.ReceivedAt,
            Silo = context.Silo,
            BusinessKeys = businessKeys?.Extract(body.Bytes) ?? [],
        };
    }

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
