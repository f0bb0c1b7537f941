using System.Globalization;
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
            EndpointId = Check(endpoint, Validation.IsEndpointId, "endpoint", $"Must be an endpoint id of {Validation.EndpointIdRule}.", errors),
            Direction = ParseEnum<Direction>(direction, "direction", errors),
            Outcome = ParseEnum<Outcome>(outcome, "outcome", errors),
            Operation = NullIfEmpty(operation),
            From = ParseTime(from, "from", errors),
            To = ParseTime(to, "to", errors),
            CorrelationId = NullIfEmpty(correlationId),
            ExchangeId = ParseGuid(exchangeId, "exchangeId", errors),
            Limit = ParseLimit(limit, errors),
            After = ParseCursor(cursor, errors),
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

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string? Check(string? value, Func<string, bool> isValid, string field, string message, Validation errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (!isValid(value))
        {
            errors.Add(field, message);
        }

        return value;
    }

    private static T? ParseEnum<T>(string? value, string field, Validation errors)
        where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _))
        {
            return parsed;
        }

        errors.Add(field, $"'{value}' is not one of: {string.Join(", ", Enum.GetNames<T>())}.");
        return null;
    }

    private static DateTimeOffset? ParseTime(string? value, string field, Validation errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed;
        }

        errors.Add(field, $"'{value}' is not an ISO 8601 date and time, such as 2026-12-04T15:42:00Z.");
        return null;
    }

    private static Guid? ParseGuid(string? value, string field, Validation errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (Guid.TryParse(value, out var parsed))
        {
            return parsed;
        }

        errors.Add(field, $"'{value}' is not a UUID.");
        return null;
    }

    private static int ParseLimit(string? value, Validation errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return JournalQuery.DefaultLimit;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            && parsed is >= 1 and <= JournalQuery.MaxLimit)
        {
            return parsed;
        }

        errors.Add("limit", $"Must be a whole number from 1 to {JournalQuery.MaxLimit}.");
        return JournalQuery.DefaultLimit;
    }

    private static JournalCursor? ParseCursor(string? value, Validation errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (JournalCursor.TryDecode(value, out var cursor))
        {
            return cursor;
        }

        errors.Add("cursor", "Invalid cursor: pass the nextCursor value of the previous page unchanged.");
        return null;
    }
}
