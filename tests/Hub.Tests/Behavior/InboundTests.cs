using System.Net;
using System.Text;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Behavior;

/// <summary>
/// Data pushed to <c>POST /api/inbound/{endpointId}</c>: journaled as received and, with <c>forwardTo</c>,
/// delivered to another endpoint under the same correlation id.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class InboundTests(HubFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan ForwardDeadline = TimeSpan.FromSeconds(10);

    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _target = null!;

    public async ValueTask InitializeAsync() => _target = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _target.DisposeAsync();

    [Fact]
    public async Task Inbound_JsonBody_JournaledRedacted()
    {
        var id = HubFixture.NewEndpointId("store");
        await _hub.PutEndpointAsync(id, new { baseUrl = _target.BaseUrl });
        var body = """{"number":"A-10100","customer":{"name":"Anna","password":"inbound-pass-1"},"items":[{"token":"inbound-token-2"}]}""";

        var response = await _hub.PostInboundAsync(id, Encoding.UTF8.GetBytes(body), "application/json");
        var entryId = response.Json.GetProperty("journalEntryId").GetString()!;
        var entryText = await _hub.GetJournalEntryTextAsync(entryId);
        var entry = await _hub.GetJsonAsync($"/api/journal/{entryId}");
        var stored = entry.GetProperty("requestBody").GetProperty("text").GetString();

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Equal("Inbound", entry.GetProperty("direction").GetString());
        Assert.Equal(id, entry.GetProperty("endpointId").GetString());
        Assert.Equal("Success", entry.GetProperty("outcome").GetString());
        Assert.Contains("A-10100", stored, StringComparison.Ordinal);
        Assert.Contains("Anna", stored, StringComparison.Ordinal);
        ResponseText.AssertNoSecret(entryText, "inbound-pass-1");
        ResponseText.AssertNoSecret(entryText, "inbound-token-2");
        ResponseText.AssertNoSecret(entryText, HubInstance.ApiKey);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task Inbound_SecretHeadersAndQuery_Redacted()
    {
        var id = HubFixture.NewEndpointId("store");
        await _hub.PutEndpointAsync(id, new { baseUrl = _target.BaseUrl });
        var headers = new Dictionary<string, string>
        {
            ["Authorization"] = "Bearer inbound-bearer-3",
            ["X-Signature"] = "visible-signature-header",
        };

        var response = await _hub.PostInboundAsync(
            id, "user=visible-user&password=inbound-form-pass-4"u8.ToArray(), "application/x-www-form-urlencoded",
            headers, "?access_token=inbound-query-token-5&source=visible-source");
        var entryText = await _hub.GetJournalEntryTextAsync(response.Json.GetProperty("journalEntryId").GetString()!);

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        ResponseText.AssertNoSecret(entryText, "inbound-bearer-3");
        ResponseText.AssertNoSecret(entryText, "inbound-form-pass-4");
        ResponseText.AssertNoSecret(entryText, "inbound-query-token-5");
        ResponseText.AssertNoSecret(entryText, HubInstance.ApiKey);
        Assert.Contains("visible-user", entryText, StringComparison.Ordinal);
        Assert.Contains("visible-source", entryText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inbound_CorrelationHeader_SetsCorrelationId()
    {
        var id = HubFixture.NewEndpointId("store");
        await _hub.PutEndpointAsync(id, new { baseUrl = _target.BaseUrl });
        var correlationId = $"inbound-{Guid.NewGuid():N}";

        var response = await _hub.PostInboundAsync(id, """{"n":1}"""u8.ToArray(), "application/json",
            new Dictionary<string, string> { ["X-Correlation-Id"] = correlationId });
        var entry = await _hub.GetJsonAsync($"/api/journal/{response.Json.GetProperty("journalEntryId").GetString()}");

        Assert.Equal(correlationId, response.Json.GetProperty("correlationId").GetString());
        Assert.Equal(correlationId, entry.GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task Inbound_WithoutCorrelationHeader_GetsGeneratedCorrelationId()
    {
        var id = HubFixture.NewEndpointId("store");
        await _hub.PutEndpointAsync(id, new { baseUrl = _target.BaseUrl });

        var response = await _hub.PostInboundAsync(id, """{"n":1}"""u8.ToArray(), "application/json");
        var entry = await _hub.GetJsonAsync($"/api/journal/{response.Json.GetProperty("journalEntryId").GetString()}");

        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("correlationId").GetString()));
        Assert.Equal(response.Json.GetProperty("correlationId").GetString(), entry.GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task Inbound_ForwardTo_DeliversBody()
    {
        var (storeId, crmId) = await PutForwardingPairAsync();
        var correlationId = $"forward-{Guid.NewGuid():N}";
        const string body = """{"number":"A-10101","total":6470.00}""";
        _target.Enqueue(Respond.Json(201, """{"crmId":"C-9"}"""));

        var response = await _hub.PostInboundAsync(storeId, Encoding.UTF8.GetBytes(body), "application/json",
            new Dictionary<string, string> { ["X-Correlation-Id"] = correlationId });
        var forwarded = await _hub.WaitForJournalAsync($"endpoint={crmId}&correlationId={correlationId}", 1, ForwardDeadline);

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Equal(crmId, response.Json.GetProperty("forwardEndpointId").GetString());
        var request = Assert.Single(_target.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/orders", request.PathAndQuery);
        Assert.Equal(body, request.BodyText);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("Bearer crm-forward-token", request.Headers["Authorization"]);
        var item = Assert.Single(forwarded);
        Assert.Equal("Outbound", item.GetProperty("direction").GetString());
        Assert.Equal("Success", item.GetProperty("outcome").GetString());
        Assert.Equal(201, item.GetProperty("statusCode").GetInt32());
        Assert.Equal(response.Json.GetProperty("forwardExchangeId").GetString(), item.GetProperty("exchangeId").GetString());
    }

    [Fact]
    public async Task Inbound_ForwardTo_BothEntriesShareCorrelationId()
    {
        var (storeId, crmId) = await PutForwardingPairAsync();
        var correlationId = $"forward-{Guid.NewGuid():N}";

        await _hub.PostInboundAsync(storeId, """{"number":"A-10102"}"""u8.ToArray(), "application/json",
            new Dictionary<string, string> { ["X-Correlation-Id"] = correlationId });
        var entries = await _hub.WaitForJournalAsync($"correlationId={correlationId}", 2, ForwardDeadline);

        Assert.Equal(2, entries.Length);
        Assert.Equal([crmId, storeId], entries.Select(e => e.GetProperty("endpointId").GetString()));
        Assert.Equal(["Outbound", "Inbound"], entries.Select(e => e.GetProperty("direction").GetString()));
    }

    [Fact]
    public async Task Inbound_ForwardTo_SendsCorrelationIdHeader()
    {
        var (storeId, crmId) = await PutForwardingPairAsync();
        var correlationId = $"forward-{Guid.NewGuid():N}";

        await _hub.PostInboundAsync(storeId, """{"number":"A-10103"}"""u8.ToArray(), "application/json",
            new Dictionary<string, string> { ["X-Correlation-Id"] = correlationId });
        await _hub.WaitForJournalAsync($"endpoint={crmId}&correlationId={correlationId}", 1, ForwardDeadline);

        var request = Assert.Single(_target.Requests);
        Assert.True(request.Headers.TryGetValue("X-Correlation-Id", out var sent), "The forward carried no X-Correlation-Id header.");
        Assert.Equal(correlationId, sent);
    }

    [Fact]
    public async Task Inbound_ForwardFails_JournalsFailureUnderCorrelationId()
    {
        var (storeId, crmId) = await PutForwardingPairAsync();
        var correlationId = $"forward-{Guid.NewGuid():N}";
        _target.Enqueue(Respond.Text(422, "order rejected"));

        var response = await _hub.PostInboundAsync(storeId, """{"number":"A-10104"}"""u8.ToArray(), "application/json",
            new Dictionary<string, string> { ["X-Correlation-Id"] = correlationId });
        var forwarded = await _hub.WaitForJournalAsync($"endpoint={crmId}&correlationId={correlationId}", 1, ForwardDeadline);

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Equal("HttpError", Assert.Single(forwarded).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task PutEndpoint_ForwardToMissingEndpoint_Returns400()
    {
        var storeId = HubFixture.NewEndpointId("store");
        var missingId = HubFixture.NewEndpointId("missing");
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            baseUrl = _target.BaseUrl, forwardTo = new { endpointId = missingId, method = "POST", path = "/orders" },
        });

        var response = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{storeId}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("forwardTo.endpointId", response.ErrorFields);
    }

    [Fact]
    public async Task DeleteEndpoint_StillAForwardTarget_Returns409()
    {
        var (storeId, crmId) = await PutForwardingPairAsync();

        var response = await _hub.SendAsync(HttpMethod.Delete, $"/api/endpoints/{crmId}", null);

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Contains(storeId, response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inbound_MalformedJson_Returns400AndJournalsRejected()
    {
        var (storeId, _) = await PutForwardingPairAsync();

        var response = await _hub.PostInboundAsync(storeId, """{"number":"""u8.ToArray(), "application/json");
        var entryId = response.Json.GetProperty("journalEntryId").GetString();
        var entry = await _hub.GetJsonAsync($"/api/journal/{entryId}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("Rejected", entry.GetProperty("outcome").GetString());
        Assert.Equal("{\"number\":", entry.GetProperty("requestBody").GetProperty("text").GetString());
        Assert.Empty(_target.Requests);
    }

    private async Task<(string StoreId, string CrmId)> PutForwardingPairAsync()
    {
        var storeId = HubFixture.NewEndpointId("store");
        var crmId = HubFixture.NewEndpointId("crm");
        await _hub.PutEndpointAsync(crmId, new { baseUrl = _target.BaseUrl, auth = new { type = "bearer", token = "crm-forward-token" } });

        // The store's own base URL is never called: resolution of .invalid names fails inside the process.
        await _hub.PutEndpointAsync(storeId, new
        {
            baseUrl = "http://store.invalid", forwardTo = new { endpointId = crmId, method = "POST", path = "/orders" },
        });
        return (storeId, crmId);
    }
}
