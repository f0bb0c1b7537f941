using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// Searching the journal and reading single entries.
/// </summary>
public static class JournalRoutes
{
    public static RouteGroupBuilder MapJournalRoutes(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/journal").WithTags("Journal");
        group.MapGet("/", QueryAsync).WithName("QueryJournal");
        group.MapGet("/{entryId}", GetAsync).WithName("GetJournalEntry");
        return group;
    }

    private static async Task<Results<Ok<JournalPageView>, ValidationProblem>> QueryAsync(
        string? endpoint, string? direction, string? outcome, string? operation, string? from, string? to,
        string? correlationId, string? exchangeId, string? limit, string? cursor,
        IJournal journal, CancellationToken cancellationToken)
    {
        var errors = new Validation();
        var query = new JournalQuery
        {
            EndpointId = QueryParsing.Check(endpoint, Validation.IsEndpointId, "endpoint", $"Must be an endpoint id of {Validation.EndpointIdRule}.", errors),
            Direction = QueryParsing.Enum<Direction>(direction, "direction", errors),
            Outcome = QueryParsing.Enum<Outcome>(outcome, "outcome", errors),
            Operation = QueryParsing.NullIfEmpty(operation),
            From = QueryParsing.Time(from, "from", errors),
            To = QueryParsing.Time(to, "to", errors),
            CorrelationId = QueryParsing.NullIfEmpty(correlationId),
            ExchangeId = QueryParsing.Guid(exchangeId, "exchangeId", errors),
            Limit = QueryParsing.Limit(limit, errors),
            After = QueryParsing.Cursor(cursor, errors),
        };

        if (!errors.IsValid)
        {
            return RouteChecks.Invalid(errors, "Invalid journal filter");
        }

        var page = await journal.QueryAsync(query, cancellationToken);
        return TypedResults.Ok(new JournalPageView([.. page.Items.Select(JournalSummaryView.From)], page.Next?.Encode()));
    }

    private static async Task<Results<Ok<JournalEntryView>, ProblemHttpResult>> GetAsync(
        string entryId, IJournal journal, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(entryId, out var id))
        {
            return TypedResults.Problem(
                title: "Invalid journal entry id", detail: "entryId must be a UUID taken from the journal.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var entry = await journal.GetAsync(id, cancellationToken);
        return entry is null ? RouteChecks.NotFound("Journal entry", entryId) : TypedResults.Ok(JournalEntryView.From(entry));
    }
}
