using System.Net;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;
using static CrmAI.Hub.Tests.Retries.RetryRequests;

namespace CrmAI.Hub.Tests.Retries;

/// <summary>
/// The per-endpoint circuit breaker: it stops calls after repeated transient failures, probes once after the
/// break, and delivers the held exchanges when the probe succeeds.
/// </summary>
public sealed class CircuitBreakerTests(RetryHubFixture fixture) : IClassFixture<RetryHubFixture>, IAsyncLifetime
{
    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Exchange_CircuitOpen_IsStoredWithoutCalling()
    {
        var endpointId = await PutEndpointAsync(consecutiveFailures: 3, breakDuration: "1m", schedule: "1h");
        _system.Default = Respond.Text(503, "down");
        for (var i = 1; i <= 3; i++)
        {
            await _hub.SubmitAsync(endpointId, Order($"A-{i}"));
        }

        var before = TimeProvider.System.GetUtcNow();
        var stored = await _hub.SubmitAsync(endpointId, Order("A-4"));
        var status = await _hub.GetEndpointStatusAsync(endpointId);

        Assert.Equal(HttpStatusCode.Accepted, stored.Status);
        Assert.Equal("RetryScheduled", stored.ExchangeStatus);
        Assert.Equal(0, stored.Attempts);
        Assert.True(stored.Json.GetProperty("nextAttemptAt").GetDateTimeOffset() > before.AddSeconds(50), stored.Text);
        Assert.Equal("CircuitOpen", status.GetProperty("status").GetString());
        Assert.Equal(3, _system.Requests.Count);
    }

    [Fact]
    public async Task Exchange_FailuresBelowThreshold_KeepCircuitClosed()
    {
        var endpointId = await PutEndpointAsync(consecutiveFailures: 3, breakDuration: "1m", schedule: "1h");
        _system.Default = Respond.Text(503, "down");
        await _hub.SubmitAsync(endpointId, Order("A-1"));
        await _hub.SubmitAsync(endpointId, Order("A-2"));

        var third = await _hub.SubmitAsync(endpointId, Order("A-3"));

        Assert.Equal(1, third.Attempts);
        Assert.Equal(3, _system.Requests.Count);
    }

    [Fact]
    public async Task Circuit_FailureRatioReached_Opens()
    {
        var endpointId = HubFixture.NewEndpointId("circuit");
        await _hub.PutEndpointAsync(endpointId, new
        {
            baseUrl = _system.BaseUrl,
            retry = new
            {
                immediate = 0,
                schedule = Values("1h"),
                circuit = new { consecutiveFailures = 100, failureRatio = 0.5, minimumThroughput = 4, breakDuration = "1m" },
            },
        });
        _system.Enqueue(
            Respond.Text(503, "down"), Respond.Json(200, "{}"), Respond.Text(503, "down"), Respond.Json(200, "{}"));
        for (var i = 1; i <= 4; i++)
        {
            await _hub.SubmitAsync(endpointId, Order($"A-{i}"));
        }

        var stored = await _hub.SubmitAsync(endpointId, Order("A-5"));
        var status = await _hub.GetEndpointStatusAsync(endpointId);

        Assert.Equal("RetryScheduled", stored.ExchangeStatus);
        Assert.Equal(0, stored.Attempts);
        Assert.Equal("CircuitOpen", status.GetProperty("status").GetString());
        Assert.Equal(4, _system.Requests.Count);
    }

    [Fact]
    public async Task Circuit_AfterBreak_ProbesThenDelivers()
    {
        var breakDuration = TimeSpan.FromSeconds(2);
        var endpointId = await PutEndpointAsync(consecutiveFailures: 2, breakDuration: "2s", schedule: "300ms");

        // fail and open the circuit, the first probe fails and opens it again, and the next probe succeeds
        // and closes it. The retries of fall due during the break.
        _system.Enqueue(Respond.Text(503, "down"), Respond.Text(503, "down"), Respond.Text(503, "still down"));
        _system.Default = Respond.Json(200, "{}");
        var submissions = new List<Submission>
        {
            await _hub.SubmitAsync(endpointId, Order("A-1")),
            await _hub.SubmitAsync(endpointId, Order("A-2")),
        };
        submissions.Add(await _hub.SubmitAsync(endpointId, Order("A-3")));
        var status = await _hub.GetEndpointStatusAsync(endpointId);

        var exchanges = new List<System.Text.Json.JsonElement>();
        foreach (var submission in submissions)
        {
            exchanges.Add(await _hub.WaitForExchangeAsync(submission.ExchangeId, "Succeeded"));
        }

        var closed = await _hub.GetEndpointStatusAsync(endpointId);
        var requests = _system.Requests;

        Assert.Equal("CircuitOpen", status.GetProperty("status").GetString());
        Assert.Equal(0, submissions[2].Attempts);
        Assert.All(exchanges, e => Assert.Equal("Succeeded", e.GetProperty("status").GetString()));
        Assert.Equal(6, requests.Count);
        Assert.NotEqual("CircuitOpen", closed.GetProperty("status").GetString());
        Assert.Equal(0, closed.GetProperty("pending").GetInt32());

        // A break starts when the hub records a failed response, which is after that request arrived. So each probe
        // must arrive at least a break after the failed request before it.
        var firstBreak = requests[2].At - requests[1].At;
        var secondBreak = requests[3].At - requests[2].At;
        Assert.True(firstBreak >= breakDuration, $"The first probe came {firstBreak} after the failure that opened the circuit.");
        Assert.True(secondBreak >= breakDuration, $"The second probe came {secondBreak} after the failed first probe.");
    }

    private async Task<string> PutEndpointAsync(int consecutiveFailures, string breakDuration, string schedule)
    {
        var endpointId = HubFixture.NewEndpointId("circuit");
        await _hub.PutEndpointAsync(endpointId, new
        {
            baseUrl = _system.BaseUrl,
            retry = new
            {
                immediate = 0,
                schedule = Values(schedule),
                circuit = new { consecutiveFailures, breakDuration },
            },
        });
        return endpointId;
    }
}
