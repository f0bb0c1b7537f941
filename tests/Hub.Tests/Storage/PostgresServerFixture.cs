using CrmAI.Hub.Silo.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace CrmAI.Hub.Tests.Storage;

/// <summary>
/// A PostgreSQL server shared by the tests of one class, each of which gets a fresh database in it.
/// </summary>
/// <remarks>
/// When the environment variable HUB_TEST_POSTGRES contains an Npgsql connection string, the databases are created
/// in that server and dropped afterwards. Otherwise a <see cref="LocalPostgres"/> runs in a temporary folder,
/// which is deleted when the server has stopped.
/// </remarks>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private const string ServerVariable = "HUB_TEST_POSTGRES";

    private readonly List<string> _databases = [];
    private LocalPostgres? _localServer;
    private string? _temporaryDirectory;
    private string _adminConnectionString = "";

    public async ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(ServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            _adminConnectionString = external;
            return;
        }

        _temporaryDirectory = Directory.CreateTempSubdirectory("hub-storage-test-").FullName;
        _localServer = await LocalPostgres.StartAsync(
            _temporaryDirectory, NullLogger.Instance, TestContext.Current.CancellationToken);
        _adminConnectionString = _localServer.ConnectionString;

        // The folder is deleted after the run, so the server needs no durable writes. With fsync on, the shutdown
        // checkpoint syncs every file of the many test databases, which took 80 s on a loaded machine and outlasted
        // the 60 s that LocalPostgres waits for pg_ctl stop.
        await ExecuteAdminAsync("ALTER SYSTEM SET fsync = off", TestContext.Current.CancellationToken);
        await ExecuteAdminAsync("SELECT pg_reload_conf()", TestContext.Current.CancellationToken);
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = "hub_test_" + Guid.NewGuid().ToString("N");
        await ExecuteAdminAsync($"CREATE DATABASE {name}", cancellationToken);
        lock (_databases)
        {
            _databases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_localServer is not null)
        {
            await _localServer.DisposeAsync();
            Directory.Delete(_temporaryDirectory!, recursive: true);
            return;
        }

        foreach (var name in _databases)
        {
            await ExecuteAdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", CancellationToken.None);
        }
    }

    private async Task ExecuteAdminAsync(string sql, CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
