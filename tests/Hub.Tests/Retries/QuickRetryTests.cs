using System.Globalization;
using System.Net;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;
using static CrmAI.Hub.Tests.Retries.RetryRequests;

namespace CrmAI.Hub.Tests.Retries;

/// <summary>
/// Quick retries inside the call, and how <c>Retry-After</c> decides between a quick and a durable retry.
/// </summary>
public sealed class QuickRetryTests(RetryHubFixture fixture) : IClassFixture<RetryHubFixture>, IAsyncLifetime
{
    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Exchange_500Then500Then200_SucceedsOnThirdAttempt()
    {
        var endpointId = await PutEndpointAsync(new { });
        _system.Enqueue(Respond.Text(500, "down"), Respond.Text(500, "down"), Respond.Json(200, """{"id":"C-1"}"""));

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var exchange = await _hub.GetExchangeAsync(submission.ExchangeId);

        Assert.Equal(HttpStatusCode.OK, submission.Status);
        Assert.Equal("Succeeded", submission.ExchangeStatus);
        Assert.Equal(3, submission.Attempts);
        Assert.Equal("Succeeded", exchange.GetProperty("status").GetString());
        Assert.Equal(3, exchange.GetProperty("attempts").GetInt32());
        Assert.Equal(["FirstAttempt", "QuickRetry", "QuickRetry"], Triggers(exchange));
        Assert.Equal([1, 2, 3], AttemptNumbers(exchange));
        Assert.NotEqual(default, exchange.GetProperty("submittedAt").GetDateTimeOffset());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, exchange.GetProperty("finishedAt").ValueKind);
    }

    [Fact]
    public async Task Exchange_ShortRetryAfterSeconds_DelaysQuickRetry()
    {
        var endpointId = await PutEndpointAsync(new { immediate = 1, immediateDelay = "10ms" });
        _system.Enqueue(WithRetryAfter(503, "1"), Respond.Json(200, "{}"));

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var starts = StartTimes(await _hub.GetExchangeAsync(submission.ExchangeId));

        Assert.Equal("Succeeded", submission.ExchangeStatus);
        Assert.Equal(2, starts.Length);
        Assert.True(starts[1] - starts[0] >= TimeSpan.FromMilliseconds(950), $"The quick retry came {starts[1] - starts[0]} after the first attempt.");
    }

    [Fact]
    public async Task Exchange_ShortRetryAfterDate_DelaysQuickRetry()
    {
        var endpointId = await PutEndpointAsync(new { immediate = 1, immediateDelay = "10ms" });

        // HTTP dates have whole seconds, so a date two seconds ahead requests a wait of one to two seconds.
        _system.Enqueue(
            context => WithRetryAfter(429, HttpDate(TimeProvider.System.GetUtcNow().AddSeconds(2)))(context),
            Respond.Json(200, "{}"));

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var starts = StartTimes(await _hub.GetExchangeAsync(submission.ExchangeId));

        Assert.Equal("Succeeded", submission.ExchangeStatus);
        Assert.Equal(2, starts.Length);
        Assert.True(starts[1] - starts[0] >= TimeSpan.FromMilliseconds(900), $"The quick retry came {starts[1] - starts[0]} after the first attempt.");
    }

    [Fact]
    public async Task Exchange_LongRetryAfterSeconds_SchedulesDurableRetry()
    {
        var endpointId = await PutEndpointAsync(new { immediate = 2, immediateDelay = "10ms" });
        _system.Default = WithRetryAfter(503, "3600");

        var before = TimeProvider.System.GetUtcNow();
        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var due = submission.Json.GetProperty("nextAttemptAt").GetDateTimeOffset();

        Assert.Equal(HttpStatusCode.Accepted, submission.Status);
        Assert.Equal("RetryScheduled", submission.ExchangeStatus);
        Assert.Equal(1, submission.Attempts);
        Assert.Single(_system.Requests);
        Assert.InRange(due, before.AddSeconds(3600), TimeProvider.System.GetUtcNow().AddSeconds(3605));
    }

    [Fact]
    public async Task Exchange_LongRetryAfterDate_SchedulesDurableRetry()
    {
        var endpointId = await PutEndpointAsync(new { immediate = 2, immediateDelay = "10ms" });
        var retryAt = TimeProvider.System.GetUtcNow().AddHours(2);
        _system.Default = WithRetryAfter(503, HttpDate(retryAt));

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var due = submission.Json.GetProperty("nextAttemptAt").GetDateTimeOffset();

        Assert.Equal("RetryScheduled", submission.ExchangeStatus);
        Assert.Equal(1, submission.Attempts);
        Assert.Single(_system.Requests);
        Assert.InRange(due, retryAt.AddSeconds(-2), retryAt.AddSeconds(2));
    }

    [Fact]
    public async Task Exchange_RetryAfterAboveMaximum_RetriesDurably()
    {
        var endpointId = await PutEndpointAsync(
            new { immediate = 2, immediateDelay = "10ms", maxQuickRetryAfter = "500ms", schedule = Values("1h") });
        _system.Enqueue(WithRetryAfter(503, "1"), Respond.Json(200, "{}"));

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var exchange = await _hub.WaitForExchangeAsync(submission.ExchangeId, "Succeeded");
        var starts = StartTimes(exchange);

        Assert.Equal("RetryScheduled", submission.ExchangeStatus);
        Assert.Equal(1, submission.Attempts);
        Assert.Equal("Succeeded", exchange.GetProperty("status").GetString());
        Assert.Equal(["FirstAttempt", "ScheduledRetry"], Triggers(exchange));
        Assert.True(starts[1] - starts[0] >= TimeSpan.FromMilliseconds(950), $"The durable retry came {starts[1] - starts[0]} after the first attempt.");
    }

    [Fact]
    public async Task Exchange_ImmediateZero_MakesOneAttempt()
    {
        var endpointId = await PutEndpointAsync(new { immediate = 0 });
        _system.Default = Respond.Text(500, "down");

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));

        Assert.Equal("RetryScheduled", submission.ExchangeStatus);
        Assert.Equal(1, submission.Attempts);
        Assert.Single(_system.Requests);
    }

    private static Func<Microsoft.AspNetCore.Http.HttpContext, Task> WithRetryAfter(int status, string retryAfter) =>
        Respond.Bytes(status, "text/plain", "busy"u8.ToArray(), new Dictionary<string, string> { ["Retry-After"] = retryAfter });

    private static string HttpDate(DateTimeOffset at) => at.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

    private async Task<string> PutEndpointAsync(object retry)
    {
        var endpointId = HubFixture.NewEndpointId("quick");
        await _hub.PutEndpointAsync(endpointId, new { baseUrl = _system.BaseUrl, retry });
        return endpointId;
    }
}
