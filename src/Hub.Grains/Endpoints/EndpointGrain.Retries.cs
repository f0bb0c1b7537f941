using CrmAI.Hub.Contracts;
using CrmAI.Hub.Exchanges;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Endpoints;

public sealed partial class EndpointGrain
{
    private const string RetryReminderName = "retries";

    private IGrainTimer? _wakeUpTimer;
    private DateTimeOffset? _wakeUpAt;
    private DateTimeOffset? _nextAuthProbeAt;
    private bool _reminderRegistered;
    private bool _processing;
    private bool _processAgain;

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // The reminder call returns at once: the due work may take longer than a grain call may.
        if (reminderName == RetryReminderName)
        {
            _ = ProcessDueAsync();
        }

        return Task.CompletedTask;
    }

    private async Task LoadBacklogAsync(CancellationToken cancellationToken)
    {
        (_pending, _parked, _deadLettered) = await _store.CountBacklogAsync(EndpointId, cancellationToken);
        PublishBacklog();
        if (_stats.State.AuthFailedAt is { } failedAt)
        {
            _nextAuthProbeAt = failedAt + _config.State.Config!.Retry.AuthProbeInterval;
        }

        if (_pending + _parked > 0)
        {
            var next = await _store.GetNextDueAsync(EndpointId, cancellationToken);
            await ScheduleWakeUpAsync(Earliest(next, _parked > 0 ? _nextAuthProbeAt : null) ?? _time.GetUtcNow());
        }
    }

    private async Task MarkAuthFailedAsync()
    {
        if (_stats.State.AuthFailedAt is not null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        _stats.State.AuthFailedAt = now;
        _nextAuthProbeAt = now + _config.State.Config!.Retry.AuthProbeInterval;
        LogAuthFailed(_logger, EndpointId, _nextAuthProbeAt.Value);
        await _stats.WriteStateAsync();
        PushHealthNow();
        await ScheduleWakeUpAsync(_nextAuthProbeAt.Value);
    }

    /// <summary>Makes sure the grain wakes by <paramref name="due"/>: a timer while active, a reminder otherwise.</summary>
    private async Task ScheduleWakeUpAsync(DateTimeOffset due)
    {
        if (!_reminderRegistered)
        {
            var period = _retryOptions.ReminderPeriod;
            await this.RegisterOrUpdateReminder(RetryReminderName, period, period);
            _reminderRegistered = true;
        }

        if (_wakeUpTimer is not null && _wakeUpAt <= due)
        {
            return;
        }

        _wakeUpTimer?.Dispose();
        _wakeUpAt = due;
        var delay = due - _time.GetUtcNow();
        _wakeUpTimer = this.RegisterGrainTimer(OnWakeUpAsync, new GrainTimerCreationOptions
        {
            DueTime = delay > TimeSpan.Zero ? delay : TimeSpan.Zero,
            Period = Timeout.InfiniteTimeSpan,
            Interleave = true,
        });
    }

    private Task OnWakeUpAsync(CancellationToken cancellationToken)
    {
        var timer = _wakeUpTimer;
        _wakeUpTimer = null;
        _wakeUpAt = null;
        timer?.Dispose();
        _ = ProcessDueAsync();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs every due retry (respecting the circuit and <c>maxConcurrency</c>), probes parked credentials when
    /// their probe is due, then sets the next wake-up, or removes the reminder when nothing waits.
    /// </summary>
    private async Task ProcessDueAsync()
    {
        if (_processing)
        {
            _processAgain = true;
            return;
        }

        _processing = true;
        try
        {
            do
            {
                _processAgain = false;
                if (_config.State.Config is not { } config)
                {
                    return;
                }

                await ProbeCredentialsIfDueAsync(config);
                await RunDueRetriesAsync(config);
            }
            while (_processAgain);

            await ScheduleNextWakeUpAsync();
        }
        catch (Exception error)
        {
            LogWakeUpFailed(_logger, EndpointId, error);
        }
        finally
        {
            _processing = false;
        }
    }

    private async Task RunDueRetriesAsync(EndpointConfig config)
    {
        // An exchange whose run failed stays due; it waits for the next wake-up instead of looping here.
        var ran = new HashSet<Guid>();
        while (true)
        {
            var due = (await _store.GetDueAsync(EndpointId, _time.GetUtcNow(), config.MaxConcurrency * 2, CancellationToken.None))
                .Where(exchange => ran.Add(exchange.ExchangeId))
                .ToList();
            if (due.Count == 0)
            {
                return;
            }

            if (_stats.State.AuthFailedAt is not null)
            {
                foreach (var exchange in due)
                {
                    await ParkWithoutCallingAsync(exchange, persisted: true);
                }

                continue;
            }

            if (_circuit.IsOpen)
            {
                // One probe after the break; the rest wait until the circuit closes.
                if (!_circuit.TryEnter())
                {
                    return;
                }

                await RunAndSettleAsync(due[0], AttemptTrigger.ScheduledRetry, quickRetries: false, persisted: true);
                if (_circuit.IsOpen)
                {
                    return;
                }

                continue;
            }

            await Task.WhenAll(due.Select(RunScheduledAsync));
        }
    }

    private async Task RunScheduledAsync(StoredExchange exchange)
    {
        // Spread retries a little, so a recovering system does not get the whole backlog in one instant.
        await Task.Delay(Jitter(), _time);
        if (_circuit.IsOpen)
        {
            return;
        }

        await RunInBackgroundAsync(exchange, AttemptTrigger.ScheduledRetry, quickRetries: false);
    }

    private async Task ProbeCredentialsIfDueAsync(EndpointConfig config)
    {
        if (_stats.State.AuthFailedAt is null || _parked == 0 || _nextAuthProbeAt > _time.GetUtcNow())
        {
            return;
        }

        var oldest = await _store.ListAsync(EndpointId, StoredState.Parked, 1, CancellationToken.None);
        _nextAuthProbeAt = _time.GetUtcNow() + config.Retry.AuthProbeInterval;
        if (oldest.Count == 1)
        {
            // A success clears the auth failure and starts the replay of the other parked exchanges.
            await RunAndSettleAsync(oldest[0], AttemptTrigger.AuthProbe, quickRetries: false, persisted: true);
        }
    }

    private async Task ScheduleNextWakeUpAsync()
    {
        var next = Earliest(
            await _store.GetNextDueAsync(EndpointId, CancellationToken.None),
            _stats.State.AuthFailedAt is not null && _parked > 0 ? _nextAuthProbeAt : null);
        if (next is { } due && _circuit.OpenUntil is { } open && due < open)
        {
            next = open;
        }

        if (next is { } wakeAt)
        {
            // Something due in the past is held by a running probe; waking again at once would spin.
            var earliest = _time.GetUtcNow() + TimeSpan.FromMilliseconds(200);
            await ScheduleWakeUpAsync(wakeAt > earliest ? wakeAt : earliest);
            return;
        }

        if (_pending + _parked == 0)
        {
            await RemoveReminderAsync();
        }
    }

    private async Task RemoveReminderAsync()
    {
        var reminder = await this.GetReminder(RetryReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminderRegistered = false;
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? first, DateTimeOffset? second)
    {
        if (first is null || second is null)
        {
            return first ?? second;
        }

        return first < second ? first : second;
    }

    [LoggerMessage(EventId = HubEventIds.AuthFailed, Level = LogLevel.Warning,
        Message = "Endpoint {EndpointId} rejected its credentials; parking its exchanges, next probe at {ProbeAt}")]
    private static partial void LogAuthFailed(ILogger logger, string endpointId, DateTimeOffset probeAt);

    [LoggerMessage(EventId = HubEventIds.RetryWakeUpFailed, Level = LogLevel.Error,
        Message = "Running the due retries of endpoint {EndpointId} failed; the reminder tries again")]
    private static partial void LogWakeUpFailed(ILogger logger, string endpointId, Exception error);
}
