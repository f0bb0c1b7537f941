using System.Text;
using System.Text.Json;
using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Journal;

/// <summary>
/// Extracts business keys, such as order numbers, from JSON bodies at the endpoint's <c>businessKeys</c> paths.
/// </summary>
/// <remarks>
/// Values are read from the body before redaction, so a cut or masked body still yields its keys, but a path
/// that passes through a redacted JSON field is never read: a secret never becomes a key.
/// </remarks>
public sealed class BusinessKeyExtractor
{
    /// <summary>Maximum keys stored per journal entry.</summary>
    public const int MaxKeys = 32;

    // Larger bodies are not parsed for keys, which bounds the CPU spent on one attempt.
    private const int MaxParsedBytes = 4 * 1024 * 1024;

    private readonly BusinessKeyPath[] _paths;

    public BusinessKeyExtractor(EndpointConfig config)
    {
        var redacted = new HashSet<string>(config.RedactJsonFields, StringComparer.OrdinalIgnoreCase);
        _paths = [.. config.BusinessKeys
            .Select(text => BusinessKeyPath.TryParse(text, out var path, out _) ? path : null)
            .OfType<BusinessKeyPath>()
            .Where(path => !path.MemberNames.Any(redacted.Contains))];
    }

    public static BusinessKeyExtractor None { get; } = new(new EndpointConfig { BaseUrl = new Uri("http://127.0.0.1/") });

    /// <summary>Returns the distinct keys found in the given bodies, in path order.</summary>
    public IReadOnlyList<string> Extract(params ReadOnlySpan<ReadOnlyMemory<byte>> bodies)
    {
        if (_paths.Length == 0)
        {
            return [];
        }

        var keys = new List<string>();
        foreach (var body in bodies)
        {
            CollectFrom(body, keys);
        }

        return keys.Count > MaxKeys ? keys.GetRange(0, MaxKeys) : keys;
    }

    /// <summary>Returns the keys of one decoded text body.</summary>
    public IReadOnlyList<string> Extract(string? text) =>
        text is null || _paths.Length == 0 ? [] : Extract(Encoding.UTF8.GetBytes(text));

    private void CollectFrom(ReadOnlyMemory<byte> body, List<string> keys)
    {
        if (body.IsEmpty || body.Length > MaxParsedBytes || !LooksLikeJson(body.Span))
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var path in _paths)
            {
                path.Collect(document.RootElement, keys);
            }
        }
        catch (JsonException)
        {
            // Not JSON after all: such a body has no keys.
        }
    }

    private static bool LooksLikeJson(ReadOnlySpan<byte> body)
    {
        var trimmed = body.TrimStart(" \t\r\n"u8);
        return !trimmed.IsEmpty && trimmed[0] is (byte)'{' or (byte)'[';
    }
}
