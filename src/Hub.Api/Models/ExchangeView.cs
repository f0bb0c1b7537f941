using System.Text.Json;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Outbound;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// The result of <c>POST /api/endpoints/{endpointId}/exchanges</c>.
/// </summary>
public sealed record ExchangeResultView(
    Guid ExchangeId,
    string EndpointId,
    ExchangeStatus Status,
    Outcome? Outcome,
    int Attempts,
    double DurationMs,
    ResponseView? Response,
    string? Error,
    Guid? JournalEntryId,
    string? CorrelationId,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? NextAttemptAt)
{
    public static ExchangeResultView From(string endpointId, ExchangeResult result) => new(
        result.ExchangeId,
        endpointId,
        result.Status,
        result.Outcome,
        result.Attempts,
        Math.Round(result.DurationMs, 3),
        result.Response is null ? null : ResponseView.From(result.Response),
        result.Error,
        result.JournalEntryId,
        result.CorrelationId,
        result.SubmittedAt,
        result.NextAttemptAt);
}

/// <summary>
/// The external system's response. A JSON body is embedded as JSON, other text as a string, and binary content
/// as base64 in <c>bodyBase64</c>.
/// </summary>
public sealed record ResponseView(
    int StatusCode,
    IReadOnlyDictionary<string, string> Headers,
    JsonElement? Body,
    string? BodyBase64)
{
    public static ResponseView From(ExchangeResponse response)
    {
        var contentType = response.Headers.TryGetValue("Content-Type", out var value) ? value : null;
        return new ResponseView(response.StatusCode, response.Headers, BodyValue(response.Body, contentType), response.BodyBase64);
    }

    internal static JsonElement? BodyValue(string? text, string? contentType)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var mediaType = BodyCodec.MediaType(contentType);
        if (mediaType is not null && (mediaType.EndsWith("/json", StringComparison.Ordinal) || mediaType.EndsWith("+json", StringComparison.Ordinal)))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Declared JSON that does not parse is shown as the text it is.
            }
        }

        return JsonSerializer.SerializeToElement(text);
    }
}
