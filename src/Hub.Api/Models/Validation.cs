using System.Text.RegularExpressions;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// Collects validation errors keyed by the JSON path of the offending field.
/// </summary>
internal sealed partial class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public static bool IsEndpointId(string? value) =>
        value is not null && EndpointIdPattern().IsMatch(value) && !IsHexNumberWithLeadingZero(value);

    public static bool IsToken(string? value) => value is { Length: > 0 } && TokenPattern().IsMatch(value);

    /// <summary>
    /// Checks custom headers: valid names given once each, values without line breaks, and none the hub sets itself.
    /// </summary>
    public void CheckHeaders(string field, IReadOnlyDictionary<string, string>? headers)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            if (!IsToken(name))
            {
                Add($"{field}.{name}", "Header name must be a valid HTTP token (letters, digits and !#$%&'*+-.^_`|~).");
            }
            else if (ReservedHeaders.Contains(name))
            {
                Add($"{field}.{name}", $"Header '{name}' is set by the hub and cannot be configured.");
            }
            else if (!seen.Add(name))
            {
                Add($"{field}.{name}", $"Header '{name}' is given twice in different letter case; header names ignore " +
                    "case, so send it once.");
            }

            if (value is null || value.Any(c => c is '\r' or '\n' or '\0'))
            {
                Add($"{field}.{name}", "Header value must be a string without line breaks.");
            }
        }
    }

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer",
    };

    public const string EndpointIdRule = "lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most " +
        "64 characters, and not a hexadecimal number with leading zeros such as '01'";

    // Orleans' ADO.NET storage reads a grain key made only of hexadecimal digits as a number, so the endpoints "01" and
    // "1" would share stored configuration, counters and alerts. Workaround for https://github.com/dotnet/orleans/issues/9706
    // NOTE: an endpoint created under such an id before this check is unreachable through the API.
    private static bool IsHexNumberWithLeadingZero(string value) =>
        value.Length > 1 && value[0] == '0' && value.All(char.IsAsciiHexDigitLower);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex EndpointIdPattern();

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex TokenPattern();
}
