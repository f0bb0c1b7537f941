using CrmAI.Hub.Contracts;
using CrmAI.Hub.Journal;
using CrmAI.Hub.Outbound;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Endpoints;

public sealed partial class EndpointGrain
{
    // Hex signatures of timestamped inbound requests between the replay check and the record in the store.
    private readonly HashSet<string> _deliveriesInFlight = new(StringComparer.Ordinal);

    public async Task<InboundResult?> ReceiveAsync(InboundRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_config.State.Config is not { } config || _redactor is not { } redactor)
        {
            return null;
        }

        if (config.InboundAuth is null && !request.HubKeyAccepted)
        {
            return new InboundResult(Guid.Empty, "", null, null, Denial: InboundDenial.HubKeyRequired);
        }

        var correlationId = request.CorrelationId ?? Guid.CreateVersion7(request.ReceivedAt).ToString("N");
        var context = new AttemptContext(
            Guid.CreateVersion7(request.ReceivedAt), 1, EndpointId, "inbound", request.Method, correlationId, _silo);
        // One time for the window check and the replay lookup, so a request accepted at the end of its window still
        // finds the record of an earlier copy.
        var now = _time.GetUtcNow();
        var elapsed = (now - request.ReceivedAt).TotalMilliseconds;
        // A signature covers the body, which an oversized request no longer has, so only a shared secret is checked.
        var checkable = request.BodyOverLimit is null || config.InboundAuth?.Type == InboundAuthType.SharedSecret;
        if (config.InboundAuth is { } inboundAuth && checkable
            && InboundAuthCheck.Failure(inboundAuth, request, now) is { } failure)
        {
            return await RejectUnauthenticatedAsync(request, context, redactor, elapsed, failure);
        }

        if (request.BodyOverLimit is { } limit)
        {
            return await RejectOversizedAsync(request, context, redactor, elapsed, limit);
        }

        var delivery = config.InboundAuth is { } signedAuth ? InboundAuthCheck.Delivery(signedAuth, request) : null;
        if (delivery is null)
        {
            return await AcceptAsync(request, context, redactor, elapsed, config);
        }

        // The grain is reentrant, so a copy sent at the same moment is caught in memory before the store has the first.
        var key = Convert.ToHexString(delivery.Signature);
        if (!_deliveriesInFlight.Add(key))
        {
            return await RejectUnauthenticatedAsync(request, context, redactor, elapsed,
                "The same signed request is being accepted right now, so this copy is a replay");
        }

