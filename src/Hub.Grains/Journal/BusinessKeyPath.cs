using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace CrmAI.Hub.Journal;

/// <summary>
/// A JSON path of the form <c>$.order.number</c>, <c>$.items[0].sku</c> or <c>$.items[*].sku</c>: member names
/// and array indexes from the root, where <c>[*]</c> takes every element. Filters, recursive descent and
/// quoted member names are not supported.
/// </summary>
public sealed class BusinessKeyPath
{
    /// <summary>Maximum length of one extracted value; longer values are skipped, not cut.</summary>
    public const int MaxValueLength = 200;

    private readonly Segment[] _segments;

    private BusinessKeyPath(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    /// <summary>Member names on the path, for checking them against the redacted JSON fields.</summary>
    public IEnumerable<string> MemberNames => _segments.Where(s => s.Name is not null).Select(s => s.Name!);

    /// <summary>Parses a path; returns false with a reason for anything outside the supported form.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out BusinessKeyPath? path, out string error)
    {
        path = null;
        error = "";
        if (!text.StartsWith("$.", StringComparison.Ordinal))
        {
            error = $"'{text}' must start with '$.', as in $.order.number.";
            return false;
        }

        var segments = new List<Segment>();
        foreach (var part in text[2..].Split('.'))
        {
            if (!TryParsePart(part, segments))
            {
                error = $"'{text}' is not a supported JSON path: use member names, [n] and [*], as in $.items[*].sku.";
                return false;
            }
        }

        path = new BusinessKeyPath(text, [.. segments]);
        return true;
    }

    /// <summary>Adds the string and number values found at this path in <paramref name="root"/>.</summary>
    public void Collect(JsonElement root, ICollection<string> values) => Collect(root, 0, values);

    private void Collect(JsonElement element, int index, ICollection<string> values)
    {
        if (index == _segments.Length)
        {
            AddValue(element, values);
            return;
        }

        var segment = _segments[index];
        if (segment.Name is not null)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(segment.Name, out var member))
            {
                Collect(member, index + 1, values);
            }

            return;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        if (segment.Index is { } position)
        {
            if (position < element.GetArrayLength())
            {
                Collect(element[position], index + 1, values);
            }

            return;
        }

        foreach (var item in element.EnumerateArray())
        {
            Collect(item, index + 1, values);
        }
    }

    private static void AddValue(JsonElement element, ICollection<string> values)
    {
        var value = element.ValueKind switch
        {
            JsonValueKind.String => StringOrNull(element),
            JsonValueKind.Number => element.GetRawText(),
            _ => null,
        };
        if (!string.IsNullOrEmpty(value) && value.Length <= MaxValueLength && !values.Contains(value))
        {
            values.Add(value);
        }
    }

    // A string that is not valid Unicode, because of bytes that are not UTF-8 or an escaped lone surrogate, cannot be
    // stored as text, so it is skipped. JsonElement throws on such a string only when it is read.
    private static string? StringOrNull(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    // A part is a member name followed by any number of [n] or [*], or only the brackets after "$.".
    private static bool TryParsePart(string part, List<Segment> segments)
    {
        var bracket = part.IndexOf('[', StringComparison.Ordinal);
        var name = bracket < 0 ? part : part[..bracket];
        if (name.Length == 0 || name.AsSpan().IndexOfAny("[]*$ ") >= 0)
        {
            return false;
        }

        segments.Add(new Segment(name, null));
        var rest = bracket < 0 ? "" : part[bracket..];
        while (rest.Length > 0)
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (rest[0] != '[' || close < 2)
            {
                return false;
            }

            var inside = rest[1..close];
            if (inside == "*")
            {
                segments.Add(new Segment(null, null));
            }
            else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            {
                segments.Add(new Segment(null, position));
            }
            else
            {
                return false;
            }

            rest = rest[(close + 1)..];
        }

        return true;
    }

    // A member name, an array index, or neither for [*].
    private readonly record struct Segment(string? Name, int? Index);
}
