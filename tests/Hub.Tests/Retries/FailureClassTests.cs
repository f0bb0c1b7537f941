using System.Net;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;
using static CrmAI.Hub.Tests.Retries.RetryRequests;

namespace CrmAI.Hub.Tests.Retries;

/// <summary>
/// How each kind of failed attempt is handled: transient failures are retried, auth failures park the exchange,
/// and permanent failures end it at once.
/// </summary>
public sealed class FailureClassTests(RetryHubFixture fixture) : IClassFixture<RetryHubFixture>, IAsyncLifetime
{
    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Exchange_TransientStatus_QuickRetriesThenSchedulesRetry(int status)
    {
        var endpointId = await PutEndpointAsync(_system.BaseUrl, new { immediate = 2, immediateDelay = "10ms" });
        _system.Default = Respond.Text(status, "try later");

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));

        Assert.Equal(HttpStatusCode.Accepted, submission.Status);
        Assert.Equal("RetryScheduled", submission.ExchangeStatus);
        Assert.Equal(3, submission.Attempts);
        Assert.Equal(3, _system.Requests.Count);
        Assert.Equal($"/api/exchanges/{submission.ExchangeId}", submission.Location?.OriginalString);
    }

    [Fact]
    public async Task Exchange_Timeout_QuickRetriesThenSchedulesRetry()
    {
        var endpointId = await PutEndpointAsync(
            _system.BaseUrl, new { immediate = 1, immediateDelay = "10ms" }, timeoutSeconds: 0.2);
        _system.Default = Respond.Delayed(TimeSpan.FromSeconds(5));

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));

        Assert.Equal(HttpStatusCode.Accepted, submission.Status);
        Assert.Equal("RetryScheduled", submission.ExchangeStatus);
        Assert.Equal("Timeout", submission.Json.GetProperty("outcome").GetString());
        Assert.Equal(2, submission.Attempts);
    }

    [Fact]
    public async Task Exchange_ConnectionRefused_QuickRetriesThenSchedulesRetry()
    {
        var closed = new Uri($"http://127.0.0.1:{LoopbackPorts.FindClosed()}");
        var endpointId = await PutEndpointAsync(closed, new { immediate = 1, immediateDelay = "10ms" });

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));

        Assert.Equal(HttpStatusCode.Accepted, submission.Status);
        Assert.Equal("RetryScheduled", submission.ExchangeStatus);
        Assert.Equal("NetworkError", submission.Json.GetProperty("outcome").GetString());
        Assert.Equal(2, submission.Attempts);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task Exchange_AuthStatus_ParksWithoutRetrying(int status)
    {
        var endpointId = await PutEndpointAsync(_system.BaseUrl, new { immediate = 2, immediateDelay = "10ms" });
        _system.Default = Respond.Text(status, "bad token");

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));

        Assert.Equal(HttpStatusCode.Accepted, submission.Status);
        Assert.Equal("Parked", submission.ExchangeStatus);
        Assert.Equal(1, submission.Attempts);
        Assert.Single(_system.Requests);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(422)]
    public async Task Exchange_ClientErrorStatus_FailsAtOnce(int status)
    {
        var endpointId = await PutEndpointAsync(_system.BaseUrl, new { immediate = 2, immediateDelay = "10ms" });
        _system.Default = Respond.Text(status, "rejected");

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));

        Assert.Equal(HttpStatusCode.OK, submission.Status);
        Assert.Equal("Failed", submission.ExchangeStatus);
        Assert.Equal(1, submission.Attempts);
        Assert.Single(_system.Requests);
    }

    [Fact]
    public async Task Exchange_StatusInTransientList_IsRetried()
    {
        var endpointId = await PutEndpointAsync(
            _system.BaseUrl, new { immediate = 1, immediateDelay = "10ms", transientStatusCodes = Values(418) });
        _system.Default = Respond.Text(418, "teapot busy");

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));

        Assert.Equal("RetryScheduled", submission.ExchangeStatus);
        Assert.Equal(2, submission.Attempts);
    }

    [Fact]
    public async Task Exchange_UnlistedStatus500_FailsAtOnce()
    {
        var endpointId = await PutEndpointAsync(
            _system.BaseUrl, new { immediate = 1, immediateDelay = "10ms", transientStatusCodes = Values(503) });
        _system.Default = Respond.Text(500, "broken");

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));

        Assert.Equal("Failed", submission.ExchangeStatus);
        Assert.Equal(1, submission.Attempts);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(401)]
    public async Task Exchange_StatusInPermanentList_FailsAtOnce(int status)
    {
        var endpointId = await PutEndpointAsync(
            _system.BaseUrl, new { immediate = 2, immediateDelay = "10ms", permanentStatusCodes = Values(status) });
        _system.Default = Respond.Text(status, "no");

        var submission = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var endpointStatus = await _hub.GetEndpointStatusAsync(endpointId);

        Assert.Equal(HttpStatusCode.OK, submission.Status);
        Assert.Equal("Failed", submission.ExchangeStatus);
        Assert.Equal(1, submission.Attempts);
        Assert.NotEqual("AuthFailed", endpointStatus.GetProperty("status").GetString());
    }

    private async Task<string> PutEndpointAsync(Uri baseUrl, object retry, double timeoutSeconds = 5)
    {
        var endpointId = HubFixture.NewEndpointId("class");
        await _hub.PutEndpointAsync(endpointId, new { baseUrl, timeoutSeconds, retry });
        return endpointId;
    }
}
