using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CrmAI.Hub.Api.Security;
using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// API keys created through <c>/api/keys</c>: scopes, listing without secrets, revocation and the last-used time.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class ApiKeyTests(HubFixture fixture, PostgresServerFixture server)
{
    private readonly HubInstance _hub = fixture.Hub;

    public static TheoryData<string, string, string, string?> ScopeCases => new()
    {
        // key scope, method, path, scope named in the 403 (null: the scope suffices)
        { "read", "GET", "/api/status", null },
        { "read", "GET", "/api/journal", null },
        { "read", "GET", "/api/incidents", null },
        { "read", "GET", "/api/notifications", null },
        { "read", "POST", "/api/endpoints/scope-x/exchanges", "exchange" },
        { "read", "POST", "/api/inbound/scope-x", "exchange" },
        { "read", "PUT", "/api/endpoints/scope-x", "admin" },
        { "read", "GET", "/api/keys", "admin" },
        { "exchange", "POST", "/api/endpoints/scope-x/exchanges", null },
        { "exchange", "GET", "/api/status", "read" },
        { "exchange", "DELETE", "/api/endpoints/scope-x", "admin" },
        { "exchange", "POST", "/api/incidents/00000000-0000-0000-0000-000000000000/ack", "admin" },
        { "admin", "GET", "/api/status", null },
        { "admin", "POST", "/api/endpoints/scope-x/exchanges", null },
        { "admin", "GET", "/api/keys", null },
    };

    [Theory]
    [MemberData(nameof(ScopeCases))]
    public async Task Request_WithScope_PassesOrGets403(string scope, string method, string path, string? missing)
    {
        var (_, key) = await KeyClient.CreateAsync(_hub.Client, $"scope-{scope}", scope);
        var body = method == "GET" ? null : new { };

        using var response = await KeyClient.SendAsync(_hub.BaseUrl, key, new HttpMethod(method), path, body);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        if (missing is null)
        {
            Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains($"'{missing}' scope", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(null, "API key missing")]
    [InlineData("not-a-key", "API key invalid")]
    [InlineData("hub_0123456789abcdef_nosuchsecret", "API key invalid")]
    public async Task Request_WithoutValidKey_Gets401Problem(string? key, string title)
    {
        using var response = await KeyClient.SendAsync(_hub.BaseUrl, key, HttpMethod.Get, "/api/status");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(title, problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Request_UnknownApiPathWithoutKey_Gets401()
    {
        using var response = await KeyClient.SendAsync(_hub.BaseUrl, null, HttpMethod.Get, "/api/no-such-route");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Key_WrongSecretForKnownId_Gets401()
    {
        var (id, _) = await KeyClient.CreateAsync(_hub.Client, "guessed", "admin");

        using var response = await KeyClient.SendAsync(_hub.BaseUrl, $"hub_{id}_guessedsecret", HttpMethod.Get, "/api/status");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task List_ShowsKeyWithoutSecret()
    {
        var (id, key) = await KeyClient.CreateAsync(_hub.Client, "listed", "read", "exchange");

        using var response = await _hub.Client.GetAsync("/api/keys", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var listed = JsonDocument.Parse(text).RootElement.EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);

        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        Assert.Equal("listed", listed.GetProperty("name").GetString());
        Assert.Equal(["read", "exchange"], listed.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.True(listed.TryGetProperty("createdAt", out _));
        Assert.False(listed.TryGetProperty("key", out _));
    }

    [Theory]
    [InlineData("""{"scopes":["read"]}""", "name")]
    [InlineData("""{"name":"x"}""", "scopes")]
    [InlineData("""{"name":"x","scopes":["write"]}""", "scopes")]
    public async Task Create_InvalidBody_Gets400NamingField(string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _hub.Client.PostAsync("/api/keys", content, TestContext.Current.CancellationToken);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
    }

    [Fact]
    public async Task Delete_UsedKey_RejectedAtOnce()
    {
        var (id, key) = await KeyClient.CreateAsync(_hub.Client, "revoked", "read");
        using var before = await KeyClient.SendAsync(_hub.BaseUrl, key, HttpMethod.Get, "/api/status");

        using var deleted = await _hub.Client.DeleteAsync($"/api/keys/{id}", TestContext.Current.CancellationToken);
        using var after = await KeyClient.SendAsync(_hub.BaseUrl, key, HttpMethod.Get, "/api/status");
        using var again = await _hub.Client.DeleteAsync($"/api/keys/{id}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Delete_OtherHub_RejectsWithinSecond()
    {
        // Two single-silo hubs on one database are not one cluster: both would activate the same endpoint grains. So
        // they get a database of their own, and the key is tried on a route that reads only the database.
        var database = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        await using var first = await HubInstance.StartAsync(database);
        await using var other = await HubInstance.StartAsync(database);
        var (id, key) = await KeyClient.CreateAsync(first.Client, "two-hubs", "read");
        using var warm = await KeyClient.SendAsync(other.BaseUrl, key, HttpMethod.Get, "/api/journal");

        using var deleted = await first.Client.DeleteAsync($"/api/keys/{id}", TestContext.Current.CancellationToken);
        var sinceDelete = Stopwatch.StartNew();
        var status = HttpStatusCode.OK;
        var lastAcceptedSentAt = TimeSpan.Zero;
        while (status == HttpStatusCode.OK && sinceDelete.Elapsed < TimeSpan.FromSeconds(15))
        {
            var sentAt = sinceDelete.Elapsed;
            using var response = await KeyClient.SendAsync(other.BaseUrl, key, HttpMethod.Get, "/api/journal");
            status = response.StatusCode;
            if (status == HttpStatusCode.OK)
            {
                lastAcceptedSentAt = sentAt;
            }

            // A pause between requests keeps the poll far below the key's rate limit, whose 429 would end the loop.
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        // Every copy of the key in the other hub's cache was read before DELETE returned, so a request sent one cache
        // lifetime after that must be rejected, however slowly the machine runs.
        Assert.True(
            lastAcceptedSentAt < ApiKeyAuthenticator.CacheLifetime,
            $"a request sent {lastAcceptedSentAt} after DELETE returned was still accepted; the cache lifetime is {ApiKeyAuthenticator.CacheLifetime}");
    }

    [Fact]
    public async Task LastUsedAt_SecondUse_NotRewritten()
    {
        var (id, key) = await KeyClient.CreateAsync(_hub.Client, "last-used", "read");
        var unused = await LastUsedAtAsync(id);

        using var first = await KeyClient.SendAsync(_hub.BaseUrl, key, HttpMethod.Get, "/api/status");
        var afterFirst = await LastUsedAtAsync(id);
        using var second = await KeyClient.SendAsync(_hub.BaseUrl, key, HttpMethod.Get, "/api/status");
        var afterSecond = await LastUsedAtAsync(id);

        Assert.Null(unused);
        Assert.NotNull(afterFirst);
        Assert.Equal(afterFirst, afterSecond);
    }

    [Fact]
    public async Task Key_Stored_OnlyAsHash()
    {
        var (_, key) = await KeyClient.CreateAsync(_hub.Client, "hashed", "read");

        var dump = await DatabaseDump.ReadAllTextAsync(_hub.ConnectionString);

        Assert.DoesNotContain(key, dump, StringComparison.Ordinal);
        // The secret is everything after the key id; base64url secrets may contain '_' themselves.
        var secret = key[(key.IndexOf('_', "hub_".Length) + 1)..];
        Assert.DoesNotContain(secret, dump, StringComparison.Ordinal);
    }

    private async Task<string?> LastUsedAtAsync(string id)
    {
        var keys = await _hub.GetJsonAsync("/api/keys");
        var key = keys.EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        var value = key.GetProperty("lastUsedAt");
        return value.ValueKind == JsonValueKind.Null ? null : value.GetString();
    }
}
