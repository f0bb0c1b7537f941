using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Exchanges;

[Collection(SharedHubDefinition.Name)]
public sealed class ExchangeTests(HubFixture fixture) : IAsyncLifetime
{
    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _crm = null!;

    public async ValueTask InitializeAsync() => _crm = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _crm.DisposeAsync();

    [Fact]
    public async Task Exchange_Success_ReturnsResponseAndJournalsAttempt()
    {
        var id = HubFixture.NewEndpointId("crm");
        await _hub.PutEndpointAsync(id, new { baseUrl = _crm.BaseUrl, headers = new Dictionary<string, string> { ["X-Tenant"] = "t1" } });
        _crm.Enqueue(Respond.Json(201, """{"crmId":"C-77"}"""));

        var result = await _hub.ExchangeAsync(id, new
        {
            operation = "orders.create",
            method = "POST",
            path = "/orders",
            query = new Dictionary<string, string> { ["source"] = "web shop" },
            body = new { order = new { number = "A-10045" } },
            correlationId = "corr-success",
        });

        Assert.Equal("Succeeded", result.GetProperty("status").GetString());
        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
        Assert.Equal(201, result.GetProperty("response").GetProperty("statusCode").GetInt32());
        Assert.Equal("C-77", result.GetProperty("response").GetProperty("body").GetProperty("crmId").GetString());
        var request = Assert.Single(_crm.Requests);
        Assert.Equal("/orders?source=web%20shop", request.PathAndQuery);
        Assert.Equal("t1", request.Headers["X-Tenant"]);
        Assert.Contains("A-10045", request.BodyText, StringComparison.Ordinal);

        var entry = await _hub.JournalEntryOfAsync(result);
        Assert.Equal(id, entry.GetProperty("endpointId").GetString());
        Assert.Equal("Success", entry.GetProperty("outcome").GetString());
        Assert.Equal(201, entry.GetProperty("statusCode").GetInt32());
        Assert.Equal("corr-success", entry.GetProperty("correlationId").GetString());
        Assert.Equal("Outbound", entry.GetProperty("direction").GetString());
        Assert.Contains("A-10045", entry.GetProperty("requestBody").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("C-77", entry.GetProperty("responseBody").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_ExchangeId_ListsItsAttempt()
    {
        var id = HubFixture.NewEndpointId("crm");
        await _hub.PutEndpointAsync(id, new { baseUrl = _crm.BaseUrl });

        var result = await _hub.ExchangeAsync(id, new { operation = "orders.get", method = "GET", path = "/orders/1" });
        var exchange = await _hub.GetJsonAsync($"/api/exchanges/{result.GetProperty("exchangeId").GetString()}");

        Assert.Equal("Succeeded", exchange.GetProperty("status").GetString());
        Assert.Equal(1, exchange.GetProperty("attempts").GetInt32());
        Assert.Equal(result.GetProperty("journalEntryId").GetString(),
            exchange.GetProperty("entries")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Exchange_ThirtyTwoAtOnceAgainstSlowSystem_RunConcurrently()
    {
        const int count = 32;
        var id = HubFixture.NewEndpointId("slow");
        await _hub.PutEndpointAsync(id, new { baseUrl = _crm.BaseUrl, maxConcurrency = count });
        var running = 0;
        var maxRunning = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _crm.Default = async context =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            if (now == count)
            {
                allArrived.TrySetResult();
            }

            // Every request waits until all of them are in flight together. A hub that sends fewer at once never gets
            // there, so the 10 s bound releases the requests and the test fails on the count below.
            try
            {
                await allArrived.Task.WaitAsync(TimeSpan.FromSeconds(10), context.RequestAborted);
            }
            catch (TimeoutException)
            {
                allArrived.TrySetResult();
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }

            await Respond.Json(200, "{}")(context);
        };

        var results = await Task.WhenAll(Enumerable.Range(0, count)
            .Select(i => _hub.ExchangeAsync(id, new { operation = "orders.get", method = "GET", path = $"/orders/{i}" })));

        Assert.All(results, r => Assert.Equal("Succeeded", r.GetProperty("status").GetString()));
        Assert.Equal(count, maxRunning);
    }

    [Fact]
    public async Task Exchange_MaxConcurrencyOne_RunsOneAtATime()
    {
        var id = HubFixture.NewEndpointId("serial");
        await _hub.PutEndpointAsync(id, new { baseUrl = _crm.BaseUrl, maxConcurrency = 1 });
        var running = 0;
        var maxRunning = 0;
        _crm.Default = async context =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            await Task.Delay(50, context.RequestAborted);
            Interlocked.Decrement(ref running);
            await Respond.Json(200, "{}")(context);
        };

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _hub.ExchangeAsync(id, new { operation = "o", method = "GET" })));

        Assert.Equal(1, maxRunning);
    }

    [Fact]
    public async Task Status_AfterFailures_ShowsEndpointDown()
    {
        var id = HubFixture.NewEndpointId("down");
        await _hub.PutEndpointAsync(id, new { baseUrl = _crm.BaseUrl });
        _crm.Default = Respond.Text(422, "order rejected");

        for (var i = 0; i < 3; i++)
        {
            await _hub.ExchangeAsync(id, new { operation = "o", method = "GET" });
        }

        var status = await _hub.GetJsonAsync("/api/status");
        var endpoint = status.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("endpointId").GetString() == id);
        Assert.Equal("Down", endpoint.GetProperty("status").GetString());
        Assert.Equal(3, endpoint.GetProperty("failuresLast15Minutes").GetInt32());
        Assert.Equal(3, endpoint.GetProperty("exchangesLast15Minutes").GetInt32());
        Assert.Equal(JsonValueKind.Null, endpoint.GetProperty("lastSuccessAt").ValueKind);
        Assert.Equal("Down", status.GetProperty("overall").GetString());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
