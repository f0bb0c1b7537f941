using System.Diagnostics;
using CrmAI.Hub.Benchmarks;
using CrmAI.Hub.Silo.Storage;
using Microsoft.Extensions.Logging.Abstractions;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, press) =>
{
    // Cancel the run instead of exiting at once, so a private PostgreSQL is stopped.
    press.Cancel = true;
    stop.Cancel();
};

// "alerts": latency from a threshold-crossing exchange to its Telegram message; otherwise the enqueue benchmark.
if (args is ["alerts", ..])
{
    await AlertLatencyBenchmark.RunAsync(stop.Token);
    return;
}

// "telemetry": exchange throughput of an in-process hub with telemetry on and off.
if (args is ["telemetry", ..])
{
    await TelemetryCostBenchmark.RunAsync(stop.Token);
    return;
}

// "body-limit": the endpoint grain call made before each exchange's body is read, against a whole exchange.
if (args is ["body-limit", ..])
{
    await BodyLimitCostBenchmark.RunAsync(stop.Token);
    return;
}

// "journal": journal ingest by binary COPY against one INSERT per row, and query latency over 1 million rows.
if (args is ["journal", ..])
{
    await JournalBenchmark.RunAsync(stop.Token);
    return;
}

// Storage cost of enqueuing one pending 10 KiB exchange on an endpoint that already has 0 or 10,000 pending:
// the hub's row per exchange against the rejected design of one state blob rewritten on every change.
const int BodyChars = 10 * 1024;
const int WarmUps = 3;
const int Samples = 50;
const string EndpointId = "bench-endpoint";
int[] backlogs = [0, 10_000];

var total = Stopwatch.StartNew();
await using var database = await BenchDatabase.OpenAsync(stop.Token);
await SchemaMigrator.ApplyAsync(database.DataSource, NullLogger.Instance, stop.Token);
var version = await database.ReadServerVersionAsync(stop.Token);
Console.Error.WriteLine($"PostgreSQL {version} at {database.Description}");

var exchanges = new ExchangeFactory(EndpointId, BodyChars, TimeProvider.System);
var benchmark = new EnqueueBenchmark(database, exchanges, WarmUps, Samples);
IBacklogDesign[] designs =
[
    new RowPerExchangeDesign(database.DataSource, EndpointId),
    new WholeStateBlobDesign(database.DataSource, EndpointId),
];

var results = new List<Measurement>();
try
{
    foreach (var design in designs)
    {
        foreach (var backlog in backlogs)
        {
            results.Add(await benchmark.RunAsync(design, backlog, stop.Token));
        }
    }
}
finally
{
    foreach (var design in designs)
    {
        await design.ClearAsync(CancellationToken.None);
    }
}

Report.Write(Console.Out, results, backlogs, BodyChars, Samples);
Console.WriteLine($"Total run time {total.Elapsed.TotalSeconds:F0} s.");
