using System.Net;
using System.Net.Http.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Xunit;
using static CrmAI.Hub.Tests.Retries.RetryRequests;

namespace CrmAI.Hub.Tests.Retries;

/// <summary>
/// Rejected credentials: exchanges are parked instead of retried, and delivered once new credentials or a
/// successful probe show that the external system accepts the hub again.
/// </summary>
public sealed class AuthParkingTests(RetryHubFixture fixture) : IClassFixture<RetryHubFixture>, IAsyncLifetime
{
    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Exchange_Unauthorized_MarksEndpointAuthFailed()
    {
        var endpointId = await PutEndpointAsync(authProbeInterval: "1h");
        _system.Default = Respond.Text(401, "token expired");

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var status = await _hub.GetEndpointStatusAsync(endpointId);

        Assert.Equal(HttpStatusCode.Accepted, submission.Status);
        Assert.Equal("Parked", submission.ExchangeStatus);
        Assert.Equal($"/api/exchanges/{submission.ExchangeId}", submission.Location?.OriginalString);
        Assert.Equal("AuthFailed", status.GetProperty("status").GetString());
        Assert.Equal(1, status.GetProperty("parked").GetInt32());
    }

    [Fact]
    public async Task Exchange_EndpointAuthFailed_ParksWithoutCalling()
    {
        var endpointId = await PutEndpointAsync(authProbeInterval: "1h");
        _system.Default = Respond.Text(401, "token expired");
        await _hub.SubmitAsync(endpointId, Order("A-1"));

        var later = await _hub.SubmitAsync(endpointId, Order("A-2"));
        var exchange = await _hub.GetExchangeAsync(later.ExchangeId);

        Assert.Equal(HttpStatusCode.Accepted, later.Status);
        Assert.Equal("Parked", later.ExchangeStatus);
        Assert.Equal(0, later.Attempts);
        Assert.Equal("Parked", exchange.GetProperty("status").GetString());
        Assert.Single(_system.Requests);
    }

