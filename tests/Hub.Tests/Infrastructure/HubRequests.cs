using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CrmAI.Hub.Tests.Infrastructure;

/// <summary>
/// Requests to the hub that the typed helpers of <see cref="HubInstance"/> do not cover: raw bodies, any method,
/// other API keys, and waiting for journal entries that are written in the background.
/// </summary>
public static class HubRequests
{
    /// <summary>Sends a request with the admin key and a raw body, and returns the response as it arrived.</summary>
    /// <remarks>
    /// With <paramref name="expectContinue"/> the client sends <c>Expect: 100-continue</c> and waits for the server
    /// before sending the body, so a server that rejects the body early returns its status instead of a broken pipe.
    /// </remarks>
    public static async Task<RawResponse> SendAsync(
        this HubInstance hub, HttpMethod method, string path, string? body = null, string mediaType = "application/json",
        bool expectContinue = false)
    {
        ArgumentNullException.ThrowIfNull(hub);
        using var request = new HttpRequestMessage(method, path);
        request.Headers.ExpectContinue = expectContinue;
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, mediaType);
        }

        using var response = await hub.Client.SendAsync(request);
        return await RawResponse.ReadAsync(response);
    }

    /// <summary>
    /// Sends a request with the given <c>X-Api-Key</c>, or without the header when <paramref name="apiKey"/> is null.
    /// </summary>
    public static async Task<RawResponse> SendWithKeyAsync(
        this HubInstance hub, string? apiKey, HttpMethod method, string path, string? jsonBody = null)
    {
        ArgumentNullException.ThrowIfNull(hub);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // Concatenated rather than resolved against the base URL, so a path such as //api/x stays a path.
        using var request = new HttpRequestMessage(method, new Uri(hub.BaseUrl.GetLeftPart(UriPartial.Authority) + path));
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        if (jsonBody is not null)
        {
            request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return await RawResponse.ReadAsync(response);
    }

    /// <summary>Posts bytes to <c>/api/inbound/{endpointId}</c> with the admin key and extra headers.</summary>
    public static async Task<RawResponse> PostInboundAsync(
        this HubInstance hub, string endpointId, byte[] body, string contentType,
        IReadOnlyDictionary<string, string>? headers = null, string query = "")
    {
        ArgumentNullException.ThrowIfNull(hub);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/inbound/{endpointId}{query}");
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await hub.Client.SendAsync(request);
        return await RawResponse.ReadAsync(response);
    }

    /// <summary>Reads a journal entry by id as the raw JSON text the API returns.</summary>
    public static async Task<string> GetJournalEntryTextAsync(this HubInstance hub, string entryId)
    {
        ArgumentNullException.ThrowIfNull(hub);
        using var response = await hub.Client.GetAsync($"/api/journal/{entryId}");
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? text
            : throw new HttpRequestException($"GET journal entry {entryId} gave {(int)response.StatusCode}: {text}");
    }

    /// <summary>
    /// Polls <c>GET /api/journal</c> with the query until the page has at least <paramref name="count"/> items, and
    /// returns those items; fails after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<JsonElement[]> WaitForJournalAsync(this HubInstance hub, string query, int count, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var page = await hub.GetJsonAsync($"/api/journal?{query}");
            var items = page.GetProperty("items").EnumerateArray().ToArray();
            if (items.Length >= count)
            {
                return items;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"The journal had {items.Length} of {count} entries for '{query}' after {timeout}.");
            }

            await Task.Delay(50);
        }
    }
}
