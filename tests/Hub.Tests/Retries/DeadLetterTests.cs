using System.Globalization;
using System.Net;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;
using static CrmAI.Hub.Tests.Retries.RetryRequests;

namespace CrmAI.Hub.Tests.Retries;

/// <summary>
/// Exchanges that ran out of attempts or failed permanently, listed as dead letters and replayed one by one or in bulk.
/// </summary>
public sealed class DeadLetterTests(RetryHubFixture fixture) : IClassFixture<RetryHubFixture>, IAsyncLifetime
{
    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Exchange_MaxAttemptsReached_IsDeadLettered()
    {
        var endpointId = await PutDyingEndpointAsync();

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var exchange = await _hub.WaitForExchangeAsync(submission.ExchangeId, "DeadLettered");
        var deadLetter = Assert.Single((await _hub.GetJsonAsync($"/api/endpoints/{endpointId}/dead-letters")).EnumerateArray());

        Assert.Equal("DeadLettered", exchange.GetProperty("status").GetString());
        Assert.Equal(["FirstAttempt", "ScheduledRetry"], Triggers(exchange));
        Assert.NotEqual(JsonValueKind.Null, exchange.GetProperty("finishedAt").ValueKind);
        Assert.Equal(submission.ExchangeId, deadLetter.GetProperty("exchangeId").GetString());
        Assert.Equal(2, deadLetter.GetProperty("attempts").GetInt32());
        Assert.Equal(503, deadLetter.GetProperty("lastStatusCode").GetInt32());
        Assert.Equal(2, _system.Requests.Count);
    }

