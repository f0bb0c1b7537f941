using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// Exporting the journal, running retention and reading per-tier statistics.
/// </summary>
public static class JournalAdminRoutes
{
    public const long DefaultExportRows = 100_000;
    public const long MaxExportRows = 1_000_000;

    private static readonly string[] CsvColumns =
    [
        "id", "startedAt", "endpointId", "direction", "operation", "method", "url", "statusCode", "outcome",
        "durationMs", "exchangeId", "attempt", "trigger", "correlationId", "error", "businessKeys",
    ];

    public static RouteGroupBuilder MapJournalAdminRoutes(this RouteGroupBuilder group)
    {
        group.MapGet("/export", ExportAsync)
            .WithName("ExportJournal")
            .WithSummary("Stream the entries that match the filters of GET /api/journal as NDJSON or CSV, newest first")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem()
            .RejectUnknownQuery();
        group.MapPost("/retention", RunRetentionAsync)
            .WithName("RunJournalRetention")
            .WithSummary("Run journal retention now; with dryRun=true only report what it would change")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RejectUnknownQuery();
        group.MapGet("/stats", StatsAsync)
            .WithName("GetJournalStats")
            .WithSummary("Rows and bytes of the journal per retention tier and endpoint")
            .RejectUnknownQuery();
        return group;
    }

    private static async Task<IResult> ExportAsync(
        [Description("ndjson (default) or csv.")] string? format,
        [FromQuery, Description("Endpoint id; repeat or separate with commas to match any.")] string[]? endpoint,
        [Description("Inbound or Outbound.")] string? direction,
        [FromQuery, Description("Outcome; repeat or separate with commas to match any.")] string[]? outcome,
        [FromQuery, Description(JournalFilterParsing.StatusDescription)] string[]? status,
        [Description("Operation name, exact match.")] string? operation,
        [Description("Start of the time range, inclusive. " + QueryParsing.TimeDescription)] string? from,
        [Description("End of the time range, exclusive. " + QueryParsing.TimeDescription)] string? to,
        [Description("Minimum duration of the attempt in milliseconds.")] string? minDurationMs,
        [Description("Correlation id, exact match.")] string? correlationId,
        [Description("Exchange id (UUID).")] string? exchangeId,
        [Description("Business key, exact match.")] string? key,
        [Description(JournalFilterParsing.TextDescription)] string? q,
        [Description("Maximum rows written, 1 to 1,000,000. Default 100,000.")] string? limit,
        HttpContext http, IJournal journal, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        CancellationToken cancellationToken)
    {
        var errors = new Validation();
        var filters = new JournalFilterParameters(
            endpoint, direction, outcome, status, operation, from, to, minDurationMs, correlationId, exchangeId, key, q);
        var query = JournalFilterParsing.Parse(filters, errors);
        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && !string.IsNullOrEmpty(format) && !string.Equals(format, "ndjson", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("format", $"'{format}' is not ndjson or csv.");
        }

        var maxRows = ParseExportLimit(limit, errors);
        if (!errors.IsValid)
        {
            return RouteChecks.Invalid(errors, "Invalid journal export");
        }

        // Headers go out before the first row; a database error after that cuts the stream short.
        http.Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"journal.{(csv ? "csv" : "ndjson")}\"";
        http.Response.Headers["X-Export-Row-Limit"] = maxRows.ToString(CultureInfo.InvariantCulture);
        var rows = journal.ExportAsync(query, maxRows, cancellationToken);
        if (csv)
        {
            await WriteCsvAsync(http.Response, rows, cancellationToken);
        }
        else
        {
            await WriteNdjsonAsync(http.Response, rows, json.Value.SerializerOptions, cancellationToken);
        }

        return Results.Empty;
    }

    private static async Task<Results<Ok<RetentionReport>, ValidationProblem>> RunRetentionAsync(
        [Description("true to only report what a run would change. Default false.")] string? dryRun,
        IGrainFactory grains)
    {
        // A value other than true or false is rejected rather than read as false, because a misspelled true would
        // otherwise run a real retention that deletes journal rows.
        var onlyCount = false;
        if (dryRun is not null && !bool.TryParse(dryRun, out onlyCount))
        {
            var errors = new Validation();
            errors.Add("dryRun", $"'{dryRun}' is not true or false; send dryRun=true to only report what a run would change.");
            return RouteChecks.Invalid(errors, "Invalid retention request");
        }

        var report = await grains.GetGrain<IJournalRetentionGrain>(IJournalRetentionGrain.Key).RunAsync(onlyCount);
        return TypedResults.Ok(report);
    }

    private static async Task<Ok<IReadOnlyList<JournalTierStats>>> StatsAsync(
        JournalStatistics statistics, CancellationToken cancellationToken) =>
        TypedResults.Ok(await statistics.ReadAsync(cancellationToken));

    private static long ParseExportLimit(string? value, Validation errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return DefaultExportRows;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var rows) && rows is >= 1 and <= MaxExportRows)
        {
            return rows;
        }

        errors.Add("limit", $"Must be a whole number from 1 to {MaxExportRows}.");
        return DefaultExportRows;
    }

    private static async Task WriteNdjsonAsync(
        HttpResponse response, IAsyncEnumerable<JournalEntry> rows, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var entry in rows)
        {
            await JsonSerializer.SerializeAsync(response.Body, JournalSummaryView.From(entry), options, cancellationToken);
            await response.Body.WriteAsync("\n"u8.ToArray(), cancellationToken);
            if (++count % 1000 == 0)
            {
                await response.Body.FlushAsync(cancellationToken);
            }
        }
    }

    private static async Task WriteCsvAsync(
        HttpResponse response, IAsyncEnumerable<JournalEntry> rows, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await writer.WriteLineAsync(string.Join(',', CsvColumns));
        await foreach (var e in rows)
        {
            string?[] fields =
            [
                e.Id.ToString(), e.StartedAt.ToString("O", CultureInfo.InvariantCulture), e.EndpointId, e.Direction.ToString(),
                e.Operation, e.Method, e.Url, e.StatusCode?.ToString(CultureInfo.InvariantCulture), e.Outcome.ToString(),
                e.DurationMs.ToString("0.###", CultureInfo.InvariantCulture), e.ExchangeId.ToString(),
                e.Attempt.ToString(CultureInfo.InvariantCulture), e.Trigger.ToString(), e.CorrelationId, e.Error,
                string.Join(';', e.BusinessKeys),
            ];
            await writer.WriteLineAsync(string.Join(',', fields.Select(CsvField)));
        }

        await writer.FlushAsync(cancellationToken);
    }

    // RFC 4180 quoting; a leading =, +, - or @ gets a quote mark so spreadsheets do not run it as a formula.
    private static string CsvField(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
