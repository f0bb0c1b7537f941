using System.Diagnostics;
using System.Globalization;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Journal;
using CrmAI.Hub.Silo.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// Journal ingest through the hub's writer (batched binary COPY) against one INSERT per row, then query latency of
/// typical filters over a generated journal of <see cref="GeneratedRows"/> rows spread over 30 days.
/// </summary>
internal static class JournalBenchmark
{
    private const int CopyRows = 20_000;
    private const int InsertRows = 2_000;
    private const int GeneratedRows = 1_000_000;
    private const int Days = 30;
    private const int Endpoints = 20;
    private const int WarmUps = 3;
    private const int Samples = 20;

    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        await using var database = await BenchDatabase.OpenAsync(cancellationToken);
        await SchemaMigrator.ApplyAsync(database.DataSource, NullLogger.Instance, cancellationToken);
        Console.Error.WriteLine($"PostgreSQL {await database.ReadServerVersionAsync(cancellationToken)} at {database.Description}");

        var partitions = new JournalPartitions(database.DataSource);
        var writer = new JournalWriter(database.DataSource, partitions, Options.Create(new JournalOptions()),
            TimeProvider.System, NullLogger<JournalWriter>.Instance);
        await writer.StartAsync(cancellationToken);
        try
        {
            var now = TimeProvider.System.GetUtcNow();
            var copyRate = await MeasureWriterAsync(writer, now, cancellationToken);
            var insertRate = await MeasureInsertsAsync(database.DataSource, now, cancellationToken);
            Console.WriteLine($"Ingest, 1 KiB request and 0.5 KiB response bodies:");
            Console.WriteLine($"  writer, binary COPY batches of {new JournalOptions().BatchSize}: {copyRate,10:N0} rows/s ({CopyRows:N0} rows)");
            Console.WriteLine($"  one INSERT per row, autocommit:    {insertRate,10:N0} rows/s ({InsertRows:N0} rows)");
            Console.WriteLine($"  ratio COPY / INSERT: {copyRate / insertRate:F1}");

            var generated = Stopwatch.StartNew();
            await GenerateAsync(database.DataSource, partitions, now, cancellationToken);
            Console.WriteLine($"Generated {GeneratedRows:N0} rows over {Days} days in {generated.Elapsed.TotalSeconds:F0} s (INSERT … SELECT generate_series).");

            var store = new JournalStore(database.DataSource, writer);
            await MeasureQueriesAsync(store, now, cancellationToken);
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
        }

