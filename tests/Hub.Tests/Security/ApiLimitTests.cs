using System.Net;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Per-key rate and concurrency limits, and the limits on request headers, each returned as a ProblemDetails.
/// </summary>
public sealed class ApiLimitTests(LimitedHubFixture fixture) : IClassFixture<LimitedHubFixture>
{
    private readonly HubInstance _hub = fixture.Hub;
    private readonly ExternalSystem _system = fixture.System;

    [Fact]
    public async Task Requests_PastBurst_Get429WithRetryAfter()
    {
        var (_, key) = await KeyClient.CreateAsync(_hub.Client, "limited", "read");
        var (_, other) = await KeyClient.CreateAsync(_hub.Client, "other", "read");
        for (var i = 0; i < LimitedHubFixture.Burst; i++)
        {
            using var allowed = await KeyClient.SendAsync(_hub.BaseUrl, key, HttpMethod.Get, "/api/status");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var limited = await KeyClient.SendAsync(_hub.BaseUrl, key, HttpMethod.Get, "/api/status");
        using var otherKey = await KeyClient.SendAsync(_hub.BaseUrl, other, HttpMethod.Get, "/api/status");
        var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After missing");
        Assert.Contains("ApiLimits:RequestsPerPeriod", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("'limited'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
    }

    [Fact]
    public async Task Request_PastConcurrencyCap_Gets429()
    {
        var (_, key) = await KeyClient.CreateAsync(_hub.Client, "concurrent", "exchange");
        await _hub.PutEndpointAsync("slow", new { baseUrl = _system.BaseUrl });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _system.Default = async context =>
        {
            await gate.Task;
            context.Response.StatusCode = 200;
        };

        var running = KeyClient.SendAsync(_hub.BaseUrl, key, HttpMethod.Post, "/api/endpoints/slow/exchanges",
            new { operation = "slow", method = "GET", path = "/slow" });
        await WaitForRequestAsync("/slow");
        using var second = await KeyClient.SendAsync(_hub.BaseUrl, key, HttpMethod.Post, "/api/endpoints/slow/exchanges",
            new { operation = "slow", method = "GET", path = "/other" });
        gate.SetResult();
        using var first = await running;
        var problem = JsonDocument.Parse(await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Contains("ApiLimits:ConcurrentRequests", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
    }

    [Fact]
    public async Task Request_TooManyHeaders_Gets431Problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        for (var i = 0; i < 25; i++)
        {
            request.Headers.Add($"X-Extra-{i}", "x");
        }

        using var response = await _hub.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Contains("ApiLimits:MaxHeaderCount", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task WaitForRequestAsync(string path)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!_system.Requests.Any(r => r.PathAndQuery == path))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{path} never reached the external system");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
