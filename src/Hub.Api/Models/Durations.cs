using System.Globalization;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// Reads and writes durations as people type them: <c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>2d</c>.
/// </summary>
internal static class Durations
{
    private static readonly (string Suffix, double Milliseconds)[] Units =
        [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)];

    public const string Format = "a number with a unit: ms, s, m, h or d, such as '500ms', '30s' or '1h'";

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        foreach (var (suffix, milliseconds) in Units.OrderByDescending(u => u.Suffix.Length))
        {
            if (trimmed.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(trimmed[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                && value * milliseconds <= TimeSpan.FromDays(3650).TotalMilliseconds)
            {
                duration = TimeSpan.FromMilliseconds(value * milliseconds);
                return true;
            }
        }

        return false;
    }

    public static string Write(TimeSpan duration)
    {
        foreach (var (suffix, milliseconds) in Units.Reverse())
        {
            var value = duration.TotalMilliseconds / milliseconds;
            if (value >= 1 && value == Math.Floor(value))
            {
                return value.ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
