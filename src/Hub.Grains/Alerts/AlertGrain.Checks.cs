using CrmAI.Hub.Contracts;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Alerts;

public sealed partial class AlertGrain
{
    /// <summary>
    /// Keeps the periodic check while something needs watching without an exchange to report it: an open
    /// incident (follow-ups, recovery) or a silence rule.
    /// </summary>
    private async Task UpdateCheckReminderAsync(AlertRules rules, EndpointHealth health)
    {
        var needed = state.State.Open is not null || rules.SilenceAfter is not null || health.ExpectedActivity is not null;
        if (needed && !_checkRegistered)
        {
            await this.RegisterOrUpdateReminder(CheckReminderName, _options.CheckPeriod, _options.CheckPeriod);
            _checkRegistered = true;
        }
        else if (!needed)
        {
            await RemoveCheckReminderAsync();
        }
    }

    private async Task RemoveCheckReminderAsync()
    {
        var reminder = await this.GetReminder(CheckReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }

        _checkRegistered = false;
    }

    [LoggerMessage(EventId = HubEventIds.IncidentOpened, Level = LogLevel.Warning,
        Message = "Incident {IncidentId} opened for endpoint {EndpointId}: {Summary}")]
    private static partial void LogIncidentOpened(ILogger logger, string endpointId, Guid incidentId, string summary);

    [LoggerMessage(EventId = HubEventIds.IncidentResolved, Level = LogLevel.Information,
        Message = "Incident {IncidentId} of endpoint {EndpointId} resolved after {Duration}")]
    private static partial void LogIncidentResolved(ILogger logger, string endpointId, Guid incidentId, TimeSpan duration);

    [LoggerMessage(EventId = HubEventIds.AlertCheckFailed, Level = LogLevel.Error,
        Message = "Checking the alerts of endpoint {EndpointId} failed; the next check retries")]
    private static partial void LogCheckFailed(ILogger logger, string endpointId, Exception error);
}