    [Fact]
    public async Task Exchange_MaxAttemptsOne_Returns200DeadLettered()
    {
        var endpointId = HubFixture.NewEndpointId("dead");
        await _hub.PutEndpointAsync(endpointId, new { baseUrl = _system.BaseUrl, retry = new { immediate = 0, maxAttempts = 1 } });
        _system.Default = Respond.Text(503, "down");

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));

        Assert.Equal(HttpStatusCode.OK, submission.Status);
        Assert.Equal("DeadLettered", submission.ExchangeStatus);
        Assert.Single(_system.Requests);
    }

    [Fact]
    public async Task Exchange_EmptySchedule_Returns200DeadLettered()
    {
        var endpointId = HubFixture.NewEndpointId("dead");
        await _hub.PutEndpointAsync(endpointId, new
        {
            baseUrl = _system.BaseUrl,
            retry = new { immediate = 1, immediateDelay = "10ms", schedule = Array.Empty<string>() },
        });
        _system.Default = Respond.Text(503, "down");

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));

        Assert.Equal(HttpStatusCode.OK, submission.Status);
        Assert.Equal("DeadLettered", submission.ExchangeStatus);
        Assert.Equal(2, submission.Attempts);
    }

    [Fact]
    public async Task Replay_DeadLetteredExchange_SucceedsAsManualReplay()
    {
        var endpointId = await PutDyingEndpointAsync();
        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        await _hub.WaitForExchangeAsync(submission.ExchangeId, "DeadLettered");
        _system.Default = Respond.Json(200, "{}");

        var replay = await PostAsync($"/api/exchanges/{submission.ExchangeId}/replay");
        var exchange = await _hub.GetExchangeAsync(submission.ExchangeId);
        var deadLetters = await _hub.GetJsonAsync($"/api/endpoints/{endpointId}/dead-letters");

        Assert.Equal(HttpStatusCode.OK, replay.Status);
        Assert.Equal("Succeeded", replay.Json.GetProperty("status").GetString());
        Assert.Equal(3, replay.Json.GetProperty("attempts").GetInt32());
        Assert.Equal("Succeeded", exchange.GetProperty("status").GetString());
        Assert.Equal(["FirstAttempt", "ScheduledRetry", "ManualReplay"], Triggers(exchange));
        Assert.Equal([1, 2, 3], AttemptNumbers(exchange));
        Assert.Equal(0, deadLetters.GetArrayLength());
    }

    [Fact]
    public async Task Replay_PermanentlyFailedExchange_SucceedsAsManualReplay()
    {
        var endpointId = await PutDyingEndpointAsync();
        _system.Enqueue(Respond.Text(422, "missing customer"));
        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        _system.Default = Respond.Json(200, "{}");

        var replay = await PostAsync($"/api/exchanges/{submission.ExchangeId}/replay");
        var exchange = await _hub.GetExchangeAsync(submission.ExchangeId);

        Assert.Equal(HttpStatusCode.OK, submission.Status);
        Assert.Equal("Failed", submission.ExchangeStatus);
        Assert.Equal(HttpStatusCode.OK, replay.Status);
        Assert.Equal("Succeeded", replay.Json.GetProperty("status").GetString());
        Assert.Equal(["FirstAttempt", "ManualReplay"], Triggers(exchange));
    }

    [Fact]
    public async Task Replay_ExchangeWaitingForRetry_Returns409()
    {
        var endpointId = HubFixture.NewEndpointId("dead");
        await _hub.PutEndpointAsync(endpointId, new { baseUrl = _system.BaseUrl, retry = new { immediate = 0, schedule = Values("1h") } });
        _system.Default = Respond.Text(503, "down");
        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));

        var replay = await PostAsync($"/api/exchanges/{submission.ExchangeId}/replay");

        Assert.Equal("RetryScheduled", submission.ExchangeStatus);
        Assert.Equal(HttpStatusCode.Conflict, replay.Status);
        Assert.Single(_system.Requests);
    }

    [Fact]
    public async Task Replay_SucceededExchange_Returns409()
    {
        var endpointId = await PutDyingEndpointAsync();
        _system.Default = Respond.Json(200, "{}");
        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));

        var replay = await PostAsync($"/api/exchanges/{submission.ExchangeId}/replay");

        Assert.Equal("Succeeded", submission.ExchangeStatus);
        Assert.Equal(HttpStatusCode.Conflict, replay.Status);
        Assert.Single(_system.Requests);
    }

    [Fact]
    public async Task ReplayDeadLetters_OperationFilter_ReplaysMatchingOnly()
    {
        var endpointId = await PutDyingEndpointAsync();
        var submissions = await Task.WhenAll(
            _hub.SubmitAsync(endpointId, Order("A-1", "orders.create")),
            _hub.SubmitAsync(endpointId, Order("A-2", "orders.create")),
            _hub.SubmitAsync(endpointId, Order("I-1", "invoices.create")));
        foreach (var submission in submissions)
        {
            await _hub.WaitForExchangeAsync(submission.ExchangeId, "DeadLettered");
        }

        _system.Default = Respond.Json(200, "{}");

        var replay = await PostAsync($"/api/endpoints/{endpointId}/dead-letters/replay?operation=orders.create");
        var orders = await Task.WhenAll(submissions[..2].Select(s => _hub.WaitForExchangeAsync(s.ExchangeId, "Succeeded")));
        var invoice = await _hub.GetExchangeAsync(submissions[2].ExchangeId);
        var deadLetters = await _hub.GetJsonAsync($"/api/endpoints/{endpointId}/dead-letters");

        Assert.Equal(HttpStatusCode.Accepted, replay.Status);
        Assert.Equal(2, replay.Json.GetProperty("replaying").GetInt32());
        Assert.All(orders, order => Assert.Equal("Succeeded", order.GetProperty("status").GetString()));
        Assert.All(orders, order => Assert.Equal("BulkReplay", Triggers(order)[^1]));
        Assert.All(orders, order => Assert.Equal(3, AttemptNumbers(order)[^1]));
        Assert.Equal("DeadLettered", invoice.GetProperty("status").GetString());
        Assert.Equal(submissions[2].ExchangeId, Assert.Single(deadLetters.EnumerateArray()).GetProperty("exchangeId").GetString());
        Assert.Equal(8, _system.Requests.Count);
    }

    [Fact]
    public async Task ReplayDeadLetters_RequestedTwice_SendsEachOnce()
    {
        var endpointId = await PutDyingEndpointAsync();
        var submissions = await Task.WhenAll(
            _hub.SubmitAsync(endpointId, Order("A-1")), _hub.SubmitAsync(endpointId, Order("A-2")));
        foreach (var submission in submissions)
        {
            await _hub.WaitForExchangeAsync(submission.ExchangeId, "DeadLettered");
        }

        // Slow responses keep the first replay running while the second request arrives.
        _system.Default = async context =>
        {
            await Task.Delay(500, context.RequestAborted);
            await Respond.Json(200, "{}")(context);
        };

        var first = await PostAsync($"/api/endpoints/{endpointId}/dead-letters/replay");
        var second = await PostAsync($"/api/endpoints/{endpointId}/dead-letters/replay");
        var exchanges = await Task.WhenAll(submissions.Select(s => _hub.WaitForExchangeAsync(s.ExchangeId, "Succeeded")));

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.Accepted, second.Status);
        Assert.All(exchanges, e => Assert.Equal("Succeeded", e.GetProperty("status").GetString()));
        Assert.All(exchanges, e => Assert.Equal([1, 2, 3], AttemptNumbers(e)));
        Assert.Equal(3, _system.Requests.Count(r => OrderNumber(r) == "A-1"));
        Assert.Equal(3, _system.Requests.Count(r => OrderNumber(r) == "A-2"));
    }

    [Fact]
    public async Task ReplayDeadLetters_FromFilter_ReplaysLaterOnly()
    {
        var endpointId = await PutDyingEndpointAsync();
        var early = await _hub.SubmitAsync(endpointId, Order("A-1"));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        var from = TimeProvider.System.GetUtcNow();
        await Task.Delay(50, TestContext.Current.CancellationToken);
        var late = await _hub.SubmitAsync(endpointId, Order("A-2"));
        await _hub.WaitForExchangeAsync(early.ExchangeId, "DeadLettered");
        await _hub.WaitForExchangeAsync(late.ExchangeId, "DeadLettered");
        _system.Default = Respond.Json(200, "{}");

        var query = Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture));
        var replay = await PostAsync($"/api/endpoints/{endpointId}/dead-letters/replay?from={query}");
        var replayed = await _hub.WaitForExchangeAsync(late.ExchangeId, "Succeeded");
        var notReplayed = await _hub.GetExchangeAsync(early.ExchangeId);

        Assert.Equal(HttpStatusCode.Accepted, replay.Status);
        Assert.Equal(1, replay.Json.GetProperty("replaying").GetInt32());
        Assert.Equal("Succeeded", replayed.GetProperty("status").GetString());
        Assert.Equal("DeadLettered", notReplayed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReplayDeadLetters_EarlyTo_ReplaysNone()
    {
        var endpointId = await PutDyingEndpointAsync();
        var to = TimeProvider.System.GetUtcNow().AddMinutes(-1);
        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        await _hub.WaitForExchangeAsync(submission.ExchangeId, "DeadLettered");

        var query = Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture));
        var replay = await PostAsync($"/api/endpoints/{endpointId}/dead-letters/replay?to={query}");

        Assert.Equal(HttpStatusCode.Accepted, replay.Status);
        Assert.Equal(0, replay.Json.GetProperty("replaying").GetInt32());
        Assert.Equal(2, _system.Requests.Count);
    }

    // Every attempt fails with 503 until the test changes the default, and the second attempt dead-letters the exchange.
    private async Task<string> PutDyingEndpointAsync()
    {
        var endpointId = HubFixture.NewEndpointId("dead");
        await _hub.PutEndpointAsync(endpointId, new
        {
            baseUrl = _system.BaseUrl,
            retry = new
            {
                immediate = 0,
                schedule = Values("1s"),
                maxAttempts = 2,

                // Several exchanges fail here at once, so the default of five consecutive failures would open the
                // circuit and hold their retries for the whole break.
                circuit = new { consecutiveFailures = 100 },
            },
        });
        _system.Default = Respond.Text(503, "down");
        return endpointId;
    }

    private Task<RawResponse> PostAsync(string path) => _hub.SendAsync(HttpMethod.Post, path);
}
