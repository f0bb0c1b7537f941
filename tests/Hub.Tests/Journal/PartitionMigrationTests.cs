using CrmAI.Hub.Silo.Storage;
using CrmAI.Hub.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace CrmAI.Hub.Tests.Journal;

/// <summary>
/// Migration 008, which turns the plain journal table into one partitioned by day.
/// </summary>
public sealed class PartitionMigrationTests(PostgresServerFixture server)
{
    [Fact]
    public async Task Migration_EmptyDatabase_CreatesPartitionedTable()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var database = await JournalDatabase.CreateAsync(server, cancellationToken);

        var kind = await database.ScalarAsync("SELECT count(*) FROM pg_class WHERE relname = 'journal_entries' AND relkind = 'p'");
        var partitions = await database.ScalarAsync(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'journal_entries'::regclass");

        Assert.Equal(1, kind);
        Assert.True(partitions >= 9, $"expected yesterday to a week ahead, found {partitions} partitions");
    }

    [Fact]
    public async Task Migration_PopulatedPlainTable_KeepsEveryRow()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(cancellationToken));
        foreach (var script in new[] { "002_journal.sql", "003_exchanges.sql" })
        {
            await using var create = dataSource.CreateCommand(await File.ReadAllTextAsync(SchemaFile(script), cancellationToken));
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        // Rows 400 days ago, 40 days ago and now, in a table that is not partitioned yet.
        await using (var insert = dataSource.CreateCommand(
            """
            INSERT INTO journal_entries (id, exchange_id, attempt, endpoint_id, direction, operation, method, url,
                request_headers, request_body_size, request_body_truncated, duration_ms, outcome, started_at, silo)
            SELECT gen_random_uuid(), gen_random_uuid(), 1, 'legacy', 'Outbound', 'op', 'GET', 'http://127.0.0.1/',
                '{}', 0, false, 1, 'Success', now() - make_interval(days => d), 'old'
            FROM unnest(ARRAY[400, 40, 0]) AS d
            """))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            Task.Run(() => SchemaMigrator.ApplyAsync(dataSource, NullLogger.Instance, cancellationToken), cancellationToken)));

        await using var check = dataSource.CreateCommand(
            """
            SELECT (SELECT relkind::text FROM pg_class WHERE relname = 'journal_entries'),
                   (SELECT count(*) FROM journal_entries WHERE endpoint_id = 'legacy'),
                   (SELECT count(*) FROM pg_inherits WHERE inhparent = 'journal_entries'::regclass),
                   to_regclass('journal_entries_unpartitioned') IS NULL
            """);
        await using var reader = await check.ExecuteReaderAsync(cancellationToken);
        Assert.True(await reader.ReadAsync(cancellationToken));
        Assert.Equal("p", reader.GetString(0));
        Assert.Equal(3, reader.GetInt64(1));
        Assert.True(reader.GetInt64(2) > 400, $"expected one partition per day since the oldest row, found {reader.GetInt64(2)}");
        Assert.True(reader.GetBoolean(3));
    }

    private static string SchemaFile(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CrmAI.Hub.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("CrmAI.Hub.sln not found above the test binaries"),
            "deploy", "schema", name);
    }
}
