using System.ComponentModel;
using CrmAI.Hub.Alerts;
using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// Endpoint health, alert rules, incidents and mutes.
/// </summary>
public static class AlertRoutes
{
    public static RouteGroupBuilder MapAlertRoutes(this RouteGroupBuilder api)
    {
        api.MapGet("/endpoints/{endpointId}/health", GetHealthAsync)
            .WithTags("Health")
            .WithName("GetEndpointHealth")
            .WithSummary("Read an endpoint's health: status and the 5 min, 1 h and 24 h windows")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RejectUnknownQuery();
        api.MapPost("/endpoints/{endpointId}/mute", MuteAsync)
            .WithTags("Alerts")
            .WithName("MuteEndpoint")
            .WithSummary("Mute an endpoint's alerts for a duration, or unmute it with 0s")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RejectUnknownQuery();
        api.MapGet("/alert-rules", GetRulesAsync)
            .WithTags("Alerts")
            .WithName("GetAlertRules")
            .WithSummary("Read the global alert rules and the per-endpoint overrides")
            .RejectUnknownQuery();
        api.MapPut("/alert-rules", PutRulesAsync)
            .WithTags("Alerts")
            .WithName("PutAlertRules")
            .WithSummary("Replace the global alert rules and the per-endpoint overrides")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RejectUnknownQuery();
        api.MapGet("/incidents", ListIncidentsAsync)
            .WithTags("Alerts")
            .WithName("ListIncidents")
            .WithSummary("List incidents, newest first")
            .RejectUnknownQuery();
        api.MapPost("/incidents/{incidentId}/ack", AcknowledgeAsync)
            .WithTags("Alerts")
            .WithName("AcknowledgeIncident")
            .WithSummary("Acknowledge an open incident, which stops its reminders")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RejectUnknownQuery();
        return api;
    }

    private static async Task<Results<Ok<EndpointHealth>, ProblemHttpResult>> GetHealthAsync(string endpointId, IGrainFactory grains)
    {
        if (RouteChecks.InvalidEndpointId(endpointId) is { } invalid)
        {
            return invalid;
        }

        var health = await grains.GetGrain<IEndpointGrain>(endpointId).GetHealthAsync();
        return health is null ? RouteChecks.EndpointNotFound(endpointId) : TypedResults.Ok(health);
    }

    private static async Task<Results<Ok<MuteView>, ProblemHttpResult, ValidationProblem>> MuteAsync(
        string endpointId, MuteBody body, IGrainFactory grains)
    {
        if (RouteChecks.InvalidEndpointId(endpointId) is { } invalid)
        {
            return invalid;
        }

        var errors = new Validation();
        if (!Durations.TryParse(body.Duration, out var duration) || duration > TimeSpan.FromDays(30))
        {
            errors.Add("duration", $"Required: {Durations.Format}, at most 30d; '0s' unmutes.");
            return RouteChecks.Invalid(errors, "Invalid mute");
        }

        if (await grains.GetGrain<IEndpointGrain>(endpointId).GetConfigAsync() is null)
        {
            return RouteChecks.EndpointNotFound(endpointId);
        }

        var until = await grains.GetGrain<IAlertGrain>(endpointId).MuteAsync(duration, "api");
        return TypedResults.Ok(new MuteView(endpointId, until));
    }

    private static async Task<Ok<AlertRuleSetBody>> GetRulesAsync(IGrainFactory grains, IOptions<AlertOptions> options)
    {
        var set = await grains.GetGrain<IAlertRulesGrain>(IAlertRulesGrain.Key).GetAsync()
            ?? new AlertRuleSet(options.Value.Rules, new Dictionary<string, AlertRules>());
        return TypedResults.Ok(new AlertRuleSetBody(
            AlertRulesBody.From(set.Defaults.Over(AlertRules.Default)),
            set.Endpoints.ToDictionary(e => e.Key, e => AlertRulesBody.From(e.Value))));
    }

    private static async Task<Results<Ok<AlertRuleSetBody>, ValidationProblem>> PutRulesAsync(
        AlertRuleSetBody body, IGrainFactory grains, IOptions<AlertOptions> options)
    {
        var errors = new Validation();
        var defaults = body.Defaults?.ToRules("defaults", errors) ?? options.Value.Rules;
        var endpoints = new Dictionary<string, AlertRules>(StringComparer.Ordinal);
        foreach (var (endpointId, rules) in body.Endpoints ?? [])
        {
            if (!Validation.IsEndpointId(endpointId))
            {
                errors.Add($"endpoints.{endpointId}", $"Not an endpoint id: use {Validation.EndpointIdRule}.");
                continue;
            }

            if (rules is null)
            {
                errors.Add($"endpoints.{endpointId}", "Must be an object of rules such as {\"consecutiveFailures\":3}; " +
                    "leave the endpoint out to give it the defaults.");
                continue;
            }

            endpoints[endpointId] = rules.ToRules($"endpoints.{endpointId}", errors);
        }

        if (!errors.IsValid)
        {
            return RouteChecks.Invalid(errors, "Invalid alert rules");
        }

        await grains.GetGrain<IAlertRulesGrain>(IAlertRulesGrain.Key).SetAsync(new AlertRuleSet(defaults, endpoints));

        // New rules apply at once, also to endpoints without traffic (a new silence rule, say).
        var ids = await grains.GetGrain<IEndpointDirectoryGrain>(IEndpointDirectoryGrain.Key).ListAsync();
        await Task.WhenAll(ids.Select(id => grains.GetGrain<IAlertGrain>(id).RecheckAsync()));
        return TypedResults.Ok(new AlertRuleSetBody(
            AlertRulesBody.From(defaults.Over(AlertRules.Default)),
            endpoints.ToDictionary(e => e.Key, e => AlertRulesBody.From(e.Value))));
    }

    private static async Task<Results<Ok<IReadOnlyList<Incident>>, ValidationProblem>> ListIncidentsAsync(
        [Description("open for open incidents only, all (the default) for every incident.")] string? state,
        [Description("Page size, 1 to 500. Default 50.")] string? limit,
        IncidentStore incidents,
        CancellationToken cancellationToken)
    {
        var errors = new Validation();
        var count = QueryParsing.Limit(limit, errors);
        if (state is not (null or "open" or "all"))
        {
            errors.Add("state", "Must be 'open' or 'all'.");
        }

        if (!errors.IsValid)
        {
            return RouteChecks.Invalid(errors, "Invalid incident query");
        }

        return TypedResults.Ok(await incidents.ListAsync(state == "open", count, cancellationToken));
    }

    private static async Task<Results<Ok<Incident>, ProblemHttpResult>> AcknowledgeAsync(
        string incidentId, IncidentStore incidents, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(incidentId, out var id))
        {
            return TypedResults.Problem(title: "Invalid incident id", detail: "incidentId must be a UUID from GET /api/incidents.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var incident = await incidents.GetAsync(id, cancellationToken);
        if (incident is null)
        {
            return RouteChecks.NotFound("Incident", incidentId);
        }

        if (!await grains.GetGrain<IAlertGrain>(incident.EndpointId).AcknowledgeAsync(id, "api"))
        {
            return TypedResults.Problem(title: "Incident not open", detail: $"Incident {id} is resolved; only open incidents can be acknowledged.",
                statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Ok((await incidents.GetAsync(id, cancellationToken))!);
    }
}
