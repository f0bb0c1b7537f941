using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// What Telegram commands and buttons act on. In the hub these are the alert and endpoint grains; tests record calls.
/// </summary>
public interface ITelegramCommands
{
    /// <summary>Acknowledges the open incident; false when it is not open (resolved, unknown or another incident).
    /// </summary>
    Task<bool> AcknowledgeAsync(string endpointId, Guid incidentId, string actor, CancellationToken cancellationToken);

    /// <summary>Mutes the endpoint's notices and returns the end of the mute, or null when nothing was muted.</summary>
    Task<DateTimeOffset?> MuteAsync(
        string endpointId, TimeSpan duration, string actor, CancellationToken cancellationToken);

    /// <summary>Returns the status of every configured endpoint, in endpoint id order.</summary>
    Task<IReadOnlyList<EndpointStatus>> GetStatusesAsync(CancellationToken cancellationToken);
}
