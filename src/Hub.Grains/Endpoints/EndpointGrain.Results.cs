using System.Text.Json;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Exchanges;

namespace CrmAI.Hub.Endpoints;

public sealed partial class EndpointGrain
{
    private static ExchangeResult ToResult(StoredExchange exchange, ExchangeStatus status, AttemptRun? run) => new()
    {
        ExchangeId = exchange.ExchangeId,
        Status = status,
        Outcome = run?.Last.Outcome ?? exchange.LastOutcome,
        Attempts = run?.Attempts ?? exchange.Attempts,
        DurationMs = run?.Duration.TotalMilliseconds ?? 0,
        Response = run is null ? null : ToResponse(run),
        Error = run?.Entry.Error ?? exchange.LastError,
        JournalEntryId = run?.Entry.Id ?? exchange.LastEntryId,
        CorrelationId = exchange.Request.CorrelationId,
        NextAttemptAt = exchange.NextAttemptAt,
        SubmittedAt = exchange.SubmittedAt,
    };

    private static ExchangeResponse? ToResponse(AttemptRun run)
    {
        var attempt = run.Last;
        if (attempt.StatusCode is not { } status)
        {
            return null;
        }

        var body = attempt.ResponseBody;
        return new ExchangeResponse(
            status,
            attempt.ResponseHeaders!.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase),
            body?.Text,
            body is { Text: null, Bytes.Length: > 0 } ? Convert.ToBase64String(body.Bytes) : null);
    }

    private ExchangeResult Rejected(Guid id, ExchangeRequest request) => new()
    {
        ExchangeId = id,
        Status = ExchangeStatus.Rejected,
        Outcome = null,
        Attempts = 0,
        DurationMs = 0,
        JournalEntryId = null,
        CorrelationId = request.CorrelationId,
        Error = $"Endpoint '{EndpointId}' already has {_pending + _parked} exchanges waiting, its backlog limit",
        SubmittedAt = _time.GetUtcNow(),
    };

    private ExchangeResult KeyConflict(Guid originalId, ExchangeRequest request, string key) => new()
    {
        ExchangeId = originalId,
        Status = ExchangeStatus.KeyConflict,
        Outcome = null,
        Attempts = 0,
        DurationMs = 0,
        JournalEntryId = null,
        CorrelationId = request.CorrelationId,
        Error = $"Idempotency-Key '{key}' was used for exchange {originalId} with a different request",
        SubmittedAt = _time.GetUtcNow(),
    };

    /// <summary>Returns what a repeated submission with a used idempotency key gets: the original exchange.</summary>
    private async Task<ExchangeResult> ExistingResultAsync(IdempotencyClaim claim, ExchangeRequest request)
    {
        if (claim.ResultJson is { } json)
        {
            return JsonSerializer.Deserialize<ExchangeResult>(json, PostgresExchangeStore.Json)!;
        }

        var stored = await _store.GetAsync(claim.ExchangeId, CancellationToken.None);
        if (stored is not null)
        {
            return ToResult(stored, stored.Status, null);
        }

        // The key is claimed but neither finished nor stored: the original submission is still running.
        return new ExchangeResult
        {
            ExchangeId = claim.ExchangeId,
            Status = ExchangeStatus.Pending,
            Outcome = null,
            Attempts = 0,
            DurationMs = 0,
            JournalEntryId = null,
            CorrelationId = request.CorrelationId,
            SubmittedAt = _time.GetUtcNow(),
        };
    }

    private async Task SaveKeyResultIfFinalAsync(string key, ExchangeResult result)
    {
        if (result.Status is ExchangeStatus.Succeeded or ExchangeStatus.Failed or ExchangeStatus.DeadLettered)
        {
            await _store.SaveKeyResultAsync(
                EndpointId, key, JsonSerializer.Serialize(result, PostgresExchangeStore.Json), CancellationToken.None);
        }
    }

}
