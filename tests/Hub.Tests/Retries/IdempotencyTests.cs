using System.Net;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;
using static CrmAI.Hub.Tests.Retries.RetryRequests;

namespace CrmAI.Hub.Tests.Retries;

/// <summary>
/// The <c>Idempotency-Key</c> header: one exchange per key and endpoint, and the key sent with every attempt.
/// </summary>
public sealed class IdempotencyTests(RetryHubFixture fixture) : IClassFixture<RetryHubFixture>, IAsyncLifetime
{
    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Submit_ConcurrentDuplicates_CallSystemOnce()
    {
        var endpointId = await PutEndpointAsync(new { });
        _system.Default = async context =>
        {
            await Task.Delay(500, context.RequestAborted);
            await Respond.Json(200, "{}")(context);
        };
        var key = $"order-{Guid.NewGuid():N}";

        var submissions = await Task.WhenAll(
            Enumerable.Range(0, 8).Select(_ => _hub.SubmitAsync(endpointId, Order("A-1"), idempotencyKey: key)));
        var exchange = await _hub.GetExchangeAsync(submissions[0].ExchangeId);

        Assert.All(submissions, s => Assert.Equal(HttpStatusCode.OK, s.Status));
        Assert.All(submissions, s => Assert.Equal("Succeeded", s.ExchangeStatus));
        Assert.Single(submissions.Select(s => s.ExchangeId).Distinct());
        Assert.Single(_system.Requests);
        Assert.Single(exchange.GetProperty("entries").EnumerateArray());
    }

    [Fact]
    public async Task Submit_KeyOfFinishedExchange_ReturnsOriginal()
    {
        var endpointId = await PutEndpointAsync(new { });
        var key = $"order-{Guid.NewGuid():N}";
        var original = await _hub.SubmitAsync(endpointId, Order("A-1"), idempotencyKey: key);

        var repeated = await _hub.SubmitAsync(endpointId, Order("A-1"), idempotencyKey: key);

        Assert.Equal("Succeeded", original.ExchangeStatus);
        Assert.Equal(HttpStatusCode.OK, repeated.Status);
        Assert.Equal(original.ExchangeId, repeated.ExchangeId);
        Assert.Equal("Succeeded", repeated.ExchangeStatus);
        Assert.Single(_system.Requests);
    }

    [Fact]
    public async Task Submit_KeyReusedForOtherRequest_Returns422()
    {
        var endpointId = await PutEndpointAsync(new { });
        var key = $"order-{Guid.NewGuid():N}";
        await _hub.SubmitAsync(endpointId, Order("A-1"), idempotencyKey: key);

        var reused = await _hub.SubmitAsync(endpointId, Order("A-2"), idempotencyKey: key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Single(_system.Requests);
    }

    [Fact]
    public async Task Submit_KeyOfScheduledExchange_ReturnsOriginal()
    {
        var endpointId = await PutEndpointAsync(new { immediate = 0, schedule = Values("1h") });
        _system.Default = Respond.Text(503, "down");
        var key = $"order-{Guid.NewGuid():N}";
        var original = await _hub.SubmitAsync(endpointId, Order("A-1"), idempotencyKey: key);

        var repeated = await _hub.SubmitAsync(endpointId, Order("A-1"), idempotencyKey: key);

        Assert.Equal("RetryScheduled", original.ExchangeStatus);
        Assert.Equal(HttpStatusCode.Accepted, repeated.Status);
        Assert.Equal(original.ExchangeId, repeated.ExchangeId);
        Assert.Equal("RetryScheduled", repeated.ExchangeStatus);
        Assert.Single(_system.Requests);
    }

    [Fact]
    public async Task Submit_KeyOfFailedExchange_ReturnsOriginal()
    {
        var endpointId = await PutEndpointAsync(new { });
        _system.Default = Respond.Text(422, "invalid order");
        var key = $"order-{Guid.NewGuid():N}";
        var original = await _hub.SubmitAsync(endpointId, Order("A-1"), idempotencyKey: key);

        var repeated = await _hub.SubmitAsync(endpointId, Order("A-1"), idempotencyKey: key);

        Assert.Equal("Failed", original.ExchangeStatus);
        Assert.Equal(original.ExchangeId, repeated.ExchangeId);
        Assert.Equal("Failed", repeated.ExchangeStatus);
        Assert.Single(_system.Requests);
    }

    [Fact]
    public async Task Submit_SameKeyOnAnotherEndpoint_RunsSeparately()
    {
        var firstEndpoint = await PutEndpointAsync(new { });
        var secondEndpoint = await PutEndpointAsync(new { });
        var key = $"order-{Guid.NewGuid():N}";

        var first = await _hub.SubmitAsync(firstEndpoint, Order("A-1"), idempotencyKey: key);
        var second = await _hub.SubmitAsync(secondEndpoint, Order("A-1"), idempotencyKey: key);

        Assert.Equal("Succeeded", first.ExchangeStatus);
        Assert.Equal("Succeeded", second.ExchangeStatus);
        Assert.NotEqual(first.ExchangeId, second.ExchangeId);
        Assert.Equal(2, _system.Requests.Count);
    }

    [Fact]
    public async Task Exchange_WithKey_SendsCallersKey()
    {
        var endpointId = await PutEndpointAsync(new { immediate = 1, immediateDelay = "10ms" });
        _system.Enqueue(Respond.Text(500, "down"));
        var key = $"order-{Guid.NewGuid():N}";

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"), idempotencyKey: key);

        Assert.Equal("Succeeded", submission.ExchangeStatus);
        Assert.Equal(2, _system.Requests.Count);
        Assert.All(_system.Requests, r => Assert.Equal(key, r.Headers.GetValueOrDefault("Idempotency-Key")));
    }

    [Fact]
    public async Task Exchange_WithoutKey_SendsExchangeId()
    {
        var endpointId = await PutEndpointAsync(new { immediate = 1, immediateDelay = "10ms", schedule = Values("500ms") });
        _system.Enqueue(Respond.Text(500, "down"), Respond.Text(500, "down"));

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var exchange = await _hub.WaitForExchangeAsync(submission.ExchangeId, "Succeeded");

        Assert.Equal("Succeeded", exchange.GetProperty("status").GetString());
        Assert.Equal(3, _system.Requests.Count);
        Assert.All(_system.Requests, r => Assert.Equal(submission.ExchangeId, r.Headers.GetValueOrDefault("Idempotency-Key")));
    }

    private async Task<string> PutEndpointAsync(object retry)
    {
        var endpointId = HubFixture.NewEndpointId("idem");
        await _hub.PutEndpointAsync(endpointId, new { baseUrl = _system.BaseUrl, retry });
        return endpointId;
    }
}
