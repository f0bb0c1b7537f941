using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;
using CrmAI.Hub.Exchanges;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// Creating, reading and deleting endpoint configurations.
/// </summary>
public static class EndpointRoutes
{
    public static RouteGroupBuilder MapEndpointRoutes(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/endpoints").WithTags("Endpoints");
        group.MapGet("/", ListAsync).WithName("ListEndpoints");
        group.MapGet("/{endpointId}", GetAsync).WithName("GetEndpoint");
        group.MapPut("/{endpointId}", PutAsync).WithName("PutEndpoint");
        group.MapDelete("/{endpointId}", DeleteAsync).WithName("DeleteEndpoint");
        group.MapPut("/{endpointId}/credentials", PutCredentialsAsync).WithName("PutCredentials");
        group.MapGet("/{endpointId}/dead-letters", ListDeadLettersAsync).WithName("ListDeadLetters");
        group.MapPost("/{endpointId}/dead-letters/replay", ReplayDeadLettersAsync).WithName("ReplayDeadLetters");
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
        string endpointId, string? limit, IGrainFactory grains, IExchangeStore store, CancellationToken cancellationToken)
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
        string endpointId, string? operation, string? from, string? to, IGrainFactory grains)
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
        string endpointId, EndpointBody body, IGrainFactory grains)
    {
        if (RouteChecks.InvalidEndpointId(endpointId) is { } invalid)
        {
            return invalid;
        }

        var errors = new Validation();
        var config = EndpointBodyMapper.ToConfig(body, errors);
        if (config is null)
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

        var deleted = await grains.GetGrain<IEndpointGrain>(endpointId).DeleteAsync();
        return deleted ? TypedResults.NoContent() : RouteChecks.EndpointNotFound(endpointId);
    }
}
