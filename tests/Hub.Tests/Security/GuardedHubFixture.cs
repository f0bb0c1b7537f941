using CrmAI.Hub.Outbound;
using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// A hub with <c>Hub:AllowPrivateNetworks</c> false, the names of <see cref="GuardHostResolver"/> and a
/// <see cref="RecordingOpener"/>, so tests see every connection the guard lets through.
/// </summary>
public sealed class GuardedHubFixture(PostgresServerFixture server) : IAsyncLifetime
{
    public HubInstance Hub { get; private set; } = null!;

    public RecordingOpener Opener { get; } = new();

    public async ValueTask InitializeAsync()
    {
        var database = await server.CreateDatabaseAsync(CancellationToken.None);
        Hub = await HubInstance.StartAsync(database, settings: [new("Hub:AllowPrivateNetworks", "false")], services: services =>
        {
            services.Replace(ServiceDescriptor.Singleton<IHostResolver, GuardHostResolver>());
            services.Replace(ServiceDescriptor.Singleton<IConnectionOpener>(Opener));
        });
    }

    public async ValueTask DisposeAsync() => await Hub.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class GuardedHubDefinition : ICollectionFixture<GuardedHubFixture>
{
    public const string Name = "guarded-hub";
}
