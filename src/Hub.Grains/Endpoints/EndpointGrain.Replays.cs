using CrmAI.Hub.Contracts;
using CrmAI.Hub.Exchanges;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Endpoints;

public sealed partial class EndpointGrain
{
    private const int MaxBulkReplay = 10_000;

    private bool _replayingParked;

    public async Task<int?> UpdateCredentialsAsync(EndpointAuth? auth)
    {
        if (_config.State.Config is not { } config)
        {
            return null;
        }

        _config.State.Config = config with { Auth = auth };
        await _config.WriteStateAsync();
        _credentialsVersion++;
        ApplyConfig(_config.State.Config);
        _stats.State.AuthFailedAt = null;
        _nextAuthProbeAt = null;
        await _stats.WriteStateAsync();
        PushHealthNow();

        var parked = _parked;
        _ = ReplayParkedAsync(AttemptTrigger.CredentialsReplay);
        return parked;
    }

    public async Task<ExchangeResult?> ReplayAsync(Guid exchangeId)
    {
        var stored = await _store.GetAsync(exchangeId, CancellationToken.None);
        if (_config.State.Config is null || stored is null || stored.EndpointId != EndpointId
            || stored.State is not (StoredState.DeadLettered or StoredState.Failed) || _running.Contains(exchangeId))
        {
            return null;
        }

        return await RunAndSettleAsync(stored with { ScheduledRetries = 0 }, AttemptTrigger.ManualReplay,
            quickRetries: true, persisted: true);
    }

    public async Task<int> ReplayDeadLettersAsync(DeadLetterFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (_config.State.Config is null)
        {
            return 0;
        }

        var matching = (await _store.ListAsync(EndpointId, StoredState.DeadLettered, MaxBulkReplay, CancellationToken.None))
            .Where(e => filter.Operation is null || e.Request.Operation == filter.Operation)
            .Where(e => filter.SubmittedFrom is null || e.SubmittedAt >= filter.SubmittedFrom)
            .Where(e => filter.SubmittedTo is null || e.SubmittedAt < filter.SubmittedTo)
            .Where(e => !_running.Contains(e.ExchangeId))
            .ToList();

        // Concurrency stays within maxConcurrency, because every run waits for a slot.
        _ = Task.WhenAll(matching.Select(e =>
            RunInBackgroundAsync(e with { ScheduledRetries = 0 }, AttemptTrigger.BulkReplay, quickRetries: true)));
        return matching.Count;
    }

    /// <summary>
    /// Sends parked exchanges again, one at a time in submission order, until none is left or the endpoint
    /// rejects the credentials again.
    /// </summary>
    private async Task ReplayParkedAsync(AttemptTrigger trigger)
    {
        if (_replayingParked)
        {
            return;
        }

        _replayingParked = true;
        try
        {
            while (_stats.State.AuthFailedAt is null && _config.State.Config is not null)
            {
                // An exchange being probed right now settles on its own; the replay takes the others.
                var batch = (await _store.ListAsync(EndpointId, StoredState.Parked, 100, CancellationToken.None))
                    .Where(e => !_running.Contains(e.ExchangeId))
                    .ToList();
                if (batch.Count == 0)
                {
                    break;
                }

                foreach (var exchange in batch)
                {
                    var result = await RunAndSettleAsync(exchange, trigger, quickRetries: true, persisted: true);
                    if (result.Status == ExchangeStatus.Parked)
                    {
                        return;
                    }
                }
            }
        }
        catch (Exception error)
        {
            LogReplayFailed(_logger, EndpointId, error);
        }
        finally
        {
            _replayingParked = false;
        }
    }

    [LoggerMessage(EventId = HubEventIds.ReplayFailed, Level = LogLevel.Error,
        Message = "Replaying the parked exchanges of endpoint {EndpointId} failed; the next credentials probe retries")]
    private static partial void LogReplayFailed(ILogger logger, string endpointId, Exception error);
}
