using System.ComponentModel;
using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Api.Security;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;
using CrmAI.Hub.Exchanges;
using CrmAI.Hub.Outbound;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// Creating, reading and deleting endpoint configurations.
/// </summary>
public static class EndpointRoutes
{
    public static RouteGroupBuilder MapEndpointRoutes(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/endpoints").WithTags("Endpoints");
        group.MapGet("/", ListAsync)
            .WithName("ListEndpoints")
            .WithSummary("List every configured endpoint, secrets masked")
            .RejectUnknownQuery();
        group.MapGet("/{endpointId}", GetAsync)
            .WithName("GetEndpoint")
            .WithSummary("Read one endpoint's configuration, secrets masked")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RejectUnknownQuery();
        group.MapPut("/{endpointId}", PutAsync)
            .WithName("PutEndpoint")
            .WithSummary("Create or replace an endpoint: 201 when created, 200 when replaced")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RejectUnknownQuery();
        group.MapDelete("/{endpointId}", DeleteAsync)
            .WithName("DeleteEndpoint")
            .WithSummary("Delete an endpoint")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RejectUnknownQuery();
        group.MapPut("/{endpointId}/credentials", PutCredentialsAsync)
            .WithName("PutCredentials")
            .WithSummary("Replace the credentials and replay the exchanges parked on an auth failure")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RejectUnknownQuery();
        group.MapGet("/{endpointId}/dead-letters", ListDeadLettersAsync)
            .WithName("ListDeadLetters")
            .WithSummary("List the exchanges whose retries ran out")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RejectUnknownQuery();
        group.MapPost("/{endpointId}/dead-letters/replay", ReplayDeadLettersAsync)
            .WithName("ReplayDeadLetters")
            .WithSummary("Replay all dead letters of an endpoint, or those matching the filter")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RejectUnknownQuery();
        return group;
    }

    private static async Task<Results<Ok<ReplayStarted>, ProblemHttpResult, ValidationProblem>> PutCredentialsAsync(
        string endpointId, AuthBody body, IGrainFactory grains)
    {
        if (RouteChecks.InvalidEndpointId(endpointId) is { } invalid)
        {
            return invalid;
        }

        var errors = new Validation();
        var auth = EndpointBodyMapper.ToAuth(body, errors);
        if (!errors.IsValid)
        {
            return RouteChecks.Invalid(errors, "Invalid credentials");
        }

        var parked = await grains.GetGrain<IEndpointGrain>(endpointId).UpdateCredentialsAsync(auth);
        return parked is null ? RouteChecks.EndpointNotFound(endpointId) : TypedResults.Ok(new ReplayStarted(parked.Value));
    }

    private static async Task<Results<Ok<DeadLetterView[]>, ProblemHttpResult, ValidationProblem>> ListDeadLettersAsync(
        string endpointId,
        [Description("Page size, 1 to 500. Default 50.")] string? limit,
        IGrainFactory grains,
        IExchangeStore store,
        CancellationToken cancellationToken)
    {
        if (RouteChecks.InvalidEndpointId(endpointId) is { } invalid)
        {
            return invalid;
        }

        var errors = new Validation();
        var count = QueryParsing.Limit(limit, errors);
        if (!errors.IsValid)
        {
            return RouteChecks.Invalid(errors, "Invalid dead-letter query");
        }

        if (await grains.GetGrain<IEndpointGrain>(endpointId).GetConfigAsync() is null)
        {
            return RouteChecks.EndpointNotFound(endpointId);
        }

        var rows = await store.ListAsync(endpointId, StoredState.DeadLettered, count, cancellationToken);
        return TypedResults.Ok(rows.Select(r => new DeadLetterView(
            r.ExchangeId, r.Request.Operation, r.Request.Method, r.Request.Path, r.Attempts, r.SubmittedAt,
            r.LastOutcome, r.LastStatusCode, r.LastError, r.LastEntryId, r.Request.CorrelationId)).ToArray());
    }

