using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Endpoints;
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
        return group;
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
