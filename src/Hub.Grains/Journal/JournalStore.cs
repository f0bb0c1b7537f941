using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CrmAI.Hub.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Journal;

/// <summary>
/// The journal in PostgreSQL: appends go through the batched <see cref="JournalWriter"/>, reads run as
/// parameterized queries.
/// </summary>
public sealed partial class JournalStore(NpgsqlDataSource dataSource, JournalWriter writer) : IJournal
{
    private const string Columns =
        "id, exchange_id, attempt, endpoint_id, direction, operation, method, url, request_headers, " +
        "request_content_type, request_body, request_body_bytes, request_body_size, request_body_sha256, " +
        "request_body_truncated, status_code, response_headers, response_content_type, response_body, " +
        "response_body_bytes, response_body_size, response_body_sha256, response_body_truncated, duration_ms, " +
        "outcome, error, correlation_id, started_at, silo, trigger, business_keys, trace_id, redirects";

    // Lists show no bodies, so they are not read: a page of 500 entries would otherwise carry up to 500 bodies.
    private static readonly string SummaryColumns = Columns
        .Replace("request_body, request_body_bytes", "NULL::text, NULL::bytea", StringComparison.Ordinal)
        .Replace("response_body, response_body_bytes", "NULL::text, NULL::bytea", StringComparison.Ordinal);

    public ValueTask<Task> AppendAsync(JournalEntry entry, CancellationToken cancellationToken) =>
        writer.AppendAsync(entry, cancellationToken);

    public async Task<JournalEntry?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM journal_entries WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id, NpgsqlDbType = NpgsqlDbType.Uuid });

        var entries = await ReadAllAsync(command, cancellationToken);
        return entries.Count == 0 ? null : entries[0];
    }

    public async Task<IReadOnlyList<JournalEntry>> GetExchangeAsync(Guid exchangeId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {SummaryColumns} FROM journal_entries WHERE exchange_id = $1 ORDER BY attempt, started_at");
        command.Parameters.Add(new NpgsqlParameter { Value = exchangeId, NpgsqlDbType = NpgsqlDbType.Uuid });

        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<JournalPage> QueryAsync(JournalQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var sql = new StringBuilder($"SELECT {SummaryColumns} FROM {JournalFilterSql.Source(command, query)} WHERE TRUE");
        JournalFilterSql.Append(sql, command, query);
        if (query.After is { } after)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = after.StartedAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = after.Id, NpgsqlDbType = NpgsqlDbType.Uuid });
            var count = command.Parameters.Count;
            sql.Append(CultureInfo.InvariantCulture, $" AND (started_at, id) < (${count - 1}, ${count})");
        }

        // Reading one row more than the page shows whether a next page exists.
        command.Parameters.Add(new NpgsqlParameter { Value = query.Limit + 1, NpgsqlDbType = NpgsqlDbType.Integer });
        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY started_at DESC, id DESC LIMIT ${command.Parameters.Count}");
        command.CommandText = sql.ToString();

        var entries = await ReadAllAsync(command, cancellationToken);
        if (entries.Count <= query.Limit)
        {
            return new JournalPage(entries, null);
        }

        var page = entries.GetRange(0, query.Limit);
        var last = page[^1];
        return new JournalPage(page, new JournalCursor(last.StartedAt, last.Id));
    }

    private static async Task<List<JournalEntry>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<JournalEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(ReadEntry(reader));
        }

        return entries;
    }

    private static JournalEntry ReadEntry(DbDataReader reader) => new()
    {
        Id = reader.GetGuid(0),
        ExchangeId = reader.GetGuid(1),
        Attempt = reader.GetInt32(2),
        EndpointId = reader.GetString(3),
        Direction = Enum.Parse<Direction>(reader.GetString(4)),
        Operation = reader.GetString(5),
        Method = reader.GetString(6),
        Url = reader.GetString(7),
        RequestHeaders = ReadHeaders(reader, 8)!,
        RequestBody = ReadBody(reader, 9)!,
        StatusCode = reader.IsDBNull(15) ? null : reader.GetInt32(15),
        ResponseHeaders = ReadHeaders(reader, 16),
        ResponseBody = ReadBody(reader, 17),
        DurationMs = reader.GetDouble(23),
        Outcome = Enum.Parse<Outcome>(reader.GetString(24)),
        Error = NullableString(reader, 25),
        CorrelationId = NullableString(reader, 26),
        StartedAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(27)),
        Silo = reader.GetString(28),
        Trigger = Enum.Parse<AttemptTrigger>(reader.GetString(29)),
        BusinessKeys = reader.GetFieldValue<string[]>(reader.GetOrdinal("business_keys")),
        TraceId = NullableString(reader, reader.GetOrdinal("trace_id")),
        Redirects = NullableString(reader, reader.GetOrdinal("redirects")) is { } redirects
            ? JsonSerializer.Deserialize<RedirectHop[]>(redirects, JournalJson.Options)!
            : [],
    };

    // Reads the six body columns that start at the given ordinal; a null size means no response body.
    private static JournalBody? ReadBody(DbDataReader reader, int first)
    {
        if (reader.IsDBNull(first + 3))
        {
            return null;
        }

        return new JournalBody(
            Text: NullableString(reader, first + 1),
            Bytes: reader.IsDBNull(first + 2) ? null : reader.GetFieldValue<byte[]>(first + 2),
            Size: reader.GetInt64(first + 3),
            Sha256: NullableString(reader, first + 4),
            Truncated: reader.GetBoolean(first + 5),
            ContentType: NullableString(reader, first));
    }

    private static Dictionary<string, string>? ReadHeaders(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal)
            ? null
            : JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(ordinal));

    private static string? NullableString(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
