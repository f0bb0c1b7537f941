using System.Net;
using System.Net.Http.Json;
using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Xunit;
using static CrmAI.Hub.Tests.Retries.RetryRequests;

namespace CrmAI.Hub.Tests.Retries;

/// <summary>
/// Stored exchanges across a graceful restart: the new hub's reminder wakes the endpoint and carries on.
/// </summary>
public sealed class RetryRestartTests(PostgresServerFixture server) : IAsyncLifetime
{
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Restart_PendingExchanges_DeliveredByNewHub()
    {
        var hub = await StartHubAsync();
        try
        {
            await hub.PutEndpointAsync("crm", new { baseUrl = _system.BaseUrl, retry = new { immediate = 0, schedule = Values("2s") } });
            _system.Default = Respond.Text(503, "down");
            string[] numbers = ["A-1", "A-2", "A-3"];
            var submissions = new List<Submission>();
            foreach (var number in numbers)
            {
                submissions.Add(await hub.SubmitAsync("crm", Order(number)));
            }

            _system.Default = Respond.Json(200, "{}");
            hub = await hub.RestartAsync();

            // Reading an exchange does not activate the endpoint, so only the reminder can deliver them.
            var exchanges = new List<System.Text.Json.JsonElement>();
            foreach (var submission in submissions)
            {
                exchanges.Add(await hub.WaitForExchangeAsync(submission.ExchangeId, "Succeeded"));
            }

            Assert.All(submissions, s => Assert.Equal("RetryScheduled", s.ExchangeStatus));
            Assert.All(exchanges, e => Assert.Equal("Succeeded", e.GetProperty("status").GetString()));
            Assert.All(exchanges, e => Assert.Equal(["FirstAttempt", "ScheduledRetry"], Triggers(e)));
            Assert.All(numbers, n => Assert.Equal(2, _system.Requests.Count(r => OrderNumber(r) == n)));
        }
        finally
        {
            await hub.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restart_AuthFailedEndpoint_KeepsParking()
    {
        var hub = await StartHubAsync();
        try
        {
            await hub.PutEndpointAsync("crm", new
            {
                baseUrl = _system.BaseUrl,
                auth = new { type = "bearer", token = "old" },
                retry = new { authProbeInterval = "1h" },
            });
            _system.Default = context => context.Request.Headers.Authorization == "Bearer new"
                ? Respond.Json(200, "{}")(context)
                : Respond.Text(401, "invalid token")(context);
            var before = await hub.SubmitAsync("crm", Order("A-1"));

            hub = await hub.RestartAsync();
            var after = await hub.SubmitAsync("crm", Order("A-2"));
            var status = await hub.GetEndpointStatusAsync("crm");
            using var response = await hub.Client.PutAsJsonAsync(
                "/api/endpoints/crm/credentials", new { type = "bearer", token = "new" }, HubInstance.Json, TestContext.Current.CancellationToken);
            var first = await hub.WaitForExchangeAsync(before.ExchangeId, "Succeeded");
            var second = await hub.WaitForExchangeAsync(after.ExchangeId, "Succeeded");

            Assert.Equal("Parked", before.ExchangeStatus);
            Assert.Equal("Parked", after.ExchangeStatus);
            Assert.Equal(0, after.Attempts);
            Assert.Equal("AuthFailed", status.GetProperty("status").GetString());
            Assert.Equal(2, status.GetProperty("parked").GetInt32());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Succeeded", first.GetProperty("status").GetString());
            Assert.Equal("Succeeded", second.GetProperty("status").GetString());
            Assert.Equal(["A-1", "A-1", "A-2"], _system.Requests.Select(OrderNumber));
        }
        finally
        {
            await hub.DisposeAsync();
        }
    }

    private async Task<HubInstance> StartHubAsync() =>
        await HubInstance.StartAsync(await server.CreateDatabaseAsync(CancellationToken.None), settings: RetryHubFixture.Settings);
}
