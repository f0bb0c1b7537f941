using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Outbound;

/// <summary>
/// Removes secrets from what the journal stores: credential headers, token-like query parameters, named
/// JSON and form fields at any depth, and every secret value of the endpoint wherever it appears.
/// </summary>
public sealed class Redactor
{
    public const string Mask = "[redacted]";

    // Keeps non-ASCII text and characters such as '+' readable, so stored bodies stay searchable and literal
    // secrets can still be found in them.
    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> SecretHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key",
    };

    // Query parameter names that are secret when they contain one of these parts, or equal one of the names.
    private static readonly string[] SecretQueryParts =
        ["token", "secret", "password", "passwd", "apikey", "api_key", "api-key", "signature", "credential"];

    // Auth challenges name the scheme and the error, not a secret, and the journal needs them to explain a 401.
    private static readonly HashSet<string> ChallengeHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "WWW-Authenticate", "Proxy-Authenticate",
    };

    // Header names are secret when they contain one of these parts, in addition to the query parts above.
    private static readonly string[] SecretHeaderParts = ["auth", "session", "cookie"];

    private static readonly HashSet<string> SecretQueryNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "key", "sig", "auth", "code", "pwd",
    };

    private readonly HashSet<string> _secretHeaders;
    private readonly HashSet<string> _jsonFields;
    private readonly string[] _secretValues;

    public Redactor(EndpointConfig config)
    {
        _secretHeaders = new HashSet<string>(SecretHeaders, StringComparer.OrdinalIgnoreCase);
        if (config.Auth is { Type: EndpointAuthType.Header, HeaderName: { } name })
        {
            _secretHeaders.Add(name);
        }

        if (config.InboundAuth is { } inboundAuth)
        {
            _secretHeaders.Add(inboundAuth.Header);
        }

        _jsonFields = new HashSet<string>(config.RedactJsonFields, StringComparer.OrdinalIgnoreCase);

        // Longest first, so a secret that contains another is replaced whole.
        _secretValues = (config.Auth?.Secrets() ?? [])
            .Concat(config.InboundAuth?.Secret is { Length: > 0 } inboundSecret ? [inboundSecret] : [])
            .Concat(config.Headers.Where(h => IsSecretHeader(h.Key)).Select(h => h.Value))
            .Where(s => s.Length >= 4)
            .OrderByDescending(s => s.Length)
            .ToArray();
    }

    /// <summary>Returns true for headers that carry credentials wherever they appear, judged by their name.</summary>
    /// <remarks>A name is secret when it is a known credential header, contains a part such as <c>token</c>,
    /// <c>auth</c> or <c>session</c>, or ends in <c>-key</c> or <c>_key</c> (but not <c>Idempotency-Key</c>).</remarks>
    public static bool IsSecretHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (ChallengeHeaders.Contains(name))
        {
            return false;
        }

        return SecretHeaders.Contains(name)
            || SecretQueryParts.Concat(SecretHeaderParts).Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase))
            || (name.EndsWith("-key", StringComparison.OrdinalIgnoreCase) || name.EndsWith("_key", StringComparison.OrdinalIgnoreCase))
                && !name.Equals("Idempotency-Key", StringComparison.OrdinalIgnoreCase);
    }

    public Dictionary<string, string> RedactHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            result[name] = _secretHeaders.Contains(name) || IsSecretHeader(name) ? Mask : ScrubSecrets(value);
        }

        return result;
    }

    public string RedactUrl(Uri url)
    {
        if (string.IsNullOrEmpty(url.Query))
        {
            return ScrubSecrets(url.GetLeftPart(UriPartial.Path));
        }

        var pairs = url.Query.TrimStart('?').Split('&')
            .Select(pair =>
            {
                var name = pair.Split('=', 2)[0];
                return IsSecretQueryName(Uri.UnescapeDataString(name)) ? $"{name}={Mask}" : pair;
            });

        return ScrubSecrets($"{url.GetLeftPart(UriPartial.Path)}?{string.Join('&', pairs)}");
    }

    /// <summary>Redacts body text by its media type: JSON fields, form fields, then literal secrets.</summary>
    public string RedactBody(string text, string? mediaType)
    {
        if (_jsonFields.Count > 0 && LooksLikeJson(text, mediaType) && TryRedactJson(text, out var json))
        {
            text = json;
        }
        else if (_jsonFields.Count > 0 && mediaType == "application/x-www-form-urlencoded")
        {
            text = RedactForm(text);
        }

        return ScrubSecrets(text);
    }

    /// <summary>Replaces every secret value of the endpoint that occurs in the text.</summary>
    public string ScrubSecrets(string text)
    {
        foreach (var secret in _secretValues)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    private static bool IsSecretQueryName(string name) =>
        SecretQueryNames.Contains(name) ||
        SecretQueryParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));

    private static bool LooksLikeJson(string text, string? mediaType)
    {
        if (mediaType is not null && (mediaType.EndsWith("/json", StringComparison.Ordinal)
            || mediaType.EndsWith("+json", StringComparison.Ordinal)))
        {
            return true;
        }

        var first = text.AsSpan().TrimStart();
        return first.Length > 0 && first[0] is '{' or '[';
    }

    private bool TryRedactJson(string text, out string redacted)
    {
        redacted = text;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            return false;
        }

        if (root is null || !RedactNode(root))
        {
            return true;
        }

        redacted = root.ToJsonString(RelaxedJson);
        return true;
    }

    // Returns true when something was replaced.
    private bool RedactNode(JsonNode node)
    {
        var changed = false;
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (_jsonFields.Contains(name))
                    {
                        obj[name] = Mask;
                        changed = true;
                    }
                    else if (obj[name] is { } child)
                    {
                        changed |= RedactNode(child);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        changed |= RedactNode(item);
                    }
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                var scrubbed = ScrubSecrets(text);
                if (scrubbed != text)
                {
                    value.ReplaceWith(JsonValue.Create(scrubbed));
                    changed = true;
                }

                break;
        }

        return changed;
    }

    private string RedactForm(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var pair in text.Split('&'))
        {
            var name = pair.Split('=', 2)[0];
            builder.Append(builder.Length == 0 ? "" : "&");
            builder.Append(_jsonFields.Contains(Uri.UnescapeDataString(name.Replace('+', ' '))) ? $"{name}={Mask}" : pair);
        }

        return builder.ToString();
    }
}
