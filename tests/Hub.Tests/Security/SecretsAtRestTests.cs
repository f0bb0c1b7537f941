using System.Net.Http.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Endpoint credentials, and configured headers whose names look secret, are stored encrypted with Data Protection,
/// whose key ring lives in PostgreSQL, and still work after a restart.
/// </summary>
public sealed class SecretsAtRestTests(SecretsHubFixture fixture) : IClassFixture<SecretsHubFixture>
{
    private const string SessionToken = "session-token-in-headers-6d0f";

    private readonly string _token = fixture.Token;
    private readonly string _password = fixture.Password;
    private readonly string _headerValue = fixture.HeaderValue;
    private readonly string _replacedToken = fixture.ReplacedToken;
    private readonly ExternalSystem _system = fixture.System;

    private HubInstance Hub => fixture.Hub;

    [Fact]
    public async Task Credentials_Configured_AppearInNoColumn()
    {
        await ConfigureAllAsync();

        var dump = await DatabaseDump.ReadAllTextAsync(Hub.ConnectionString);

        Assert.Contains("hub-endpoint-config", dump, StringComparison.OrdinalIgnoreCase);
        foreach (var secret in new[] { _token, _password, _headerValue, _replacedToken, SessionToken })
        {
            Assert.DoesNotContain(secret, dump, StringComparison.Ordinal);
        }

        Assert.Contains("tenant-in-plain-text", dump, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRing_StoredInPostgres()
    {
        await ConfigureAllAsync();

        await using var dataSource = NpgsqlDataSource.Create(Hub.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM hub_data_protection_keys");
        var keys = (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;

        Assert.True(keys >= 1, "the key ring is not in hub_data_protection_keys");
    }

    [Fact]
    public async Task KeyRing_Stored_OnlyEncrypted()
    {
        await ConfigureAllAsync();

        await using var dataSource = NpgsqlDataSource.Create(Hub.ConnectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FILTER (WHERE xml IS NOT NULL), count(*) FILTER (WHERE sealed IS NOT NULL) FROM hub_data_protection_keys");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        await reader.ReadAsync(TestContext.Current.CancellationToken);
        var plain = reader.GetInt64(0);
        var encrypted = reader.GetInt64(1);
        var dump = await DatabaseDump.ReadAllTextAsync(Hub.ConnectionString);

        Assert.Equal(0, plain);
        Assert.True(encrypted >= 1, "no encrypted key in hub_data_protection_keys");

        // The element of the key ring XML that carries the key itself.
        Assert.DoesNotContain("masterKey", dump, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_AfterRestart_SentDecrypted()
    {
        await ConfigureAllAsync();

        fixture.Hub = await Hub.RestartAsync();
        await Hub.ExchangeAsync("secret-bearer", new { operation = "probe", method = "GET", path = "/after" });
        await Hub.ExchangeAsync("secret-header", new { operation = "probe", method = "GET", path = "/after" });
        var sent = _system.Requests.Where(r => r.PathAndQuery == "/after").ToList();

        Assert.Contains(sent, r => r.Headers.GetValueOrDefault("Authorization") == $"Bearer {_replacedToken}");
        Assert.Contains(sent, r => r.Headers.GetValueOrDefault("X-Crm-Key") == _headerValue);
    }

    [Fact]
    public async Task SecretNamedHeader_AfterRestart_SentDecrypted()
    {
        await ConfigureAllAsync();

        fixture.Hub = await Hub.RestartAsync();
        await Hub.ExchangeAsync("secret-headers", new { operation = "probe", method = "GET", path = "/headers-after" });
        var sent = Assert.Single(_system.Requests, r => r.PathAndQuery == "/headers-after");

        Assert.Equal(SessionToken, sent.Headers["X-Session-Token"]);
        Assert.Equal("tenant-in-plain-text", sent.Headers["X-Tenant"]);
    }

    // Creates one endpoint per kind of credentials, replaces the bearer token and runs an exchange on each.
    private async Task ConfigureAllAsync()
    {
        var baseUrl = _system.BaseUrl;
        await Hub.PutEndpointAsync("secret-bearer", new { baseUrl, auth = new { type = "bearer", token = _token } });
        await Hub.PutEndpointAsync("secret-basic", new { baseUrl, auth = new { type = "basic", username = "anna", password = _password } });
        await Hub.PutEndpointAsync("secret-header", new { baseUrl, auth = new { type = "header", name = "X-Crm-Key", value = _headerValue } });
        await Hub.PutEndpointAsync("secret-headers", new
        {
            baseUrl,
            headers = new Dictionary<string, string> { ["X-Session-Token"] = SessionToken, ["X-Tenant"] = "tenant-in-plain-text" },
        });
        using var replaced = await Hub.Client.PutAsJsonAsync(
            "/api/endpoints/secret-bearer/credentials", new { type = "bearer", token = _replacedToken }, TestContext.Current.CancellationToken);
        replaced.EnsureSuccessStatusCode();

        foreach (var id in new[] { "secret-bearer", "secret-basic", "secret-header", "secret-headers" })
        {
            await Hub.ExchangeAsync(id, new { operation = "probe", method = "POST", path = "/orders", body = new { n = 1 } });
        }

        // The journal writer batches entries, so wait until every attempt is stored before reading the tables.
        await Hub.GetJsonAsync("/api/journal?limit=10");
    }
}
