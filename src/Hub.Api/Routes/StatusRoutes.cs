using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// The status of every endpoint at a glance.
/// </summary>
public static class StatusRoutes
{
    public static RouteGroupBuilder MapStatusRoutes(this RouteGroupBuilder api)
    {
        api.MapGet("/status", GetAsync)
            .WithTags("Status")
            .WithName("GetStatus")
            .WithSummary("Read every endpoint's status and its exchanges and failures in the last 15 minutes")
            .RejectUnknownQuery();
        return api;
    }

    private static async Task<Ok<StatusView>> GetAsync(IGrainFactory grains, TimeProvider time)
    {
        var ids = await grains.GetGrain<IEndpointDirectoryGrain>(IEndpointDirectoryGrain.Key).ListAsync();
        var statuses = await Task.WhenAll(ids.Select(id => grains.GetGrain<IEndpointGrain>(id).GetStatusAsync()));
        var views = statuses.OfType<EndpointStatus>().Select(EndpointStatusView.From).ToList();

        return TypedResults.Ok(new StatusView(Overall(views), time.GetUtcNow(), views));
    }

    private static HealthStatus Overall(List<EndpointStatusView> endpoints)
    {
        if (endpoints.Any(e => e.Status is HealthStatus.Down or HealthStatus.AuthFailed or HealthStatus.CircuitOpen))
        {
            return HealthStatus.Down;
        }

        if (endpoints.Any(e => e.Status is HealthStatus.Degraded or HealthStatus.Silent))
        {
            return HealthStatus.Degraded;
        }

        return endpoints.Any(e => e.Status == HealthStatus.Healthy) ? HealthStatus.Healthy : HealthStatus.Unknown;
    }
}
