using CrmAI.Hub.Contracts;
using CrmAI.Hub.Journal;
using CrmAI.Hub.Tests.Storage;
using Microsoft.Extensions.Options;
using NpgsqlTypes;
using Xunit;

namespace CrmAI.Hub.Tests.Journal;

/// <summary>
/// Journal retention tiers, run directly against a database with a fixed clock and explicit row timestamps.
/// </summary>
public sealed class RetentionTests(PostgresServerFixture server)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, JournalRetentionPolicy?> NoOverrides = [];

    [Fact]
    public async Task Run_PastHotTier_ReplacesBodiesWithHash()
    {
        await using var database = await CreateAsync();
        var old = await database.InsertAsync("shop", Now.AddDays(-20));
        var recent = await database.InsertAsync("shop", Now.AddDays(-5));

        var first = await RetentionOf(database).RunAsync(NoOverrides, dryRun: false, CancellationToken.None);
        var second = await RetentionOf(database).RunAsync(NoOverrides, dryRun: false, CancellationToken.None);

        Assert.Equal(1, first.BodiesRemoved);
        Assert.Equal(0, second.BodiesRemoved);
        Assert.Equal(1, await database.ScalarAsync(
            "SELECT count(*) FROM journal_entries WHERE id = $1 AND request_body IS NULL AND response_body IS NULL " +
            "AND bodies_removed AND request_body_size = 4 AND request_body_sha256 = encode(sha256('body'), 'hex')",
            (old, NpgsqlDbType.Uuid)));
        Assert.Equal(1, await database.ScalarAsync(
            "SELECT count(*) FROM journal_entries WHERE id = $1 AND request_body = 'body' AND NOT bodies_removed",
            (recent, NpgsqlDbType.Uuid)));
    }

    [Fact]
    public async Task Run_DryRun_ChangesNothing()
    {
        await using var database = await CreateAsync();
        await database.InsertAsync("shop", Now.AddDays(-20));
        await database.InsertAsync("shop", Now.AddDays(-100));

        var report = await RetentionOf(database).RunAsync(NoOverrides, dryRun: true, CancellationToken.None);

        Assert.True(report.DryRun);
        Assert.Equal(1, report.BodiesRemoved);
        Assert.Single(report.PartitionsDropped);
        Assert.Equal(1, report.PartitionRowsDropped);
        Assert.Equal(2, await database.ScalarAsync("SELECT count(*) FROM journal_entries WHERE NOT bodies_removed"));
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM journal_daily"));
    }

    [Fact]
    public async Task Run_PastWarmTier_DropsPartitionAndKeepsAggregate()
    {
        await using var database = await CreateAsync();
        var day = Now.AddDays(-100);
        for (var i = 0; i < 3; i++)
        {
            await database.InsertAsync("shop", day.AddMinutes(i), outcome: i == 0 ? "HttpError" : "Success");
        }

        var first = await RetentionOf(database).RunAsync(NoOverrides, dryRun: false, CancellationToken.None);
        var second = await RetentionOf(database).RunAsync(NoOverrides, dryRun: false, CancellationToken.None);

        Assert.Equal([$"journal_entries_p{day:yyyyMMdd}"], first.PartitionsDropped);
        Assert.Equal(3, first.PartitionRowsDropped);
        Assert.Empty(second.PartitionsDropped);
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM journal_entries"));
        Assert.Equal(2, await database.ScalarAsync("SELECT attempts FROM journal_daily WHERE outcome = 'Success'"));
        Assert.Equal(1, await database.ScalarAsync("SELECT attempts FROM journal_daily WHERE outcome = 'HttpError'"));
    }

    [Fact]
    public async Task Run_UnfinishedExchange_KeepsItsEntries()
    {
        await using var database = await CreateAsync();
        var exchange = Guid.NewGuid();
        var day = Now.AddDays(-100);
        var kept = await database.InsertAsync("shop", day, exchange);
        await database.InsertAsync("shop", day.AddMinutes(1));
        await database.AddUnfinishedExchangeAsync(exchange, "shop", day);

        var report = await RetentionOf(database).RunAsync(NoOverrides, dryRun: false, CancellationToken.None);

        Assert.Empty(report.PartitionsDropped);
        Assert.Equal(1, report.RowsDeleted);
        Assert.Equal(1, report.EntriesKeptForUnfinished);
        Assert.Equal(1, await database.ScalarAsync(
            "SELECT count(*) FROM journal_entries WHERE id = $1 AND request_body = 'body'", (kept, NpgsqlDbType.Uuid)));
        Assert.Equal(1, await database.ScalarAsync("SELECT sum(attempts) FROM journal_daily"));
    }

    [Fact]
    public async Task Run_EndpointOverride_DeletesOnlyThatEndpoint()
    {
        await using var database = await CreateAsync();
        var day = Now.AddDays(-40);
        await database.InsertAsync("short-lived", day);
        await database.InsertAsync("short-lived", day.AddMinutes(1));
        await database.InsertAsync("short-lived", day.AddMinutes(2));
        await database.InsertAsync("shop", day);
        var overrides = new Dictionary<string, JournalRetentionPolicy?>
        {
            ["short-lived"] = new() { HotDays = 7, WarmDays = 30 },
            ["shop"] = null,
        };

        var report = await RetentionOf(database, batchSize: 2).RunAsync(overrides, dryRun: false, CancellationToken.None);

        Assert.Equal(3, report.RowsDeleted);
        Assert.Empty(report.PartitionsDropped);
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM journal_entries WHERE endpoint_id = 'short-lived'"));
        Assert.Equal(1, await database.ScalarAsync("SELECT count(*) FROM journal_entries WHERE endpoint_id = 'shop'"));
        Assert.Equal(3, await database.ScalarAsync("SELECT attempts FROM journal_daily WHERE endpoint_id = 'short-lived'"));
    }

    [Fact]
    public async Task Run_PastColdTier_DeletesAggregates()
    {
        await using var database = await CreateAsync();
        await database.ExecuteAsync(
            """
            INSERT INTO journal_daily VALUES
                ('2024-01-01', 'shop', 'Outbound', 'op', 'Success', 5, 50, 20, 100, 100),
                ('2026-01-01', 'shop', 'Outbound', 'op', 'Success', 5, 50, 20, 100, 100)
            """);

        var report = await RetentionOf(database).RunAsync(NoOverrides, dryRun: false, CancellationToken.None);

        Assert.Equal(1, report.DailyRowsDeleted);
        Assert.Equal(1, await database.ScalarAsync("SELECT count(*) FROM journal_daily WHERE day = '2026-01-01'"));
    }

    private async Task<JournalDatabase> CreateAsync() =>
        await JournalDatabase.CreateAsync(server, TestContext.Current.CancellationToken);

    private static JournalRetention RetentionOf(JournalDatabase database, int batchSize = 5_000) => new(
        database.DataSource,
        new JournalPartitions(database.DataSource),
        Options.Create(new JournalRetentionOptions { BatchSize = batchSize }),
        new FixedTime(Now));
}
