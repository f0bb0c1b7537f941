using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CrmAI.Hub.Api;

/// <summary>
/// Describes why a JSON request body failed to deserialize, in the words of the API: the field by its JSON path
/// and the expected value in plain words, without .NET type names or System.Text.Json wording.
/// </summary>
internal static class JsonBodyErrors
{
    /// <summary>Returns the offending field (a JSON path without <c>$.</c>, or <c>body</c>) and a message with the fix.</summary>
    public static (string Field, string Message) Describe(JsonException error, Type? bodyType, JsonSerializerOptions options)
    {
        if (IsSyntaxError(error) || bodyType is null)
        {
            return ("body", Malformed(error));
        }

        var segments = PathSegments(error.Path);
        var resolved = Resolve(bodyType, segments, options);
        if (resolved.UnknownMember is { } unknown)
        {
            var field = Join(segments);
            var known = string.Join(", ", unknown.Properties.Select(p => p.Name));
            return (field, $"Unknown field '{field}': check its spelling. The fields accepted here are: {known}.");
        }

        if (resolved.Type is null)
        {
            return ("body", Malformed(error));
        }

        var expected = ExpectedValue(resolved.Type, options);
        return segments.Count == 0
            ? ("body", $"The request body must be {expected}.")
            : (Join(segments), $"'{Join(segments)}' must be {expected}.");
    }

    // The reader reports syntax errors with a subclass of JsonException, which the serializer wraps; mapping and
    // conversion errors are plain JsonException instances.
    private static bool IsSyntaxError(JsonException error)
    {
        for (Exception? current = error; current is JsonException json; current = json.InnerException)
        {
            if (json.GetType() != typeof(JsonException))
            {
                return true;
            }
        }

        return false;
    }

    private static string Malformed(JsonException error)
    {
        var where = error.LineNumber is { } line && error.BytePositionInLine is { } position
            ? $" at line {line + 1}, byte {position + 1}"
            : "";
        return $"The request body is malformed JSON{where}: check for a missing or extra comma, quote or bracket, " +
            "and send one complete JSON object.";
    }

    /// <summary>Describes the JSON value that a type accepts, such as "a number" or "a list".</summary>
    public static string ExpectedValue(Type type, JsonSerializerOptions options)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        if (plain == typeof(string))
        {
            return "a string";
        }

        if (plain == typeof(bool))
        {
            return "true or false";
        }

        if (plain == typeof(int) || plain == typeof(long) || plain == typeof(short))
        {
            return "a whole number";
        }

        if (plain == typeof(double) || plain == typeof(float) || plain == typeof(decimal))
        {
            return "a number";
        }

        if (plain == typeof(DateTimeOffset) || plain == typeof(DateTime))
        {
            return "a date and time string such as \"2026-12-04T15:42:00Z\"";
        }

        if (plain.IsEnum)
        {
            return $"one of the strings {string.Join(", ", Enum.GetNames(plain).Select(n => $"\"{n}\""))}";
        }

        return options.GetTypeInfo(plain).Kind switch
        {
            JsonTypeInfoKind.Dictionary => "an object of names and values",
            JsonTypeInfoKind.Enumerable => "a list",
            JsonTypeInfoKind.Object => "an object",
            _ => "a value of the type that /openapi/v1.json documents",
        };
    }

    // Walks the JSON path through the contract of the body type. A final segment that names no property of an
    // object is an unknown member, because only JsonUnmappedMemberHandling.Disallow stops deserialization there.
    private static (Type? Type, JsonTypeInfo? UnknownMember) Resolve(
        Type bodyType, List<string> segments, JsonSerializerOptions options)
    {
        var type = bodyType;
        for (var i = 0; i < segments.Count; i++)
        {
            var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object:
                    var property = info.Properties.FirstOrDefault(
                        p => p.Name.Equals(segments[i], StringComparison.OrdinalIgnoreCase));
                    if (property is null)
                    {
                        return i == segments.Count - 1 ? (null, info) : (null, null);
                    }

                    type = property.PropertyType;
                    break;
                case JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Enumerable when info.ElementType is not null:
                    type = info.ElementType;
                    break;
                default:
                    return (null, null);
            }
        }

        return (type, null);
    }

    // Splits "$.retry.schedule[0]" into "retry", "schedule" and "[0]". A quoted name such as $['a.b'] stays whole.
    private static List<string> PathSegments(string? path)
    {
        var segments = new List<string>();
        var text = path ?? "$";
        var i = text.StartsWith('$') ? 1 : 0;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var end = text.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? text.Length : end;
                segments.Add(text[(i + 1)..end]);
                i = end;
            }
            else if (text.AsSpan(i).StartsWith("['"))
            {
                var end = text.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end;
                segments.Add(text[(i + 2)..end]);
                i = Math.Min(text.Length, end + 2);
            }
            else if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                end = end < 0 ? text.Length - 1 : end;
                segments.Add(text[i..(end + 1)]);
                i = end + 1;
            }
            else
            {
                break;
            }
        }

        return segments;
    }

    private static string Join(List<string> segments) =>
        string.Concat(segments.Select((s, i) => i == 0 || s.StartsWith('[') ? s : "." + s));
}