    private static async Task<Results<Accepted<ReplayStarted>, ProblemHttpResult, ValidationProblem>> ReplayDeadLettersAsync(
        string endpointId,
        [Description("Operation name, exact match.")] string? operation,
        [Description("Start of the submission time range, inclusive. " + QueryParsing.TimeDescription)] string? from,
        [Description("End of the submission time range, exclusive. " + QueryParsing.TimeDescription)] string? to,
        IGrainFactory grains)
    {
        if (RouteChecks.InvalidEndpointId(endpointId) is { } invalid)
        {
            return invalid;
        }

        var errors = new Validation();
        var filter = new DeadLetterFilter(
            string.IsNullOrEmpty(operation) ? null : operation,
            QueryParsing.Time(from, "from", errors),
            QueryParsing.Time(to, "to", errors));
        QueryParsing.CheckRange(filter.SubmittedFrom, filter.SubmittedTo, errors);
        if (!errors.IsValid)
        {
            return RouteChecks.Invalid(errors, "Invalid dead-letter filter");
        }

        var grain = grains.GetGrain<IEndpointGrain>(endpointId);
        if (await grain.GetConfigAsync() is null)
        {
            return RouteChecks.EndpointNotFound(endpointId);
        }

        var count = await grain.ReplayDeadLettersAsync(filter);
        return TypedResults.Accepted($"/api/endpoints/{endpointId}/dead-letters", new ReplayStarted(count));
    }

    private static async Task<Ok<EndpointView[]>> ListAsync(IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IEndpointDirectoryGrain>(IEndpointDirectoryGrain.Key).ListAsync();
        var configs = await Task.WhenAll(ids.Select(id => grains.GetGrain<IEndpointGrain>(id).GetConfigAsync()));

        var views = ids.Zip(configs)
            .Where(pair => pair.Second is not null)
            .Select(pair => EndpointView.From(pair.First, pair.Second!))
            .ToArray();
        return TypedResults.Ok(views);
    }

    private static async Task<Results<Ok<EndpointView>, ProblemHttpResult>> GetAsync(
        string endpointId, IGrainFactory grains)
    {
        if (RouteChecks.InvalidEndpointId(endpointId) is { } invalid)
        {
            return invalid;
        }

        var config = await grains.GetGrain<IEndpointGrain>(endpointId).GetConfigAsync();
        return config is null
            ? RouteChecks.EndpointNotFound(endpointId)
            : TypedResults.Ok(EndpointView.From(endpointId, config));
    }

    private static async Task<Results<Created<EndpointView>, Ok<EndpointView>, ProblemHttpResult, ValidationProblem>> PutAsync(
        string endpointId, EndpointBody body, IGrainFactory grains, IOptionsMonitor<OutboundOptions> outbound)
    {
        if (RouteChecks.InvalidEndpointId(endpointId) is { } invalid)
        {
            return invalid;
        }

        var errors = new Validation();
        var config = EndpointBodyMapper.ToConfig(body, errors);
        BaseUrlCheck.Apply(config?.BaseUrl, outbound.CurrentValue, errors);
        if (config?.ForwardTo is { } forward && forward.EndpointId != endpointId
            && await grains.GetGrain<IEndpointGrain>(forward.EndpointId).GetConfigAsync() is null)
        {
            errors.Add("forwardTo.endpointId", $"Endpoint '{forward.EndpointId}' does not exist; create it first.");
        }

        if (config is null || !errors.IsValid)
        {
            return RouteChecks.Invalid(errors, "Invalid endpoint configuration");
        }

        var created = await grains.GetGrain<IEndpointGrain>(endpointId).ConfigureAsync(config);
        var view = EndpointView.From(endpointId, config);
        return created ? TypedResults.Created($"/api/endpoints/{endpointId}", view) : TypedResults.Ok(view);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string endpointId, IGrainFactory grains)
    {
        if (RouteChecks.InvalidEndpointId(endpointId) is { } invalid)
        {
            return invalid;
        }

        // Inbound data forwarded to a deleted endpoint would have nowhere to go.
        var ids = await grains.GetGrain<IEndpointDirectoryGrain>(IEndpointDirectoryGrain.Key).ListAsync();
        var configs = await Task.WhenAll(ids.Select(async id => (Id: id, Config: await grains.GetGrain<IEndpointGrain>(id).GetConfigAsync())));
        var sources = configs.Where(c => c.Id != endpointId && c.Config?.ForwardTo?.EndpointId == endpointId).Select(c => c.Id).ToList();
        if (sources.Count > 0)
        {
            return TypedResults.Problem(
                title: "Endpoint in use",
                detail: $"Endpoints {string.Join(", ", sources)} forward inbound data to '{endpointId}'; change their forwardTo first.",
                statusCode: StatusCodes.Status409Conflict);
        }

        var deleted = await grains.GetGrain<IEndpointGrain>(endpointId).DeleteAsync();
        return deleted ? TypedResults.NoContent() : RouteChecks.EndpointNotFound(endpointId);
    }
}
