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

    [Fact]
    public async Task Inbound_RepeatedFailures_Get429()
    {
        var id = HubFixture.NewEndpointId("webhook");
        await _hub.PutEndpointAsync(id, new
        {
            baseUrl = _system.BaseUrl,
            inboundAuth = new { type = "sharedSecret", header = "X-Webhook-Secret", secret = "a-shared-secret-of-the-store" },
        });
        for (var i = 0; i < LimitedHubFixture.InboundFailures; i++)
        {
            using var failed = await PostInboundAsync(id, apiKey: null, secret: "wrong-secret");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var blocked = await PostInboundAsync(id, apiKey: null, secret: "a-shared-secret-of-the-store");
        using var withKey = await PostInboundAsync(id, HubInstance.ApiKey, secret: "a-shared-secret-of-the-store");
        var problem = JsonDocument.Parse(await blocked.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        var rejected = await _hub.GetJsonAsync($"/api/journal?endpoint={id}&outcome=Rejected");

        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.True(blocked.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After missing");
        Assert.Contains("ApiLimits:InboundFailuresPerMinute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, withKey.StatusCode);
        Assert.Equal(LimitedHubFixture.InboundFailures, rejected.GetProperty("items").GetArrayLength());
    }

    private async Task<HttpResponseMessage> PostInboundAsync(string endpointId, string? apiKey, string secret)
    {
        using var client = new HttpClient { BaseAddress = _hub.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/inbound/{endpointId}")
        {
            Content = new StringContent("""{"order":1}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Webhook-Secret", secret);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
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
