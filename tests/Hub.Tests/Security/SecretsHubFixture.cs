using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// A hub on its own database with an external system, and the secrets that <see cref="SecretsAtRestTests"/>
/// configures, so the database dump contains only what these tests wrote.
/// </summary>
public sealed class SecretsHubFixture(PostgresServerFixture server) : IAsyncLifetime
{
    public string Token { get; } = $"bearer-{Guid.NewGuid():N}";

    public string Password { get; } = $"password-{Guid.NewGuid():N}";

    public string HeaderValue { get; } = $"header-{Guid.NewGuid():N}";

    public string ReplacedToken { get; } = $"replaced-{Guid.NewGuid():N}";

    public ExternalSystem System { get; private set; } = null!;

    /// <summary>The running hub; a test that restarts it stores the new instance here.</summary>
    public HubInstance Hub { get; set; } = null!;

    public async ValueTask InitializeAsync()
    {
        System = await ExternalSystem.StartAsync();
        Hub = await HubInstance.StartAsync(await server.CreateDatabaseAsync(CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        await System.DisposeAsync();
    }
}
