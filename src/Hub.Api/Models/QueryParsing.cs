using System.Globalization;
using CrmAI.Hub.Journal;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// Parses query-string parameters, adding an error that names the parameter for each invalid one.
/// </summary>
internal static class QueryParsing
{
    /// <summary>OpenAPI description of the <c>from</c> and <c>to</c> parameters.</summary>
    public const string TimeDescription =
        "ISO 8601 date and time, such as 2026-12-04T15:42:00Z or 2026-12-04T18:42:00+03:00. A value without a time " +
        "zone is read as UTC, and a date alone as midnight UTC.";

    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>
    /// Returns a text filter, or null when it is empty. A value with a NUL character gets an error, because PostgreSQL
    /// text cannot hold one, so no stored value could match it.
    /// </summary>
    public static string? Text(string? value, string field, Validation errors)
    {
        if (value?.Contains('\0', StringComparison.Ordinal) == true)
        {
            errors.Add(field, $"{field} must not contain NUL characters (%00); no stored value contains one.");
            return null;
        }

        return NullIfEmpty(value);
    }

    public static string? Check(string? value, Func<string, bool> isValid, string field, string message, Validation errors)
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

    public static T? Enum<T>(string? value, string field, Validation errors)
        where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        // Exact names only: Enum.TryParse would also accept numbers and comma lists such as "Timeout,HttpError".
        var name = System.Enum.GetNames<T>().FirstOrDefault(n => n.Equals(value, StringComparison.OrdinalIgnoreCase));
        if (name is not null)
        {
            return System.Enum.Parse<T>(name);
        }

        errors.Add(field, $"'{value}' is not one of: {string.Join(", ", System.Enum.GetNames<T>())}.");
        return null;
    }

    public static DateTimeOffset? Time(string? value, string field, Validation errors)
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

    /// <summary>Adds an error to both parameters unless <paramref name="from"/> is earlier than the exclusive <paramref name="to"/>.</summary>
    public static void CheckRange(DateTimeOffset? from, DateTimeOffset? to, Validation errors)
    {
        if (from is { } start && to is { } end && start >= end)
        {
            var message = $"from ({start:O}) must be earlier than to ({end:O}), which is exclusive: swap them or widen the range.";
            errors.Add("from", message);
            errors.Add("to", message);
        }
    }

    public static System.Guid? Guid(string? value, string field, Validation errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (System.Guid.TryParse(value, out var parsed))
        {
            return parsed;
        }

        errors.Add(field, $"'{value}' is not a UUID.");
        return null;
    }

    public static int Limit(string? value, Validation errors)
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

    public static JournalCursor? Cursor(string? value, Validation errors)
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
