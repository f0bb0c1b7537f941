using CrmAI.Hub.Endpoints;
using CrmAI.Hub.Silo.Storage;
using CrmAI.Hub.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// <see cref="PostgresInboundSignatureStore"/> on a migrated database: a record counts until its window ends, and
/// only an expired one is replaced.
/// </summary>
public sealed class InboundSignatureStoreTests(PostgresServerFixture server) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Signature = [0x3f, 0x00, 0xa1, 0x42];

    private NpgsqlDataSource _dataSource = null!;
    private PostgresInboundSignatureStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(TestContext.Current.CancellationToken));
        await SchemaMigrator.ApplyAsync(_dataSource, NullLogger.Instance, TestContext.Current.CancellationToken);
        _store = new PostgresInboundSignatureStore(_dataSource);
    }

    public async ValueTask DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task Find_WithinWindow_ReturnsRecord()
    {
        var accepted = new AcceptedSignature(Guid.NewGuid(), Now, Now.AddMinutes(5));
        await _store.AddAsync("ep-a", Signature, accepted, TestContext.Current.CancellationToken);

        var found = await _store.FindAsync("ep-a", Signature, Now.AddMinutes(4), TestContext.Current.CancellationToken);

        Assert.Equal(accepted, found);
    }

    [Fact]
    public async Task Find_AfterWindowOrOtherEndpoint_ReturnsNull()
    {
        await _store.AddAsync("ep-b", Signature, new(Guid.NewGuid(), Now, Now.AddMinutes(5)), TestContext.Current.CancellationToken);

        var expired = await _store.FindAsync("ep-b", Signature, Now.AddMinutes(6), TestContext.Current.CancellationToken);
        var otherEndpoint = await _store.FindAsync("ep-c", Signature, Now, TestContext.Current.CancellationToken);

        Assert.Null(expired);
        Assert.Null(otherEndpoint);
    }

    [Fact]
    public async Task Add_LiveRecord_KeepsFirst()
    {
        var first = new AcceptedSignature(Guid.NewGuid(), Now, Now.AddMinutes(5));
        await _store.AddAsync("ep-d", Signature, first, TestContext.Current.CancellationToken);

        await _store.AddAsync("ep-d", Signature, new(Guid.NewGuid(), Now.AddMinutes(1), Now.AddMinutes(6)), TestContext.Current.CancellationToken);
        var found = await _store.FindAsync("ep-d", Signature, Now.AddMinutes(2), TestContext.Current.CancellationToken);

        Assert.Equal(first, found);
    }

    [Fact]
    public async Task Add_ExpiredRecord_Replaced()
    {
        await _store.AddAsync("ep-e", Signature, new(Guid.NewGuid(), Now, Now.AddMinutes(5)), TestContext.Current.CancellationToken);
        var second = new AcceptedSignature(Guid.NewGuid(), Now.AddMinutes(10), Now.AddMinutes(15));

        await _store.AddAsync("ep-e", Signature, second, TestContext.Current.CancellationToken);
        var found = await _store.FindAsync("ep-e", Signature, Now.AddMinutes(11), TestContext.Current.CancellationToken);

        Assert.Equal(second, found);
    }

    [Fact]
    public async Task Add_AfterWindows_PrunesExpiredRows()
    {
        await _store.AddAsync("ep-f", [0x01], new(Guid.NewGuid(), Now, Now.AddMinutes(5)), TestContext.Current.CancellationToken);

        await _store.AddAsync("ep-f", [0x02], new(Guid.NewGuid(), Now.AddMinutes(10), Now.AddMinutes(15)), TestContext.Current.CancellationToken);
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM hub_inbound_signatures WHERE endpoint_id = 'ep-f'");
        var rows = (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(1, rows);
    }
}
