using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Behavior;

/// <summary>
/// How each way an exchange can end is reported to the caller and stored in the journal.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class OutcomeTests(HubFixture fixture) : IAsyncLifetime
{
    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    // Failures are set as the default response, so every attempt of an exchange meets the same failure.

    [Fact]
    public async Task Exchange_Status200_JournalsSuccess()
    {
        var id = await PutEndpointAsync(_system.BaseUrl.ToString());
        _system.Enqueue(Respond.Json(200, """{"crmId":"C-1"}"""));

        var result = await _hub.ExchangeAsync(id, new { operation = "orders.get", method = "GET", path = "/orders/1" });
        var entry = await _hub.JournalEntryOfAsync(result);

        Assert.Equal("Succeeded", result.GetProperty("status").GetString());
        Assert.Equal("Success", result.GetProperty("outcome").GetString());
        Assert.Equal("Success", entry.GetProperty("outcome").GetString());
        Assert.Equal(200, entry.GetProperty("statusCode").GetInt32());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("error").ValueKind);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(422)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Exchange_ErrorStatus_JournalsHttpError(int status)
    {
        var id = await PutEndpointAsync(_system.BaseUrl.ToString());
        _system.Default = Respond.Text(status, "server unavailable");

        var result = await _hub.ExchangeAsync(id, new { operation = "orders.create", method = "POST", path = "/orders", body = new { n = 1 } });
        var entry = await _hub.JournalEntryOfAsync(result);

        Assert.Equal(status >= 500 ? "RetryScheduled" : "Failed", result.GetProperty("status").GetString());
        Assert.Equal("HttpError", result.GetProperty("outcome").GetString());
        Assert.Equal(status, result.GetProperty("response").GetProperty("statusCode").GetInt32());
        Assert.Equal("HttpError", entry.GetProperty("outcome").GetString());
        Assert.Equal(status, entry.GetProperty("statusCode").GetInt32());
        Assert.Equal("server unavailable", entry.GetProperty("responseBody").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Exchange_ResponseSlowerThanTimeout_JournalsTimeout()
    {
        // The system responds long after the timeout, so an exchange that waited for the response would take at least
        // that long. The responder ends early when the hub aborts the request.
        var answerDelay = TimeSpan.FromSeconds(30);
        var id = await PutEndpointAsync(_system.BaseUrl.ToString(), timeoutSeconds: 0.5);
        _system.Default = Respond.Delayed(answerDelay);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await _hub.ExchangeAsync(id, new { operation = "orders.get", method = "GET", path = "/orders/1" });
        clock.Stop();
        var entry = await _hub.JournalEntryOfAsync(result);

        Assert.Equal("RetryScheduled", result.GetProperty("status").GetString());
        Assert.Equal("Timeout", result.GetProperty("outcome").GetString());
        Assert.Equal("Timeout", entry.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("statusCode").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(entry.GetProperty("error").GetString()));
        Assert.True(clock.Elapsed < answerDelay, $"The exchange took {clock.Elapsed} with a 0.5 s timeout.");

        // The exchange above includes quick retries and their delays, so only the journaled attempt is held to the
        // timeout, with room for a loaded machine.
        var attemptMs = entry.GetProperty("durationMs").GetDouble();
        Assert.True(attemptMs < 5000, $"The attempt took {attemptMs} ms with a 0.5 s timeout.");
    }

    [Fact]
    public async Task Exchange_ConnectionRefused_JournalsNetworkError()
    {
        var id = await PutEndpointAsync($"http://127.0.0.1:{LoopbackPorts.FindClosed()}");

        var result = await _hub.ExchangeAsync(id, new { operation = "orders.get", method = "GET", path = "/orders/1" });
        var entry = await _hub.JournalEntryOfAsync(result);

        Assert.Equal("RetryScheduled", result.GetProperty("status").GetString());
        Assert.Equal("NetworkError", result.GetProperty("outcome").GetString());
        Assert.Equal("NetworkError", entry.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("statusCode").ValueKind);
        Assert.Contains("refused", entry.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Exchange_ConnectionDroppedMidResponse_JournalsNetworkError()
    {
        var id = await PutEndpointAsync(_system.BaseUrl.ToString());
        _system.Default = Respond.DropMidResponse();

        var result = await _hub.ExchangeAsync(id, new { operation = "orders.get", method = "GET", path = "/orders/1" });
        var entry = await _hub.JournalEntryOfAsync(result);

        Assert.Equal("RetryScheduled", result.GetProperty("status").GetString());
        Assert.Equal("NetworkError", result.GetProperty("outcome").GetString());
        Assert.Equal("NetworkError", entry.GetProperty("outcome").GetString());
        Assert.False(string.IsNullOrWhiteSpace(entry.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Exchange_UnresolvableHost_JournalsNetworkError()
    {
        var id = await PutEndpointAsync("http://no-such-host.invalid");

        var result = await _hub.ExchangeAsync(id, new { operation = "orders.get", method = "GET", path = "/orders/1" });
        var entry = await _hub.JournalEntryOfAsync(result);
        var error = entry.GetProperty("error").GetString();

        Assert.Equal("RetryScheduled", result.GetProperty("status").GetString());
        Assert.Equal("NetworkError", result.GetProperty("outcome").GetString());
        Assert.Equal("NetworkError", entry.GetProperty("outcome").GetString());
        Assert.Contains("resolution", error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("no-such-host.invalid", error, StringComparison.Ordinal);
    }

    private async Task<string> PutEndpointAsync(string baseUrl, double timeoutSeconds = 5)
    {
        var id = HubFixture.NewEndpointId("outcome");
        await _hub.PutEndpointAsync(id, new { baseUrl, timeoutSeconds });
        return id;
    }
}
