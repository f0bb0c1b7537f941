using CrmAI.Hub.Tests.Storage;
using Xunit;

namespace CrmAI.Hub.Tests.Alerts;

/// <summary>
/// The <see cref="AlertHub"/> of one test class. Tests use fresh endpoint ids and delete their endpoints, so the
/// messages of one test do not mix with the next.
/// </summary>
public sealed class AlertHubFixture(PostgresServerFixture server) : IAsyncLifetime
{
    public AlertHub Alerts { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Alerts = await AlertHub.StartAsync(server);

    public async ValueTask DisposeAsync() => await Alerts.DisposeAsync();
}
