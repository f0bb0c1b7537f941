using System.ComponentModel;
using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
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
        group.MapJournalAdminRoutes();
        group.MapGet("/{entryId}", GetAsync)
            .WithName("GetJournalEntry")
            .WithSummary("Read one journal entry with its headers and bodies")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RejectUnknownQuery();
        return group;
    }

    private static async Task<Results<Ok<JournalPageView>, ValidationProblem>> QueryAsync(
        [FromQuery, Description("Endpoint id; repeat or separate with commas to match any.")] string[]? endpoint,
        [Description("Inbound or Outbound.")] string? direction,
        [FromQuery, Description("Outcome of the attempt, such as Success, HttpError, Timeout or NetworkError; repeat or separate with commas to match any.")] string[]? outcome,
        [FromQuery, Description(JournalFilterParsing.StatusDescription)] string[]? status,
        [Description("Operation name, exact match.")] string? operation,
        [Description("Start of the time range, inclusive. " + QueryParsing.TimeDescription)] string? from,
        [Description("End of the time range, exclusive. " + QueryParsing.TimeDescription)] string? to,
        [Description("Correlation id, exact match.")] string? correlationId,
        [Description("Exchange id (UUID).")] string? exchangeId,
        [Description("Minimum duration of the attempt in milliseconds.")] string? minDurationMs,
        [Description("Business key, exact match, such as an order number found at an endpoint's businessKeys paths.")] string? key,
        [Description(JournalFilterParsing.TextDescription)] string? q,
        [Description("Page size, 1 to 500. Default 50.")] string? limit,
        [Description("The nextCursor value of the previous page.")] string? cursor,
        IJournal journal, CancellationToken cancellationToken)
    {
        var errors = new Validation();
        var filters = new JournalFilterParameters(
            endpoint, direction, outcome, status, operation, from, to, minDurationMs, correlationId, exchangeId, key, q);
        var query = JournalFilterParsing.Parse(filters, errors) with
        {
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
