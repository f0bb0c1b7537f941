using System.Globalization;
using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// A hub with small per-key, header and inbound failure limits, and an external system for slow exchanges.
/// </summary>
public sealed class LimitedHubFixture(PostgresServerFixture server) : IAsyncLifetime
{
    /// <summary>Requests per key before the bucket is empty. The bucket refills only after 10 minutes.</summary>
    public const int Burst = 20;

    /// <summary>Failed inbound requests per minute before a client address is blocked.</summary>
    public const int InboundFailures = 3;

    public ExternalSystem System { get; private set; } = null!;

    public HubInstance Hub { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        System = await ExternalSystem.StartAsync();
        Hub = await HubInstance.StartAsync(await server.CreateDatabaseAsync(CancellationToken.None), settings:
        [
            new("ApiLimits:BurstRequests", Burst.ToString(CultureInfo.InvariantCulture)),
            new("ApiLimits:RequestsPerPeriod", "1"),
            new("ApiLimits:RefillPeriod", "00:10:00"),
            new("ApiLimits:ConcurrentRequests", "1"),
            new("ApiLimits:MaxHeaderCount", "20"),
            new("ApiLimits:InboundFailuresPerMinute", InboundFailures.ToString(CultureInfo.InvariantCulture)),
        ]);
    }

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        await System.DisposeAsync();
    }
}
