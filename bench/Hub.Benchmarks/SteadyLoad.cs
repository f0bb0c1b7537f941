using System.Diagnostics;
using System.Net.Http.Json;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// Submits successful exchanges to several endpoints at a fixed rate until stopped, in batches every 100 ms, and
/// counts what the hub answered.
/// </summary>
internal sealed class SteadyLoad(HttpClient hub, IReadOnlyList<string> endpointIds, int perSecond)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private long _completed;
    private long _failed;

    public long Completed => Interlocked.Read(ref _completed);

    public long Failed => Interlocked.Read(ref _failed);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var perTick = Math.Max(1, perSecond / 10);
        var running = new List<Task>();
        var sequence = 0;
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                running.RemoveAll(task => task.IsCompleted);
                for (var i = 0; i < perTick; i++)
                {
                    running.Add(SubmitAsync(endpointIds[sequence++ % endpointIds.Count], cancellationToken));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }

        await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task SubmitAsync(string endpointId, CancellationToken cancellationToken)
    {
        var exchange = new { operation = "orders.sync", method = "POST", path = "/orders", body = new { number = "L-1" } };
        try
        {
            using var response = await hub.PostAsJsonAsync($"/api/endpoints/{endpointId}/exchanges", exchange, cancellationToken);
            Interlocked.Increment(ref response.IsSuccessStatusCode ? ref _completed : ref _failed);
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException)
        {
            Interlocked.Increment(ref _failed);
        }
    }
}
