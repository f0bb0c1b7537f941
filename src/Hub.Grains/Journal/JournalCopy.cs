using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Journal;

/// <summary>
/// Writes journal rows with one binary COPY, all or nothing.
/// </summary>
internal static class JournalCopy
{
    private const string Command =
        "COPY journal_entries (id, exchange_id, attempt, endpoint_id, direction, operation, method, url, " +
        "request_headers, request_content_type, request_body, request_body_bytes, request_body_size, " +
        "request_body_sha256, request_body_truncated, status_code, response_headers, response_content_type, " +
        "response_body, response_body_bytes, response_body_size, response_body_sha256, response_body_truncated, " +
        "duration_ms, outcome, error, correlation_id, started_at, silo, trigger, business_keys, trace_id, redirects) FROM STDIN (FORMAT BINARY)";

    public static async Task WriteAsync(
        NpgsqlDataSource dataSource, IEnumerable<JournalEntry> entries, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var import = await connection.BeginBinaryImportAsync(Command, cancellationToken);
        foreach (var entry in entries)
        {
            await import.StartRowAsync(cancellationToken);
            await WriteRowAsync(import, entry, cancellationToken);
        }

        await import.CompleteAsync(cancellationToken);
    }

    private static async Task WriteRowAsync(
        NpgsqlBinaryImporter import, JournalEntry entry, CancellationToken cancellationToken)
    {
        await import.WriteAsync(entry.Id, NpgsqlDbType.Uuid, cancellationToken);
        await import.WriteAsync(entry.ExchangeId, NpgsqlDbType.Uuid, cancellationToken);
        await import.WriteAsync(entry.Attempt, NpgsqlDbType.Integer, cancellationToken);
        await import.WriteAsync(entry.EndpointId, NpgsqlDbType.Text, cancellationToken);
        await import.WriteAsync(entry.Direction.ToString(), NpgsqlDbType.Text, cancellationToken);
        await import.WriteAsync(entry.Operation, NpgsqlDbType.Text, cancellationToken);
        await import.WriteAsync(entry.Method, NpgsqlDbType.Text, cancellationToken);
        await import.WriteAsync(entry.Url, NpgsqlDbType.Text, cancellationToken);
        await import.WriteAsync(Headers(entry.RequestHeaders), NpgsqlDbType.Jsonb, cancellationToken);
        await WriteBodyAsync(import, entry.RequestBody, cancellationToken);
        await WriteNullableAsync(import, entry.StatusCode, NpgsqlDbType.Integer, cancellationToken);
        await WriteNullableAsync(import, entry.ResponseHeaders is null ? null : Headers(entry.ResponseHeaders),
            NpgsqlDbType.Jsonb, cancellationToken);
        if (entry.ResponseBody is null)
        {
            for (var i = 0; i < 6; i++)
            {
                await import.WriteNullAsync(cancellationToken);
            }
        }
        else
        {
            await WriteBodyAsync(import, entry.ResponseBody, cancellationToken);
        }

        await import.WriteAsync(entry.DurationMs, NpgsqlDbType.Double, cancellationToken);
        await import.WriteAsync(entry.Outcome.ToString(), NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(import, entry.Error, NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(import, entry.CorrelationId, NpgsqlDbType.Text, cancellationToken);
        await import.WriteAsync(entry.StartedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
        await import.WriteAsync(entry.Silo, NpgsqlDbType.Text, cancellationToken);
        await import.WriteAsync(entry.Trigger.ToString(), NpgsqlDbType.Text, cancellationToken);
        await import.WriteAsync(entry.BusinessKeys.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(import, entry.TraceId, NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(import, entry.Redirects.Count == 0 ? null : JsonSerializer.Serialize(entry.Redirects, JournalJson.Options),
            NpgsqlDbType.Jsonb, cancellationToken);
    }

    // Writes content type, text, bytes, size, SHA-256 and truncated flag, in the column order of the COPY.
    private static async Task WriteBodyAsync(
        NpgsqlBinaryImporter import, JournalBody body, CancellationToken cancellationToken)
    {
        await WriteNullableAsync(import, body.ContentType, NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(import, body.Text, NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(import, body.Bytes, NpgsqlDbType.Bytea, cancellationToken);
        await import.WriteAsync(body.Size, NpgsqlDbType.Bigint, cancellationToken);
        await WriteNullableAsync(import, body.Sha256, NpgsqlDbType.Text, cancellationToken);
        await import.WriteAsync(body.Truncated, NpgsqlDbType.Boolean, cancellationToken);
    }

    private static Task WriteNullableAsync<T>(
        NpgsqlBinaryImporter import, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null
            ? import.WriteNullAsync(cancellationToken)
            : import.WriteAsync(value, type, cancellationToken);

    private static string Headers(IReadOnlyDictionary<string, string> headers) =>
        JsonSerializer.Serialize(headers);
}
