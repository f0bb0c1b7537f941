using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Outbound;

/// <summary>
/// Redirects: returned as the response unless the endpoint's <c>maxRedirects</c> allows them, then followed hop by
/// hop with every hop journaled, the method rules of HTTP, and credentials and custom headers kept to the base URL's
/// origin.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class RedirectTests(HubFixture fixture) : IAsyncLifetime
{
    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;
    private ExternalSystem _other = null!;

    public async ValueTask InitializeAsync()
    {
        _system = await ExternalSystem.StartAsync();
        _other = await ExternalSystem.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _system.DisposeAsync();
        await _other.DisposeAsync();
    }

    [Fact]
    public async Task Redirect_ByDefault_IsTheResponse()
    {
        var id = await CreateEndpointAsync(maxRedirects: null);
        _system.Enqueue(Redirect(302, "/elsewhere"));

        var result = await _hub.ExchangeAsync(id, Get("/orders"));
        var entry = await _hub.JournalEntryOfAsync(result);

        Assert.Equal("HttpError", result.GetProperty("outcome").GetString());
        Assert.Equal(302, result.GetProperty("response").GetProperty("statusCode").GetInt32());
        Assert.Contains("maxRedirects is 0", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single(_system.Requests);
        Assert.Empty(entry.GetProperty("redirects").EnumerateArray());
        Assert.Equal("/elsewhere", entry.GetProperty("responseHeaders").GetProperty("Location").GetString());
    }

    [Fact]
    public async Task Redirects_WithinLimit_FollowedAndEveryHopJournaled()
    {
        var id = await CreateEndpointAsync(maxRedirects: 3);
        _system.Enqueue(Redirect(301, "/b"), Redirect(302, $"{_system.BaseUrl}c?page=2"), Respond.Json(200, """{"done":true}"""));

        var result = await _hub.ExchangeAsync(id, Get("/a"));
        var entry = await _hub.JournalEntryOfAsync(result);
        var hops = entry.GetProperty("redirects").EnumerateArray().ToArray();

        Assert.Equal("Succeeded", result.GetProperty("status").GetString());
        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
        Assert.Equal(["/a", "/b", "/c?page=2"], _system.Requests.Select(r => r.PathAndQuery));
        Assert.Equal(2, hops.Length);
        Assert.Equal((301, "/a", "/b"), Hop(hops[0]));
        Assert.Equal((302, "/b", "/c?page=2"), Hop(hops[1]));
        Assert.EndsWith("/a", entry.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"done\"", entry.GetProperty("responseBody").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirects_PastLimit_StopWithTheLastRedirect()
    {
        var id = await CreateEndpointAsync(maxRedirects: 2);
        _system.Default = Redirect(302, "/loop");

        var result = await _hub.ExchangeAsync(id, Get("/loop"));
        var entry = await _hub.JournalEntryOfAsync(result);

        Assert.Equal("HttpError", result.GetProperty("outcome").GetString());
        Assert.Equal(302, result.GetProperty("response").GetProperty("statusCode").GetInt32());
        Assert.Contains("Stopped after 2 redirects", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, _system.Requests.Count);
        Assert.Equal(2, entry.GetProperty("redirects").GetArrayLength());
    }

    [Theory]
    [InlineData(303, "GET", "")]
    [InlineData(302, "GET", "")]
    [InlineData(307, "POST", """{"order":7}""")]
    [InlineData(308, "POST", """{"order":7}""")]
    public async Task Redirect_AfterPost_FollowsHttpMethodRules(int status, string method, string body)
    {
        var id = await CreateEndpointAsync(maxRedirects: 1);
        _system.Enqueue(Redirect(status, "/next"));

        await _hub.ExchangeAsync(id, new { operation = "orders.create", method = "POST", path = "/orders", body = new { order = 7 } });
        var followed = _system.Requests[1];

        Assert.Equal(method, followed.Method);
        Assert.Equal(body, followed.BodyText);
    }

    [Fact]
    public async Task Redirect_ToOtherOrigin_CarriesNoCredentials()
    {
        var id = HubFixture.NewEndpointId("redirect");
        await _hub.PutEndpointAsync(id, new
        {
            baseUrl = _system.BaseUrl,
            maxRedirects = 2,
            auth = new { type = "bearer", token = "origin-only-token" },
            headers = new Dictionary<string, string>
            {
                ["X-Api-Key"] = "origin-only-key",
                ["X-Access"] = "origin-only-access",
                ["X-Tenant"] = "shop-1",
                ["Accept"] = "application/json",
            },
        });
        _system.Enqueue(Redirect(302, "/same"), Redirect(302, $"{_other.BaseUrl}away"));

        var result = await _hub.ExchangeAsync(id, Get("/start"));
        var away = Assert.Single(_other.Requests);

        Assert.Equal("Succeeded", result.GetProperty("status").GetString());
        Assert.All(_system.Requests, r => Assert.Equal("Bearer origin-only-token", r.Headers["Authorization"]));
        Assert.All(_system.Requests, r => Assert.Equal("origin-only-access", r.Headers["X-Access"]));
        Assert.False(away.Headers.ContainsKey("Authorization"), "the bearer token reached another origin");
        Assert.False(away.Headers.ContainsKey("X-Api-Key"), "a secret header reached another origin");
        Assert.False(away.Headers.ContainsKey("X-Access"), "a configured header reached another origin");
        Assert.False(away.Headers.ContainsKey("X-Tenant"), "a configured header reached another origin");
        Assert.Equal("application/json", away.Headers["Accept"]);
    }

    [Fact]
    public async Task Redirect_SecretInLocation_RedactedInJournal()
    {
        var id = await CreateEndpointAsync(maxRedirects: 1);
        _system.Enqueue(Redirect(302, "/signed?token=s3cr3t-in-location&page=1"));

        var result = await _hub.ExchangeAsync(id, Get("/start"));
        var text = await _hub.GetJournalEntryTextAsync(result.GetProperty("journalEntryId").GetString()!);

        Assert.DoesNotContain("s3cr3t-in-location", text, StringComparison.Ordinal);
        Assert.Contains("page=1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetEndpoint_ShowsMaxRedirects()
    {
        var id = await CreateEndpointAsync(maxRedirects: 4);

        var view = await _hub.GetJsonAsync($"/api/endpoints/{id}");

        Assert.Equal(4, view.GetProperty("maxRedirects").GetInt32());
    }

    private async Task<string> CreateEndpointAsync(int? maxRedirects)
    {
        var id = HubFixture.NewEndpointId("redirect");
        await _hub.PutEndpointAsync(id, new { baseUrl = _system.BaseUrl, maxRedirects });
        return id;
    }

    private static object Get(string path) => new { operation = "orders.get", method = "GET", path };

    private static Func<Microsoft.AspNetCore.Http.HttpContext, Task> Redirect(int status, string location) =>
        Respond.Bytes(status, null, [], new Dictionary<string, string> { ["Location"] = location });

    private static (int Status, string From, string To) Hop(JsonElement hop) => (
        hop.GetProperty("statusCode").GetInt32(),
        new Uri(hop.GetProperty("from").GetString()!).PathAndQuery,
        new Uri(hop.GetProperty("to").GetString()!).PathAndQuery);
}
