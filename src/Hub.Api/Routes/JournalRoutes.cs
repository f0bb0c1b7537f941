using System.ComponentModel;
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
        group.MapGet("/", QueryAsync)
            .WithName("QueryJournal")
            .WithSummary("Search the journal, newest first, one page at a time")
            .RejectUnknownQuery();
        group.MapGet("/{entryId}", GetAsync)
            .WithName("GetJournalEntry")
            .WithSummary("Read one journal entry with its headers and bodies")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RejectUnknownQuery();
        return group;
    }

    private static async Task<Results<Ok<JournalPageView>, ValidationProblem>> QueryAsync(
        [Description("Endpoint id.")] string? endpoint,
        [Description("Inbound or Outbound.")] string? direction,
        [Description("Outcome of the attempt, such as Success, HttpError, Timeout or NetworkError.")] string? outcome,
        [Description("Operation name, exact match.")] string? operation,
        [Description("Start of the time range, inclusive. " + QueryParsing.TimeDescription)] string? from,
        [Description("End of the time range, exclusive. " + QueryParsing.TimeDescription)] string? to,
        [Description("Correlation id, exact match.")] string? correlationId,
        [Description("Exchange id (UUID).")] string? exchangeId,
        [Description("Page size, 1 to 500. Default 50.")] string? limit,
        [Description("The nextCursor value of the previous page.")] string? cursor,
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

        QueryParsing.CheckRange(query.From, query.To, errors);
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
