using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using CrmAI.Hub.Silo.Hosting;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// Time from the 401 response that makes an endpoint's auth rule fire to the sendMessage request reaching a local
/// Bot API server, on a real in-process hub under steady load on other endpoints.
/// </summary>
internal static class AlertLatencyBenchmark
{
    private const long ChatId = 42;
    private const string ApiKey = "bench-admin-key";
    private const string TargetId = "target";
    private const int LoadEndpoints = 5;
    private const int LoadPerSecond = 80;
    private const int WarmUps = 3;
    private const int Samples = 30;

    private static readonly TimeSpan Target = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    private static int _stuckRecoveries;

    // The delivery loop sends at most one message a second to a chat, so each round waits this long after the
    // recovery message before it breaks the endpoint again, or pacing would count as latency.
    private static readonly TimeSpan ChatPacingGap = TimeSpan.FromSeconds(1.2);

    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var botApi = await BotApiStub.StartAsync();
        await using var system = await StubSystem.StartAsync();
        var dataDirectory = Directory.CreateTempSubdirectory("hub-alert-bench-").FullName;
        try
        {
            await using var hub = await HubHost.CreateAsync(HubArguments(dataDirectory, botApi.BaseUrl), cancellationToken: cancellationToken);
            await hub.StartAsync(cancellationToken);
            using var client = new HttpClient { BaseAddress = new Uri(hub.Addresses[0]), Timeout = TimeSpan.FromMinutes(1) };
            client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);

            await SetUpAsync(client, system, cancellationToken);
            var loadIds = Enumerable.Range(1, LoadEndpoints).Select(i => $"load-{i}").ToList();
            var load = new SteadyLoad(client, loadIds, LoadPerSecond);
            using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var loadClock = Stopwatch.StartNew();
            var loadTask = load.RunAsync(stopLoad.Token);

            var latencies = new List<TimeSpan>();
            for (var round = 0; round < WarmUps + Samples; round++)
            {
                var latency = await MeasureOnceAsync(client, system, botApi, cancellationToken);
                if (round >= WarmUps)
                {
                    latencies.Add(latency);
                }
            }

