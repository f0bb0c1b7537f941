using CrmAI.Hub.Tests.Storage;
using Xunit;

namespace CrmAI.Hub.Tests.Infrastructure;

/// <summary>
/// One hub shared by the test classes of <see cref="SharedHubDefinition"/>, on its own database of the shared test
/// PostgreSQL. Tests use fresh endpoint ids, so they do not see each other's data.
/// </summary>
public sealed class HubFixture(PostgresServerFixture server) : IAsyncLifetime
{
    public HubInstance Hub { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var database = await server.CreateDatabaseAsync(CancellationToken.None);
        Hub = await HubInstance.StartAsync(database);
    }

    public async ValueTask DisposeAsync() => await Hub.DisposeAsync();

    /// <summary>Returns an endpoint id no other test uses.</summary>
    public static string NewEndpointId(string prefix = "ep") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];
}

[CollectionDefinition(Name)]
public sealed class SharedHubDefinition : ICollectionFixture<HubFixture>
{
    public const string Name = "hub";
}
