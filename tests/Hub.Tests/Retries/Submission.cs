using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace CrmAI.Hub.Tests.Retries;

/// <summary>
/// The hub's response to an exchange submission, with the headers that the retry contract sets.
/// </summary>
public sealed record Submission(
    HttpStatusCode Status, Uri? Location, RetryConditionHeaderValue? RetryAfter, string? MediaType, string Text)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement.Clone();

    public string ExchangeId => Json.GetProperty("exchangeId").GetString()!;

    /// <summary>The exchange status of the body, such as <c>Succeeded</c> or <c>RetryScheduled</c>.</summary>
    public string? ExchangeStatus => Json.GetProperty("status").GetString();

    public int Attempts => Json.GetProperty("attempts").GetInt32();
}
