using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Per-endpoint authentication of <c>POST /api/inbound/{endpointId}</c>: a shared secret header or an HMAC-SHA256
/// signature replaces the hub API key, failures are journaled as rejected, and the secret is never shown or stored
/// in plain text.
/// </summary>
public sealed partial class InboundAuthTests(InboundAuthHubFixture fixture) : IClassFixture<InboundAuthHubFixture>
{
    private static readonly TimeSpan JournalDeadline = TimeSpan.FromSeconds(10);

    private readonly string _sharedSecret = fixture.SharedSecret;
    private readonly string _hmacSecret = fixture.HmacSecret;
    private readonly ExternalSystem _system = fixture.System;

    private HubInstance Hub => fixture.Hub;

    [Fact]
    public async Task SharedSecret_Right_Accepted()
    {
        var id = await CreateSharedSecretEndpointAsync();

        var response = await PostWithoutKeyAsync(id, """{"n":1}""", new() { ["X-Webhook-Secret"] = _sharedSecret });

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
    }

    [Fact]
    public async Task SharedSecret_Wrong_Gets401()
    {
        var id = await CreateSharedSecretEndpointAsync();

        var response = await PostWithoutKeyAsync(id, """{"n":1}""", new() { ["X-Webhook-Secret"] = _sharedSecret + "x" });

        AssertUnauthorizedProblem(response);
    }

    [Fact]
    public async Task SharedSecret_Missing_Gets401()
    {
        var id = await CreateSharedSecretEndpointAsync();

        var response = await PostWithoutKeyAsync(id, """{"n":1}""", []);

        AssertUnauthorizedProblem(response);
    }

