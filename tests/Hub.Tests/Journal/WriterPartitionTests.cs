using CrmAI.Hub.Contracts;
using CrmAI.Hub.Journal;
using CrmAI.Hub.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NpgsqlTypes;
using Xunit;

namespace CrmAI.Hub.Tests.Journal;

/// <summary>
/// The journal writer creates a day's partition before the COPY that needs it, so no batch fails for lack of one.
/// </summary>
public sealed class WriterPartitionTests(PostgresServerFixture server)
{
    [Fact]
    public async Task Write_DayWithoutPartition_CreatesIt()
    {
        await using var database = await JournalDatabase.CreateAsync(server, TestContext.Current.CancellationToken);
        var writer = WriterOf(database, out _);
        await writer.StartAsync(CancellationToken.None);
        var old = new DateTimeOffset(2021, 3, 5, 10, 0, 0, TimeSpan.Zero);

        await await writer.AppendAsync(Entry(old, "A-1"), CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(1, await database.ScalarAsync("SELECT count(*) FROM journal_entries_p20210305"));
        Assert.Equal(1, await database.ScalarAsync(
            "SELECT count(*) FROM journal_entries WHERE business_keys @> ARRAY[$1]", ("A-1", NpgsqlDbType.Text)));
    }

    [Fact]
    public async Task Write_PartitionDroppedElsewhere_CreatesItAgain()
    {
        await using var database = await JournalDatabase.CreateAsync(server, TestContext.Current.CancellationToken);
        var writer = WriterOf(database, out _);
        await writer.StartAsync(CancellationToken.None);
        var day = new DateTimeOffset(2022, 7, 1, 8, 0, 0, TimeSpan.Zero);
        await await writer.AppendAsync(Entry(day, "first"), CancellationToken.None);

        // Another silo's retention run drops the day this writer has cached as existing.
        await database.ExecuteAsync("DROP TABLE journal_entries_p20220701");
        await await writer.AppendAsync(Entry(day.AddMinutes(5), "second"), CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(1, await database.ScalarAsync("SELECT count(*) FROM journal_entries_p20220701"));
    }

    private static JournalWriter WriterOf(JournalDatabase database, out JournalPartitions partitions)
    {
        partitions = new JournalPartitions(database.DataSource);
        return new JournalWriter(database.DataSource, partitions, Options.Create(new JournalOptions()), TimeProvider.System,
            NullLogger<JournalWriter>.Instance);
    }

    private static JournalEntry Entry(DateTimeOffset startedAt, string businessKey) => new()
    {
        Id = Guid.CreateVersion7(startedAt),
        ExchangeId = Guid.NewGuid(),
        Attempt = 1,
        EndpointId = "writer-test",
        Direction = Direction.Outbound,
        Operation = "op",
        Method = "POST",
        Url = "http://127.0.0.1/",
        RequestHeaders = new Dictionary<string, string>(),
        RequestBody = JournalBody.Empty,
        DurationMs = 1,
        Outcome = Outcome.Success,
        StartedAt = startedAt,
        Silo = "test",
        BusinessKeys = [businessKey],
    };
}
