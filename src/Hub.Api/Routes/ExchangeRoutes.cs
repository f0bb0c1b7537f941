using System.ComponentModel;
using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Api.Security;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;
using CrmAI.Hub.Exchanges;
using CrmAI.Hub.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// Running exchanges, reading them back and replaying those that failed.
/// </summary>
public static class ExchangeRoutes
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>Retry-After, in seconds, sent to a caller rejected for a full backlog.</summary>
    public const int BacklogRetryAfterSeconds = 60;

    public static RouteGroupBuilder MapExchangeRoutes(this RouteGroupBuilder api)
    {
        api.MapPost("/endpoints/{endpointId}/exchanges", ExecuteAsync)
            .WithTags("Exchanges")
            .WithName("RunExchange")
            .WithSummary("Run an exchange: 200 when it is over, 202 with a Location while it waits")
            .Produces<ExchangeResultView>(StatusCodes.Status200OK)
            .Produces<ExchangeResultView>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithMetadata(new EndpointBodyLimitMetadata(InJson: true))
            .RejectUnknownQuery();
        api.MapGet("/exchanges/{exchangeId}", GetAsync)
            .WithTags("Exchanges")
            .WithName("GetExchange")
            .WithSummary("Read an exchange, its status and all its attempts")
            .Produces<ExchangeDetailView>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RejectUnknownQuery();
        api.MapPost("/exchanges/{exchangeId}/replay", ReplayAsync)
            .WithTags("Exchanges")
            .WithName("ReplayExchange")
            .WithSummary("Run a dead-lettered or failed exchange again")
            .Produces<ExchangeResultView>(StatusCodes.Status200OK)
            .Produces<ExchangeResultView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RejectUnknownQuery();
        return api;
    }

    private static async Task<IResult> ExecuteAsync(
        string endpointId,
        ExchangeBody body,
        [Description("false stores the exchange and returns 202 at once; true (the default) waits for the result.")]
        string? wait,
        [FromHeader(Name = IdempotencyHeader)]
        [Description("1 to 200 printable characters; a repeat with the same key returns the original exchange.")]
        string? idempotencyKey,
        IGrainFactory grains,
        HttpContext http)
    {
        if (RouteChecks.InvalidEndpointId(endpointId) is { } invalid)
        {
            return invalid;
        }

        var errors = new Validation();
        var request = body.ToRequest(errors);
        var waitForResult = wait is null || !wait.Equals("false", StringComparison.OrdinalIgnoreCase);
        if (wait is not null && !bool.TryParse(wait, out _))
        {
            errors.Add("wait", "Must be 'true' or 'false'.");
        }

        CheckIdempotencyKey(http.Request, idempotencyKey, errors);

        if (request is null || !errors.IsValid)
        {
            return RouteChecks.Invalid(errors, "Invalid exchange");
        }

        var bodySize = BodySize(request);
        if (BodyLimit.Of(http) is { } limit && bodySize > limit.PayloadBytes)
        {
            return TypedResults.Problem(
                title: "Request body too large",
                detail: $"The exchange body has {bodySize} bytes, and {limit.Setting} allows {limit.PayloadBytes}. " +
                    $"Send a smaller body, or raise maxBodyBytes with PUT /api/endpoints/{endpointId}.",
                statusCode: StatusCodes.Status413PayloadTooLarge,
                extensions: new Dictionary<string, object?> { ["field"] = "body" });
        }

        var result = await grains.GetGrain<IEndpointGrain>(endpointId)
            .ExecuteAsync(request, new SubmitOptions(null, idempotencyKey, waitForResult));
        return result is null ? RouteChecks.EndpointNotFound(endpointId) : ToHttpResult(endpointId, result, http);
    }

    private static async Task<IResult> ReplayAsync(
        string exchangeId, IGrainFactory grains, IExchangeStore store, IJournal journal, HttpContext http,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(exchangeId, out var id))
        {
            return InvalidExchangeId();
        }

        var stored = await store.GetAsync(id, cancellationToken);
        if (stored is null)
        {
            // A succeeded exchange keeps its journal entries but no stored row.
            return (await journal.GetExchangeAsync(id, cancellationToken)).Count == 0
                ? RouteChecks.NotFound("Exchange", exchangeId)
                : TypedResults.Problem(
                    title: "Exchange not replayable",
                    detail: $"Exchange {id} succeeded; only DeadLettered and Failed exchanges can be replayed.",
                    statusCode: StatusCodes.Status409Conflict);
        }

        if (stored.State is not (StoredState.DeadLettered or StoredState.Failed))
        {
            return TypedResults.Problem(
                title: "Exchange not replayable",
                detail: $"Exchange {id} is {stored.Status}; only DeadLettered and Failed exchanges can be replayed.",
                statusCode: StatusCodes.Status409Conflict);
        }

        var result = await grains.GetGrain<IEndpointGrain>(stored.EndpointId).ReplayAsync(id);
        return result is null
            ? TypedResults.Problem(title: "Exchange not replayable", detail: $"Exchange {id} changed state meanwhile; read it again.",
                statusCode: StatusCodes.Status409Conflict)
            : ToHttpResult(stored.EndpointId, result, http);
    }

    private static async Task<IResult> GetAsync(
        string exchangeId, IJournal journal, IExchangeStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(exchangeId, out var id))
        {
            return InvalidExchangeId();
        }

        // The row first: the grain deletes it once the final journal entry is committed (unless the database stalls
        // past Journal:AcknowledgeTimeout), so an exchange that settles between the two reads is found in the journal.
        var stored = await store.GetAsync(id, cancellationToken);
        var entries = await journal.GetExchangeAsync(id, cancellationToken);
        if (entries.Count == 0 && stored is null)
        {
            return RouteChecks.NotFound("Exchange", exchangeId);
        }

        var last = entries.Count > 0 ? entries[^1] : null;
        var status = stored?.Status
            ?? (last!.Outcome == Outcome.Success ? ExchangeStatus.Succeeded : ExchangeStatus.Running);
        var finished = status is ExchangeStatus.Succeeded or ExchangeStatus.Failed or ExchangeStatus.DeadLettered && last is not null
            ? last!.StartedAt + TimeSpan.FromMilliseconds(last.DurationMs)
            : (DateTimeOffset?)null;

        return TypedResults.Ok(new ExchangeDetailView(
            id,
            stored?.EndpointId ?? last!.EndpointId,
            status,
            last?.Outcome,
            Math.Max(stored?.Attempts ?? 0, entries.Count),
            stored?.Request.Operation ?? last?.Operation,
            stored?.Request.CorrelationId ?? last?.CorrelationId,
            stored?.SubmittedAt ?? entries[0].StartedAt,
            finished,
            stored?.NextAttemptAt,
            last?.Error ?? stored?.LastError,
            [.. entries.Select(JournalSummaryView.From)]));
    }

    /// <summary>200 for a finished exchange, 202 with a Location for one still waiting, 503 for a full backlog.</summary>
    internal static IResult ToHttpResult(string endpointId, ExchangeResult result, HttpContext http)
    {
        var view = ExchangeResultView.From(endpointId, result);
        var location = $"/api/exchanges/{result.ExchangeId}";
        switch (result.Status)
        {
            case ExchangeStatus.Rejected:
                http.Response.Headers.RetryAfter = BacklogRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(
                    title: "Backlog full",
                    detail: $"{result.Error}. Nothing was stored; send the exchange again after the Retry-After delay.",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            case ExchangeStatus.KeyConflict:
                return TypedResults.Problem(
                    title: "Idempotency key reused",
                    detail: $"{result.Error}. Nothing was sent; use a new Idempotency-Key for a new request.",
                    statusCode: StatusCodes.Status422UnprocessableEntity,
                    extensions: new Dictionary<string, object?> { ["exchangeId"] = result.ExchangeId });
            case ExchangeStatus.Pending or ExchangeStatus.RetryScheduled or ExchangeStatus.Parked or ExchangeStatus.Running:
                return TypedResults.Accepted(location, view);
            default:
                http.Response.Headers.Location = location;
                return TypedResults.Ok(view);
        }
    }

    private static long BodySize(ExchangeRequest request) =>
        request.BodyBytes?.LongLength ?? (request.Body is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(request.Body));

    // An empty header reaches the handler as null or as "", depending on the client, so the raw headers decide.
    private static void CheckIdempotencyKey(HttpRequest request, string? key, Validation errors)
    {
        if (request.Headers.TryGetValue(IdempotencyHeader, out var values) && string.IsNullOrWhiteSpace(values.ToString()))
        {
            errors.Add(IdempotencyHeader, $"The {IdempotencyHeader} header is empty: send 1 to {ExchangeBody.MaxTextLength} " +
                "printable characters, or leave the header out.");
        }
        else if (key is { Length: > ExchangeBody.MaxTextLength } || key?.Any(char.IsControl) == true)
        {
            errors.Add(IdempotencyHeader, $"The {IdempotencyHeader} header must be 1 to {ExchangeBody.MaxTextLength} " +
                "printable characters.");
        }
    }

    private static ProblemHttpResult InvalidExchangeId() => TypedResults.Problem(
        title: "Invalid exchange id",
        detail: "exchangeId must be a UUID such as the one a submission returned.",
        statusCode: StatusCodes.Status400BadRequest);
}
