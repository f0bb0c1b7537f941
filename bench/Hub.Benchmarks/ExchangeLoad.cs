using System.Net.Http.Json;
using System.Text.Json;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// Closed-loop exchange load on one endpoint of an in-process hub, shared by the throughput benchmarks.
/// </summary>
internal static class ExchangeLoad
{
    public const string ApiKey = "bench-admin-key";

    /// <summary>Returns the command-line arguments of a hub on a private PostgreSQL in <paramref name="dataDirectory"/>.</summary>
    public static List<string> HubArguments(string dataDirectory) =>
    [
        "--HUB_API_KEY", ApiKey,
        "--HUB_DATA_DIR", dataDirectory,
        "--HUB_SILO_PORT", AlertLatencyBenchmark.FreePort(),
        "--HUB_GATEWAY_PORT", AlertLatencyBenchmark.FreePort(),
        "--urls", "http://127.0.0.1:0",
        "--Logging:LogLevel:Default", "Error",
        "--Hub:AllowPrivateNetworks", "true",

        // The default per-key limit (500 requests a second) would throttle the load before the hub does.
        "--ApiLimits:RequestsPerPeriod", "1000000",
        "--ApiLimits:BurstRequests", "1000000",
    ];

    /// <summary>
    /// Sends <paramref name="count"/> exchanges from <paramref name="concurrency"/> workers, each waiting for its
    /// result before it sends the next, and returns how many did not end as Succeeded.
    /// </summary>
    public static async Task<int> RunAsync(
        HttpClient client, string endpointId, int count, int concurrency, CancellationToken cancellationToken)
    {
        var next = 0;
        var failed = 0;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                var exchange = new { operation = "orders.create", method = "POST", path = "orders", body = new { number = "B-1" } };
                using var response = await client.PostAsJsonAsync($"/api/endpoints/{endpointId}/exchanges", exchange, cancellationToken);
                if (!response.IsSuccessStatusCode || !await HasSucceededAsync(response, cancellationToken))
                {
                    if (Interlocked.Increment(ref failed) == 1)
                    {
                        var text = await response.Content.ReadAsStringAsync(cancellationToken);
                        Console.Error.WriteLine($"First exchange that did not succeed: HTTP {(int)response.StatusCode} {text}");
                    }
                }
            }
        });
        await Task.WhenAll(workers);
        return failed;
    }

    /// <summary>Throws with the status and body when <paramref name="response"/> is not a success.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{operation} failed with HTTP {(int)response.StatusCode}: {text}");
        }
    }

    private static async Task<bool> HasSucceededAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var result = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return result.RootElement.TryGetProperty("status", out var status) && status.GetString() == "Succeeded";
    }
}
