using System.Collections.Concurrent;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Silo.Telegram;

namespace CrmAI.Hub.Tests.Telegram;

/// <summary>
/// <see cref="ITelegramCommands"/> that records calls. An incident is acknowledged on the first call only, as an
/// alert grain does.
/// </summary>
internal sealed class RecordingCommands : ITelegramCommands
{
    private readonly ConcurrentDictionary<Guid, bool> _acknowledged = new();

    public ConcurrentQueue<string> Calls { get; } = new();

    public List<EndpointStatus> Statuses { get; } = [];

    public Task<bool> AcknowledgeAsync(
        string endpointId, Guid incidentId, string actor, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"ack {endpointId} {incidentId:N} {actor}");
        return Task.FromResult(_acknowledged.TryAdd(incidentId, true));
    }

    public Task<DateTimeOffset?> MuteAsync(
        string endpointId, TimeSpan duration, string actor, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"mute {endpointId} {duration.TotalMinutes} {actor}");
        return Task.FromResult<DateTimeOffset?>(TimeProvider.System.GetUtcNow() + duration);
    }

    public Task<IReadOnlyList<EndpointStatus>> GetStatusesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EndpointStatus>>(Statuses);
}
