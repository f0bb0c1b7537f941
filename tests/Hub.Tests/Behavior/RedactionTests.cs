using System.Net;
using System.Text;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Behavior;

/// <summary>
/// Secrets never reach the journal or the endpoint API, while the data around them stays readable.
/// Each check reads the raw JSON text of the entry, so a secret anywhere in it fails the test.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class RedactionTests(HubFixture fixture) : IAsyncLifetime
{
    private const string Mask = "[redacted]";

    private static readonly string[] CardFields = ["cardNumber"];

    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Journal_BearerAuth_RedactsAuthorization()
    {
        const string token = "bearer-secret-5b1e9c";
        var id = await PutEndpointAsync(new { type = "bearer", token });

        var entryText = await RunAndReadEntryAsync(id, new { operation = "orders.get", method = "GET", path = "/orders/1" });

        Assert.Equal($"Bearer {token}", Assert.Single(_system.Requests).Headers["Authorization"]);
        ResponseText.AssertNoSecret(entryText, token);
        Assert.Contains(Mask, entryText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_BasicAuth_RedactsAuthorizationAndPassword()
    {
        const string password = "basic-pass-81d2f0";
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes($"anna:{password}"));
        var id = await PutEndpointAsync(new { type = "basic", username = "anna", password });

        var entryText = await RunAndReadEntryAsync(id, new { operation = "orders.get", method = "GET", path = "/orders/1" });

        Assert.Equal($"Basic {encoded}", Assert.Single(_system.Requests).Headers["Authorization"]);
        ResponseText.AssertNoSecret(entryText, password);
        ResponseText.AssertNoSecret(entryText, encoded);
    }

    [Fact]
    public async Task Journal_HeaderAuth_RedactsEndpointSecretHeader()
    {
        const string secret = "header-secret-37aa40";
        var id = await PutEndpointAsync(new { type = "header", name = "X-Crm-Secret", value = secret });

        var entryText = await RunAndReadEntryAsync(id, new { operation = "orders.get", method = "GET", path = "/orders/1" });

        Assert.Equal(secret, Assert.Single(_system.Requests).Headers["X-Crm-Secret"]);
        ResponseText.AssertNoSecret(entryText, secret);
        Assert.Contains("X-Crm-Secret", entryText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Journal_CredentialHeadersOfExchange_Redacted()
    {
        var id = await PutEndpointAsync(auth: null);
        var headers = new Dictionary<string, string>
        {
            ["Authorization"] = "Bearer exchange-token-0c4d1e",
            ["Cookie"] = "session=cookie-secret-aa71b2",
            ["X-Api-Key"] = "api-key-secret-9e02f3",
            ["X-Tenant"] = "tenant-visible-42",
        };

        var entryText = await RunAndReadEntryAsync(id, new { operation = "orders.get", method = "GET", path = "/orders/1", headers });

        ResponseText.AssertNoSecret(entryText, "exchange-token-0c4d1e");
        ResponseText.AssertNoSecret(entryText, "cookie-secret-aa71b2");
        ResponseText.AssertNoSecret(entryText, "api-key-secret-9e02f3");
        Assert.Contains("tenant-visible-42", entryText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_SetCookieInResponse_Redacted()
    {
        var id = await PutEndpointAsync(auth: null);
        _system.Enqueue(Respond.Bytes(200, "application/json", "{}"u8.ToArray(), new Dictionary<string, string>
        {
            ["Set-Cookie"] = "session=set-cookie-secret-61f0; HttpOnly",
            ["X-Request-Id"] = "request-visible-17",
        }));

        var entryText = await RunAndReadEntryAsync(id, new { operation = "login", method = "POST", path = "/login" });

        ResponseText.AssertNoSecret(entryText, "set-cookie-secret-61f0");
        Assert.Contains("request-visible-17", entryText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_TokenQueryParameters_Redacted()
    {
        var id = await PutEndpointAsync(auth: null);
        var query = new Dictionary<string, string>
        {
            ["access_token"] = "query-token-3f9a",
            ["api_key"] = "query-key-77c1",
            ["signature"] = "query-signature-d20e",
            ["page"] = "page-visible-5",
        };

        var entryText = await RunAndReadEntryAsync(id, new { operation = "orders.list", method = "GET", path = "/orders", query });

        Assert.Contains("query-token-3f9a", Assert.Single(_system.Requests).PathAndQuery, StringComparison.Ordinal);
        ResponseText.AssertNoSecret(entryText, "query-token-3f9a");
        ResponseText.AssertNoSecret(entryText, "query-key-77c1");
        ResponseText.AssertNoSecret(entryText, "query-signature-d20e");
        Assert.Contains("page-visible-5", entryText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_TokenQueryInPath_Redacted()
    {
        var id = await PutEndpointAsync(auth: null);

        var entryText = await RunAndReadEntryAsync(id, new
        {
            operation = "orders.list", method = "GET", path = "/orders?access_token=path-token-51be&page=2",
        });

        ResponseText.AssertNoSecret(entryText, "path-token-51be");
    }

    [Fact]
    public async Task Journal_DefaultJsonFields_RedactedAnywhere()
    {
        var id = await PutEndpointAsync(auth: null);
        _system.Enqueue(Respond.Json(200, """
            {"user":{"name":"visible-user-30","PASSWORD":"resp-password-1"},
             "items":[{"Token":"resp-token-2","sku":"visible-sku-31"},{"nested":{"apikey":"resp-apikey-3"}}],
             "Secret":"resp-secret-4"}
            """));
        var body = new
        {
            customer = new { email = "visible-email-32", password = "req-password-5" },
            lines = new object[] { new { sku = "visible-sku-33", token = "req-token-6" }, new { deep = new { ApiKey = "req-apikey-7" } } },
            secret = "req-secret-8",
        };

        var entryText = await RunAndReadEntryAsync(id, new { operation = "orders.create", method = "POST", path = "/orders", body });

        Assert.Contains("req-password-5", Assert.Single(_system.Requests).BodyText, StringComparison.Ordinal);
        foreach (var secret in new[]
                 {
                     "resp-password-1", "resp-token-2", "resp-apikey-3", "resp-secret-4",
                     "req-password-5", "req-token-6", "req-apikey-7", "req-secret-8",
                 })
        {
            ResponseText.AssertNoSecret(entryText, secret);
        }

        foreach (var visible in new[] { "visible-user-30", "visible-sku-31", "visible-email-32", "visible-sku-33" })
        {
            Assert.Contains(visible, entryText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Journal_CustomJsonFields_ReplaceDefaults()
    {
        var id = HubFixture.NewEndpointId("redact");
        await _hub.PutEndpointAsync(id, new { baseUrl = _system.BaseUrl, redactJsonFields = CardFields });
        var body = new { cardNumber = "4111-card-secret", note = "visible-note-34" };

        var entryText = await RunAndReadEntryAsync(id, new { operation = "pay", method = "POST", path = "/pay", body });

        ResponseText.AssertNoSecret(entryText, "4111-card-secret");
        Assert.Contains("visible-note-34", entryText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_FormFields_Redacted()
    {
        var id = await PutEndpointAsync(auth: null);
        _system.Enqueue(Respond.Text(200, "token=form-resp-token-9&state=visible-state-35", "application/x-www-form-urlencoded"));
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded" };

        var entryText = await RunAndReadEntryAsync(id, new
        {
            operation = "login", method = "POST", path = "/login", headers,
            body = "user=visible-user-36&password=form-req-password-10",
        });

        Assert.Contains("form-req-password-10", Assert.Single(_system.Requests).BodyText, StringComparison.Ordinal);
        ResponseText.AssertNoSecret(entryText, "form-req-password-10");
        ResponseText.AssertNoSecret(entryText, "form-resp-token-9");
        Assert.Contains("visible-user-36", entryText, StringComparison.Ordinal);
        Assert.Contains("visible-state-35", entryText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_SecretEchoedInResponse_Redacted()
    {
        const string token = "echoed-token-8c3b71";
        var id = await PutEndpointAsync(new { type = "bearer", token });
        _system.Enqueue(Respond.Bytes(400, "text/plain", Encoding.UTF8.GetBytes($"invalid token {token} for tenant visible-39"),
            new Dictionary<string, string> { ["X-Debug"] = $"got {token}" }));

        var entryText = await RunAndReadEntryAsync(id, new { operation = "orders.get", method = "GET", path = "/orders/1" });

        ResponseText.AssertNoSecret(entryText, token);
        Assert.Contains("visible-39", entryText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_SecretInRewrittenJson_Redacted()
    {
        // '+' and '/' are common in tokens, and JSON writers may escape them when they rewrite a body.
        const string token = "tok+en/echo=A1b2";
        var id = await PutEndpointAsync(new { type = "bearer", token });
        _system.Enqueue(Respond.Json(200, $$"""{"password":"p-11","echo":"{{token}}","note":"visible-40"}"""));

        var entryText = await RunAndReadEntryAsync(id, new { operation = "orders.get", method = "GET", path = "/orders/1" });

        ResponseText.AssertNoSecret(entryText, token);
        ResponseText.AssertNoSecret(entryText, "tok\\u002Ben/echo=A1b2");
        Assert.Contains("visible-40", entryText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_RedactedJsonWithCyrillic_KeepsTextReadable()
    {
        var id = await PutEndpointAsync(auth: null);
        var body = new { customer = "Анна Смирнова", password = "p-12" };

        var result = await _hub.ExchangeAsync(id, new { operation = "orders.create", method = "POST", path = "/orders", body });
        var entry = await _hub.JournalEntryOfAsync(result);
        var stored = entry.GetProperty("requestBody").GetProperty("text").GetString();

        Assert.DoesNotContain("p-12", stored, StringComparison.Ordinal);
        Assert.Contains("Анна Смирнова", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndpointApi_Responses_NeverEchoSecrets()
    {
        var bearerId = HubFixture.NewEndpointId("secret");
        var basicId = HubFixture.NewEndpointId("secret");
        var headerId = HubFixture.NewEndpointId("secret");
        var bodies = new Dictionary<string, string>
        {
            [bearerId] = JsonSerializer.Serialize(new { baseUrl = _system.BaseUrl, auth = new { type = "bearer", token = "api-bearer-secret-1" } }),
            [basicId] = JsonSerializer.Serialize(new
            {
                baseUrl = _system.BaseUrl, auth = new { type = "basic", username = "anna", password = "api-basic-secret-2" },
            }),
            [headerId] = JsonSerializer.Serialize(new
            {
                baseUrl = _system.BaseUrl, auth = new { type = "header", name = "X-Crm-Key", value = "api-header-secret-3" },
            }),
        };
        var secrets = new[] { "api-bearer-secret-1", "api-basic-secret-2", "api-header-secret-3" };

        var texts = new List<string>();
        foreach (var (id, body) in bodies)
        {
            var created = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{id}", body);
            var updated = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{id}", body);
            var read = await _hub.SendAsync(HttpMethod.Get, $"/api/endpoints/{id}");
            Assert.Equal(HttpStatusCode.Created, created.Status);
            Assert.Equal(HttpStatusCode.OK, updated.Status);
            Assert.Equal(HttpStatusCode.OK, read.Status);
            Assert.True(read.Json.GetProperty("auth").GetProperty("configured").GetBoolean());
            texts.AddRange([created.Text, updated.Text, read.Text]);
        }

        var list = await _hub.SendAsync(HttpMethod.Get, "/api/endpoints");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains(headerId, list.Text, StringComparison.Ordinal);
        texts.Add(list.Text);

        foreach (var text in texts)
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task EndpointApi_CredentialInStaticHeaders_NotEchoed()
    {
        var id = HubFixture.NewEndpointId("secret");
        var headers = new Dictionary<string, string> { ["X-Api-Key"] = "static-key-secret-4", ["Authorization"] = "Bearer static-bearer-5" };
        var body = JsonSerializer.Serialize(new { baseUrl = _system.BaseUrl, headers });

        var put = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{id}", body);
        var read = await _hub.SendAsync(HttpMethod.Get, $"/api/endpoints/{id}");
        var list = await _hub.SendAsync(HttpMethod.Get, "/api/endpoints");

        Assert.Equal(HttpStatusCode.Created, put.Status);
        foreach (var text in new[] { put.Text, read.Text, list.Text })
        {
            Assert.DoesNotContain("static-key-secret-4", text, StringComparison.Ordinal);
            Assert.DoesNotContain("static-bearer-5", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Journal_SecretNamedHeaders_Redacted()
    {
        const string custom = "custom-secret-value-4c2d", session = "session-key-value-9e1a", submitted = "submitted-auth-7f3b";
        var id = HubFixture.NewEndpointId("redact");
        await _hub.PutEndpointAsync(id, new
        {
            baseUrl = _system.BaseUrl,
            headers = new Dictionary<string, string> { ["X-Custom-Secret"] = custom, ["X-Session-Key"] = session, ["X-Tenant"] = "shop-1" },
        });
        _system.Enqueue(Respond.Json(200, $$"""{"echo":"{{session}}"}"""));

        var entryText = await RunAndReadEntryAsync(id, new
        {
            operation = "orders.get",
            method = "GET",
            path = "/orders/1",
            headers = new Dictionary<string, string> { ["X-Auth"] = submitted },
        });
        var view = await _hub.GetJsonAsync($"/api/endpoints/{id}");

        Assert.Equal(custom, Assert.Single(_system.Requests).Headers["X-Custom-Secret"]);
        ResponseText.AssertNoSecret(entryText, custom);
        ResponseText.AssertNoSecret(entryText, session);
        ResponseText.AssertNoSecret(entryText, submitted);
        Assert.Contains("shop-1", entryText, StringComparison.Ordinal);
        Assert.Equal(Mask, view.GetProperty("headers").GetProperty("X-Session-Key").GetString());
        Assert.Equal("shop-1", view.GetProperty("headers").GetProperty("X-Tenant").GetString());
    }

    [Fact]
    public async Task Journal_AuthChallenge_KeptReadable()
    {
        var id = await PutEndpointAsync(null);
        _system.Enqueue(Respond.Bytes(401, "application/json", Encoding.UTF8.GetBytes("{}"),
            new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer error=\"invalid_token\"" }));

        var entryText = await RunAndReadEntryAsync(id, new { operation = "orders.get", method = "GET", path = "/orders/1" });

        Assert.Contains("invalid_token", entryText, StringComparison.Ordinal);
    }

    private async Task<string> PutEndpointAsync(object? auth)
    {
        var id = HubFixture.NewEndpointId("redact");
        await _hub.PutEndpointAsync(id, new { baseUrl = _system.BaseUrl, auth });
        return id;
    }

    private async Task<string> RunAndReadEntryAsync(string endpointId, object exchange)
    {
        var result = await _hub.ExchangeAsync(endpointId, exchange);
        return await _hub.GetJournalEntryTextAsync(result.GetProperty("journalEntryId").GetString()!);
    }
}
