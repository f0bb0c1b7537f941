using System.Text;
using CrmAI.Hub.Silo.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Storage;
using Xunit;

namespace CrmAI.Hub.Tests.Storage;

/// <summary>
/// Runs the Orleans ADO.NET grain storage and reminder providers against the schema in 001_orleans.sql.
/// </summary>
public sealed class OrleansStorageTests(PostgresServerFixture server, ITestOutputHelper output)
    : IClassFixture<PostgresServerFixture>, IDisposable
{
    private const string ServiceId = "hub-tests";

    private readonly TestLoggerProvider _logs = new(output, LogLevel.Warning);

    [Fact]
    public async Task WriteStateAsync_SiloRestart_StateSurvives()
    {
        var connectionString = await CreateSchemaAsync();
        var key = NewKey();
        await using (var silo = await StartSiloAsync(connectionString))
        {
            var grain = silo.Grains.GetGrain<IStorageProbeGrain>(key);
            var empty = await grain.GetSnapshotAsync();
            Assert.False(empty.RecordExists);
            Assert.Null(empty.ETag);

            await grain.SetValueAsync("first");
            await grain.SetValueAsync("second");
            await grain.DeactivateAsync();

            var reactivated = await grain.GetSnapshotAsync();
            Assert.Equal(new ProbeSnapshot("second", "2", true), reactivated);
        }

        await using (var restarted = await StartSiloAsync(connectionString))
        {
            var afterRestart = await restarted.Grains.GetGrain<IStorageProbeGrain>(key).GetSnapshotAsync();
            Assert.Equal(new ProbeSnapshot("second", "2", true), afterRestart);
        }

        var row = Assert.Single(await ReadStorageRowsAsync(connectionString, key));
        Assert.Equal(ServiceId, row.ServiceId);
        Assert.Equal(StorageProbeGrain.StateName, row.StateName);
        Assert.Equal(0, row.N0);
        Assert.Equal(0, row.N1);
        Assert.Equal(2, row.Version);
        Assert.NotNull(row.Payload);
        var payload = Encoding.UTF8.GetString(row.Payload);
        Assert.Contains("second", payload, StringComparison.Ordinal);
        Assert.DoesNotContain("$type", payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteStateAsync_StaleETag_ThrowsInconsistentStateException()
    {
        var connectionString = await CreateSchemaAsync();
        var key = NewKey();
        await using var silo = await StartSiloAsync(connectionString);
        var grain = silo.Grains.GetGrain<IStorageProbeGrain>(key);
        await grain.SetValueAsync("first");

        // Another writer bumps the stored version, so the grain's ETag "1" is stale.
        await ExecuteAsync(connectionString,
            $"UPDATE orleansstorage SET version = version + 1 WHERE grainidextensionstring = '{key}'");

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.SetValueAsync("stale"));
        var stored = Assert.Single(await ReadStorageRowsAsync(connectionString, key));
        Assert.Equal(2, stored.Version);
        Assert.Contains("first", Encoding.UTF8.GetString(stored.Payload!), StringComparison.Ordinal);

        // Orleans deactivates a grain after an InconsistentStateException, so the next call reads version 2.
        await grain.SetValueAsync("fresh");
        Assert.Equal(new ProbeSnapshot("fresh", "3", true), await grain.GetSnapshotAsync());
    }

    [Fact]
    public async Task ClearStateAsync_WrittenState_KeepsRowWithoutPayload()
    {
        var connectionString = await CreateSchemaAsync();
        var key = NewKey();
        await using var silo = await StartSiloAsync(connectionString);
        var grain = silo.Grains.GetGrain<IStorageProbeGrain>(key);
        await grain.SetValueAsync("first");

        await grain.ClearAsync();

        Assert.Equal(new ProbeSnapshot("", "2", false), await grain.GetSnapshotAsync());
        var cleared = Assert.Single(await ReadStorageRowsAsync(connectionString, key));
        Assert.Null(cleared.Payload);
        Assert.Equal(2, cleared.Version);

        await grain.DeactivateAsync();
        Assert.Equal(new ProbeSnapshot("", "2", false), await grain.GetSnapshotAsync());

        await grain.SetValueAsync("again");
        Assert.Equal(new ProbeSnapshot("again", "3", true), await grain.GetSnapshotAsync());
    }

    [Fact]
    public async Task RegisterOrUpdateReminder_OneSecond_TicksUntilUnregistered()
    {
        var connectionString = await CreateSchemaAsync();
        var key = NewKey();
        await using var silo = await StartSiloAsync(connectionString);
        var grain = silo.Grains.GetGrain<IStorageProbeGrain>(key);

        await grain.StartTickingAsync(TimeSpan.FromSeconds(1));

        var registered = Assert.Single(await ReadReminderRowsAsync(connectionString, key));
        Assert.Equal(StorageProbeGrain.ReminderName, registered.Name);
        Assert.Equal(1000, registered.PeriodMilliseconds);
        Assert.EndsWith("/" + key, registered.GrainId, StringComparison.Ordinal);

        // Reminders fire on the real clock, so the test polls for two ticks instead of using a fake clock.
        var deadline = TimeProvider.System.GetTimestamp();
        while (await grain.GetTickCountAsync() < 2
            && TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        }

        Assert.True(await grain.GetTickCountAsync() >= 2, "The reminder ticked fewer than 2 times in 15 s.");

        await grain.StopTickingAsync();

        Assert.Empty(await ReadReminderRowsAsync(connectionString, key));
    }

    public void Dispose() => _logs.Dispose();

    private static string NewKey() => "telegram:" + Guid.NewGuid().ToString("N");

    private async Task<string> CreateSchemaAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var connectionString = await server.CreateDatabaseAsync(cancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await SchemaMigrator.ApplyAsync(dataSource, _logs.CreateLogger(nameof(SchemaMigrator)), cancellationToken);
        return connectionString;
    }

    private Task<ProbeSilo> StartSiloAsync(string connectionString)
    {
        return ProbeSilo.StartAsync(connectionString, ServiceId, _logs, TestContext.Current.CancellationToken);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<List<StorageRow>> ReadStorageRowsAsync(string connectionString, string key)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT serviceid, graintypestring, grainidn0, grainidn1, version, payloadbinary "
            + "FROM orleansstorage WHERE grainidextensionstring = @key");
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<StorageRow>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(new StorageRow(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<byte[]>(5)));
        }

        return rows;
    }

    private static async Task<List<ReminderRow>> ReadReminderRowsAsync(string connectionString, string key)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT grainid, remindername, period FROM orleansreminderstable "
            + "WHERE serviceid = @service AND grainid LIKE '%/' || @key");
        command.Parameters.AddWithValue("service", ServiceId);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<ReminderRow>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(new ReminderRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return rows;
    }

    private sealed record StorageRow(
        string ServiceId, string StateName, long N0, long N1, int Version, byte[]? Payload);

    private sealed record ReminderRow(string GrainId, string Name, long PeriodMilliseconds);
}
