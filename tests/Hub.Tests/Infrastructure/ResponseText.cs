using System.Text.Json;
using Xunit;

namespace CrmAI.Hub.Tests.Infrastructure;

/// <summary>
/// Checks on response and journal text that many tests share.
/// </summary>
public static class ResponseText
{
    /// <summary>
    /// Asserts that the text shows no .NET internals: no stack frames and no exception type names.
    /// </summary>
    public static void AssertNoInternals(string text)
    {
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Asserts that <paramref name="secret"/> occurs nowhere in a JSON text: not in the raw text, not in any string
    /// value once JSON escapes are decoded, and not inside string values that hold JSON themselves (stored bodies).
    /// </summary>
    public static void AssertNoSecret(string jsonText, string secret)
    {
        Assert.DoesNotContain(secret, jsonText, StringComparison.Ordinal);
        foreach (var value in StringValues(JsonDocument.Parse(jsonText).RootElement))
        {
            Assert.DoesNotContain(secret, value, StringComparison.Ordinal);
        }
    }

    // Every string value in the document, and in the documents that string values parse as.
    private static IEnumerable<string> StringValues(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var value in element.EnumerateObject().SelectMany(p => StringValues(p.Value)))
                {
                    yield return value;
                }

                break;
            case JsonValueKind.Array:
                foreach (var value in element.EnumerateArray().SelectMany(StringValues))
                {
                    yield return value;
                }

                break;
            case JsonValueKind.String:
                var text = element.GetString()!;
                yield return text;
                foreach (var nested in NestedJson(text).SelectMany(StringValues))
                {
                    yield return nested;
                }

                break;
        }
    }

    private static IEnumerable<JsonElement> NestedJson(string text)
    {
        var trimmed = text.TrimStart();
        if (trimmed.Length == 0 || trimmed[0] is not ('{' or '['))
        {
            return [];
        }

        try
        {
            return [JsonDocument.Parse(text).RootElement.Clone()];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
