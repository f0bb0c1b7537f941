using CrmAI.Hub.Contracts;
using CrmAI.Hub.Journal;
using CrmAI.Hub.Outbound;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Endpoints;

public sealed partial class EndpointGrain
{
    public async Task<ExchangeResult?> ExecuteAsync(ExchangeRequest request, Guid? exchangeId)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_config.State.Config is not { } config || _redactor is not { } redactor)
        {
            return null;
        }

        var id = exchangeId ?? Guid.CreateVersion7(_time.GetUtcNow());
        var slots = _slots;
        await slots.WaitAsync();
        AttemptResult attempt;
        try
        {
            attempt = await _sender.SendAsync(config, request);
        }
        finally
        {
            slots.Release();
        }

        var context = new AttemptContext(
            id, 1, EndpointId, request.Operation, request.Method, request.CorrelationId, _silo);
        var entry = JournalEntryFactory.FromAttempt(attempt, context, redactor, _journalOptions.MaxBodyBytes);
        await AppendToJournalAsync(entry);

        var succeeded = attempt.Outcome == Outcome.Success;
        EndpointStats.Record(_stats.State, attempt.StartedAt, succeeded);
        _statsDirty = true;
        if (!succeeded)
        {
            LogExchangeFailed(_logger, EndpointId, id, attempt.Outcome, attempt.StatusCode, entry.Error);
        }

        return ToResult(id, attempt, entry);
    }

    public async Task<InboundResult?> ReceiveAsync(InboundRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_config.State.Config is not { } config || _redactor is not { } redactor)
        {
            return null;
        }

        var correlationId = request.CorrelationId ?? Guid.CreateVersion7(request.ReceivedAt).ToString("N");
        var context = new AttemptContext(
            Guid.CreateVersion7(request.ReceivedAt), 1, EndpointId, "inbound", request.Method, correlationId, _silo);
        var elapsed = (_time.GetUtcNow() - request.ReceivedAt).TotalMilliseconds;
        var entry = JournalEntryFactory.FromInbound(request, context, redactor, _journalOptions.MaxBodyBytes, elapsed);
        await AppendToJournalAsync(entry);

        if (config.ForwardTo is not { } target)
        {
            return new InboundResult(entry.Id, correlationId, null, null);
        }

        var forwardId = Guid.CreateVersion7(_time.GetUtcNow());
        var forward = new ExchangeRequest
        {
            Operation = $"{EndpointId}.forward",
            Method = target.Method,
            Path = target.Path,
            BodyBytes = request.Body,
            ContentType = request.ContentType,
            CorrelationId = correlationId,
        };

        // The inbound caller gets its answer at once; the forward is journaled under forwardId like any exchange.
        _ = ForwardAsync(target.EndpointId, forward, forwardId);
        return new InboundResult(entry.Id, correlationId, forwardId, target.EndpointId);
    }

    private async Task ForwardAsync(string targetId, ExchangeRequest forward, Guid forwardId)
    {
        try
        {
            var result = await GrainFactory.GetGrain<IEndpointGrain>(targetId).ExecuteAsync(forward, forwardId);
            if (result is null)
            {
                await JournalMissingTargetAsync(targetId, forward, forwardId);
            }
        }
        catch (Exception error)
        {
            LogForwardFailed(_logger, EndpointId, targetId, forwardId, error);
        }
    }

    // A forward to an endpoint that no longer exists is still journaled, so the data is never silently lost.
    private async Task JournalMissingTargetAsync(string targetId, ExchangeRequest forward, Guid forwardId)
    {
        var now = _time.GetUtcNow();
        var body = BodyCodec.Decode(forward.BodyBytes ?? [], forward.ContentType, []);
        var entry = new JournalEntry
        {
            Id = Guid.CreateVersion7(now),
            ExchangeId = forwardId,
            Attempt = 1,
            EndpointId = targetId,
            Direction = Direction.Outbound,
            Operation = forward.Operation,
            Method = forward.Method,
            Url = forward.Path,
            RequestHeaders = new Dictionary<string, string>(),
            RequestBody = BodyCodec.ToJournal(body, forward.ContentType, _redactor!, _journalOptions.MaxBodyBytes),
            DurationMs = 0,
            Outcome = Outcome.InvalidRequest,
            Error = $"Forward target endpoint '{targetId}' does not exist; configure it and replay the inbound data",
            CorrelationId = forward.CorrelationId,
            StartedAt = now,
            Silo = _silo,
        };
        await AppendToJournalAsync(entry);
        LogForwardFailed(_logger, EndpointId, targetId, forwardId, null);
    }

    private async Task AppendToJournalAsync(JournalEntry entry)
    {
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

    private static ExchangeResult ToResult(Guid id, AttemptResult attempt, JournalEntry entry)
    {
        ExchangeResponse? response = null;
        if (attempt.StatusCode is { } status)
        {
            var body = attempt.ResponseBody;
            response = new ExchangeResponse(
                status,
                attempt.ResponseHeaders!.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase),
                body?.Text,
                body is { Text: null, Bytes.Length: > 0 } ? Convert.ToBase64String(body.Bytes) : null);
        }

        return new ExchangeResult
        {
            ExchangeId = id,
            Status = attempt.Outcome == Outcome.Success ? ExchangeStatus.Succeeded : ExchangeStatus.Failed,
            Outcome = attempt.Outcome,
            Attempts = 1,
            DurationMs = attempt.Duration.TotalMilliseconds,
            Response = response,
            Error = entry.Error,
            JournalEntryId = entry.Id,
            CorrelationId = entry.CorrelationId,
        };
    }

    [LoggerMessage(EventId = HubEventIds.ExchangeFailed, Level = LogLevel.Information,
        Message = "Exchange {ExchangeId} to endpoint {EndpointId} ended {Outcome} (HTTP {StatusCode}): {Error}")]
    private static partial void LogExchangeFailed(
        ILogger logger, string endpointId, Guid exchangeId, Outcome outcome, int? statusCode, string? error);

    [LoggerMessage(EventId = HubEventIds.ForwardFailed, Level = LogLevel.Error,
        Message = "Forwarding inbound data of endpoint {EndpointId} to {TargetId} as exchange {ExchangeId} failed")]
    private static partial void LogForwardFailed(
        ILogger logger, string endpointId, string targetId, Guid exchangeId, Exception? error);

    [LoggerMessage(EventId = HubEventIds.JournalAcknowledgeTimedOut, Level = LogLevel.Warning,
        Message = "Journal entry {EntryId} was not stored within {Timeout}; it stays queued and the exchange returns")]
    private static partial void LogJournalSlow(ILogger logger, Guid entryId, TimeSpan timeout);
}
