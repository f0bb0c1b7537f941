using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;
using CrmAI.Hub.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// Running exchanges, receiving inbound data and reading an exchange back.
/// </summary>
public static class ExchangeRoutes
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public static RouteGroupBuilder MapExchangeRoutes(this RouteGroupBuilder api)
    {
        api.MapPost("/endpoints/{endpointId}/exchanges", ExecuteAsync).WithTags("Exchanges").WithName("RunExchange");
        api.MapGet("/exchanges/{exchangeId}", GetAsync).WithTags("Exchanges").WithName("GetExchange");
        api.MapPost("/inbound/{endpointId}", ReceiveAsync).WithTags("Inbound").WithName("ReceiveInbound");
        return api;
    }

    private static async Task<Results<Ok<ExchangeResultView>, ProblemHttpResult, ValidationProblem>> ExecuteAsync(
        string endpointId, ExchangeBody body, IGrainFactory grains)
    {
        if (RouteChecks.InvalidEndpointId(endpointId) is { } invalid)
        {
            return invalid;
        }

        var errors = new Validation();
        var request = body.ToRequest(errors);
        if (request is null)
        {
            return RouteChecks.Invalid(errors, "Invalid exchange");
        }

        var result = await grains.GetGrain<IEndpointGrain>(endpointId).ExecuteAsync(request, null);
        return result is null
            ? RouteChecks.EndpointNotFound(endpointId)
            : TypedResults.Ok(ExchangeResultView.From(endpointId, result));
    }

    private static async Task<Results<Ok<ExchangeDetailView>, ProblemHttpResult>> GetAsync(
        string exchangeId, IJournal journal, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(exchangeId, out var id))
        {
            return TypedResults.Problem(
                title: "Invalid exchange id", detail: $"exchangeId must be a UUID such as the one a submission returned.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var entries = await journal.GetExchangeAsync(id, cancellationToken);
        if (entries.Count == 0)
        {
            return RouteChecks.NotFound("Exchange", exchangeId);
        }

        var last = entries[^1];
        return TypedResults.Ok(new ExchangeDetailView(
            id,
            last.EndpointId,
            last.Outcome == Outcome.Success ? ExchangeStatus.Succeeded : ExchangeStatus.Failed,
            last.Outcome,
            entries.Count,
            last.CorrelationId,
            entries[0].StartedAt,
            [.. entries.Select(JournalSummaryView.From)]));
    }

    private static async Task<Results<Accepted<InboundResult>, ProblemHttpResult>> ReceiveAsync(
        string endpointId, HttpRequest http, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        if (RouteChecks.InvalidEndpointId(endpointId) is { } invalid)
        {
            return invalid;
        }

        var receivedAt = time.GetUtcNow();
        using var buffer = new MemoryStream();
        await http.Body.CopyToAsync(buffer, cancellationToken);
        var correlationId = http.Headers[CorrelationHeader].ToString();
        var request = new InboundRequest
        {
            Method = http.Method,
            Url = http.GetDisplayUrl(),
            Headers = http.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            Body = buffer.ToArray(),
            ContentType = http.ContentType,
            CorrelationId = correlationId.Length == 0 ? null : correlationId[..Math.Min(correlationId.Length, ExchangeBody.MaxTextLength)],
            ReceivedAt = receivedAt,
        };

        var result = await grains.GetGrain<IEndpointGrain>(endpointId).ReceiveAsync(request);
        if (result is null)
        {
            return RouteChecks.EndpointNotFound(endpointId);
        }

        var location = result.ForwardExchangeId is { } forwardId ? $"/api/exchanges/{forwardId}" : $"/api/journal/{result.JournalEntryId}";
        return TypedResults.Accepted(location, result);
    }
}
