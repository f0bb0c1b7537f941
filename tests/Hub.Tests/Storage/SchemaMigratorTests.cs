using CrmAI.Hub.Silo.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace CrmAI.Hub.Tests.Storage;

public sealed class SchemaMigratorTests(PostgresServerFixture server, ITestOutputHelper output)
    : IClassFixture<PostgresServerFixture>, IDisposable
{
    // Persistence, reminders and clustering, in the ordinal order the query returns them.
    private static readonly string[] OrleansQueryKeys =
    [
        "CleanupDefunctSiloEntriesKey", "ClearStorageKey", "DeleteMembershipTableEntriesKey", "DeleteReminderRowKey",
        "DeleteReminderRowsKey", "DeleteStorageKey", "GatewaysQueryKey", "InsertMembershipKey",
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "ReadFromStorageKey",
        "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey", "ReadReminderRowsKey",
        "UpdateIAmAlivetimeKey", "UpdateMembershipKey", "UpsertReminderRowKey", "WriteToStorageKey",
    ];

    private readonly TestLoggerProvider _logs = new(output, LogLevel.Debug);

    [Fact]
    public async Task ApplyAsync_ConcurrentCalls_AppliesEachScriptOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(cancellationToken));
        var logger = _logs.CreateLogger(nameof(SchemaMigrator));

        var runs = Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => SchemaMigrator.ApplyAsync(dataSource, logger, cancellationToken)));
        await Task.WhenAll(runs);

        var applied = await ReadColumnAsync(dataSource, "SELECT name FROM hub_schema_migrations ORDER BY name");
        Assert.Contains("001_orleans.sql", applied);
        Assert.Equal(EmbeddedScriptCount(), applied.Count);
        Assert.Equal(applied.Count, _logs.Entries.Count(entry => entry.EventId.Id == HubEventIds.SchemaApplied));
        var queryKeys = await ReadColumnAsync(dataSource, "SELECT querykey FROM orleansquery ORDER BY querykey");
        Assert.Equal(OrleansQueryKeys, queryKeys);
    }

    [Fact]
    public async Task ApplyAsync_SecondRun_SkipsAppliedScripts()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(cancellationToken));
        var logger = _logs.CreateLogger(nameof(SchemaMigrator));
        await SchemaMigrator.ApplyAsync(dataSource, logger, cancellationToken);
        var firstRun = await ReadColumnAsync(
            dataSource, "SELECT name || ' ' || sha256 || ' ' || applied_at FROM hub_schema_migrations ORDER BY name");

        await SchemaMigrator.ApplyAsync(dataSource, logger, cancellationToken);

        var secondRun = await ReadColumnAsync(
            dataSource, "SELECT name || ' ' || sha256 || ' ' || applied_at FROM hub_schema_migrations ORDER BY name");
        Assert.Equal(firstRun, secondRun);
        Assert.Equal(firstRun.Count, _logs.Entries.Count(entry => entry.EventId.Id == HubEventIds.SchemaApplied));
        Assert.DoesNotContain(_logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task ApplyAsync_ChangedScript_LogsWarning()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(cancellationToken));
        var logger = _logs.CreateLogger(nameof(SchemaMigrator));
        await SchemaMigrator.ApplyAsync(dataSource, logger, cancellationToken);
        await using (var tamper = dataSource.CreateCommand(
            "UPDATE hub_schema_migrations SET sha256 = 'older' WHERE name = '001_orleans.sql'"))
        {
            await tamper.ExecuteNonQueryAsync(cancellationToken);
        }

        await SchemaMigrator.ApplyAsync(dataSource, logger, cancellationToken);

        var warning = Assert.Single(_logs.Entries, entry => entry.EventId.Id == HubEventIds.SchemaChanged);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("001_orleans.sql", warning.Message, StringComparison.Ordinal);
        var stored = await ReadColumnAsync(
            dataSource, "SELECT sha256 FROM hub_schema_migrations WHERE name = '001_orleans.sql'");
        Assert.Equal(["older"], stored);
    }

    public void Dispose() => _logs.Dispose();

    private static int EmbeddedScriptCount()
    {
        return typeof(SchemaMigrator).Assembly.GetManifestResourceNames()
            .Count(name => name.StartsWith("schema/", StringComparison.Ordinal));
    }

    private static async Task<List<string>> ReadColumnAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var values = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
