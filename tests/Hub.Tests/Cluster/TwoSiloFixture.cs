using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Xunit;

namespace CrmAI.Hub.Tests.Cluster;

/// <summary>
/// Two hub processes in one cluster on a database of their own, shared by the tests of one class. Tests create
/// their own API keys, so they do not see each other's data.
/// </summary>
public sealed class TwoSiloFixture(PostgresServerFixture server) : IAsyncLifetime
{
    private static readonly Dictionary<string, string> SiloSettings = new()
    {
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private HubCluster? _cluster;

    /// <summary>The silo that creates and deletes keys.</summary>
    public HubProcess First => Cluster.Silos[0];

    /// <summary>The other silo, which only uses keys.</summary>
    public HubProcess Second => Cluster.Silos[1];

    internal HubCluster Cluster => _cluster
        ?? throw new InvalidOperationException("The cluster is not running because InitializeAsync has not completed.");

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var database = await server.CreateDatabaseAsync(cancellationToken);
        _cluster = await HubCluster.StartAsync(database, siloCount: 2, SiloSettings, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
