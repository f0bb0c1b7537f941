using CrmAI.Hub.Silo.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// The PostgreSQL database the benchmark writes to: the one in <c>HUB_POSTGRES</c>, or a private server in a
/// temporary folder that <see cref="DisposeAsync"/> stops and deletes.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private const string ConnectionVariable = "HUB_POSTGRES";

    private readonly LocalPostgres? _server;
    private readonly string? _temporaryDirectory;

    private BenchDatabase(NpgsqlDataSource dataSource, string description, LocalPostgres? server, string? temporaryDirectory)
    {
        DataSource = dataSource;
        Description = description;
        _server = server;
        _temporaryDirectory = temporaryDirectory;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Where the database is, for the report; never the password.</summary>
    public string Description { get; }

    public static async Task<BenchDatabase> OpenAsync(CancellationToken cancellationToken)
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new BenchDatabase(NpgsqlDataSource.Create(configured), Describe(configured, ConnectionVariable), null, null);
        }

        var folder = Directory.CreateTempSubdirectory("hub-bench-").FullName;
        try
        {
            var server = await LocalPostgres.StartAsync(folder, NullLogger.Instance, cancellationToken);
            var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
            return new BenchDatabase(dataSource, Describe(server.ConnectionString, "private server in " + folder), server, folder);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Returns the WAL insert position in bytes; the difference of two readings is the WAL written between them.</summary>
    public async Task<long> ReadWalPositionAsync(CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<string> ReadServerVersionAsync(CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("SELECT current_setting('server_version')");
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
            Directory.Delete(_temporaryDirectory!, recursive: true);
        }
    }

    private static string Describe(string connectionString, string source)
    {
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{parsed.Host}:{parsed.Port}/{parsed.Database} ({source})";
    }
}
