using System.Diagnostics;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// Measures one design at one backlog size: stores the backlog, warms up, then times each enqueue on its own and
/// reads the WAL it produced. After each enqueue the exchange is taken out again, untimed, so every sample is the
/// (backlog + 1)th exchange.
/// </summary>
internal sealed class EnqueueBenchmark(BenchDatabase database, ExchangeFactory exchanges, int warmUps, int samples)
{
    public async Task<Measurement> RunAsync(IBacklogDesign design, int backlog, CancellationToken cancellationToken)
    {
        var fill = Stopwatch.StartNew();
        await design.FillAsync(exchanges.CreateMany(backlog), cancellationToken);
        Console.Error.WriteLine($"  {design.Name}: stored a backlog of {backlog:N0} in {fill.Elapsed.TotalSeconds:F1} s");

        for (var i = 0; i < warmUps; i++)
        {
            var exchange = exchanges.Create();
            await design.EnqueueAsync(exchange, cancellationToken);
            await design.RemoveAsync(exchange, cancellationToken);
        }

        var milliseconds = new List<double>(samples);
        var walBytes = new List<double>(samples);
        long payloadBytes = 0;
        for (var i = 0; i < samples; i++)
        {
            var exchange = exchanges.Create();
            var walBefore = await database.ReadWalPositionAsync(cancellationToken);
            var clock = Stopwatch.StartNew();
            payloadBytes = await design.EnqueueAsync(exchange, cancellationToken);
            clock.Stop();
            var walAfter = await database.ReadWalPositionAsync(cancellationToken);
            await design.RemoveAsync(exchange, cancellationToken);

            milliseconds.Add(clock.Elapsed.TotalMilliseconds);
            walBytes.Add(walAfter - walBefore);
        }

        await design.ClearAsync(cancellationToken);
        return new Measurement(design.Name, backlog, samples, Median(milliseconds), Percentile(milliseconds, 0.9),
            Median(walBytes), payloadBytes);
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    // Nearest-rank percentile.
    private static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(fraction * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}

/// <summary>
/// The result of one design at one backlog size: times in milliseconds, sizes in bytes.
/// </summary>
internal sealed record Measurement(
    string Design, int Backlog, int Samples, double MedianMs, double P90Ms, double MedianWalBytes, long PayloadBytes);
