using System.Net;
using System.Text.Json;

namespace CrmAI.Hub.Tests.Infrastructure;

/// <summary>
/// A response of the hub's API as it arrived: status, media type and body text, for tests that check errors.
/// </summary>
public sealed record RawResponse(HttpStatusCode Status, string? MediaType, string Text)
{
    /// <summary>The body parsed as JSON; throws when the body is not JSON.</summary>
    public JsonElement Json => JsonDocument.Parse(Text).RootElement.Clone();

    /// <summary>Names of the fields in the ProblemDetails <c>errors</c> object, or none when it is absent.</summary>
    public IReadOnlyList<string> ErrorFields =>
        Json.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? [.. errors.EnumerateObject().Select(e => e.Name)]
            : [];

    public static async Task<RawResponse> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        return new RawResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text);
    }
}
