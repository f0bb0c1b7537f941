using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using CrmAI.Hub.Endpoints;
using CrmAI.Hub.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// Cost of the endpoint grain call that <c>BodyLimitMiddleware</c> makes before each exchange and inbound request
/// reads its body, as a share of a whole exchange. One in-process hub runs both loads one request at a time: whole
/// exchanges through the API against a local stub system, and the same <c>GetBodyLimitAsync</c> call the
/// middleware makes. The loads alternate in the order exchanges, lookups, lookups, exchanges.
/// </summary>
internal static class BodyLimitCostBenchmark
{
    private const string EndpointId = "body-limit-bench";
    private const int Exchanges = 1_000;
    private const int Lookups = 5_000;
    private const int WarmUpExchanges = 300;
    private const int Rounds = 2;

    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var system = await StubSystem.StartAsync();
        var dataDirectory = Directory.CreateTempSubdirectory("hub-body-limit-bench-").FullName;
        try
        {
            await using var hub = await HubHost.CreateAsync([.. ExchangeLoad.HubArguments(dataDirectory)], cancellationToken: cancellationToken);
            await hub.StartAsync(cancellationToken);
            using var client = new HttpClient { BaseAddress = new Uri(hub.Addresses[0]), Timeout = TimeSpan.FromMinutes(1) };
            client.DefaultRequestHeaders.Add("X-Api-Key", ExchangeLoad.ApiKey);
            using var put = await client.PutAsJsonAsync($"/api/endpoints/{EndpointId}", new { baseUrl = system.BaseUrl }, cancellationToken);
            await ExchangeLoad.EnsureSuccessAsync(put, "PUT endpoint", cancellationToken);
            var endpoint = hub.Services.GetRequiredService<IGrainFactory>().GetGrain<IEndpointGrain>(EndpointId);

            await ExchangeLoad.RunAsync(client, EndpointId, WarmUpExchanges, 1, cancellationToken);
            await LookUpAsync(endpoint, Lookups);

            var exchangeTimes = new List<double>();
            var lookupTimes = new List<double>();
            var failed = 0;
            for (var round = 1; round <= Rounds; round++)
            {
                var exchangesFirst = round % 2 == 1;
                for (var step = 0; step < 2; step++)
                {
                    if ((step == 0) == exchangesFirst)
                    {
                        var clock = Stopwatch.StartNew();
                        failed += await ExchangeLoad.RunAsync(client, EndpointId, Exchanges, 1, cancellationToken);
                        exchangeTimes.Add(clock.Elapsed.TotalMicroseconds / Exchanges);
                    }
                    else
                    {
                        lookupTimes.Add(await LookUpAsync(endpoint, Lookups));
                    }
                }
            }

            await hub.StopAsync(CancellationToken.None);
            Write(exchangeTimes, lookupTimes, failed);
        }
        finally
        {
            AlertLatencyBenchmark.TryDelete(dataDirectory);
        }
    }

    /// <summary>Makes <paramref name="count"/> sequential body limit calls and returns the mean in microseconds.</summary>
    private static async Task<double> LookUpAsync(IEndpointGrain endpoint, int count)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            if (await endpoint.GetBodyLimitAsync() is null)
            {
                throw new InvalidOperationException($"Endpoint {EndpointId} has no body limit, so it was not configured");
            }
        }

        return clock.Elapsed.TotalMicroseconds / count;
    }

    private static void Write(List<double> exchangeTimes, List<double> lookupTimes, int failed)
    {
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(culture,
            $"Body limit lookup cost: {Exchanges} exchanges and {Lookups} lookups per load, one at a time, {Rounds} rounds, {failed} exchanges not succeeded."));
        Console.WriteLine(string.Create(culture,
            $"  exchange, mean per load: {string.Join(", ", exchangeTimes.Select(t => t.ToString("F1", culture)))} us"));
        Console.WriteLine(string.Create(culture,
            $"  lookup, mean per load:   {string.Join(", ", lookupTimes.Select(t => t.ToString("F1", culture)))} us"));
        var exchange = exchangeTimes.Average();
        var lookup = lookupTimes.Average();
        Console.WriteLine(string.Create(culture,
            $"Mean: exchange {exchange:F1} us, lookup {lookup:F1} us, lookup/exchange {lookup / exchange:F3}."));
    }
}
