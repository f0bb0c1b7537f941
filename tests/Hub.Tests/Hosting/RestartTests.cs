using System.Net.Http.Json;
using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Npgsql;
using Xunit;

namespace CrmAI.Hub.Tests.Hosting;

public sealed class RestartTests(PostgresServerFixture server) : IAsyncLifetime
{
    private ExternalSystem _crm = null!;

    public async ValueTask InitializeAsync() => _crm = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _crm.DisposeAsync();

    [Fact]
    public async Task Restart_ConfiguredEndpoint_KeepsConfigCountersAndJournal()
    {
        var hub = await HubInstance.StartAsync(await server.CreateDatabaseAsync(CancellationToken.None));
        try
        {
            await hub.PutEndpointAsync("crm", new { baseUrl = _crm.BaseUrl, timeoutSeconds = 7, maxConcurrency = 4 });
            _crm.Enqueue(Respond.Json(200, "{}"), Respond.Text(422, "rejected"));
            await hub.ExchangeAsync("crm", new { operation = "o", method = "GET", correlationId = "before-restart" });
            await hub.ExchangeAsync("crm", new { operation = "o", method = "GET", correlationId = "before-restart" });

            hub = await hub.RestartAsync();

            var endpoint = await hub.GetJsonAsync("/api/endpoints/crm");
            Assert.Equal(7, endpoint.GetProperty("timeoutSeconds").GetDouble());
            Assert.Equal(4, endpoint.GetProperty("maxConcurrency").GetInt32());
            var status = (await hub.GetJsonAsync("/api/status")).GetProperty("endpoints")[0];
            Assert.Equal(2, status.GetProperty("totalExchanges").GetInt64());
            Assert.Equal(1, status.GetProperty("totalFailures").GetInt64());
            Assert.Equal(1, status.GetProperty("consecutiveFailures").GetInt32());
            var journal = await hub.GetJsonAsync("/api/journal?correlationId=before-restart");
            Assert.Equal(2, journal.GetProperty("items").GetArrayLength());
        }
        finally
        {
            await hub.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restart_StoredState_HasNoClrTypeNames()
    {
        var database = await server.CreateDatabaseAsync(CancellationToken.None);
        await using (var hub = await HubInstance.StartAsync(database))
        {
            await hub.PutEndpointAsync("crm", new { baseUrl = _crm.BaseUrl });
            await hub.ExchangeAsync("crm", new { operation = "o", method = "GET" });
        }

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT graintypestring, convert_from(payloadbinary, 'UTF8') FROM orleansstorage WHERE payloadbinary IS NOT NULL", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var states = new Dictionary<string, string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            states[reader.GetString(0)] = reader.GetString(1);
        }

        Assert.Contains("hub-endpoint-config", states.Keys);
        Assert.Contains("hub-endpoint-stats", states.Keys);
        Assert.All(states.Values, payload => Assert.DoesNotContain("$type", payload, StringComparison.Ordinal));
        Assert.All(states.Values, payload => Assert.DoesNotContain("CrmAI.Hub", payload, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_ExchangesInFlight_EveryReturnedAttemptIsJournaled()
    {
        var database = await server.CreateDatabaseAsync(CancellationToken.None);

        // Exchanges return without waiting for the journal, so only the drain at shutdown can store their entries.
        var hub = await HubInstance.StartAsync(database, settings: [new("Journal:AcknowledgeTimeout", "00:00:00.001")]);
        await hub.PutEndpointAsync("crm", new { baseUrl = _crm.BaseUrl });
        var arrived = 0;
        var someArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _crm.Default = async context =>
        {
            if (Interlocked.Increment(ref arrived) == 10)
            {
                someArrived.TrySetResult();
            }

            await Task.Delay(Random.Shared.Next(50, 400), context.RequestAborted);
            await Respond.Json(200, "{}")(context);
        };

        using var client = new HttpClient { BaseAddress = hub.BaseUrl };
        client.DefaultRequestHeaders.Add("X-Api-Key", HubInstance.ApiKey);
        var calls = Enumerable.Range(0, 60).Select(async i =>
        {
            await Task.Delay(i * 5, TestContext.Current.CancellationToken);
            using var response = await client.PostAsJsonAsync(
                "/api/endpoints/crm/exchanges", new { operation = "o", method = "GET" }, TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode
                ? (await response.Content.ReadFromJsonAsync<ExchangeReply>(HubInstance.Json, TestContext.Current.CancellationToken))!.JournalEntryId
                : (Guid?)null;
        }).ToList();

        // The hub stops while exchanges are in flight, however slowly the machine started them.
        await someArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await hub.StopAsync();
        var returned = (await Task.WhenAll(calls.Select(async c =>
        {
            try
            {
                return await c;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }))).OfType<Guid>().ToList();

        await hub.DisposeAsync();
        Assert.NotEmpty(returned);
        var stored = await StoredEntryIdsAsync(database);
        Assert.All(returned, id => Assert.Contains(id, stored));
    }

    private static async Task<HashSet<Guid>> StoredEntryIdsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT id FROM journal_entries", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var ids = new HashSet<Guid>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private sealed record ExchangeReply(Guid JournalEntryId);
}
