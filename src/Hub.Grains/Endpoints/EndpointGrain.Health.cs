using CrmAI.Hub.Alerts;
using CrmAI.Hub.Contracts;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Endpoints;

public sealed partial class EndpointGrain
{
    private HealthStatus? _reportedStatus;
    private bool _healthDirty;

    /// <summary>
    /// Tells the alert grain about a change: at once when the status changed, otherwise with the next stats flush,
    /// so a busy endpoint costs one call every few seconds rather than one per exchange.
    /// </summary>
    private void ReportHealthChange()
    {
        var config = _config.State.Config;
        if (config is null)
        {
            return;
        }

        var status = EndpointStats.ToStatus(EndpointId, _stats.State, HealthContextOf(config)).Status;
        if (status != _reportedStatus)
        {
            PushHealthNow();
            return;
        }

        _healthDirty = true;
    }

    private void PushHealthNow()
    {
        if (_config.State.Config is not { } config)
        {
            return;
        }

        _healthDirty = false;
        var health = EndpointStats.ToHealth(EndpointId, _stats.State, HealthContextOf(config));
        _reportedStatus = health.Status;
        _ = PushAsync(health);
    }

    private async Task PushAsync(EndpointHealth health)
    {
        try
        {
            await GrainFactory.GetGrain<IAlertGrain>(EndpointId).ReportHealthAsync(health);
        }
        catch (Exception error)
        {
            // The alert grain also pulls health on its own schedule, so a lost push only delays an alert.
            _healthDirty = true;
            LogHealthPushFailed(_logger, EndpointId, error);
        }
    }

    [LoggerMessage(EventId = HubEventIds.HealthPushFailed, Level = LogLevel.Warning,
        Message = "Reporting the health of endpoint {EndpointId} to its alert grain failed; retrying with the next flush")]
    private static partial void LogHealthPushFailed(ILogger logger, string endpointId, Exception error);
}