    [Fact]
    public async Task PutCredentials_AfterTokenReset_ReplaysParkedInOrder()
    {
        var endpointId = await PutEndpointAsync(authProbeInterval: "1h");
        _system.Default = AcceptsOnlyToken("new");
        string[] numbers = ["A-1", "A-2", "A-3", "A-4", "A-5"];
        var submissions = new List<Submission>();
        foreach (var number in numbers)
        {
            submissions.Add(await _hub.SubmitAsync(endpointId, Order(number)));
        }

        using var response = await _hub.Client.PutAsJsonAsync(
            $"/api/endpoints/{endpointId}/credentials", new { type = "bearer", token = "new" }, HubInstance.Json, TestContext.Current.CancellationToken);
        var replaying = (await response.Content.ReadFromJsonAsync<ReplayCount>(HubInstance.Json, TestContext.Current.CancellationToken))!.Replaying;
        var exchanges = new List<System.Text.Json.JsonElement>();
        foreach (var submission in submissions)
        {
            exchanges.Add(await _hub.WaitForExchangeAsync(submission.ExchangeId, "Succeeded"));
        }

        var delivered = _system.Requests.Where(r => r.Headers.GetValueOrDefault("Authorization") == "Bearer new").ToList();
        var status = await _hub.GetEndpointStatusAsync(endpointId);

        Assert.All(submissions, s => Assert.Equal("Parked", s.ExchangeStatus));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, replaying);
        Assert.All(exchanges, e => Assert.Equal("Succeeded", e.GetProperty("status").GetString()));
        Assert.Equal(numbers, delivered.Select(OrderNumber));
        Assert.Equal(6, _system.Requests.Count);
        Assert.Equal(["FirstAttempt", "CredentialsReplay"], Triggers(exchanges[0]));
        Assert.Equal([1, 2], AttemptNumbers(exchanges[0]));
        Assert.All(exchanges[1..], e => Assert.Equal(["CredentialsReplay"], Triggers(e)));
        Assert.NotEqual("AuthFailed", status.GetProperty("status").GetString());
        Assert.Equal(0, status.GetProperty("parked").GetInt32());
    }

    [Fact]
    public async Task AuthProbe_SystemAcceptsAgain_DeliversParked()
    {
        var endpointId = await PutEndpointAsync(authProbeInterval: "1s");
        _system.Enqueue(Respond.Text(401, "token expired"));
        var first = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var second = await _hub.SubmitAsync(endpointId, Order("A-2"));

        var probed = await _hub.WaitForExchangeAsync(first.ExchangeId, "Succeeded");
        var replayed = await _hub.WaitForExchangeAsync(second.ExchangeId, "Succeeded");
        var status = await _hub.GetEndpointStatusAsync(endpointId);

        Assert.Equal("Parked", first.ExchangeStatus);
        Assert.Equal("Parked", second.ExchangeStatus);
        Assert.Equal("Succeeded", probed.GetProperty("status").GetString());
        Assert.Equal(["FirstAttempt", "AuthProbe"], Triggers(probed));
        Assert.Equal("Succeeded", replayed.GetProperty("status").GetString());
        Assert.Equal(["CredentialsReplay"], Triggers(replayed));
        Assert.Equal(["A-1", "A-1", "A-2"], _system.Requests.Select(OrderNumber));
        Assert.NotEqual("AuthFailed", status.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AuthProbe_SystemStillRejects_KeepsExchangesParked()
    {
        var endpointId = await PutEndpointAsync(authProbeInterval: "300ms");
        _system.Default = Respond.Text(403, "forbidden");
        var first = await _hub.SubmitAsync(endpointId, Order("A-1"));
        await _hub.SubmitAsync(endpointId, Order("A-2"));

        var probed = await WaitForEntriesAsync(first.ExchangeId, 3);
        var status = await _hub.GetEndpointStatusAsync(endpointId);

        Assert.Equal("Parked", probed.GetProperty("status").GetString());
        Assert.Equal(["FirstAttempt", "AuthProbe", "AuthProbe"], Triggers(probed).Take(3));
        Assert.All(_system.Requests, r => Assert.Equal("A-1", OrderNumber(r)));
        Assert.Equal("AuthFailed", status.GetProperty("status").GetString());
        Assert.Equal(2, status.GetProperty("parked").GetInt32());
    }

    [Fact]
    public async Task PutCredentials_DuringAuthProbe_DeliversOnce()
    {
        var endpointId = await PutEndpointAsync(authProbeInterval: "1s");
        var probeArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseProbe = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rejections = 0;
        _system.Default = async context =>
        {
            if (context.Request.Headers.Authorization == "Bearer new")
            {
                await Respond.Json(200, "{}")(context);
                return;
            }

            // The first request is rejected at once, and the probe that follows is held until the test releases it.
            if (Interlocked.Increment(ref rejections) > 1)
            {
                probeArrived.TrySetResult();
                await Task.WhenAny(releaseProbe.Task, Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted));
            }

            await Respond.Text(401, "invalid token")(context);
        };
        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        await probeArrived.Task.WaitAsync(Deadline, TestContext.Current.CancellationToken);

        // The probe still runs with the old credentials when the new ones arrive. It is released only afterwards, and
        // the exchange succeeds after the probe's rejection.
        using var response = await _hub.Client.PutAsJsonAsync(
            $"/api/endpoints/{endpointId}/credentials", new { type = "bearer", token = "new" }, HubInstance.Json,
            TestContext.Current.CancellationToken);
        releaseProbe.SetResult();
        var replayed = await _hub.WaitForExchangeAsync(submission.ExchangeId, "Succeeded");
        var settled = await WaitForEntriesAsync(submission.ExchangeId, 3);
        await WaitForSecondDeliveryAsync("A-1", TimeSpan.FromSeconds(3));
        var exchange = await _hub.GetExchangeAsync(submission.ExchangeId);
        var status = await _hub.GetEndpointStatusAsync(endpointId);

        Assert.Equal("Parked", submission.ExchangeStatus);
        Assert.Equal("Succeeded", replayed.GetProperty("status").GetString());
        Assert.Equal(3, settled.GetProperty("entries").GetArrayLength());
        Assert.Equal(1, _system.Requests.Count(r => r.Headers.GetValueOrDefault("Authorization") == "Bearer new"));
        Assert.Equal("Succeeded", exchange.GetProperty("status").GetString());
        Assert.NotEqual("AuthFailed", status.GetProperty("status").GetString());
        Assert.Equal(0, status.GetProperty("parked").GetInt32());
    }

    // Returns 200 for the given bearer token and 401 for any other credentials.
    private static Func<HttpContext, Task> AcceptsOnlyToken(string token) => context =>
        context.Request.Headers.Authorization.ToString() == $"Bearer {token}"
            ? Respond.Json(200, """{"stored":true}""")(context)
            : Respond.Text(401, "invalid token")(context);

    private async Task<System.Text.Json.JsonElement> WaitForEntriesAsync(string exchangeId, int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var exchange = await _hub.GetExchangeAsync(exchangeId);
            if (exchange.GetProperty("entries").GetArrayLength() >= count || clock.Elapsed > Deadline)
            {
                return exchange;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    // Returns once the order reached the system a second time with the new token, or after the timeout.
    private async Task WaitForSecondDeliveryAsync(string number, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout
            && _system.Requests.Count(r => r.Headers.GetValueOrDefault("Authorization") == "Bearer new" && OrderNumber(r) == number) < 2)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private async Task<string> PutEndpointAsync(string authProbeInterval)
    {
        var endpointId = HubFixture.NewEndpointId("auth");
        await _hub.PutEndpointAsync(endpointId, new
        {
            baseUrl = _system.BaseUrl,
            auth = new { type = "bearer", token = "old" },
            retry = new { immediateDelay = "10ms", authProbeInterval },
        });
        return endpointId;
    }

    private sealed record ReplayCount(int Replaying);
}