        try
        {
            if (await _signatures.FindAsync(EndpointId, delivery.Signature, now, CancellationToken.None) is { } earlier)
            {
                return await RejectUnauthenticatedAsync(request, context, redactor, elapsed,
                    $"The signature was already accepted at {earlier.AcceptedAt:O} as journal entry {earlier.JournalEntryId}, " +
                    "so this request is a replay. A sender signs each delivery with a new timestamp");
            }

            var result = await AcceptAsync(request, context, redactor, elapsed, config);
            if (result.RejectedReason is null)
            {
                await RecordDeliveryAsync(delivery, result.JournalEntryId);
            }

            return result;
        }
        finally
        {
            _deliveriesInFlight.Remove(key);
        }
    }

    // Journals authentic inbound data and, with forwardTo, hands it to the target endpoint.
    private async Task<InboundResult> AcceptAsync(
        InboundRequest request, AttemptContext context, Redactor redactor, double elapsed, EndpointConfig config)
    {
        var correlationId = context.CorrelationId ?? "";
        var rejected = InvalidJsonReason(request);
        var entry = JournalEntryFactory.FromInbound(request, context, redactor, _journalOptions.MaxBodyBytes, elapsed, rejected, _businessKeys);
        await AppendToJournalAsync(entry);

        if (rejected is not null)
        {
            return new InboundResult(entry.Id, correlationId, null, null, rejected);
        }

        if (config.ForwardTo is not { } target)
        {
            return new InboundResult(entry.Id, correlationId, null, null);
        }

        var forwardId = NewId();
        var forward = new ExchangeRequest
        {
            Operation = $"{EndpointId}.forward",
            Method = target.Method,
            Path = target.Path,
            BodyBytes = request.Body,
            ContentType = request.ContentType,
            CorrelationId = correlationId,
        };

        // Stored by the target before this returns, so acknowledged inbound data is never lost; it runs there
        // in the background with the target's retries.
        var submitted = await GrainFactory.GetGrain<IEndpointGrain>(target.EndpointId)
            .ExecuteAsync(forward, new SubmitOptions(forwardId, Wait: false));
        if (submitted is null)
        {
            await JournalMissingTargetAsync(target.EndpointId, forward, forwardId);
        }

        return new InboundResult(entry.Id, correlationId, forwardId, target.EndpointId);
    }

    // The data is already journaled and forwarded, so a failed write only weakens replay detection for this one
    // signature. It is logged and the sender still gets its acknowledgement.
    // NOTE: a silo that dies after forwarding and before this write lets one replay of the request through.
    private async Task RecordDeliveryAsync(SignedDelivery delivery, Guid journalEntryId)
    {
        var accepted = new AcceptedSignature(journalEntryId, _time.GetUtcNow(), delivery.RememberUntil);
        try
        {
            await _signatures.AddAsync(EndpointId, delivery.Signature, accepted, CancellationToken.None);
        }
        catch (Exception error) when (error is Npgsql.NpgsqlException or TimeoutException)
        {
            LogSignatureRecordFailed(_logger, error, EndpointId, journalEntryId);
        }
    }

    // A request that fails the endpoint's inbound authentication is journaled with its body, so the operator can
    // see who tried, and nothing is forwarded.
    // InboundRoutes blocks a client address after many failed requests, which bounds the rows a stranger can add.
    private async Task<InboundResult> RejectUnauthenticatedAsync(
        InboundRequest request, AttemptContext context, Redactor redactor, double elapsed, string failure)
    {
        var error = $"Inbound authentication failed: {failure}";
        var entry = JournalEntryFactory.FromInbound(request, context, redactor, _journalOptions.MaxBodyBytes, elapsed, error, _businessKeys)
            with { StatusCode = 401 };
        await AppendToJournalAsync(entry);
        LogInboundAuthFailed(_logger, EndpointId, entry.Id, failure);
        return new InboundResult(entry.Id, context.CorrelationId ?? "", null, null, Denial: InboundDenial.InboundAuthFailed);
    }

    // The body is not kept, but the journal shows that the sender tried, so a rejected webhook is never a silent loss.
    private async Task<InboundResult> RejectOversizedAsync(
        InboundRequest request, AttemptContext context, Redactor redactor, double elapsed, int limit)
    {
        var error = $"Body larger than the endpoint's maxBodyBytes of {limit} bytes, so the body was not kept";
        var entry = JournalEntryFactory.FromInbound(request, context, redactor, _journalOptions.MaxBodyBytes, elapsed, error)
            with { StatusCode = 413 };
        await AppendToJournalAsync(entry);
        LogInboundTooLarge(_logger, EndpointId, entry.Id, limit);
        return new InboundResult(entry.Id, context.CorrelationId ?? "", null, null, error, InboundDenial.BodyTooLarge);
    }

    // Data declared as JSON that does not parse is refused, so the sender learns of its bug and nothing broken is
    // forwarded. The journal keeps the body as received.
    private static string? InvalidJsonReason(InboundRequest request)
    {
        var mediaType = BodyCodec.MediaType(request.ContentType);
        if (mediaType is null || !(mediaType.EndsWith("/json", StringComparison.Ordinal) || mediaType.EndsWith("+json", StringComparison.Ordinal)))
        {
            return null;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(request.Body);
            return null;
        }
        catch (System.Text.Json.JsonException error)
        {
            return $"The body is declared as JSON but is not valid JSON (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1})";
        }
    }

    // A forward to an endpoint that does not exist is still journaled, so the data is never silently lost.
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
            Error = $"Forward target endpoint '{targetId}' does not exist; configure it and send the inbound data again",
            CorrelationId = forward.CorrelationId,
            StartedAt = now,
            Silo = _silo,
        };
        await AppendToJournalAsync(entry);
        LogForwardTargetMissing(_logger, EndpointId, targetId, forwardId);
    }

    [LoggerMessage(EventId = HubEventIds.ForwardFailed, Level = LogLevel.Error,
        Message = "Inbound data of endpoint {EndpointId} was not forwarded as exchange {ExchangeId}: endpoint {TargetId} does not exist")]
    private static partial void LogForwardTargetMissing(ILogger logger, string endpointId, string targetId, Guid exchangeId);

    [LoggerMessage(EventId = HubEventIds.InboundTooLarge, Level = LogLevel.Warning,
        Message = "Inbound data of endpoint {EndpointId} was rejected with 413 and journaled as {JournalEntryId}: body over {Limit} bytes")]
    private static partial void LogInboundTooLarge(ILogger logger, string endpointId, Guid journalEntryId, int limit);

    [LoggerMessage(EventId = HubEventIds.InboundSignatureRecordFailed, Level = LogLevel.Warning,
        Message = "The signature of inbound data {JournalEntryId} of endpoint {EndpointId} was not recorded, so a replay of it would be accepted")]
    private static partial void LogSignatureRecordFailed(ILogger logger, Exception error, string endpointId, Guid journalEntryId);

    [LoggerMessage(EventId = HubEventIds.InboundAuthFailed, Level = LogLevel.Warning,
        Message = "Inbound data of endpoint {EndpointId} was rejected with 401 and journaled as {JournalEntryId}: {Reason}")]
    private static partial void LogInboundAuthFailed(ILogger logger, string endpointId, Guid journalEntryId, string reason);
}
