using CrmAI.Hub.Outbound;

namespace CrmAI.Hub.Silo.Security;

/// <summary>
/// Logs at start that the local development mode allowed outbound requests to private networks.
/// </summary>
internal sealed partial class PrivateNetworkNotice(ILogger<PrivateNetworkNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogPrivateNetworksAllowed(logger, OutboundOptions.AllowPrivateNetworksKey);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = HubEventIds.PrivateNetworksAllowed, Level = LogLevel.Warning,
        Message = "HUB_POSTGRES is unset, so this is the local development mode and {Key} is true: endpoints may " +
            "reach loopback and private addresses. Set it to false to test the production behaviour")]
    private static partial void LogPrivateNetworksAllowed(ILogger logger, string key);
}
