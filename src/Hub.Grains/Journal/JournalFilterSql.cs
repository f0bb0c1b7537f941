using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Journal;

/// <summary>
/// Turns the filters of a <see cref="JournalQuery"/> into a parameterized WHERE clause on <c>journal_entries</c>.
/// </summary>
internal static class JournalFilterSql
{
    /// <summary>Returns the relation to select from, adding the parameters it uses; call it before <see cref="Append"/>.</summary>
    /// <remarks>
    /// PostgreSQL estimates an array containment on a GIN index at a fixed fraction of the rows, far more than one
    /// business key matches, and then walks the started_at index newest first looking for it: 0.4 s over a million
    /// rows. The subquery with OFFSET 0 cannot be merged into the outer query, so the key is looked up in the GIN
    /// index first and only its rows are sorted. A key that matches very many rows sorts them all.
    /// </remarks>
    public static string Source(NpgsqlCommand command, JournalQuery query)
    {
        if (query.BusinessKey is not { } key)
        {
            return "journal_entries";
        }

        var parameter = Parameter(command, new[] { key }, NpgsqlDbType.Array | NpgsqlDbType.Text);
        return $"(SELECT * FROM journal_entries WHERE business_keys @> {parameter} OFFSET 0) AS journal_entries";
    }

    /// <summary>Appends <c> AND …</c> conditions to <paramref name="sql"/> and their parameters to the command.</summary>
    public static void Append(StringBuilder sql, NpgsqlCommand command, JournalQuery query)
    {
        if (query.EndpointIds.Count > 0)
        {
            Add(sql, command, "endpoint_id = ANY({0})", query.EndpointIds.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        }

        if (query.Outcomes.Count > 0)
        {
            var outcomes = query.Outcomes.Select(o => o.ToString()).ToArray();
            Add(sql, command, "outcome = ANY({0})", outcomes, NpgsqlDbType.Array | NpgsqlDbType.Text);
        }

        AppendStatuses(sql, command, query.Statuses);
        AddIfSet(sql, command, "direction = {0}", query.Direction?.ToString(), NpgsqlDbType.Text);
        AddIfSet(sql, command, "operation = {0}", query.Operation, NpgsqlDbType.Text);
        AddIfSet(sql, command, "correlation_id = {0}", query.CorrelationId, NpgsqlDbType.Text);
        AddIfSet(sql, command, "exchange_id = {0}", query.ExchangeId, NpgsqlDbType.Uuid);
        AddIfSet(sql, command, "started_at >= {0}", query.From?.UtcDateTime, NpgsqlDbType.TimestampTz);
        AddIfSet(sql, command, "started_at < {0}", query.To?.UtcDateTime, NpgsqlDbType.TimestampTz);
        AddIfSet(sql, command, "duration_ms >= {0}", query.MinDurationMs, NpgsqlDbType.Double);
        if (query.Text is { } text)
        {
            Add(sql, command, "(request_body ILIKE {0} ESCAPE '\\' OR response_body ILIKE {0} ESCAPE '\\')",
                "%" + EscapeLike(text) + "%", NpgsqlDbType.Text);
        }
    }

    private static void AppendStatuses(StringBuilder sql, NpgsqlCommand command, IReadOnlyList<StatusFilter> statuses)
    {
        if (statuses.Count == 0)
        {
            return;
        }

        // Classes become ranges, so the index on status_code serves them as it serves exact codes.
        var conditions = new List<string>();
        var exact = statuses.Where(s => !s.IsClass).Select(s => s.Code).ToArray();
        if (exact.Length > 0)
        {
            conditions.Add($"status_code = ANY({Parameter(command, exact, NpgsqlDbType.Array | NpgsqlDbType.Integer)})");
        }

        foreach (var status in statuses.Where(s => s.IsClass))
        {
            var low = Parameter(command, status.Code, NpgsqlDbType.Integer);
            var high = Parameter(command, status.Code + 100, NpgsqlDbType.Integer);
            conditions.Add($"(status_code >= {low} AND status_code < {high})");
        }

        sql.Append(" AND (").Append(string.Join(" OR ", conditions)).Append(')');
    }

    private static void AddIfSet<T>(StringBuilder sql, NpgsqlCommand command, string condition, T? value, NpgsqlDbType type)
    {
        if (value is not null)
        {
            Add(sql, command, condition, value, type);
        }
    }

    private static void Add(StringBuilder sql, NpgsqlCommand command, string condition, object value, NpgsqlDbType type)
    {
        var name = Parameter(command, value, type);
        sql.Append(" AND ").Append(string.Format(CultureInfo.InvariantCulture, condition, name));
    }

    // Adds a positional parameter and returns its placeholder, such as $3.
    private static string Parameter(NpgsqlCommand command, object value, NpgsqlDbType type)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
        return "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}
