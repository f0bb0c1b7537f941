using System.Diagnostics;
using System.Globalization;
using System.Net;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;
using static CrmAI.Hub.Tests.Retries.RetryRequests;

namespace CrmAI.Hub.Tests.Observability;

/// <summary>
/// Metrics at <c>/metrics</c>, trace ids from the API call to the external system and the journal, and the
/// logging scope of an exchange.
/// </summary>
public sealed class ObservabilityTests(ObservabilityHubFixture fixture)
    : IClassFixture<ObservabilityHubFixture>, IAsyncLifetime
{
    private const string Secret = "obs-secret-token-9d41";

    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Metrics_AfterScriptedScenario_ExposeEachInstrument()
    {
        var succeeding = await PutEndpointAsync("obs-ok");
        var retrying = await PutEndpointAsync("obs-retry");
        var parking = await PutEndpointAsync("obs-park");
        var failing = await PutEndpointAsync("obs-fail");

        await _hub.SubmitAsync(succeeding, Order("M-1"));
        await _hub.SubmitAsync(succeeding, Order("M-2"));
        _system.Enqueue(Respond.Text(503, "busy"));
        var retried = await _hub.SubmitAsync(retrying, Order("M-3"));
        _system.Enqueue(Respond.Text(401, "token expired"));
        var parked = await _hub.SubmitAsync(parking, Order("M-4"));
        _system.Enqueue(Respond.Text(400, "bad order"));
        var failed = await _hub.SubmitAsync(failing, Order("M-5"));
        var metrics = await ScrapeUntilAsync(text => Value(text, "hub_exchanges_parked", parking) == 1);

        Assert.Equal("RetryScheduled", retried.ExchangeStatus);
        Assert.Equal("Parked", parked.ExchangeStatus);
        Assert.Equal("Failed", failed.ExchangeStatus);
        Assert.Equal(2, Value(metrics, "hub_exchanges_total", succeeding, "status=\"Succeeded\""));
        Assert.Equal(1, Value(metrics, "hub_exchanges_total", retrying, "status=\"RetryScheduled\""));
        Assert.Equal(1, Value(metrics, "hub_exchanges_total", parking, "status=\"Parked\""));
        Assert.Equal(1, Value(metrics, "hub_exchanges_total", failing, "status=\"Failed\""));
        Assert.Equal(2, Value(metrics, "hub_exchange_duration_seconds_count", succeeding));
        Assert.Equal(2, Value(metrics, "hub_attempt_duration_seconds_count", succeeding, "outcome=\"Success\""));
        Assert.Equal(1, Value(metrics, "hub_attempt_duration_seconds_count", retrying, "outcome=\"HttpError\""));
        Assert.Equal(1, Value(metrics, "hub_retries_scheduled_total", retrying));
        Assert.Equal(1, Value(metrics, "hub_exchanges_pending", retrying));
        Assert.Equal(0, Value(metrics, "hub_exchanges_pending", succeeding));
        Assert.Equal(1, Value(metrics, "hub_exchanges_parked", parking));
        Assert.Equal(0, Value(metrics, "hub_exchanges_dead_lettered", retrying));
        Assert.True(Value(metrics, "hub_journal_batch_size_sum", null) >= 5);
        Assert.True(Value(metrics, "hub_journal_write_duration_seconds_count", null) >= 1);
        Assert.True(Value(metrics, "hub_journal_queue_depth", null) >= 0);
        Assert.Contains("\nhttp_server_request_duration_seconds_count{", metrics, StringComparison.Ordinal);
        Assert.Contains("\nhttp_client_request_duration_seconds_count{", metrics, StringComparison.Ordinal);
        Assert.Contains("\norleans_", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_WithoutKey_Returns401()
    {
        using var anonymous = new HttpClient { BaseAddress = _hub.BaseUrl };

        using var response = await anonymous.GetAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_WithWrongKey_Returns401()
    {
        using var response = await GetMetricsAsync("not-a-key");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_WithMetricsKey_Returns200()
    {
        using var response = await GetMetricsAsync(ObservabilityHubFixture.MetricsKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Exchange_TraceIdInJournal_MatchesOutboundTraceparent()
    {
        var endpointId = await PutEndpointAsync("obs-trace");

        var result = await _hub.ExchangeAsync(endpointId, Order("T-1"));
        var entry = await _hub.JournalEntryOfAsync(result);
        var traceparent = Assert.Single(_system.Requests).Headers.GetValueOrDefault("traceparent");

        Assert.NotNull(traceparent);
        Assert.Equal(traceparent.Split('-')[1], entry.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task Exchange_CallerTraceparent_ContinuesTrace()
    {
        var endpointId = await PutEndpointAsync("obs-caller");
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/endpoints/{endpointId}/exchanges")
        {
            Content = System.Net.Http.Json.JsonContent.Create(Order("T-2"), options: HubInstance.Json),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        // Without a propagator, so the test's own HttpClient keeps the caller's traceparent instead of its own.
        using var caller = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null })
        {
            BaseAddress = _hub.BaseUrl,
        };
        caller.DefaultRequestHeaders.Add("X-Api-Key", HubInstance.ApiKey);

        using var response = await caller.SendAsync(request, TestContext.Current.CancellationToken);
        var exchanges = await _hub.GetJsonAsync($"/api/journal?endpoint={endpointId}");
        var outbound = Assert.Single(_system.Requests).Headers.GetValueOrDefault("traceparent");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(traceId, exchanges.GetProperty("items")[0].GetProperty("traceId").GetString());
        Assert.Equal(traceId, outbound?.Split('-')[1]);
    }

    [Fact]
    public async Task FailedExchange_Log_CarriesIdsAndNoSecret()
    {
        var endpointId = await PutEndpointAsync("obs-log");
        _system.Enqueue(Respond.Text(500, "server error"));
        var correlationId = "corr-" + Guid.NewGuid().ToString("N");

        var result = await _hub.ExchangeAsync(endpointId, new
        {
            operation = "orders.create", method = "POST", path = "/orders", correlationId, body = new { number = "L-1" },
        });
        var exchangeId = result.GetProperty("exchangeId").GetString();
        var failure = fixture.Logs.Entries.SingleOrDefault(
            log => log.EventId == HubEventIds.ExchangeFailed && log.Values.GetValueOrDefault("EndpointId") == endpointId);

        Assert.NotNull(failure);
        Assert.Equal(exchangeId, failure.Values.GetValueOrDefault("ExchangeId"));
        Assert.Equal(correlationId, failure.Values.GetValueOrDefault("CorrelationId"));
        Assert.DoesNotContain(Secret, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Logs.Entries, log => log.Message.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Logs.Entries, log => log.Values.Values.Any(v => v?.Contains(Secret, StringComparison.Ordinal) == true));
        Assert.DoesNotContain(fixture.Logs.Entries, log => log.Message.Contains("Password=", StringComparison.OrdinalIgnoreCase));
    }

    private async Task<string> PutEndpointAsync(string prefix)
    {
        var endpointId = HubFixture.NewEndpointId(prefix);
        await _hub.PutEndpointAsync(endpointId, new
        {
            baseUrl = _system.BaseUrl,
            auth = new { type = "bearer", token = Secret },
            retry = new { immediate = 0, schedule = Values("1h"), authProbeInterval = "1h" },
        });
        return endpointId;
    }

    private async Task<HttpResponseMessage> GetMetricsAsync(string key)
    {
        using var client = new HttpClient { BaseAddress = _hub.BaseUrl };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return await client.GetAsync("/metrics", TestContext.Current.CancellationToken);
    }

    // The exporter caches a scrape for a moment, so the test scrapes until the scenario's last change shows.
    private async Task<string> ScrapeUntilAsync(Func<string, bool> ready)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var text = await _hub.Client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
            if (ready(text) || clock.Elapsed > Deadline)
            {
                return text;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Returns the value of the first series of <paramref name="metric"/> with the endpoint label (any, when
    /// null) and the extra label, or -1 when there is none.
    /// </summary>
    private static double Value(string metrics, string metric, string? endpointId, string? label = null)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (!line.StartsWith(metric + "{", StringComparison.Ordinal) && !line.StartsWith(metric + " ", StringComparison.Ordinal))
            {
                continue;
            }

            if (endpointId is not null && !line.Contains($"endpoint=\"{endpointId}\"", StringComparison.Ordinal))
            {
                continue;
            }

            if (label is not null && !line.Contains(label, StringComparison.Ordinal))
            {
                continue;
            }

            var labelsEnd = line.LastIndexOf('}');
            var rest = line[(labelsEnd < 0 ? metric.Length : labelsEnd + 1)..].Trim();
            return double.Parse(rest.Split(' ')[0], CultureInfo.InvariantCulture);
        }

        return -1;
    }
}
