using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmAI.Hub.Demo.Orders;

namespace CrmAI.Hub.Demo.Store;

/// <summary>Posts orders to webhook URLs the way an online store notifies its integrations.</summary>
internal sealed class WebhookSender(HttpClient httpClient)
{
    /// <summary>Time allowed for the receiver to respond to one webhook.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Parses <paramref name="webhookUrl"/>, which must be an absolute http(s) URL on a loopback address.
    /// The demo sends only to programs on this machine, as it listens only on 127.0.0.1.
    /// </summary>
    public static bool TryParseUrl(
        string? webhookUrl, [NotNullWhen(true)] out Uri? uri, [NotNullWhen(false)] out string? error)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(webhookUrl))
        {
            error = "'webhookUrl' is missing. Example: http://127.0.0.1:5080/api/inbound/store";
            return false;
        }

        if (!Uri.TryCreate(webhookUrl, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            error = $"'webhookUrl' value '{webhookUrl}' is not an absolute http or https URL.";
            return false;
        }

        if (!parsed.IsLoopback)
        {
            error = $"'webhookUrl' host '{parsed.Host}' is not a loopback address. Use 127.0.0.1, ::1 or localhost.";
            return false;
        }

        uri = parsed;
        error = null;
        return true;
    }

    /// <summary>
    /// Posts <paramref name="order"/> as snake_case JSON with the <c>X-Api-Key</c> header.
    /// Throws <see cref="HttpRequestException"/> when the receiver cannot be reached, and
    /// <see cref="TaskCanceledException"/> after <see cref="Timeout"/>.
    /// </summary>
    public async Task<SimulateOrderResult> SendAsync(
        Order order, Uri webhookUrl, string? apiKey, CancellationToken cancellationToken)
    {
        // A byte array rather than JsonContent, so the request carries Content-Length as store webhooks do,
        // instead of a chunked body.
        var json = JsonSerializer.SerializeToUtf8Bytes(order, OrderJson.Options);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhookUrl)
        {
            Content = new ByteArrayContent(json)
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } },
            },
        };
        if (!string.IsNullOrEmpty(apiKey))
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        using var response = await httpClient.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);

        return new SimulateOrderResult(order.Number, webhookUrl, (int)response.StatusCode, ParseBody(text));
    }

    private static object? ParseBody(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
