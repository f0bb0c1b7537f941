using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Observability;

/// <summary>
/// The Orleans Dashboard at /orleans: admin keys only, by header or, for browsers, as the Basic password.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class OrleansDashboardTests(HubFixture fixture)
{
    private static readonly string[] ReadScope = ["read"];

    private readonly HubInstance _hub = fixture.Hub;

    [Fact]
    public async Task OrleansDashboard_NoKey_Returns401AskingForBasic()
    {
        using var client = new HttpClient { BaseAddress = _hub.BaseUrl };

        using var response = await client.GetAsync("/orleans/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task OrleansDashboard_AdminKeyAsBasicPassword_ServesPage()
    {
        using var client = BasicClient(HubInstance.ApiKey);

        using var response = await client.GetAsync("/orleans/", TestContext.Current.CancellationToken);
        var page = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Orleans Dashboard", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrleansDashboard_ReadKey_Returns403()
    {
        using var created = await _hub.Client.PostAsJsonAsync(
            "/api/keys", new { name = $"reader-{Guid.NewGuid():N}", scopes = ReadScope }, TestContext.Current.CancellationToken);
        created.EnsureSuccessStatusCode();
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("key").GetString()!;
        using var client = BasicClient(key);

        using var response = await client.GetAsync("/orleans/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private HttpClient BasicClient(string key)
    {
        var client = new HttpClient { BaseAddress = _hub.BaseUrl };
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"manager:{key}")));
        return client;
    }
}
