using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using CrmAI.Hub.Api.Models;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// Data that external systems push to the hub.
/// </summary>
public static class InboundRoutes
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public static RouteGroupBuilder MapInboundRoutes(this RouteGroupBuilder api)
    {
        // Any query string is accepted and journaled, because external systems put their own parameters there.
        api.MapPost("/inbound/{endpointId}", ReceiveAsync)
            .WithTags("Inbound")
            .WithName("ReceiveInbound")
            .WithSummary("Receive data that an external system pushes; journaled, and forwarded when configured")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return api;
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

        if (result.RejectedReason is { } reason)
        {
            return TypedResults.Problem(
                title: "Invalid inbound data",
                detail: $"{reason}. The request is journaled as rejected; send valid JSON.",
                statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["journalEntryId"] = result.JournalEntryId });
        }

        var location = result.ForwardExchangeId is { } forwardId ? $"/api/exchanges/{forwardId}" : $"/api/journal/{result.JournalEntryId}";
        return TypedResults.Accepted(location, result);
    }
}
