using System.ComponentModel;
using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Api.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// Reading the audit of admin actions.
/// </summary>
public static class AuditRoutes
{
    public static RouteGroupBuilder MapAuditRoutes(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", QueryAsync)
            .WithTags("Audit")
            .WithName("QueryAudit")
            .WithSummary("List admin actions, newest first")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RejectUnknownQuery();
        return api;
    }

    private static async Task<Results<Ok<AuditEntry[]>, ValidationProblem>> QueryAsync(
        [Description("Start of the time range, inclusive. " + QueryParsing.TimeDescription)] string? from,
        [Description("End of the time range, exclusive. " + QueryParsing.TimeDescription)] string? to,
        [Description("Name of the API key that acted, exact match; HUB_API_KEY for the admin key.")] string? actor,
        [Description("Page size, 1 to 500. Default 50.")] string? limit,
        AuditStore store,
        CancellationToken cancellationToken)
    {
        var errors = new Validation();
        var start = QueryParsing.Time(from, "from", errors);
        var end = QueryParsing.Time(to, "to", errors);
        QueryParsing.CheckRange(start, end, errors);
        var count = QueryParsing.Limit(limit, errors);
        var actorName = QueryParsing.Text(actor, "actor", errors);
        if (!errors.IsValid)
        {
            return RouteChecks.Invalid(errors, "Invalid audit query");
        }

        var entries = await store.QueryAsync(start, end, actorName, count, cancellationToken);
        return TypedResults.Ok(entries.ToArray());
    }
}
