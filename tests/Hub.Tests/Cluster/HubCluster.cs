using System.Globalization;
using CrmAI.Hub.Tests.Infrastructure;
using Npgsql;

namespace CrmAI.Hub.Tests.Cluster;

/// <summary>
/// Hub processes that form one Orleans cluster through the membership table of one test database. Each silo has its
/// own data folder and its own silo, gateway and HTTP ports on 127.0.0.1.
/// </summary>
internal sealed class HubCluster : IAsyncDisposable
{
    /// <summary>
    /// Value of <c>orleansmembershiptable.status</c> for a silo that has joined (Orleans <c>SiloStatus.Active</c>).
    /// </summary>
    public const int ActiveStatus = 3;

    /// <summary>
    /// Value of <c>orleansmembershiptable.status</c> for a stopped or killed silo (Orleans <c>SiloStatus.Dead</c>).
    /// </summary>
    public const int DeadStatus = 6;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private readonly List<string> _dataDirectories = [];

    private HubCluster(string database) => Database = database;

    /// <summary>Connection string of the database that every silo uses.</summary>
    public string Database { get; }

    public List<HubProcess> Silos { get; } = [];

    /// <summary>Orleans silo port of each silo, by index, which the membership table and silo names contain.</summary>
    public List<int> SiloPorts { get; } = [];

    /// <summary>
    /// Starts <paramref name="siloCount"/> hub processes with <c>HUB_CLUSTERING=adonet</c> and waits until each is
    /// ready. When a silo fails to start, every process already started is killed before the error is rethrown.
    /// </summary>
    /// <param name="settings">Extra environment variables for every silo, such as probe timeouts or log levels.</param>
    public static async Task<HubCluster> StartAsync(
        string database,
        int siloCount,
        IReadOnlyDictionary<string, string> settings,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        ArgumentOutOfRangeException.ThrowIfLessThan(siloCount, 1);
        ArgumentNullException.ThrowIfNull(settings);

        var cluster = new HubCluster(database);
        try
        {
            for (var i = 0; i < siloCount; i++)
            {
                cluster.StartSilo(settings);
            }

            await Task.WhenAll(cluster.Silos.Select(s => s.WaitReadyAsync(ReadyTimeout, cancellationToken)));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The silo name that the journal records for silo <paramref name="index"/>.</summary>
    public string SiloName(int index) => $"{Environment.MachineName}:{SiloPorts[index]}";

    /// <summary>
    /// Returns the membership status of silo <paramref name="index"/> (<see cref="ActiveStatus"/>,
    /// <see cref="DeadStatus"/> and others), or null when the silo has no row.
    /// </summary>
    public async Task<int?> MembershipStatusAsync(int index, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT status FROM orleansmembershiptable WHERE port = $1 ORDER BY generation DESC LIMIT 1", connection);
        command.Parameters.AddWithValue(SiloPorts[index]);
        return await command.ExecuteScalarAsync(cancellationToken) as int?;
    }

    /// <summary>Kills every silo that still runs and deletes the data folders.</summary>
    /// <exception cref="AggregateException">A silo left processes behind; the other silos are still killed.</exception>
    public async ValueTask DisposeAsync()
    {
        var errors = new List<Exception>();
        foreach (var silo in Silos)
        {
            try
            {
                await silo.DisposeAsync();
            }
            catch (InvalidOperationException error)
            {
                errors.Add(error);
            }
        }

        foreach (var directory in _dataDirectories)
        {
            Directory.Delete(directory, recursive: true);
        }

        if (errors.Count > 0)
        {
            throw new AggregateException("Stopping the cluster's hub processes failed.", errors);
        }
    }

    private void StartSilo(IReadOnlyDictionary<string, string> settings)
    {
        var port = LoopbackPorts.FindClosed();
        var dataDirectory = Directory.CreateTempSubdirectory("hub-cluster-test-").FullName;
        _dataDirectories.Add(dataDirectory);
        SiloPorts.Add(port);

        var environment = new Dictionary<string, string>(settings)
        {
            ["HUB_CLUSTERING"] = "adonet",
            ["HUB_CLUSTER_ID"] = "cluster-test",
            ["HUB_ADVERTISED_ADDRESS"] = "127.0.0.1",
            ["HUB_SILO_PORT"] = port.ToString(CultureInfo.InvariantCulture),
        };
        Silos.Add(HubProcess.Start(Database, dataDirectory, environment));
    }
}
