using System.Net;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Behavior;

/// <summary>
/// Filters, order and keyset pagination of <c>GET /api/journal</c>.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class JournalQueryTests(HubFixture fixture) : IAsyncLifetime
{
    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Query_Endpoint_ReturnsOnlyItsEntries()
    {
        var first = await PutEndpointAsync();
        var second = await PutEndpointAsync();
        await RunAsync(first, "a");
        await RunAsync(second, "b");
        await RunAsync(second, "c");

        var items = await QueryAsync($"endpoint={second}");

        Assert.Equal(2, items.Length);
        Assert.All(items, item => Assert.Equal(second, item.GetProperty("endpointId").GetString()));
    }

    [Fact]
    public async Task Query_Direction_SeparatesInboundAndOutbound()
    {
        var id = await PutEndpointAsync();
        await RunAsync(id, "out");
        var inbound = await _hub.PostInboundAsync(id, """{"n":1}"""u8.ToArray(), "application/json");
        Assert.Equal(HttpStatusCode.Accepted, inbound.Status);

        var outbound = await QueryAsync($"endpoint={id}&direction=Outbound");
        var received = await QueryAsync($"endpoint={id}&direction=inbound");

        Assert.Equal("out", Assert.Single(outbound).GetProperty("operation").GetString());
        Assert.Equal("Inbound", Assert.Single(received).GetProperty("direction").GetString());
    }

    [Fact]
    public async Task Query_Outcome_ReturnsOnlyThatOutcome()
    {
        var id = await PutEndpointAsync();
        // Statuses 400 and 409 are permanent failures, so each exchange makes exactly one attempt.
        _system.Enqueue(Respond.Json(200, "{}"), Respond.Text(400, "rejected"), Respond.Text(409, "rejected"));
        await RunAsync(id, "ok");
        await RunAsync(id, "fail-1");
        await RunAsync(id, "fail-2");

        var failed = await QueryAsync($"endpoint={id}&outcome=HttpError");
        var succeeded = await QueryAsync($"endpoint={id}&outcome=success");

        Assert.Equal(["fail-2", "fail-1"], failed.Select(i => i.GetProperty("operation").GetString()));
        Assert.Equal("ok", Assert.Single(succeeded).GetProperty("operation").GetString());
    }

    [Fact]
    public async Task Query_Operation_ReturnsOnlyThatOperation()
    {
        var id = await PutEndpointAsync();
        await RunAsync(id, "orders.create");
        await RunAsync(id, "orders.get");
        await RunAsync(id, "orders.create");

        var items = await QueryAsync($"endpoint={id}&operation=orders.create");

        Assert.Equal(2, items.Length);
        Assert.All(items, item => Assert.Equal("orders.create", item.GetProperty("operation").GetString()));
    }

    [Fact]
    public async Task Query_CorrelationId_FindsEntriesAcrossEndpoints()
    {
        var first = await PutEndpointAsync();
        var second = await PutEndpointAsync();
        var correlationId = $"corr-{Guid.NewGuid():N}";
        await RunAsync(first, "a", correlationId);
        await RunAsync(second, "b", correlationId);
        await RunAsync(second, "c", "other-correlation");

        var items = await QueryAsync($"correlationId={correlationId}");

        Assert.Equal(["b", "a"], items.Select(i => i.GetProperty("operation").GetString()));
    }

    [Fact]
    public async Task Query_ExchangeId_ReturnsItsEntry()
    {
        var id = await PutEndpointAsync();
        await RunAsync(id, "a");
        var result = await RunAsync(id, "b");
        await RunAsync(id, "c");

        var items = await QueryAsync($"exchangeId={result.GetProperty("exchangeId").GetString()}");

        var item = Assert.Single(items);
        Assert.Equal(result.GetProperty("journalEntryId").GetString(), item.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Query_FromTo_SelectsHalfOpenRange()
    {
        var id = await PutEndpointAsync();
        for (var i = 0; i < 4; i++)
        {
            await RunAsync(id, $"op-{i}");
        }

        var all = await QueryAsync($"endpoint={id}");
        var from = Uri.EscapeDataString(all[2].GetProperty("startedAt").GetString()!);
        var to = Uri.EscapeDataString(all[0].GetProperty("startedAt").GetString()!);

        var fromOnly = await QueryAsync($"endpoint={id}&from={from}");
        var toOnly = await QueryAsync($"endpoint={id}&to={to}");
        var range = await QueryAsync($"endpoint={id}&from={from}&to={to}");

        Assert.Equal(["op-3", "op-2", "op-1"], fromOnly.Select(i => i.GetProperty("operation").GetString()));
        Assert.Equal(["op-2", "op-1", "op-0"], toOnly.Select(i => i.GetProperty("operation").GetString()));
        Assert.Equal(["op-2", "op-1"], range.Select(i => i.GetProperty("operation").GetString()));
    }

    [Fact]
    public async Task Query_FutureFrom_ReturnsNothing()
    {
        var id = await PutEndpointAsync();
        await RunAsync(id, "a");

        var items = await QueryAsync($"endpoint={id}&from=2999-01-01T00:00:00Z");

        Assert.Empty(items);
    }

    [Fact]
    public async Task Query_Default_NewestFirst()
    {
        var id = await PutEndpointAsync();
        for (var i = 0; i < 5; i++)
        {
            await RunAsync(id, $"op-{i}");
        }

        var items = await QueryAsync($"endpoint={id}");
        var times = items.Select(i => i.GetProperty("startedAt").GetDateTimeOffset()).ToArray();

        Assert.Equal(["op-4", "op-3", "op-2", "op-1", "op-0"], items.Select(i => i.GetProperty("operation").GetString()));
        Assert.Equal(times.OrderByDescending(t => t), times);
    }

    [Fact]
    public async Task Query_LimitThreeOfSeven_PagesExactly()
    {
        var id = await PutEndpointAsync();
        for (var i = 0; i < 7; i++)
        {
            await RunAsync(id, $"op-{i}");
        }

        var pages = new List<JsonElement[]>();
        var cursors = new List<string?>();
        string? cursor = null;
        do
        {
            var query = cursor is null ? $"endpoint={id}&limit=3" : $"endpoint={id}&limit=3&cursor={Uri.EscapeDataString(cursor)}";
            var page = await _hub.GetJsonAsync($"/api/journal?{query}");
            pages.Add([.. page.GetProperty("items").EnumerateArray()]);
            cursor = page.GetProperty("nextCursor").GetString();
            cursors.Add(cursor);
        }
        while (cursor is not null && pages.Count < 10);

        var operations = pages.SelectMany(p => p).Select(i => i.GetProperty("operation").GetString()).ToArray();
        Assert.Equal([3, 3, 1], pages.Select(p => p.Length));
        Assert.Equal(["op-6", "op-5", "op-4", "op-3", "op-2", "op-1", "op-0"], operations);
        Assert.NotNull(cursors[0]);
        Assert.NotNull(cursors[1]);
        Assert.Null(cursors[2]);
    }

    [Fact]
    public async Task Query_LimitEqualsCount_NoNextCursor()
    {
        var id = await PutEndpointAsync();
        for (var i = 0; i < 3; i++)
        {
            await RunAsync(id, $"op-{i}");
        }

        var page = await _hub.GetJsonAsync($"/api/journal?endpoint={id}&limit=3");

        Assert.Equal(3, page.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Query_CursorWithFilter_KeepsFilter()
    {
        var id = await PutEndpointAsync();
        _system.Enqueue(
            Respond.Text(400, "rejected"), Respond.Json(200, "{}"), Respond.Text(409, "rejected"),
            Respond.Json(200, "{}"), Respond.Text(422, "rejected"));
        for (var i = 0; i < 5; i++)
        {
            await RunAsync(id, $"op-{i}");
        }

        var first = await _hub.GetJsonAsync($"/api/journal?endpoint={id}&outcome=HttpError&limit=2");
        var cursor = Uri.EscapeDataString(first.GetProperty("nextCursor").GetString()!);
        var second = await _hub.GetJsonAsync($"/api/journal?endpoint={id}&outcome=HttpError&limit=2&cursor={cursor}");

        Assert.Equal(["op-4", "op-2"], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("operation").GetString()));
        Assert.Equal(["op-0"], second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("operation").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-45T00:00:00Z", "to")]
    [InlineData("outcome=Exploded", "outcome")]
    [InlineData("outcome=1", "outcome")]
    [InlineData("outcome=Timeout,Exploded", "outcome")]
    [InlineData("direction=Sideways", "direction")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor!", "cursor")]
    [InlineData("cursor=AAAA", "cursor")]
    [InlineData("exchangeId=123", "exchangeId")]
    [InlineData("endpoint=UPPER", "endpoint")]
    public async Task Query_BadParameter_Returns400NamingIt(string query, string parameter)
    {
        var response = await _hub.SendAsync(HttpMethod.Get, $"/api/journal?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains(parameter, response.ErrorFields);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Fact]
    public async Task Query_SeveralBadParameters_NamesEach()
    {
        var response = await _hub.SendAsync(HttpMethod.Get, "/api/journal?from=x&outcome=y&limit=0&cursor=z");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(["cursor", "from", "limit", "outcome"], response.ErrorFields.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("limit=1")]
    [InlineData("limit=500")]
    public async Task Query_LimitAtBounds_Accepted(string query)
    {
        var response = await _hub.SendAsync(HttpMethod.Get, $"/api/journal?{query}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    private async Task<string> PutEndpointAsync()
    {
        var id = HubFixture.NewEndpointId("journal");
        await _hub.PutEndpointAsync(id, new { baseUrl = _system.BaseUrl });
        return id;
    }

    private Task<JsonElement> RunAsync(string endpointId, string operation, string? correlationId = null) =>
        _hub.ExchangeAsync(endpointId, new { operation, method = "GET", path = "/orders", correlationId });

    private async Task<JsonElement[]> QueryAsync(string query)
    {
        var page = await _hub.GetJsonAsync($"/api/journal?{query}");
        return [.. page.GetProperty("items").EnumerateArray()];
    }
}
