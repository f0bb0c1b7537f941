using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Xunit;

namespace CrmAI.Hub.Tests.Retries;

/// <summary>
/// A hub of one retry test class, on its own database, that wakes endpoints with due retries every second.
/// </summary>
public sealed class RetryHubFixture(PostgresServerFixture server) : IAsyncLifetime
{
    /// <summary>
    /// A one-second reminder period, so a due retry waits at most a second after a restart, and little jitter, so
    /// scheduled retries run close to their due time.
    /// </summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Settings =
    [
        new("Retries:ReminderPeriod", "00:00:01"),
        new("Retries:MaxJitter", "00:00:00.050"),
    ];

    public HubInstance Hub { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var database = await server.CreateDatabaseAsync(CancellationToken.None);
        Hub = await HubInstance.StartAsync(database, settings: Settings);
    }

    public async ValueTask DisposeAsync() => await Hub.DisposeAsync();
}
