using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Api.Security;

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
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithMetadata(new EndpointBodyLimitMetadata(InJson: false));
        return api;
    }

    private static async Task<Results<Accepted<InboundResult>, ProblemHttpResult>> ReceiveAsync(
        string endpointId, HttpRequest http, IGrainFactory grains, ApiKeyAuthenticator authenticator,
        InboundSenderLimit senders, TimeProvider time, CancellationToken cancellationToken)
    {
        if (RouteChecks.InvalidEndpointId(endpointId) is { } invalid)
        {
            return invalid;
        }

        // The route is public in RouteScopes because an endpoint with inboundAuth checks its own secret. The key
        // check here applies only when the grain reports that the endpoint has no inboundAuth.
        var keyProblem = await CheckHubKeyAsync(http, authenticator, cancellationToken);
        var address = http.HttpContext.Connection.RemoteIpAddress;
        if (keyProblem is not null && senders.BlockedFor(address) is { } wait)
        {
            return Blocked(http, wait);
        }

        var result = await ReceiveBodyAsync(endpointId, http, grains, keyProblem is null, time, cancellationToken);
        var answer = Answer(endpointId, result, keyProblem, BodyLimit.Of(http.HttpContext));
        if (keyProblem is not null && answer.Result is ProblemHttpResult)
        {
            senders.RecordFailure(address);
        }

        return answer;
    }

    private static async Task<InboundResult?> ReceiveBodyAsync(
        string endpointId, HttpRequest http, IGrainFactory grains, bool hubKeyAccepted, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        using var buffer = new MemoryStream();
        int? overLimit = null;
        try
        {
            await http.Body.CopyToAsync(buffer, cancellationToken);
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel stopped reading at the endpoint's limit; the grain journals the attempt without the body.
            overLimit = (int)(BodyLimit.Of(http.HttpContext)?.PayloadBytes ?? 0);
        }

        var correlationId = http.Headers[CorrelationHeader].ToString();
        var request = new InboundRequest
        {
            Method = http.Method,
            Url = http.GetDisplayUrl(),
            Headers = http.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            Body = overLimit is null ? buffer.ToArray() : [],
            ContentType = http.ContentType,
            CorrelationId = correlationId.Length == 0 ? null : correlationId[..Math.Min(correlationId.Length, ExchangeBody.MaxTextLength)],
            ReceivedAt = receivedAt,
            HubKeyAccepted = hubKeyAccepted,
            BodyOverLimit = overLimit,
        };

        return await grains.GetGrain<IEndpointGrain>(endpointId).ReceiveAsync(request);
    }

    private static Results<Accepted<InboundResult>, ProblemHttpResult> Answer(
        string endpointId, InboundResult? result, ProblemHttpResult? keyProblem, BodyLimit? limit)
    {
        // Without a valid key, an unknown endpoint gets the key problem, so strangers cannot probe for endpoint ids.
        if (result is null)
        {
            return keyProblem ?? RouteChecks.EndpointNotFound(endpointId);
        }

        var journaled = new Dictionary<string, object?> { ["journalEntryId"] = result.JournalEntryId };
        switch (result.Denial)
        {
            case InboundDenial.HubKeyRequired:
                return keyProblem ?? throw new InvalidOperationException("The endpoint grain required a hub key although one was accepted.");
            case InboundDenial.InboundAuthFailed:
                // The detail stays the same for every cause, so a sender learns nothing about the secret.
                return TypedResults.Problem(
                    title: "Inbound authentication failed",
                    detail: "The request does not carry valid credentials for this endpoint. The attempt is journaled as rejected.",
                    statusCode: StatusCodes.Status401Unauthorized);
            case InboundDenial.BodyTooLarge:
                return TypedResults.Problem(
                    title: "Request body too large",
                    detail: $"{limit?.Describe() ?? result.RejectedReason} The attempt is journaled as rejected, without the body.",
                    statusCode: StatusCodes.Status413PayloadTooLarge,
                    extensions: journaled);
        }

        if (result.RejectedReason is { } reason)
        {
            return TypedResults.Problem(
                title: "Invalid inbound data",
                detail: $"{reason}. The request is journaled as rejected; send valid JSON.",
                statusCode: StatusCodes.Status400BadRequest,
                extensions: journaled);
        }

        var location = result.ForwardExchangeId is { } forwardId ? $"/api/exchanges/{forwardId}" : $"/api/journal/{result.JournalEntryId}";
        return TypedResults.Accepted(location, result);
    }

    private static ProblemHttpResult Blocked(HttpRequest http, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            title: "Too many failed inbound requests",
            detail: $"Inbound requests from this address failed too often, more than the limit " +
                $"{ApiLimitOptions.SectionName}:{nameof(ApiLimitOptions.InboundFailuresPerMinute)} per minute. Fix the " +
                "credentials or the endpoint id and retry after the time in Retry-After. Requests with a valid hub API key " +
                "are not blocked.",
            statusCode: StatusCodes.Status429TooManyRequests);
    }

    // Returns null when the caller sent a hub API key with the exchange scope, else the 401 or 403 problem that
    // ApiKeyMiddleware would have returned.
    private static async Task<ProblemHttpResult?> CheckHubKeyAsync(
        HttpRequest http, ApiKeyAuthenticator authenticator, CancellationToken cancellationToken)
    {
        var presented = http.Headers[ApiKeyOptions.HeaderName].ToString();
        if (presented.Length == 0)
        {
            return TypedResults.Problem(
                title: "API key missing",
                detail: $"Send the API key in the {ApiKeyOptions.HeaderName} header, or configure inboundAuth on the endpoint.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        var caller = await authenticator.AuthenticateAsync(presented, cancellationToken);
        if (caller is null)
        {
            return TypedResults.Problem(
                title: "API key invalid",
                detail: $"The {ApiKeyOptions.HeaderName} header does not carry a valid key.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        if (!caller.Has(ApiScope.Exchange))
        {
            return TypedResults.Problem(
                title: "Scope missing",
                detail: $"This request needs an API key with the '{ApiScopes.Name(ApiScope.Exchange)}' scope; the key '{caller.Name}' lacks it.",
                statusCode: StatusCodes.Status403Forbidden);
        }

        return null;
    }
}
