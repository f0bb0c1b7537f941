using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Alerts;

/// <summary>
/// The alerting side of one endpoint, keyed by endpoint id: it receives the endpoint's health when it changes,
/// applies the alert rules and runs the endpoint's incidents.
/// </summary>
[Alias("hub.IAlertGrain")]
public interface IAlertGrain : IGrainWithStringKey
{
    /// <summary>Receives the endpoint's current health; called when it changed, not for every exchange.</summary>
    [Alias("ReportHealth")]
    Task ReportHealthAsync(EndpointHealth health);

    /// <summary>Stops reminders of the open incident. Returns false when no such open incident exists.</summary>
    [Alias("Acknowledge")]
    Task<bool> AcknowledgeAsync(Guid incidentId, string actor);

    /// <summary>Sends no notices for this endpoint until the time given; a zero duration unmutes.</summary>
    [Alias("Mute")]
    Task<DateTimeOffset?> MuteAsync(TimeSpan duration, string actor);

    /// <summary>Checks open incidents against the endpoint's current health, as after a restart.</summary>
    [Alias("Recheck")]
    Task RecheckAsync();

    /// <summary>Returns the open incident, or null.</summary>
    [Alias("GetOpenIncident")]
    Task<Incident?> GetOpenIncidentAsync();
}
