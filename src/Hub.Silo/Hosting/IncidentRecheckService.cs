using CrmAI.Hub.Alerts;

namespace CrmAI.Hub.Silo.Hosting;

/// <summary>
/// Checks every open incident against current health right after the hub starts, so an endpoint that recovered
/// while the hub was down gets its recovery notice at once rather than an incident that never closes.
/// </summary>
internal sealed partial class IncidentRecheckService(
    IncidentStore incidents, IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<IncidentRecheckService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Grain calls need a running silo, which the host has once it reports started.
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);

        try
        {
            var open = await incidents.ListAsync(openOnly: true, limit: 10_000, stoppingToken);
            await Task.WhenAll(open.Select(i => i.EndpointId).Distinct().Select(id => grains.GetGrain<IAlertGrain>(id).RecheckAsync()));
            LogRechecked(logger, open.Count);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The alert grains' own periodic checks cover what this pass missed.
            LogRecheckFailed(logger, error);
        }
    }

    [LoggerMessage(EventId = HubEventIds.IncidentsRechecked, Level = LogLevel.Information,
        Message = "Checked {Count} open incidents against current health")]
    private static partial void LogRechecked(ILogger logger, int count);

    [LoggerMessage(EventId = HubEventIds.IncidentRecheckFailed, Level = LogLevel.Warning,
        Message = "Checking open incidents at start failed; the periodic alert checks will cover them")]
    private static partial void LogRecheckFailed(ILogger logger, Exception error);
}
