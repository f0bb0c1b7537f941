using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace CrmAI.Hub.Tests.Crash;

/// <summary>
/// Kills a hub process with SIGKILL while exchanges wait for their retries, and checks that a new hub process on the
/// same database delivers every exchange the first one acknowledged.
/// </summary>
public sealed class KillTests(PostgresServerFixture server, ITestOutputHelper output) : IAsyncLifetime
{
    private const string EndpointId = "crm";
    private const int SubmittedWithoutWait = 20;
    private const int SubmittedWithWait = 5;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(90);

    // Idempotency-Key header values of the requests to which the external system returned 200.
    private readonly ConcurrentQueue<string?> _deliveredKeys = new();
    private ExternalSystem _crm = null!;
    private volatile bool _crmHealthy;
    private string _dataDirectory = null!;

    public async ValueTask InitializeAsync()
    {
        _crm = await ExternalSystem.StartAsync();
        _crm.Default = RespondAsync;
        _dataDirectory = Directory.CreateTempSubdirectory("hub-kill-test-").FullName;
    }

    public async ValueTask DisposeAsync()
    {
        await _crm.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task SigKill_AcknowledgedExchanges_DeliveredAfterRestart()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var database = await server.CreateDatabaseAsync(cancellationToken);
        var environment = new Dictionary<string, string>
        {
            ["Retries__ReminderPeriod"] = "00:00:02",
            ["Logging__LogLevel__Default"] = "Warning",
        };

        List<Guid> acknowledged;
        var first = HubProcess.Start(database, _dataDirectory, environment);
        try
        {
            await first.WaitReadyAsync(ReadyTimeout, cancellationToken);
            acknowledged = await SubmitFailingExchangesAsync(first, cancellationToken);

            // At least one scheduled retry has run, so the kill meets retries in flight and reminders in the table.
            await WaitForRequestsAsync(acknowledged.Count + 1, cancellationToken);
            await first.KillAsync();
            Assert.True(first.HasExited);
        }
        finally
        {
            await first.DisposeAsync();
        }

        _crmHealthy = true;
        var sinceStart = Stopwatch.StartNew();
        var second = HubProcess.Start(database, _dataDirectory, environment);
        try
        {
            await second.WaitReadyAsync(ReadyTimeout, cancellationToken);
            var readyAfter = sinceStart.Elapsed;
            await WaitForDeliveryAsync(acknowledged, second, cancellationToken);
            output.WriteLine(
                $"Restarted hub was ready after {readyAfter.TotalSeconds:F1} s and had delivered all " +
                $"{acknowledged.Count} exchanges after {sinceStart.Elapsed.TotalSeconds:F1} s.");

            var delivered = DeliveredIds();
            Assert.All(acknowledged, id => Assert.Contains(id, delivered));
            Assert.All(delivered, id => Assert.Contains(id, acknowledged));
            Assert.DoesNotContain(null, _deliveredKeys);
            foreach (var id in acknowledged)
            {
                Assert.Equal("Succeeded", await WaitForStatusAsync(second, id, "Succeeded", cancellationToken));
            }
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    private async Task<List<Guid>> SubmitFailingExchangesAsync(HubProcess hub, CancellationToken cancellationToken)
    {
        // Without a short break the circuit, which the failures open, would hold the retries for its default 30 s.
        var endpoint = new
        {
            baseUrl = _crm.BaseUrl,
            timeoutSeconds = 5,
            retry = new { immediate = 0, schedule = new[] { "2s" }, circuit = new { breakDuration = "1s" } },
        };
        using (var response = await hub.Client.PutAsJsonAsync($"/api/endpoints/{EndpointId}", endpoint, cancellationToken))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        var withoutWait = Enumerable.Range(0, SubmittedWithoutWait)
            .Select(i => SubmitAsync(hub, i, wait: false, cancellationToken));
        var withWait = Enumerable.Range(SubmittedWithoutWait, SubmittedWithWait)
            .Select(i => SubmitAsync(hub, i, wait: true, cancellationToken));
        var replies = await Task.WhenAll(withoutWait.Concat(withWait));

        foreach (var reply in replies)
        {
            Assert.Equal(HttpStatusCode.Accepted, reply.Status);
        }

        foreach (var reply in replies.Where(r => r.Wait))
        {
            Assert.Equal("RetryScheduled", reply.ExchangeStatus);
        }

        return [.. replies.Select(r => r.ExchangeId)];
    }

    private static async Task<Submission> SubmitAsync(HubProcess hub, int number, bool wait, CancellationToken cancellationToken)
    {
        var exchange = new { operation = "orders.create", method = "POST", path = "/orders", body = new { order = number } };
        using var response = await hub.Client.PostAsJsonAsync(
            $"/api/endpoints/{EndpointId}/exchanges?wait={(wait ? "true" : "false")}", exchange, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Submission {number} returned {(int)response.StatusCode}: {text}");

        var json = JsonDocument.Parse(text).RootElement;
        return new Submission(
            response.StatusCode, wait, json.GetProperty("exchangeId").GetGuid(), json.GetProperty("status").GetString());
    }

    private async Task WaitForRequestsAsync(int count, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (_crm.Requests.Count < count)
        {
            if (clock.Elapsed > DeliveryTimeout)
            {
                throw new TimeoutException($"The external system received {_crm.Requests.Count} of {count} requests.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private async Task WaitForDeliveryAsync(List<Guid> acknowledged, HubProcess hub, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var missing = acknowledged.Except(DeliveredIds()).ToList();
            if (missing.Count == 0)
            {
                return;
            }

            if (clock.Elapsed > DeliveryTimeout)
            {
                Assert.Fail(
                    $"{missing.Count} of {acknowledged.Count} acknowledged exchanges were not delivered within " +
                    $"{DeliveryTimeout} of the restart, such as {missing[0]}. Hub output:\n{hub.OutputTail}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<string?> WaitForStatusAsync(
        HubProcess hub, Guid exchangeId, string expected, CancellationToken cancellationToken)
    {
        // The hub deletes the stored exchange only after the external system has responded, so the status lags.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var view = await hub.Client.GetFromJsonAsync<JsonElement>($"/api/exchanges/{exchangeId}", cancellationToken);
            var status = view.GetProperty("status").GetString();
            if (status == expected || clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                return status;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private HashSet<Guid> DeliveredIds() =>
        [.. _deliveredKeys.Select(key => Guid.TryParse(key, out var id) ? id : Guid.Empty)];

    private async Task RespondAsync(HttpContext context)
    {
        if (!_crmHealthy)
        {
            await Respond.Json(503, """{"error":"maintenance"}""")(context);
            return;
        }

        _deliveredKeys.Enqueue(context.Request.Headers["Idempotency-Key"].FirstOrDefault());
        await Respond.Json(200, """{"ok":true}""")(context);
    }

    private sealed record Submission(HttpStatusCode Status, bool Wait, Guid ExchangeId, string? ExchangeStatus);
}
