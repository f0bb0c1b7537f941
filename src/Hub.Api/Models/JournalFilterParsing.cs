using System.Globalization;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Journal;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// The filter parameters shared by <c>GET /api/journal</c> and <c>GET /api/journal/export</c>, as sent.
/// </summary>
internal sealed record JournalFilterParameters(
    string[]? Endpoint,
    string? Direction,
    string[]? Outcome,
    string[]? Status,
    string? Operation,
    string? From,
    string? To,
    string? MinDurationMs,
    string? CorrelationId,
    string? ExchangeId,
    string? Key,
    string? Q);

/// <summary>
/// Parses journal filters into a <see cref="JournalQuery"/>, naming the parameter of every invalid value.
/// </summary>
internal static class JournalFilterParsing
{
    /// <summary>Longest time range that a text search (<c>q</c>) may cover, because no index serves it.</summary>
    public static readonly TimeSpan MaxTextSearchRange = TimeSpan.FromDays(7);

    public const int MaxListValues = 50;

    public const int MinTextLength = 3;

    public const string StatusDescription =
        "HTTP status (500) or class (4xx); repeat the parameter or separate values with commas to match any.";

    public const string TextDescription =
        "Text contained in the stored request or response body, ignoring case, at least 3 characters. Requires " +
        "from and to, at most 7 days apart, because no index serves it.";

    public static JournalQuery Parse(JournalFilterParameters p, Validation errors)
    {
        var query = new JournalQuery
        {
            EndpointIds = ParseEndpoints(p.Endpoint, errors),
            Direction = QueryParsing.Enum<Direction>(p.Direction, "direction", errors),
            Outcomes = ParseOutcomes(p.Outcome, errors),
            Statuses = ParseStatuses(p.Status, errors),
            Operation = QueryParsing.Text(p.Operation, "operation", errors),
            From = QueryParsing.Time(p.From, "from", errors),
            To = QueryParsing.Time(p.To, "to", errors),
            MinDurationMs = ParseDuration(p.MinDurationMs, errors),
            CorrelationId = QueryParsing.Text(p.CorrelationId, "correlationId", errors),
            ExchangeId = QueryParsing.Guid(p.ExchangeId, "exchangeId", errors),
            BusinessKey = QueryParsing.Text(p.Key, "key", errors),
            Text = QueryParsing.Text(p.Q, "q", errors),
        };

        QueryParsing.CheckRange(query.From, query.To, errors);
        CheckText(query, errors);
        return query;
    }

    private static List<string> Split(string[]? values) =>
        values is null
            ? []
            : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct()];

    private static List<string> ParseEndpoints(string[]? values, Validation errors)
    {
        var endpoints = Split(values);
        CheckCount("endpoint", endpoints.Count, errors);
        foreach (var endpoint in endpoints.Where(e => !Validation.IsEndpointId(e)))
        {
            errors.Add("endpoint", $"'{endpoint}' is not an endpoint id of {Validation.EndpointIdRule}.");
        }

        return endpoints;
    }

    private static List<Outcome> ParseOutcomes(string[]? values, Validation errors)
    {
        var outcomes = Split(values);
        CheckCount("outcome", outcomes.Count, errors);
        return [.. outcomes.Select(o => QueryParsing.Enum<Outcome>(o, "outcome", errors)).OfType<Outcome>()];
    }

    private static List<StatusFilter> ParseStatuses(string[]? values, Validation errors)
    {
        var statuses = new List<StatusFilter>();
        var texts = Split(values);
        CheckCount("status", texts.Count, errors);
        foreach (var text in texts)
        {
            if (text.Length == 3 && text[0] is >= '1' and <= '5' && text[1..].Equals("xx", StringComparison.OrdinalIgnoreCase))
            {
                statuses.Add(new StatusFilter((text[0] - '0') * 100, IsClass: true));
            }
            else if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599)
            {
                statuses.Add(new StatusFilter(code, IsClass: false));
            }
            else
            {
                errors.Add("status", $"'{text}' is neither an HTTP status from 100 to 599 nor a class from 1xx to 5xx.");
            }
        }

        return statuses;
    }

    private static double? ParseDuration(string? value, Validation errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ms) && double.IsFinite(ms))
        {
            return ms;
        }

        errors.Add("minDurationMs", $"'{value}' is not a number of milliseconds of 0 or more, such as 1500.");
        return null;
    }

    private static void CheckText(JournalQuery query, Validation errors)
    {
        if (query.Text is not { } text)
        {
            return;
        }

        if (text.Length < MinTextLength)
        {
            errors.Add("q", $"Must be at least {MinTextLength} characters.");
        }

        if (query.From is not { } from || query.To is not { } to)
        {
            errors.Add("q", "A text search needs from and to, at most 7 days apart, because it reads every body in the range.");
        }
        else if (to - from > MaxTextSearchRange)
        {
            errors.Add("q", $"from and to are {(to - from).TotalDays:0.#} days apart; a text search covers at most 7 days.");
        }
    }

    private static void CheckCount(string field, int count, Validation errors)
    {
        if (count > MaxListValues)
        {
            errors.Add(field, $"At most {MaxListValues} values are allowed; {count} were given.");
        }
    }
}
