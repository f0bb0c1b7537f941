using System.Diagnostics;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Exchanges;
using CrmAI.Hub.Journal;
using CrmAI.Hub.Outbound;
using CrmAI.Hub.Retries;
using CrmAI.Hub.Telemetry;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Endpoints;

public sealed partial class EndpointGrain
{
    private const string IdempotencyHeader = "Idempotency-Key";

    // Submissions in flight by idempotency key, so a concurrent duplicate waits for the original's result.
    private readonly Dictionary<string, Task<ExchangeResult>> _keysInFlight = new(StringComparer.Ordinal);
    // Exchanges whose attempts run now, so a replay, a probe and a due retry never run one exchange twice at once.
    private readonly HashSet<Guid> _running = [];
    private int _pending;
    private int _parked;
    private int _deadLettered;

    // Bumped when the credentials change, so an auth failure of an attempt sent with the old ones is not
    // taken as a verdict on the new ones.
    private int _credentialsVersion;

    public async Task<ExchangeResult?> ExecuteAsync(ExchangeRequest request, SubmitOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (_config.State.Config is not { } config)
        {
            return null;
        }

        if (options.IdempotencyKey is not { } key)
        {
            return await SubmitAsync(request, options, config);
        }

        if (_keysInFlight.TryGetValue(key, out var running))
        {
            return await running;
        }

        var completion = new TaskCompletionSource<ExchangeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _keysInFlight[key] = completion.Task;
        try
        {
            var result = await SubmitWithKeyAsync(request, options, key, config);
            completion.SetResult(result);
            return result;
        }
        catch (Exception error)
        {
            completion.SetException(error);
            throw;
        }
        finally
        {
            _keysInFlight.Remove(key);
        }
    }