    [Fact]
    public async Task SharedSecret_WithAdminKeyOnly_Gets401()
    {
        var id = await CreateSharedSecretEndpointAsync();

        var response = await Hub.PostInboundAsync(id, """{"n":1}"""u8.ToArray(), "application/json");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256=")]
    public async Task Hmac_ValidSignature_Accepted(string prefix)
    {
        var id = await CreateHmacEndpointAsync(timestamped: false);
        var body = """{"order":"A-1","total":12.5}""";

        var response = await PostWithoutKeyAsync(id, body, new() { ["X-Signature"] = prefix + Sign(_hmacSecret, body) });

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
    }

    [Fact]
    public async Task Hmac_OneChangedBodyByte_Gets401()
    {
        var id = await CreateHmacEndpointAsync(timestamped: false);
        var signed = """{"order":"A-1","total":12.5}""";
        var sent = """{"order":"A-1","total":92.5}""";

        var response = await PostWithoutKeyAsync(id, sent, new() { ["X-Signature"] = Sign(_hmacSecret, signed) });

        AssertUnauthorizedProblem(response);
    }

    [Fact]
    public async Task Hmac_WrongSecret_Gets401()
    {
        var id = await CreateHmacEndpointAsync(timestamped: false);
        var body = """{"order":"A-2"}""";

        var response = await PostWithoutKeyAsync(id, body, new() { ["X-Signature"] = Sign("not-the-endpoint-secret", body) });

        AssertUnauthorizedProblem(response);
    }

    [Fact]
    public async Task Hmac_OldTimestamp_Gets401()
    {
        var id = await CreateHmacEndpointAsync(timestamped: true);
        var body = """{"order":"A-3"}""";
        var timestamp = UnixSeconds(TimeProvider.System.GetUtcNow().AddSeconds(-400));

        var response = await PostWithoutKeyAsync(id, body, new()
        {
            ["X-Signature"] = Sign(_hmacSecret, timestamp + "." + body),
            ["X-Timestamp"] = timestamp,
        });

        AssertUnauthorizedProblem(response);
    }

    [Fact]
    public async Task Hmac_TimestampWithinWindow_Accepted()
    {
        var id = await CreateHmacEndpointAsync(timestamped: true);
        var body = """{"order":"A-4"}""";
        var timestamp = UnixSeconds(TimeProvider.System.GetUtcNow().AddSeconds(-120));

        var response = await PostWithoutKeyAsync(id, body, new()
        {
            ["X-Signature"] = "sha256=" + Sign(_hmacSecret, timestamp + "." + body),
            ["X-Timestamp"] = timestamp,
        });

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
    }

    [Fact]
    public async Task Hmac_TimestampNotSigned_Gets401()
    {
        var id = await CreateHmacEndpointAsync(timestamped: true);
        var body = """{"order":"A-5"}""";

        var response = await PostWithoutKeyAsync(id, body, new()
        {
            ["X-Signature"] = Sign(_hmacSecret, body),
            ["X-Timestamp"] = UnixSeconds(TimeProvider.System.GetUtcNow()),
        });

        AssertUnauthorizedProblem(response);
    }

    [Fact]
    public async Task Rejected_JournaledWithBody_NotForwarded()
    {
        var target = HubFixture.NewEndpointId("target");
        await Hub.PutEndpointAsync(target, new { baseUrl = _system.BaseUrl });
        var id = await CreateSharedSecretEndpointAsync(new { endpointId = target, path = "/orders" });
        var rejectedMarker = $"rejected-{Guid.NewGuid():N}";
        var acceptedMarker = $"accepted-{Guid.NewGuid():N}";

        var rejected = await PostWithoutKeyAsync(id, $$"""{"marker":"{{rejectedMarker}}","password":"p-{{rejectedMarker}}"}""",
            new() { ["X-Webhook-Secret"] = "wrong-secret-value" });
        var accepted = await PostWithoutKeyAsync(id, $$"""{"marker":"{{acceptedMarker}}"}""",
            new() { ["X-Webhook-Secret"] = _sharedSecret });
        var entries = await Hub.WaitForJournalAsync($"endpoint={id}&outcome=Rejected", 1, JournalDeadline);
        var entry = await Hub.GetJsonAsync($"/api/journal/{entries[0].GetProperty("id").GetString()}");
        var entryText = entry.GetRawText();
        await WaitForForwardAsync(acceptedMarker);

        Assert.Equal(HttpStatusCode.Unauthorized, rejected.Status);
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.Single(entries);
        Assert.Equal("Inbound", entry.GetProperty("direction").GetString());
        Assert.Equal("Rejected", entry.GetProperty("outcome").GetString());
        Assert.Equal(401, entry.GetProperty("statusCode").GetInt32());
        Assert.Contains(rejectedMarker, entry.GetProperty("requestBody").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain($"p-{rejectedMarker}", entryText, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-value", entryText, StringComparison.Ordinal);
        Assert.DoesNotContain(_system.Requests, r => r.BodyText.Contains(rejectedMarker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoInboundAuth_StillNeedsExchangeKey()
    {
        var id = HubFixture.NewEndpointId("keyed");
        await Hub.PutEndpointAsync(id, new { baseUrl = _system.BaseUrl });
        var (_, readKey) = await KeyClient.CreateAsync(Hub.Client, "inbound-read", "read");
        var (_, exchangeKey) = await KeyClient.CreateAsync(Hub.Client, "inbound-exchange", "exchange");

        var withoutKey = await Hub.SendWithKeyAsync(null, HttpMethod.Post, $"/api/inbound/{id}", """{"n":1}""");
        var invalidKey = await Hub.SendWithKeyAsync("hub_0123456789abcdef_nosuchsecret", HttpMethod.Post, $"/api/inbound/{id}", """{"n":1}""");
        var withReadKey = await Hub.SendWithKeyAsync(readKey, HttpMethod.Post, $"/api/inbound/{id}", """{"n":1}""");
        var withExchangeKey = await Hub.SendWithKeyAsync(exchangeKey, HttpMethod.Post, $"/api/inbound/{id}", """{"n":1}""");
        var unknownEndpoint = await Hub.SendWithKeyAsync(null, HttpMethod.Post, "/api/inbound/no-such-endpoint", """{"n":1}""");

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.Status);
        Assert.Equal("API key missing", withoutKey.Json.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, invalidKey.Status);
        Assert.Equal(HttpStatusCode.Forbidden, withReadKey.Status);
        Assert.Contains("'exchange' scope", withReadKey.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, withExchangeKey.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownEndpoint.Status);
    }

    [Fact]
    public async Task Secret_NeverInResponsesOrTables()
    {
        var sharedId = await CreateSharedSecretEndpointAsync();
        var hmacId = await CreateHmacEndpointAsync(timestamped: true);
        var body = """{"order":"A-6"}""";
        var timestamp = UnixSeconds(TimeProvider.System.GetUtcNow());
        await PostWithoutKeyAsync(sharedId, body, new() { ["X-Webhook-Secret"] = _sharedSecret });
        await PostWithoutKeyAsync(hmacId, body, new()
        {
            ["X-Signature"] = Sign(_hmacSecret, timestamp + "." + body),
            ["X-Timestamp"] = timestamp,
        });
        var shared = await Hub.GetJsonAsync($"/api/endpoints/{sharedId}");
        var hmac = await Hub.GetJsonAsync($"/api/endpoints/{hmacId}");
        var list = await Hub.GetJsonAsync("/api/endpoints");
        var journal = await Hub.WaitForJournalAsync($"endpoint={sharedId}", 1, JournalDeadline);
        var sharedEntry = await Hub.GetJournalEntryTextAsync(journal[0].GetProperty("id").GetString()!);
        await Hub.WaitForJournalAsync($"endpoint={hmacId}", 1, JournalDeadline);
        var dump = await DatabaseDump.ReadAllTextAsync(Hub.ConnectionString);

        var view = shared.GetProperty("inboundAuth");
        Assert.Equal("sharedSecret", view.GetProperty("type").GetString());
        Assert.Equal("X-Webhook-Secret", view.GetProperty("header").GetString());
        Assert.True(view.GetProperty("configured").GetBoolean());
        Assert.False(view.TryGetProperty("secret", out _));
        Assert.Equal("X-Timestamp", hmac.GetProperty("inboundAuth").GetProperty("timestampHeader").GetString());
        Assert.Contains("hub-endpoint-config", dump, StringComparison.OrdinalIgnoreCase);
        foreach (var secret in new[] { _sharedSecret, _hmacSecret })
        {
            Assert.DoesNotContain(secret, shared.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, hmac.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, list.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, sharedEntry, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, dump, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Secret_AfterRestart_StillChecked()
    {
        var id = await CreateSharedSecretEndpointAsync();

        fixture.Hub = await Hub.RestartAsync();
        var right = await PostWithoutKeyAsync(id, """{"n":2}""", new() { ["X-Webhook-Secret"] = _sharedSecret });
        var wrong = await PostWithoutKeyAsync(id, """{"n":3}""", new() { ["X-Webhook-Secret"] = "x" + _sharedSecret });

        Assert.Equal(HttpStatusCode.Accepted, right.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
    }

    [Theory]
    [InlineData("""{"type":"token","header":"X-Webhook-Secret","secret":"0123456789abcdef"}""", "inboundAuth.type")]
    [InlineData("""{"type":"sharedSecret","header":"X-Webhook-Secret","secret":"short"}""", "inboundAuth.secret")]
    [InlineData("""{"type":"sharedSecret","header":"X-Api-Key","secret":"0123456789abcdef"}""", "inboundAuth.header")]
    [InlineData("""{"type":"sharedSecret","header":"X-Webhook-Secret","secret":"0123456789abcdef","timestampHeader":"X-Timestamp"}""", "inboundAuth.timestampHeader")]
    [InlineData("""{"type":"hmac","header":"X-Signature","secret":"0123456789abcdef","timestampHeader":"X-Timestamp","toleranceSeconds":0}""", "inboundAuth.toleranceSeconds")]
    public async Task InvalidInboundAuth_Gets400(string inboundAuth, string field)
    {
        var id = HubFixture.NewEndpointId("invalid");
        var body = $$"""{"baseUrl":"{{_system.BaseUrl}}","inboundAuth":{{inboundAuth}}}""";

        var response = await Hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{id}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(field, response.ErrorFields);
        Assert.DoesNotContain("0123456789abcdef", response.Text, StringComparison.Ordinal);
    }

    private async Task<string> CreateSharedSecretEndpointAsync(object? forwardTo = null)
    {
        var id = HubFixture.NewEndpointId("shared");
        await Hub.PutEndpointAsync(id, new
        {
            baseUrl = _system.BaseUrl,
            forwardTo,
            inboundAuth = new { type = "sharedSecret", header = "X-Webhook-Secret", secret = _sharedSecret },
        });
        return id;
    }

    private async Task<string> CreateHmacEndpointAsync(bool timestamped)
    {
        var id = HubFixture.NewEndpointId("hmac");
        object inboundAuth = timestamped
            ? new { type = "hmac", header = "X-Signature", secret = _hmacSecret, timestampHeader = "X-Timestamp", toleranceSeconds = 300 }
            : new { type = "hmac", header = "X-Signature", secret = _hmacSecret };
        await Hub.PutEndpointAsync(id, new { baseUrl = _system.BaseUrl, inboundAuth });
        return id;
    }

    // Sends the body bytes exactly as given, without the X-Api-Key header.
    private async Task<RawResponse> PostWithoutKeyAsync(string endpointId, string body, Dictionary<string, string> headers)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(
            HttpMethod.Post, new Uri(Hub.BaseUrl.GetLeftPart(UriPartial.Authority) + $"/api/inbound/{endpointId}"));
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return await RawResponse.ReadAsync(response);
    }

    private async Task WaitForForwardAsync(string marker)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!_system.Requests.Any(r => r.BodyText.Contains(marker, StringComparison.Ordinal)))
        {
            Assert.True(clock.Elapsed < JournalDeadline, $"the accepted inbound data with {marker} was not forwarded within {JournalDeadline}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static void AssertUnauthorizedProblem(RawResponse response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Equal("Inbound authentication failed", response.Json.GetProperty("title").GetString());
    }

    private static string Sign(string secret, string content) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(content)));

    private static string UnixSeconds(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A hub on its own database, so the database dump of <see cref="InboundAuthTests"/> contains only what they wrote,
/// and an external system that receives forwarded inbound data.
/// </summary>
public sealed class InboundAuthHubFixture(PostgresServerFixture server) : IAsyncLifetime
{
    public string SharedSecret { get; } = $"shared-{Guid.NewGuid():N}";

    public string HmacSecret { get; } = $"hmac-{Guid.NewGuid():N}";

    public ExternalSystem System { get; private set; } = null!;

    /// <summary>The running hub; a test that restarts it stores the new instance here.</summary>
    public HubInstance Hub { get; set; } = null!;

    public async ValueTask InitializeAsync()
    {
        System = await ExternalSystem.StartAsync();
        Hub = await HubInstance.StartAsync(await server.CreateDatabaseAsync(CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        await System.DisposeAsync();
    }
}
