using CrmAI.Hub.Alerts;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// <see cref="ITelegramCommands"/> over the alert, endpoint and directory grains.
/// </summary>
public sealed class GrainTelegramCommands(IGrainFactory grains) : ITelegramCommands
{
    public Task<bool> AcknowledgeAsync(
        string endpointId, Guid incidentId, string actor, CancellationToken cancellationToken) =>
        grains.GetGrain<IAlertGrain>(endpointId).AcknowledgeAsync(incidentId, actor).WaitAsync(cancellationToken);

    public Task<DateTimeOffset?> MuteAsync(
        string endpointId, TimeSpan duration, string actor, CancellationToken cancellationToken) =>
        grains.GetGrain<IAlertGrain>(endpointId).MuteAsync(duration, actor).WaitAsync(cancellationToken);

    public async Task<IReadOnlyList<EndpointStatus>> GetStatusesAsync(CancellationToken cancellationToken)
    {
        var ids = await grains.GetGrain<IEndpointDirectoryGrain>(IEndpointDirectoryGrain.Key).ListAsync()
            .WaitAsync(cancellationToken);
        var statuses = await Task.WhenAll(ids.Select(id => grains.GetGrain<IEndpointGrain>(id).GetStatusAsync()))
            .WaitAsync(cancellationToken);

        return statuses.OfType<EndpointStatus>().ToList();
    }
}