    private async Task<ExchangeResult> SubmitWithKeyAsync(
        ExchangeRequest request, SubmitOptions options, string key, EndpointConfig config)
    {
        if (BacklogFull(config))
        {
            return Rejected(options.ExchangeId ?? NewId(), request);
        }

        var id = options.ExchangeId ?? NewId();
        var requestHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(request, PostgresExchangeStore.Json)));
        var claim = await _store.ClaimKeyAsync(EndpointId, key, id, requestHash, _time.GetUtcNow(), CancellationToken.None);
        if (claim is not null && claim.RequestSha256 is { } firstHash && firstHash != requestHash)
        {
            return KeyConflict(claim.ExchangeId, request, key);
        }

        if (claim is not null && (claim.ResultJson is not null || await _store.GetAsync(claim.ExchangeId, CancellationToken.None) is not null))
        {
            return await ExistingResultAsync(claim, request);
        }

        // Claimed but neither finished nor stored, and not running in this activation: the silo that ran it died
        // before it settled. No caller received its result, so it runs now under its original id.
        if (claim is not null)
        {
            id = claim.ExchangeId;
        }

        var result = await SubmitAsync(request, options with { ExchangeId = id }, config);
        await SaveKeyResultIfFinalAsync(key, result);
        return result;
    }

    private async Task<ExchangeResult> SubmitAsync(ExchangeRequest request, SubmitOptions options, EndpointConfig config)
    {
        var id = options.ExchangeId ?? NewId();
        if (BacklogFull(config))
        {
            return Rejected(id, request);
        }

        var now = _time.GetUtcNow();
        var stored = new StoredExchange
        {
            ExchangeId = id,
            EndpointId = EndpointId,
            State = StoredState.Pending,
            Request = request,
            SubmittedAt = now,
            NextAttemptAt = now,
            IdempotencyKey = options.IdempotencyKey,
        };

        if (_stats.State.AuthFailedAt is not null)
        {
            return await ParkWithoutCallingAsync(stored, persisted: false);
        }

        if (!_circuit.TryEnter())
        {
            var due = (_circuit.OpenUntil ?? now) + Jitter();
            var waiting = stored with
            {
                NextAttemptAt = due,
                LastError = $"Not sent yet: the endpoint's circuit is open after repeated failures, until {due:O}",
            };
            return await SaveAndScheduleAsync(waiting, null, before: null);
        }

        if (!options.Wait)
        {
            await SaveAsync(stored, before: null);
            _ = RunInBackgroundAsync(stored, AttemptTrigger.FirstAttempt, quickRetries: true);
            return ToResult(stored, ExchangeStatus.Pending, null);
        }

        return await RunAndSettleAsync(stored, AttemptTrigger.FirstAttempt, quickRetries: true, persisted: false);
    }

    private async Task<ExchangeResult> RunAndSettleAsync(
        StoredExchange stored, AttemptTrigger trigger, bool quickRetries, bool persisted)
    {
        if (!_running.Add(stored.ExchangeId))
        {
            return ToResult(stored, ExchangeStatus.Running, null);
        }

        using var scope = BeginExchangeScope(stored);
        using var activity = StartExchangeActivity(stored, trigger);
        try
        {
            var run = await RunAttemptsAsync(stored, trigger, quickRetries);
            var result = await SettleAsync(stored, run, persisted);
            EndExchangeActivity(activity, result);
            return result;
        }
        finally
        {
            _running.Remove(stored.ExchangeId);
        }
    }

    private async Task RunInBackgroundAsync(StoredExchange stored, AttemptTrigger trigger, bool quickRetries)
    {
        try
        {
            await RunAndSettleAsync(stored, trigger, quickRetries, persisted: true);
        }
        catch (Exception error)
        {
            // The row stays as it was, so the exchange runs again when it is next due.
            LogBackgroundRunFailed(_logger, EndpointId, stored.ExchangeId, error);
        }
    }

    /// <summary>Runs the first attempt and, when allowed, the quick retries, journaling each attempt.</summary>
    private async Task<AttemptRun> RunAttemptsAsync(StoredExchange stored, AttemptTrigger trigger, bool quickRetries)
    {
        var config = _config.State.Config ?? throw new InvalidOperationException($"Endpoint '{EndpointId}' was deleted.");
        var redactor = _redactor!;
        var request = WithIdempotencyHeader(stored);
        var attempt = stored.Attempts;
        var credentialsVersion = _credentialsVersion;
        JournalEntry? lastEntry = null;
        var clock = Stopwatch.StartNew();
        var slots = _slots;
        await slots.WaitAsync();
        try
        {
            var pipeline = quickRetries ? _quickRetries : Polly.ResiliencePipeline<AttemptResult>.Empty;
            var last = await pipeline.ExecuteAsync(async _ =>
            {
                attempt++;
                var result = await _sender.SendAsync(config, request);
                HubMetrics.RecordAttempt(EndpointId, result.Outcome.ToString(), result.Duration);
                var reason = attempt == stored.Attempts + 1 ? trigger : AttemptTrigger.QuickRetry;
                var context = new AttemptContext(stored.ExchangeId, attempt, EndpointId, request.Operation,
                    request.Method, request.CorrelationId, _silo, reason);
                lastEntry = JournalEntryFactory.FromAttempt(result, context, redactor, _journalOptions.MaxBodyBytes, _businessKeys);
                await AppendToJournalAsync(lastEntry);
                RecordInCircuit(AttemptClassifier.Classify(result, config.Retry));
                return result;
            }, CancellationToken.None);

            return new AttemptRun(last, lastEntry!, attempt, clock.Elapsed, credentialsVersion);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Decides what happens to an exchange after its attempts and stores that decision.</summary>
    private async Task<ExchangeResult> SettleAsync(StoredExchange stored, AttemptRun run, bool persisted)
    {
        var policy = (_config.State.Config ?? throw new InvalidOperationException($"Endpoint '{EndpointId}' was deleted.")).Retry;
        var failure = AttemptClassifier.Classify(run.Last, policy);
        var updated = stored with
        {
            Attempts = run.Attempts,
            LastOutcome = run.Last.Outcome,
            LastStatusCode = run.Last.StatusCode,
            LastError = run.Entry.Error,
            LastEntryId = run.Entry.Id,
            NextAttemptAt = null,
        };
        RecordExchange(run, failure == FailureClass.None);
        var result = await (failure switch
        {
            FailureClass.None => SucceedAsync(stored, updated, run, persisted),
            FailureClass.Auth when run.CredentialsVersion != _credentialsVersion =>
                // Rejected with credentials replaced meanwhile: try again at once with the new ones.
                SaveAndScheduleAsync(
                    updated with { State = StoredState.Pending, NextAttemptAt = _time.GetUtcNow() }, run, persisted ? stored.State : null),
            FailureClass.Auth => ParkAsync(stored, updated, run, persisted),
            FailureClass.Permanent => FailAsync(stored, updated, run, persisted),
            _ => ScheduleRetryAsync(stored, updated, run, policy, persisted),
        });

        HubMetrics.RecordExchange(
            EndpointId, stored.Request.Operation, run.Last.Outcome.ToString(), result.Status.ToString(), run.Duration);

        // After the settlement, so the pushed health counts this exchange where it now is.
        ReportHealthChange();

        if (failure != FailureClass.None)
        {
            var detail = run.Last.StatusCode is { } code ? $"HTTP {code}" : run.Entry.Error ?? run.Last.Outcome.ToString();
            LogExchangeFailed(_logger, EndpointId, stored.ExchangeId, run.Attempts, run.Last.Outcome, detail, result.Status);
        }

        return result;
    }

    private async Task<ExchangeResult> ParkAsync(StoredExchange stored, StoredExchange updated, AttemptRun run, bool persisted)
    {
        // Parked first, so the health that marking the failure pushes counts this exchange.
        await SaveAsync(updated with { State = StoredState.Parked }, persisted ? stored.State : null);
        await MarkAuthFailedAsync();
        return ToResult(updated, ExchangeStatus.Parked, run);
    }

    private async Task<ExchangeResult> FailAsync(StoredExchange stored, StoredExchange updated, AttemptRun run, bool persisted)
    {
        await SaveAsync(updated with { State = StoredState.Failed }, persisted ? stored.State : null);
        return ToResult(updated, ExchangeStatus.Failed, run);
    }

    private async Task<ExchangeResult> SucceedAsync(StoredExchange stored, StoredExchange updated, AttemptRun run, bool persisted)
    {
        if (persisted)
        {
            await _store.DeleteAsync(stored.ExchangeId, CancellationToken.None);
            Track(stored.State, null);
        }

        var wasAuthFailed = _stats.State.AuthFailedAt is not null;
        _stats.State.AuthFailedAt = null;
        if (wasAuthFailed && _parked > 0)
        {
            _ = ReplayParkedAsync(AttemptTrigger.CredentialsReplay);
        }

        var result = ToResult(updated, ExchangeStatus.Succeeded, run);
        if (persisted && stored.IdempotencyKey is { } key)
        {
            await SaveKeyResultIfFinalAsync(key, result);
        }

        return result;
    }

    private async Task<ExchangeResult> ScheduleRetryAsync(
        StoredExchange stored, StoredExchange updated, AttemptRun run, RetryPolicy policy, bool persisted)
    {
        var now = _time.GetUtcNow();
        var deadline = stored.SubmittedAt + policy.MaxAge;
        var retryAfter = AttemptClassifier.RetryAfter(run.Last, now);
        TimeSpan? scheduled = policy.Schedule.Count == 0
            ? null
            : policy.Schedule[Math.Min(stored.ScheduledRetries, policy.Schedule.Count - 1)];

        // A Retry-After longer than the schedule's next step wins: the response states when the system can take the request.
        var delay = retryAfter > policy.MaxQuickRetryAfter || retryAfter > scheduled && scheduled is not null
            ? retryAfter
            : scheduled;
        var outOfAttempts = policy.MaxAttempts is { } max && run.Attempts >= max;
        if (delay is null || outOfAttempts || now >= deadline)
        {
            var dead = updated with { State = StoredState.DeadLettered };
            await SaveAsync(dead, persisted ? stored.State : null);
            var result = ToResult(dead, ExchangeStatus.DeadLettered, run);
            if (stored.IdempotencyKey is { } key)
            {
                await SaveKeyResultIfFinalAsync(key, result);
            }

            return result;
        }

        var due = now + delay.Value + Jitter();
        var pending = updated with
        {
            State = StoredState.Pending,
            NextAttemptAt = due < deadline ? due : deadline,
            ScheduledRetries = stored.ScheduledRetries + 1,
        };
        HubMetrics.RecordRetryScheduled(EndpointId);
        return await SaveAndScheduleAsync(pending, run, persisted ? stored.State : null);
    }

    private async Task<ExchangeResult> SaveAndScheduleAsync(StoredExchange pending, AttemptRun? run, StoredState? before)
    {
        await SaveAsync(pending, before);
        await ScheduleWakeUpAsync(pending.NextAttemptAt!.Value);
        return ToResult(pending, ExchangeStatus.RetryScheduled, run);
    }

    private async Task<ExchangeResult> ParkWithoutCallingAsync(StoredExchange stored, bool persisted)
    {
        var parked = stored with { State = StoredState.Parked, NextAttemptAt = null };
        await SaveAsync(parked, persisted ? stored.State : null);
        await ScheduleWakeUpAsync(_nextAuthProbeAt ?? _time.GetUtcNow());
        return ToResult(parked, ExchangeStatus.Parked, null);
    }

    private async Task SaveAsync(StoredExchange exchange, StoredState? before)
    {
        await _store.SaveAsync(exchange, CancellationToken.None);
        Track(before, exchange.State);
    }

    // Keeps the in-memory backlog counts in step with the rows: one exchange moved from one state to another.
    private void Track(StoredState? before, StoredState? after)
    {
        _pending += (before == StoredState.Pending ? -1 : 0) + (after == StoredState.Pending ? 1 : 0);
        _parked += (before == StoredState.Parked ? -1 : 0) + (after == StoredState.Parked ? 1 : 0);
        _deadLettered += (before == StoredState.DeadLettered ? -1 : 0) + (after == StoredState.DeadLettered ? 1 : 0);
        PublishBacklog();
    }

    private void RecordInCircuit(FailureClass failure)
    {
        var wasOpen = _circuit.IsOpen;
        _circuit.Record(failure);
        if (!wasOpen && _circuit.OpenUntil is { } until)
        {
            LogCircuitOpened(_logger, EndpointId, until);
        }
        else if (wasOpen && !_circuit.IsOpen)
        {
            LogCircuitClosed(_logger, EndpointId);
        }
    }

    private bool BacklogFull(EndpointConfig config) => _pending + _parked >= config.Retry.BacklogLimit;

    private void RecordExchange(AttemptRun run, bool succeeded)
    {
        var failure = succeeded
            ? null
            : new FailureInfo(run.Last.StartedAt, run.Last.Outcome, run.Last.StatusCode, ShortError(run), run.Entry.Id);
        EndpointStats.Record(_stats.State, new ExchangeSample(_time.GetUtcNow(), run.Last.Duration.TotalMilliseconds, run.Attempts, failure));
        _statsDirty = true;
    }

    // The error message, or the start of the response body for an HTTP error: "HTTP 500: server unavailable".
    private static string? ShortError(AttemptRun run)
    {
        const int MaxLength = 300;
        var text = run.Entry.Error ?? run.Entry.ResponseBody?.Text;
        return text is { Length: > MaxLength } ? text[..MaxLength] + "…" : text;
    }

    private static ExchangeRequest WithIdempotencyHeader(StoredExchange stored)
    {
        var request = stored.Request;
        if (request.Headers.Keys.Any(name => name.Equals(IdempotencyHeader, StringComparison.OrdinalIgnoreCase)))
        {
            return request;
        }

        var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase)
        {
            [IdempotencyHeader] = stored.IdempotencyKey ?? stored.ExchangeId.ToString(),
        };
        return request with { Headers = headers };
    }

    private async Task AppendToJournalAsync(JournalEntry entry)
    {
        // The span covers the wait for the batch commit, which is how long the journal write delays the exchange.
        using var activity = HubActivity.Source.StartActivity("journal append");
        entry = entry with { TraceId = entry.TraceId ?? HubActivity.CurrentTraceId };
        var stored = await _journal.AppendAsync(entry, CancellationToken.None);
        try
        {
            await stored.WaitAsync(_journalOptions.AcknowledgeTimeout, _time);
        }
        catch (TimeoutException)
        {
            LogJournalSlow(_logger, entry.Id, _journalOptions.AcknowledgeTimeout);
        }
    }

    private Guid NewId() => Guid.CreateVersion7(_time.GetUtcNow());

    private TimeSpan Jitter() => TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * _retryOptions.MaxJitter.TotalMilliseconds);

    /// <summary>The attempts of one run: the last result, its journal entry and the attempt count so far.</summary>
    private sealed record AttemptRun(
        AttemptResult Last, JournalEntry Entry, int Attempts, TimeSpan Duration, int CredentialsVersion);

    [LoggerMessage(EventId = HubEventIds.ExchangeFailed, Level = LogLevel.Information,
        Message = "Exchange {ExchangeId} to endpoint {EndpointId} failed on attempt {Attempt} ({Outcome}, {Detail}); now {Status}")]
    private static partial void LogExchangeFailed(
        ILogger logger, string endpointId, Guid exchangeId, int attempt, Outcome outcome, string detail, ExchangeStatus status);

    [LoggerMessage(EventId = HubEventIds.CircuitOpened, Level = LogLevel.Warning,
        Message = "Circuit of endpoint {EndpointId} opened after repeated failures; new exchanges wait until {Until}")]
    private static partial void LogCircuitOpened(ILogger logger, string endpointId, DateTimeOffset until);

    [LoggerMessage(EventId = HubEventIds.CircuitClosed, Level = LogLevel.Information,
        Message = "Circuit of endpoint {EndpointId} closed: the probe succeeded")]
    private static partial void LogCircuitClosed(ILogger logger, string endpointId);

    [LoggerMessage(EventId = HubEventIds.BackgroundRunFailed, Level = LogLevel.Error,
        Message = "Running exchange {ExchangeId} of endpoint {EndpointId} failed; it stays stored and runs again when due")]
    private static partial void LogBackgroundRunFailed(ILogger logger, string endpointId, Guid exchangeId, Exception error);

    [LoggerMessage(EventId = HubEventIds.JournalAcknowledgeTimedOut, Level = LogLevel.Warning,
        Message = "Journal entry {EntryId} was not stored within {Timeout}; it stays queued and the exchange returns")]
    private static partial void LogJournalSlow(ILogger logger, Guid entryId, TimeSpan timeout);
}
