using System.Net;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Admin actions are recorded with the key name, action and target, without secrets, and can be searched.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class AuditTests(HubFixture fixture)
{
    private static readonly string[] ReadScope = ["read"];

    private readonly HubInstance _hub = fixture.Hub;

    [Fact]
    public async Task AdminActions_Recorded_WithoutSecrets()
    {
        var actor = $"auditor-{Guid.NewGuid():N}";
        var secret = $"audit-secret-{Guid.NewGuid():N}";
        var endpointId = HubFixture.NewEndpointId("audit");
        var (_, key) = await KeyClient.CreateAsync(_hub.Client, actor, "admin");
        var endpoint = new { baseUrl = "http://audit.test/", auth = new { type = "bearer", token = secret } };

        await SendOkAsync(key, HttpMethod.Put, $"/api/endpoints/{endpointId}", endpoint);
        await SendOkAsync(key, HttpMethod.Put, $"/api/endpoints/{endpointId}", endpoint);
        await SendOkAsync(key, HttpMethod.Put, $"/api/endpoints/{endpointId}/credentials", new { type = "bearer", token = secret + "2" });
        await SendOkAsync(key, HttpMethod.Post, $"/api/endpoints/{endpointId}/mute", new { duration = "1h" });
        await SendOkAsync(key, HttpMethod.Post, "/api/keys", new { name = $"{actor}-child", scopes = ReadScope });
        await SendOkAsync(key, HttpMethod.Delete, $"/api/endpoints/{endpointId}");
        using var audit = await KeyClient.SendAsync(_hub.BaseUrl, key, HttpMethod.Get, $"/api/audit?actor={actor}&limit=50");
        var text = await audit.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var entries = JsonDocument.Parse(text).RootElement.EnumerateArray().ToList();
        var actions = entries.Select(e => e.GetProperty("action").GetString()).Reverse().ToList();

        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        Assert.Equal(
            ["endpoint.created", "endpoint.changed", "credentials.replaced", "endpoint.muted", "key.created", "endpoint.deleted"],
            actions);
        Assert.All(entries, e => Assert.Equal(actor, e.GetProperty("actor").GetString()));
        Assert.Equal(endpointId, entries[0].GetProperty("target").GetString());
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminKeyAction_RecordedAsHubApiKey()
    {
        var (id, _) = await KeyClient.CreateAsync(_hub.Client, $"audited-{Guid.NewGuid():N}", "read");

        var entries = await _hub.GetJsonAsync("/api/audit?actor=HUB_API_KEY&limit=500");

        Assert.Contains(entries.EnumerateArray(), e =>
            e.GetProperty("action").GetString() == "key.created" && e.GetProperty("target").GetString() == id);
    }

    [Fact]
    public async Task Query_FromInFuture_ReturnsNothing()
    {
        await KeyClient.CreateAsync(_hub.Client, "future", "read");

        var entries = await _hub.GetJsonAsync("/api/audit?from=2999-01-01T00:00:00Z");

        Assert.Equal(0, entries.GetArrayLength());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("from=yesterday", "from")]
    public async Task Query_InvalidParameter_Gets400NamingIt(string query, string field)
    {
        using var response = await _hub.Client.GetAsync($"/api/audit?{query}", TestContext.Current.CancellationToken);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
    }

    [Fact]
    public async Task Query_ReadKey_Gets403()
    {
        var (_, key) = await KeyClient.CreateAsync(_hub.Client, "audit-reader", "read");

        using var response = await KeyClient.SendAsync(_hub.BaseUrl, key, HttpMethod.Get, "/api/audit");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task SendOkAsync(string key, HttpMethod method, string path, object? body = null)
    {
        using var response = await KeyClient.SendAsync(_hub.BaseUrl, key, method, path, body);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} gave {(int)response.StatusCode}: {text}");
    }
}
