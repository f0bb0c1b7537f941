using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CrmAI.Hub.Tests.Observability;

/// <summary>
/// A hub on its own database with telemetry on, a metrics key, and a logger provider that keeps every entry of
/// the hub's own categories with its scopes.
/// </summary>
public sealed class ObservabilityHubFixture(PostgresServerFixture server) : IAsyncLifetime
{
    public const string MetricsKey = "test-metrics-key-51c2";

    public HubInstance Hub { get; private set; } = null!;

    public ScopeCapturingLoggerProvider Logs { get; } = new();

    public async ValueTask InitializeAsync()
    {
        var database = await server.CreateDatabaseAsync(CancellationToken.None);
        Hub = await HubInstance.StartAsync(database, settings:
        [
            new("Hub:MetricsKey", MetricsKey),
            new("Logging:LogLevel:CrmAI", "Information"),
        ]);

        // Added after the start, so the provider sees the grains' logs but not the start-up lines.
        Hub.Services.GetRequiredService<ILoggerFactory>().AddProvider(Logs);
    }

    public async ValueTask DisposeAsync() => await Hub.DisposeAsync();
}
