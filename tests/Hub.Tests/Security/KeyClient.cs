using System.Net.Http.Json;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Creates API keys through the admin client of a hub and sends requests with a chosen key.
/// </summary>
internal static class KeyClient
{
    /// <summary>Creates a key and returns its id and the key itself.</summary>
    public static async Task<(string Id, string Key)> CreateAsync(HttpClient admin, string name, params string[] scopes)
    {
        using var response = await admin.PostAsJsonAsync("/api/keys", new { name, scopes });
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        if ((int)response.StatusCode != 201)
        {
            throw new HttpRequestException($"POST /api/keys gave {(int)response.StatusCode}: {text}");
        }

        var created = JsonDocument.Parse(text).RootElement;
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }

    public static async Task<HttpResponseMessage> SendAsync(Uri baseUrl, string? key, HttpMethod method, string path, object? body = null)
    {
        using var client = new HttpClient { BaseAddress = baseUrl };
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: HubInstance.Json);
        }

        return await client.SendAsync(request);
    }
}
