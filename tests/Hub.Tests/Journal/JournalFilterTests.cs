using System.Globalization;
using System.Net;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Journal;

/// <summary>
/// The filters added to <c>GET /api/journal</c>: several endpoints and outcomes, status classes, duration, business
/// keys and body text, and the export that takes the same filters.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class JournalFilterTests(HubFixture fixture) : IAsyncLifetime
{
    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Query_SeveralEndpoints_ReturnsEach()
    {
        var first = await PutEndpointAsync();
        var second = await PutEndpointAsync();
        var third = await PutEndpointAsync();
        await RunAsync(first, "a");
        await RunAsync(second, "b");
        await RunAsync(third, "c");

        var repeated = await QueryAsync($"endpoint={first}&endpoint={second}");
        var commas = await QueryAsync($"endpoint={first},{third}");

        Assert.Equal(["b", "a"], repeated.Select(Operation));
        Assert.Equal(["c", "a"], commas.Select(Operation));
    }

    [Fact]
    public async Task Query_StatusAndClass_MatchCodes()
    {
        var id = await PutEndpointAsync();
        _system.Enqueue(Respond.Json(200, "{}"), Respond.Text(404, "missing"), Respond.Text(409, "conflict"));
        await RunAsync(id, "ok");
        await RunAsync(id, "missing");
        await RunAsync(id, "conflict");

        var exact = await QueryAsync($"endpoint={id}&status=404");
        var clientErrors = await QueryAsync($"endpoint={id}&status=4xx");
        var mixed = await QueryAsync($"endpoint={id}&status=2xx,409");

        Assert.Equal(["missing"], exact.Select(Operation));
        Assert.Equal(["conflict", "missing"], clientErrors.Select(Operation));
        Assert.Equal(["conflict", "ok"], mixed.Select(Operation));
    }

    [Fact]
    public async Task Query_SeveralOutcomes_MatchAny()
    {
        var id = await PutEndpointAsync();
        _system.Enqueue(Respond.Json(200, "{}"), Respond.Text(400, "bad"));
        await RunAsync(id, "ok");
        await RunAsync(id, "bad");

        var both = await QueryAsync($"endpoint={id}&outcome=Success,HttpError");
        var one = await QueryAsync($"endpoint={id}&outcome=HttpError");

        Assert.Equal(2, both.Length);
        Assert.Equal(["bad"], one.Select(Operation));
    }

    [Fact]
    public async Task Query_MinDuration_SkipsFastAttempts()
    {
        var id = await PutEndpointAsync();
        _system.Enqueue(Respond.Json(200, "{}"), Respond.Delayed(TimeSpan.FromMilliseconds(1000)));
        var fastMs = await DurationMsAsync(await RunAsync(id, "fast"));
        var slowMs = await DurationMsAsync(await RunAsync(id, "slow"));

        // The limit lies between the two journaled durations, so a slow machine that stretches the fast attempt
        // does not change which entry it selects.
        Assert.True(fastMs < slowMs, $"the fast attempt took {fastMs} ms and the slow one {slowMs} ms");
        var limit = Math.Round((fastMs + slowMs) / 2).ToString(CultureInfo.InvariantCulture);
        var slow = await QueryAsync($"endpoint={id}&minDurationMs={limit}");

        Assert.Equal(["slow"], slow.Select(Operation));
    }

    [Fact]
    public async Task BusinessKey_AcrossEndpointsAndDirections_FindsEach()
    {
        var store = await PutEndpointAsync(["$.order.number"]);
        var accounting = await PutEndpointAsync(["$.documents[*].orderRef"]);
        var other = await PutEndpointAsync(["$.order.number"]);
        var key = $"A-{Random.Shared.Next(100_000, 999_999)}";
        await RunAsync(store, "push-order", new { order = new { number = key } });
        _system.Enqueue(Respond.Json(200, $$"""{"documents":[{"orderRef":"X-1"},{"orderRef":"{{key}}"}]}"""));
        await RunAsync(accounting, "read-documents");
        await RunAsync(other, "push-order", new { order = new { number = "B-1" } });
        var inbound = await _hub.PostInboundAsync(store, JsonSerializer.SerializeToUtf8Bytes(new { order = new { number = key } }), "application/json");
        Assert.Equal(HttpStatusCode.Accepted, inbound.Status);

        var items = await QueryAsync($"key={key}");

        Assert.Equal(3, items.Length);
        Assert.Equal(2, items.Count(i => i.GetProperty("endpointId").GetString() == store));
        Assert.Single(items, i => i.GetProperty("endpointId").GetString() == accounting);
        Assert.Single(items, i => i.GetProperty("direction").GetString() == "Inbound");
        Assert.All(items, i => Assert.Contains(key, i.GetProperty("businessKeys").EnumerateArray().Select(k => k.GetString())));
    }

    [Fact]
    public async Task BusinessKey_ThroughRedactedField_Rejected()
    {
        var response = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{HubFixture.NewEndpointId("keys")}",
            $$"""{"baseUrl":"{{_system.BaseUrl}}","businessKeys":["$.customer.password","order.number"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("businessKeys[0]", response.ErrorFields);
        Assert.Contains("businessKeys[1]", response.ErrorFields);
    }

    [Fact]
    public async Task BusinessKeys_ShownInEndpointView()
    {
        var id = await PutEndpointAsync(["$.order.number"]);

        var view = await _hub.GetJsonAsync($"/api/endpoints/{id}");

        Assert.Equal(["$.order.number"], view.GetProperty("businessKeys").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task TextSearch_WithinRange_FindsBody()
    {
        var id = await PutEndpointAsync();
        var marker = $"needle{Guid.NewGuid():N}";
        await RunAsync(id, "with", new { note = $"has {marker} inside" });
        await RunAsync(id, "without", new { note = "nothing" });
        var from = Uri.EscapeDataString(TimeProvider.System.GetUtcNow().AddHours(-1).ToString("O"));
        var to = Uri.EscapeDataString(TimeProvider.System.GetUtcNow().AddHours(1).ToString("O"));

        var items = await QueryAsync($"endpoint={id}&q={marker.ToUpperInvariant()}&from={from}&to={to}");

        Assert.Equal(["with"], items.Select(Operation));
    }

    [Theory]
    [InlineData("q=needle", "q")]
    [InlineData("q=needle&from=2026-01-01&to=2026-01-09", "q")]
    [InlineData("q=ab&from=2026-01-01&to=2026-01-02", "q")]
    [InlineData("status=600", "status")]
    [InlineData("status=6xx", "status")]
    [InlineData("status=4x", "status")]
    [InlineData("minDurationMs=-5", "minDurationMs")]
    [InlineData("minDurationMs=fast", "minDurationMs")]
    [InlineData("endpoint=ok,UPPER", "endpoint")]
    [InlineData("outcome=Success,Exploded", "outcome")]
    public async Task Query_BadFilter_Returns400NamingIt(string query, string parameter)
    {
        var response = await _hub.SendAsync(HttpMethod.Get, $"/api/journal?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(parameter, response.ErrorFields);
    }

    [Fact]
    public async Task Export_Ndjson_StreamsMatchingRows()
    {
        var id = await PutEndpointAsync();
        for (var i = 0; i < 3; i++)
        {
            await RunAsync(id, $"op-{i}");
        }

        var response = await _hub.SendAsync(HttpMethod.Get, $"/api/journal/export?endpoint={id}&limit=2");
        var lines = response.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/x-ndjson", response.MediaType);
        Assert.Equal(["op-2", "op-1"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("operation").GetString()));
    }

    [Fact]
    public async Task Export_Csv_QuotesFields()
    {
        var id = await PutEndpointAsync();
        await RunAsync(id, "comma,in \"name\"");

        var response = await _hub.SendAsync(HttpMethod.Get, $"/api/journal/export?format=csv&endpoint={id}");
        var lines = response.Text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(l => l.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToArray();

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("id,startedAt,endpointId", lines[0]);
        Assert.Contains("\"comma,in \"\"name\"\"\"", lines[1]);
    }

    [Theory]
    [InlineData("format=xml", "format")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1000001", "limit")]
    [InlineData("status=abc", "status")]
    public async Task Export_BadParameter_Returns400NamingIt(string query, string parameter)
    {
        var response = await _hub.SendAsync(HttpMethod.Get, $"/api/journal/export?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(parameter, response.ErrorFields);
    }

    [Fact]
    public async Task Retention_DryRun_ReturnsReport()
    {
        var response = await _hub.SendAsync(HttpMethod.Post, "/api/journal/retention?dryRun=true");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(JsonDocument.Parse(response.Text).RootElement.GetProperty("dryRun").GetBoolean());
    }

    [Fact]
    public async Task Stats_ListsHotRowsOfEndpoint()
    {
        var id = await PutEndpointAsync();
        await RunAsync(id, "a");
        await RunAsync(id, "b");

        var stats = await _hub.GetJsonAsync("/api/journal/stats");
        var row = stats.EnumerateArray().Single(s => s.GetProperty("endpointId").GetString() == id);

        Assert.Equal("hot", row.GetProperty("tier").GetString());
        Assert.Equal(2, row.GetProperty("rows").GetInt64());
        Assert.True(row.GetProperty("bytes").GetInt64() > 0);
    }

    private static string? Operation(JsonElement item) => item.GetProperty("operation").GetString();

    private async Task<double> DurationMsAsync(JsonElement exchangeResult) =>
        (await _hub.JournalEntryOfAsync(exchangeResult)).GetProperty("durationMs").GetDouble();

    private async Task<string> PutEndpointAsync(string[]? businessKeys = null)
    {
        var id = HubFixture.NewEndpointId("filter");
        await _hub.PutEndpointAsync(id, new { baseUrl = _system.BaseUrl, businessKeys });
        return id;
    }

    private Task<JsonElement> RunAsync(string endpointId, string operation, object? body = null) =>
        body is null
            ? _hub.ExchangeAsync(endpointId, new { operation, method = "GET", path = "/orders" })
            : _hub.ExchangeAsync(endpointId, new { operation, method = "POST", path = "/orders", body });

    private async Task<JsonElement[]> QueryAsync(string query)
    {
        var page = await _hub.GetJsonAsync($"/api/journal?{query}");
        return [.. page.GetProperty("items").EnumerateArray()];
    }
}
