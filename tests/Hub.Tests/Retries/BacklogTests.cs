using System.Net;
using CrmAI.Hub.Tests.Infrastructure;
using Npgsql;
using Xunit;
using static CrmAI.Hub.Tests.Retries.RetryRequests;

namespace CrmAI.Hub.Tests.Retries;

/// <summary>
/// The backlog bound: an endpoint with too many pending and parked exchanges rejects new ones with 503.
/// </summary>
public sealed class BacklogTests(RetryHubFixture fixture) : IClassFixture<RetryHubFixture>, IAsyncLifetime
{
    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Submit_PendingBacklogFull_Returns503WithRetryAfter()
    {
        var endpointId = await PutEndpointAsync(backlogLimit: 2, schedule: "1h");
        _system.Default = Respond.Text(503, "down");
        var accepted = new[]
        {
            await _hub.SubmitAsync(endpointId, Order("A-1")),
            await _hub.SubmitAsync(endpointId, Order("A-2")),
        };

        var rejected = await _hub.SubmitAsync(endpointId, Order("A-3"));

        Assert.All(accepted, s => Assert.Equal(HttpStatusCode.Accepted, s.Status));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.Status);
        Assert.Equal("application/problem+json", rejected.MediaType);
        Assert.NotNull(rejected.RetryAfter?.Delta);
        Assert.True(rejected.RetryAfter.Delta > TimeSpan.Zero, rejected.RetryAfter.ToString());
        Assert.Equal(2, _system.Requests.Count);
        Assert.Equal(2, await CountStoredAsync(endpointId));
    }

    [Fact]
    public async Task Submit_ParkedBacklogFull_Returns503()
    {
        var endpointId = await PutEndpointAsync(backlogLimit: 2, schedule: "1h");
        _system.Default = Respond.Text(401, "token expired");
        await _hub.SubmitAsync(endpointId, Order("A-1"));
        await _hub.SubmitAsync(endpointId, Order("A-2"));

        var rejected = await _hub.SubmitAsync(endpointId, Order("A-3"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.Status);
        Assert.NotNull(rejected.RetryAfter);
        Assert.Equal(2, await CountStoredAsync(endpointId));
    }

    [Fact]
    public async Task Submit_BacklogFullWithIdempotencyKey_ClaimsNothing()
    {
        var endpointId = await PutEndpointAsync(backlogLimit: 1, schedule: "500ms");
        _system.Enqueue(Respond.Text(503, "down"));
        var pending = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var key = $"order-{Guid.NewGuid():N}";
        var rejected = await _hub.SubmitAsync(endpointId, Order("A-2"), idempotencyKey: key);
        await _hub.WaitForExchangeAsync(pending.ExchangeId, "Succeeded");

        var resent = await _hub.SubmitAsync(endpointId, Order("A-2"), idempotencyKey: key);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.Status);
        Assert.Equal(HttpStatusCode.OK, resent.Status);
        Assert.Equal("Succeeded", resent.ExchangeStatus);
        Assert.Equal(["A-1", "A-1", "A-2"], _system.Requests.Select(OrderNumber));
    }

    [Fact]
    public async Task Submit_BacklogDrained_AcceptsAgain()
    {
        var endpointId = await PutEndpointAsync(backlogLimit: 1, schedule: "500ms");
        _system.Enqueue(Respond.Text(503, "down"));
        var pending = await _hub.SubmitAsync(endpointId, Order("A-1"));
        var rejected = await _hub.SubmitAsync(endpointId, Order("A-2"));
        await _hub.WaitForExchangeAsync(pending.ExchangeId, "Succeeded");

        var accepted = await _hub.SubmitAsync(endpointId, Order("A-3"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.Status);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal("Succeeded", accepted.ExchangeStatus);
    }

    private async Task<long> CountStoredAsync(string endpointId)
    {
        await using var connection = new NpgsqlConnection(_hub.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM hub_exchanges WHERE endpoint_id = $1", connection)
        {
            Parameters = { new NpgsqlParameter { Value = endpointId } },
        };
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private async Task<string> PutEndpointAsync(int backlogLimit, string schedule)
    {
        var endpointId = HubFixture.NewEndpointId("backlog");
        await _hub.PutEndpointAsync(endpointId, new
        {
            baseUrl = _system.BaseUrl,
            retry = new { immediate = 0, schedule = Values(schedule), backlogLimit, authProbeInterval = "1h" },
        });
        return endpointId;
    }
}
