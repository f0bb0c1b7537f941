namespace CrmAI.Hub.Outbound;

/// <summary>
/// Builds the URL of an exchange from the endpoint's base URL, the exchange's relative path and its query.
/// </summary>
public static class ExchangeUrl
{
    public static Uri Build(Uri baseUrl, string path, IReadOnlyDictionary<string, string> query)
    {
        var builder = new UriBuilder(baseUrl);
        var basePath = builder.Path.TrimEnd('/');
        var relative = path.TrimStart('/');
        builder.Path = relative.Length == 0 ? basePath + "/" : $"{basePath}/{relative}";

        // A path may carry its own query string, which goes after the base URL's.
        var pathQuery = "";
        var mark = relative.IndexOf('?', StringComparison.Ordinal);
        if (mark >= 0)
        {
            builder.Path = $"{basePath}/{relative[..mark]}";
            pathQuery = relative[(mark + 1)..];
        }

        var parts = new List<string>();
        AddIfPresent(parts, builder.Query.TrimStart('?'));
        AddIfPresent(parts, pathQuery);
        foreach (var (name, value) in query)
        {
            parts.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}");
        }

        builder.Query = string.Join('&', parts);
        return builder.Uri;
    }

    /// <summary>Returns the reason a relative path is unsafe to append to a base URL, or null when it is fine.</summary>
    public static string? Validate(string path)
    {
        // A URL inside the query string, such as a return address, is only a value.
        if (path.Split('?', 2)[0].Contains("://", StringComparison.Ordinal) || path.StartsWith("//", StringComparison.Ordinal))
        {
            return "must be a path relative to the endpoint's base URL, not an absolute URL";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "must not contain backslashes";
        }

        // Some servers also split paths at a backslash, or read "..;" as "..", so both count after decoding.
        var decoded = Uri.UnescapeDataString(path.Split('?', 2)[0]);
        if (decoded.Contains('\\', StringComparison.Ordinal))
        {
            return "must not contain backslashes, also not encoded as %5C";
        }

        if (decoded.Split('/').Any(segment => segment == ".." || segment.StartsWith("..;", StringComparison.Ordinal)))
        {
            return "must not contain '..' segments";
        }

        return path.Any(char.IsControl) || decoded.Any(char.IsControl)
            ? "must not contain control characters, also not encoded as %00 to %1F"
            : null;
    }

    private static void AddIfPresent(List<string> parts, string value)
    {
        if (value.Length > 0)
        {
            parts.Add(value);
        }
    }
}