            await stopLoad.CancelAsync();
            await loadTask;
            var rate = load.Completed / loadClock.Elapsed.TotalSeconds;
            Write(latencies, rate, load.Failed);
            await hub.StopAsync(CancellationToken.None);
        }
        finally
        {
            TryDelete(dataDirectory);
        }
    }

    private static string[] HubArguments(string dataDirectory, Uri botApiUrl)
    {
        var arguments = new List<string>
        {
            "--HUB_API_KEY", ApiKey,
            "--HUB_DATA_DIR", dataDirectory,
            "--HUB_SILO_PORT", FreePort(),
            "--HUB_GATEWAY_PORT", FreePort(),
            "--urls", "http://127.0.0.1:0",
            "--Logging:LogLevel:Default", "Error",
            "--Telegram:BotToken", BotApiStub.Token,
            "--Telegram:ApiBaseUrl", botApiUrl.ToString(),
            "--Telegram:Routes:0:ChatId", ChatId.ToString(CultureInfo.InvariantCulture),
            "--Telegram:Routes:0:Endpoints:0", "*",
            "--Telegram:PollTimeout", "00:00:01",
            "--Alerts:CheckPeriod", "00:00:01",
        };
        return [.. arguments];
    }

    private static async Task SetUpAsync(HttpClient client, StubSystem system, CancellationToken cancellationToken)
    {
        // Recovery may resolve at once, so each round ends with the recovery message and starts clean.
        var rules = new { endpoints = new Dictionary<string, object> { [TargetId] = new { recoveryHold = "0s" } } };
        await SendAsync(client, HttpMethod.Put, "/api/alert-rules", rules, cancellationToken);
        var retry = new { immediate = 0, schedule = new[] { "1h" }, authProbeInterval = "1h" };
        await SendAsync(client, HttpMethod.Put, $"/api/endpoints/{TargetId}", new
        {
            baseUrl = new Uri(system.BaseUrl, "/target/"),
            auth = new { type = "bearer", token = "token-0" },
            retry,
        }, cancellationToken);
        for (var i = 1; i <= LoadEndpoints; i++)
        {
            await SendAsync(client, HttpMethod.Put, $"/api/endpoints/load-{i}", new { baseUrl = system.BaseUrl, retry }, cancellationToken);
        }
    }

    /// <summary>Breaks the target endpoint once, waits for its alert, then repairs it and waits for the recovery.</summary>
    private static async Task<TimeSpan> MeasureOnceAsync(
        HttpClient client, StubSystem system, BotApiStub botApi, CancellationToken cancellationToken)
    {
        var sentBefore = botApi.Sent.Count;
        system.RejectCredentials = true;
        var exchange = new { operation = "orders.create", method = "POST", path = "orders", body = new { number = "T-1" } };
        await SendAsync(client, HttpMethod.Post, $"/api/endpoints/{TargetId}/exchanges", exchange, cancellationToken);
        var rejectedAt = system.LastRejectedAt;
        var opened = await WaitForMessageAsync(botApi, sentBefore, "Opened", cancellationToken);

        system.RejectCredentials = false;
        var token = "token-" + Guid.NewGuid().ToString("N");
        await SendAsync(client, HttpMethod.Put, $"/api/endpoints/{TargetId}/credentials", new { type = "bearer", token }, cancellationToken);
        try
        {
            await WaitForMessageAsync(botApi, sentBefore, "recovered", cancellationToken);
        }
        catch (TimeoutException)
        {
            // NOTE: under load, a round sometimes gets no recovery after the credentials replay (round 5 of one
            // run, 1 of 33 in another). A fresh successful exchange reports health again, so the next round starts clean.
            Interlocked.Increment(ref _stuckRecoveries);
            await SendAsync(client, HttpMethod.Post, $"/api/endpoints/{TargetId}/exchanges", exchange, cancellationToken);
            await WaitForMessageAsync(botApi, sentBefore, "recovered", cancellationToken);
        }

        await Task.Delay(ChatPacingGap, cancellationToken);

        return Stopwatch.GetElapsedTime(rejectedAt, opened.ArrivedAt);
    }

    private static async Task<SentMessage> WaitForMessageAsync(
        BotApiStub botApi, int skip, string marker, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var match = botApi.Sent.Skip(skip).FirstOrDefault(m =>
                m.ChatId == ChatId && m.Text.Contains(TargetId, StringComparison.Ordinal)
                && m.Text.Contains(marker, StringComparison.Ordinal));
            if (match is not null)
            {
                return match;
            }

            if (clock.Elapsed > WaitLimit)
            {
                throw new TimeoutException($"No '{marker}' message for endpoint {TargetId} within {WaitLimit.TotalSeconds} s.");
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    private static async Task SendAsync(
        HttpClient client, HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{method} {path} failed with HTTP {(int)response.StatusCode}: {text}");
        }
    }

    private static void Write(List<TimeSpan> latencies, double loadRate, long loadFailures)
    {
        var sorted = latencies.Select(l => l.TotalMilliseconds).Order().ToList();
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(culture,
            $"Alert latency over {sorted.Count} samples (401 response sent -> sendMessage received), target {Target.TotalMilliseconds} ms:"));
        Console.WriteLine(string.Create(culture,
            $"  p50 {Percentile(sorted, 0.50):F0} ms, p95 {Percentile(sorted, 0.95):F0} ms, p99 {Percentile(sorted, 0.99):F0} ms, "
            + $"min {sorted[0]:F0} ms, max {sorted[^1]:F0} ms"));
        var within = sorted.Count(ms => ms <= Target.TotalMilliseconds);
        Console.WriteLine(string.Create(culture, $"  {within} of {sorted.Count} samples within the target."));
        Console.WriteLine(string.Create(culture,
            $"Rounds whose recovery message came only after one more exchange: {_stuckRecoveries}."));
        Console.WriteLine(string.Create(culture,
            $"Steady load: {loadRate:F1} successful exchanges/s on {LoadEndpoints} endpoints, {loadFailures} failed submissions."));
    }

    // Nearest-rank percentile of a sorted list.
    private static double Percentile(List<double> sorted, double quantile)
    {
        var rank = (int)Math.Ceiling(quantile * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    internal static string FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }

    internal static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A folder left in the temporary directory costs nothing; the run's result is still valid.
        }
    }
}
