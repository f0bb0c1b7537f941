using System.Net;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;
using static CrmAI.Hub.Tests.Retries.RetryRequests;

namespace CrmAI.Hub.Tests.Retries;

/// <summary>
/// Exchanges stored after their quick retries and run again on the endpoint's schedule, and submissions that do
/// not wait for the first attempt.
/// </summary>
public sealed class DurableRetryTests(RetryHubFixture fixture) : IClassFixture<RetryHubFixture>, IAsyncLifetime
{
    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Exchange_ScheduledRetry_ContinuesAttemptNumbers()
    {
        var endpointId = await PutEndpointAsync(new { immediate = 1, immediateDelay = "10ms", schedule = Values("1s") });
        _system.Enqueue(Respond.Text(500, "down"), Respond.Text(502, "down"));

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var waiting = await _hub.GetExchangeAsync(submission.ExchangeId);
        var exchange = await _hub.WaitForExchangeAsync(submission.ExchangeId, "Succeeded");

        Assert.Equal(HttpStatusCode.Accepted, submission.Status);
        Assert.Equal("RetryScheduled", submission.ExchangeStatus);
        Assert.Equal(2, submission.Attempts);
        Assert.Equal("RetryScheduled", waiting.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, waiting.GetProperty("nextAttemptAt").ValueKind);
        Assert.Equal("Succeeded", exchange.GetProperty("status").GetString());
        Assert.Equal(3, exchange.GetProperty("attempts").GetInt32());
        Assert.Equal(["FirstAttempt", "QuickRetry", "ScheduledRetry"], Triggers(exchange));
        Assert.Equal([1, 2, 3], AttemptNumbers(exchange));
        Assert.NotEqual(JsonValueKind.Null, exchange.GetProperty("finishedAt").ValueKind);
        Assert.Equal(3, _system.Requests.Count);
    }

    [Fact]
    public async Task Exchange_TwoDelaySchedule_WaitsEachDelay()
    {
        var endpointId = await PutEndpointAsync(new { immediate = 0, schedule = Values("300ms", "1500ms") });
        _system.Enqueue(Respond.Text(503, "down"), Respond.Text(503, "down"));

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var exchange = await _hub.WaitForExchangeAsync(submission.ExchangeId, "Succeeded");
        var starts = StartTimes(exchange);

        Assert.Equal("Succeeded", exchange.GetProperty("status").GetString());
        Assert.Equal(["FirstAttempt", "ScheduledRetry", "ScheduledRetry"], Triggers(exchange));
        Assert.True(starts[1] - starts[0] >= TimeSpan.FromMilliseconds(300), $"The first retry came after {starts[1] - starts[0]}.");
        Assert.True(starts[2] - starts[1] >= TimeSpan.FromMilliseconds(1500), $"The second retry came after {starts[2] - starts[1]}.");
    }

    [Fact]
    public async Task Exchange_OlderThanMaxAge_IsDeadLettered()
    {
        var endpointId = await PutEndpointAsync(new { immediate = 0, schedule = Values("5s"), maxAge = "1s" });
        _system.Default = Respond.Text(503, "down");

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var exchange = await _hub.WaitForExchangeAsync(submission.ExchangeId, "DeadLettered");

        Assert.Equal("RetryScheduled", submission.ExchangeStatus);
        Assert.Equal("DeadLettered", exchange.GetProperty("status").GetString());
        Assert.Equal(2, exchange.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Submit_WaitFalse_Returns202PendingBeforeFirstAttempt()
    {
        var endpointId = await PutEndpointAsync(new { });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _system.Default = async context =>
        {
            // Held until the test has the submission's response. The bound stops a hub that waits from hanging the test.
            await Task.WhenAny(release.Task, Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted));
            await Respond.Json(200, "{}")(context);
        };

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"), query: "?wait=false");
        var pending = await _hub.GetExchangeAsync(submission.ExchangeId);
        release.SetResult();
        var exchange = await _hub.WaitForExchangeAsync(submission.ExchangeId, "Succeeded");

        Assert.Equal(HttpStatusCode.Accepted, submission.Status);
        Assert.Equal("Pending", submission.ExchangeStatus);
        Assert.Equal(0, submission.Attempts);
        Assert.Equal($"/api/exchanges/{submission.ExchangeId}", submission.Location?.OriginalString);
        Assert.Equal("Pending", pending.GetProperty("status").GetString());
        Assert.Equal("Succeeded", exchange.GetProperty("status").GetString());
        Assert.Equal(["FirstAttempt"], Triggers(exchange));
    }

    [Fact]
    public async Task Submit_WaitFalseThenFailure_RetriesLater()
    {
        var endpointId = await PutEndpointAsync(new { immediate = 0, schedule = Values("500ms") });
        _system.Enqueue(Respond.Text(503, "down"));

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"), query: "?wait=false");
        var exchange = await _hub.WaitForExchangeAsync(submission.ExchangeId, "Succeeded");

        Assert.Equal("Pending", submission.ExchangeStatus);
        Assert.Equal("Succeeded", exchange.GetProperty("status").GetString());
        Assert.Equal(["FirstAttempt", "ScheduledRetry"], Triggers(exchange));
    }

    private async Task<string> PutEndpointAsync(object retry)
    {
        var endpointId = HubFixture.NewEndpointId("durable");
        await _hub.PutEndpointAsync(endpointId, new { baseUrl = _system.BaseUrl, retry });
        return endpointId;
    }
}