        Console.WriteLine($"Total run time {total.Elapsed.TotalSeconds:F0} s.");
    }

    private static async Task<double> MeasureWriterAsync(JournalWriter writer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entries = Enumerable.Range(0, CopyRows).Select(i => Entry(i, now)).ToList();
        var timer = Stopwatch.StartNew();
        var stored = new List<Task>(CopyRows);
        foreach (var entry in entries)
        {
            stored.Add(await writer.AppendAsync(entry, cancellationToken));
        }

        await Task.WhenAll(stored);
        return CopyRows / timer.Elapsed.TotalSeconds;
    }

    private static async Task<double> MeasureInsertsAsync(NpgsqlDataSource dataSource, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var timer = Stopwatch.StartNew();
        for (var i = 0; i < InsertRows; i++)
        {
            var entry = Entry(CopyRows + i, now);
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO journal_entries (id, exchange_id, attempt, endpoint_id, direction, operation, method, url,
                    request_headers, request_content_type, request_body, request_body_size, request_body_truncated,
                    status_code, response_headers, response_body, response_body_size, response_body_truncated,
                    duration_ms, outcome, started_at, silo, business_keys)
                VALUES ($1, $2, 1, $3, 'Outbound', $4, 'POST', $5, '{}', 'application/json', $6, $7, false, $8, '{}', $9,
                    $10, false, $11, $12, $13, 'bench', $14)
                """, connection);
            Add(command, entry.Id, NpgsqlDbType.Uuid);
            Add(command, entry.ExchangeId, NpgsqlDbType.Uuid);
            Add(command, entry.EndpointId, NpgsqlDbType.Text);
            Add(command, entry.Operation, NpgsqlDbType.Text);
            Add(command, entry.Url, NpgsqlDbType.Text);
            Add(command, entry.RequestBody.Text!, NpgsqlDbType.Text);
            Add(command, entry.RequestBody.Size, NpgsqlDbType.Bigint);
            Add(command, entry.StatusCode!.Value, NpgsqlDbType.Integer);
            Add(command, entry.ResponseBody!.Text!, NpgsqlDbType.Text);
            Add(command, entry.ResponseBody.Size, NpgsqlDbType.Bigint);
            Add(command, entry.DurationMs, NpgsqlDbType.Double);
            Add(command, entry.Outcome.ToString(), NpgsqlDbType.Text);
            Add(command, entry.StartedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            Add(command, entry.BusinessKeys.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return InsertRows / timer.Elapsed.TotalSeconds;
    }

    // Rows of 20 endpoints and 10 operations; every 50th is a 500 and every 25th a 404. Bodies are about 200 bytes,
    // smaller than in the ingest test, to keep generation within a minute or two on 2 cores.
    private static async Task GenerateAsync(
        NpgsqlDataSource dataSource, JournalPartitions partitions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await partitions.EnsureRangeAsync(today.AddDays(-Days), today, cancellationToken);
        const string Sql = """
            INSERT INTO journal_entries (id, exchange_id, attempt, endpoint_id, direction, operation, method, url,
                request_headers, request_content_type, request_body, request_body_size, request_body_truncated,
                status_code, response_headers, response_body, response_body_size, response_body_truncated,
                duration_ms, outcome, correlation_id, started_at, silo, business_keys)
            SELECT gen_random_uuid(), gen_random_uuid(), 1, 'ep-' || (i % 20), CASE WHEN i % 7 = 0 THEN 'Inbound' ELSE 'Outbound' END,
                'op-' || (i % 10), 'POST', 'http://127.0.0.1/orders', '{}', 'application/json',
                '{"order":{"number":"G-' || i || '","customer":"' || md5(i::text) || '"},"lines":[{"sku":"S-' || (i % 997) || '","qty":' || (i % 9) || '}]}',
                180, false,
                CASE WHEN i % 50 = 0 THEN 500 WHEN i % 25 = 0 THEN 404 ELSE 200 END, '{}',
                '{"status":"ok","ref":"' || md5((i + 1)::text) || '"}', 50, false,
                (i % 1000) + 0.5, CASE WHEN i % 25 = 0 THEN 'HttpError' ELSE 'Success' END, 'corr-' || i,
                $1 - make_interval(secs => (i::double precision / $2) * $3 * 86400), 'bench', ARRAY['G-' || i]
            FROM generate_series(1, $2) AS i
            """;
        await using var command = dataSource.CreateCommand(Sql);
        command.CommandTimeout = 900;
        Add(command, now.UtcDateTime, NpgsqlDbType.TimestampTz);
        Add(command, GeneratedRows, NpgsqlDbType.Integer);
        Add(command, Days - 0.01, NpgsqlDbType.Double);
        await command.ExecuteNonQueryAsync(cancellationToken);

        // Autovacuum would do this on a running hub; the queries then see current statistics and visibility maps.
        await using var analyze = dataSource.CreateCommand("VACUUM (ANALYZE) journal_entries");
        analyze.CommandTimeout = 900;
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task MeasureQueriesAsync(JournalStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var dayAgo = now.AddDays(-1);
        var weekAgo = now.AddDays(-7);
        (string Name, JournalQuery Query)[] queries =
        [
            ("endpoint + 1-day range", new JournalQuery { EndpointIds = ["ep-7"], From = dayAgo, To = now }),
            ("endpoint + 7-day range, page 2", new JournalQuery { EndpointIds = ["ep-7"], From = weekAgo, To = now, After = new JournalCursor(now.AddDays(-3), Guid.Empty) }),
            ("business key", new JournalQuery { BusinessKey = "G-500123" }),
            ("status 5xx + 1-day range", new JournalQuery { Statuses = [new StatusFilter(500, true)], From = dayAgo, To = now }),
            ("status 5xx, whole journal", new JournalQuery { Statuses = [new StatusFilter(500, true)] }),
            ("text search, 1-day window", new JournalQuery { Text = "S-996", From = dayAgo, To = now }),
            ("text search, rare text, 1 day", new JournalQuery { Text = "no-such-text", From = dayAgo, To = now }),
            ("correlation id", new JournalQuery { CorrelationId = "corr-777777" }),
        ];

        Console.WriteLine($"Query latency over {GeneratedRows:N0} rows, page of {JournalQuery.DefaultLimit}, {Samples} samples after {WarmUps} warm-ups:");
        Console.WriteLine($"  {"query",-34} {"p50 ms",8} {"p95 ms",8} {"rows",6}");
        foreach (var (name, query) in queries)
        {
            var times = new List<double>();
            var rows = 0;
            for (var i = 0; i < WarmUps + Samples; i++)
            {
                var timer = Stopwatch.StartNew();
                var page = await store.QueryAsync(query, cancellationToken);
                if (i >= WarmUps)
                {
                    times.Add(timer.Elapsed.TotalMilliseconds);
                }

                rows = page.Items.Count;
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-34} {Percentile(times, 0.50),8:F1} {Percentile(times, 0.95),8:F1} {rows,6}"));
        }
    }

    private static double Percentile(List<double> sorted, double fraction) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(fraction * sorted.Count) - 1)];

    private static JournalEntry Entry(int i, DateTimeOffset now)
    {
        var requestText = $$"""{"order":{"number":"B-{{i}}"},"note":"{{new string('x', 990)}}"}""";
        var responseText = $$"""{"status":"ok","detail":"{{new string('y', 480)}}"}""";
        var startedAt = now.AddSeconds(-i % 86_400);
        return new JournalEntry
        {
            Id = Guid.CreateVersion7(startedAt),
            ExchangeId = Guid.NewGuid(),
            Attempt = 1,
            EndpointId = "ingest-" + (i % Endpoints).ToString(CultureInfo.InvariantCulture),
            Direction = Direction.Outbound,
            Operation = "push-order",
            Method = "POST",
            Url = "http://127.0.0.1/orders",
            RequestHeaders = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
            RequestBody = new JournalBody(requestText, null, requestText.Length, null, false, "application/json"),
            StatusCode = 200,
            ResponseHeaders = new Dictionary<string, string>(),
            ResponseBody = new JournalBody(responseText, null, responseText.Length, null, false, "application/json"),
            DurationMs = 12.5,
            Outcome = Outcome.Success,
            StartedAt = startedAt,
            Silo = "bench",
            BusinessKeys = ["B-" + i.ToString(CultureInfo.InvariantCulture)],
        };
    }

    private static void Add(NpgsqlCommand command, object value, NpgsqlDbType type) =>
        command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
}
