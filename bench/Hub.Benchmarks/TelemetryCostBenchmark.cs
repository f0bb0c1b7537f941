using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using CrmAI.Hub.Silo.Hosting;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// Exchange throughput of an in-process hub with telemetry on and with <c>Hub:Telemetry:Enabled=false</c>, under
/// the same closed-loop load against a local stub system. The modes run in the order on, off, off, on, so both
/// have the same mean position. In the order on, off, on, off the later hubs of the process ran faster, which
/// favoured the off mode.
/// </summary>
internal static class TelemetryCostBenchmark
{
    private const string EndpointId = "telemetry-bench";
    private const int Exchanges = 2_000;
    private const int WarmUpExchanges = 500;
    private const int Concurrency = 16;
    private const int Rounds = 2;

    // A durable retry an hour out, so a failed exchange stays failed within the run instead of being retried.
    private static readonly string[] RetrySchedule = ["1h"];

    private static readonly bool[] OnThenOff = [true, false];
    private static readonly bool[] OffThenOn = [false, true];

    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var system = await StubSystem.StartAsync();
        var runs = new List<Run>();
        for (var round = 1; round <= Rounds; round++)
        {
            foreach (var telemetry in round % 2 == 1 ? OnThenOff : OffThenOn)
            {
                var run = await RunOnceAsync(system, telemetry, cancellationToken);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}, telemetry {(telemetry ? "on" : "off")}: {run.ExchangesPerSecond:F1} exchanges/s, {run.Failed} failed"));
                runs.Add(run);
            }
        }

        Write(runs);
    }

    /// <summary>Starts a hub on a fresh private PostgreSQL, runs the warm-up and the timed load, and stops the hub.</summary>
    private static async Task<Run> RunOnceAsync(StubSystem system, bool telemetry, CancellationToken cancellationToken)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("hub-telemetry-bench-").FullName;
        try
        {
            await using var hub = await HubHost.CreateAsync(HubArguments(dataDirectory, telemetry), cancellationToken: cancellationToken);
            await hub.StartAsync(cancellationToken);
            using var client = new HttpClient { BaseAddress = new Uri(hub.Addresses[0]), Timeout = TimeSpan.FromMinutes(1) };
            client.DefaultRequestHeaders.Add("X-Api-Key", ExchangeLoad.ApiKey);

            using var put = await client.PutAsJsonAsync($"/api/endpoints/{EndpointId}", new
            {
                baseUrl = system.BaseUrl,
                maxConcurrency = Concurrency,
                retry = new { immediate = 0, schedule = RetrySchedule, authProbeInterval = "1h" },
            }, cancellationToken);
            await ExchangeLoad.EnsureSuccessAsync(put, "PUT endpoint", cancellationToken);

            await ExchangeLoad.RunAsync(client, EndpointId, WarmUpExchanges, Concurrency, cancellationToken);
            var clock = Stopwatch.StartNew();
            var failed = await ExchangeLoad.RunAsync(client, EndpointId, Exchanges, Concurrency, cancellationToken);
            var elapsed = clock.Elapsed;

            await hub.StopAsync(CancellationToken.None);
            return new Run(telemetry, Exchanges / elapsed.TotalSeconds, failed);
        }
        finally
        {
            AlertLatencyBenchmark.TryDelete(dataDirectory);
        }
    }

    private static string[] HubArguments(string dataDirectory, bool telemetry) =>
        [.. ExchangeLoad.HubArguments(dataDirectory), "--" + HubTelemetry.EnabledKey, telemetry ? "true" : "false"];

    private static void Write(List<Run> runs)
    {
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(culture,
            $"Telemetry cost: {Exchanges} exchanges per run after {WarmUpExchanges} warm-up, {Concurrency} concurrent, {Rounds} rounds in the order on, off, off, on."));
        foreach (var run in runs)
        {
            Console.WriteLine(string.Create(culture,
                $"  telemetry {(run.Telemetry ? "on " : "off")}: {run.ExchangesPerSecond,8:F1} exchanges/s, {run.Failed} not succeeded"));
        }

        var on = runs.Where(r => r.Telemetry).Average(r => r.ExchangesPerSecond);
        var off = runs.Where(r => !r.Telemetry).Average(r => r.ExchangesPerSecond);
        Console.WriteLine(string.Create(culture, $"Mean: on {on:F1} exchanges/s, off {off:F1} exchanges/s, on/off {on / off:F3}."));
    }

    private sealed record Run(bool Telemetry, double ExchangesPerSecond, int Failed);
}
