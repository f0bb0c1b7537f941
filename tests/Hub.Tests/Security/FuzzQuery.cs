using System.Text;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Builds hostile query strings and route values: unparseable dates, out-of-range numbers, repeated parameters,
/// values of 10 KiB, encoded NUL and invalid UTF-8. Every choice comes from the given <see cref="Random"/>.
/// </summary>
public static class FuzzQuery
{
    /// <summary>Length of the long query values, in characters.</summary>
    public const int LongValueLength = 10 * 1024;

    // Values as they appear in the query string, already percent-encoded where the encoding is the point.
    private static readonly string[] Dates =
    [
        "2026-13-45", "2026-02-30", "yesterday", "now", "0000-00-00", "-0001-01-01", "2026-12-04T25:00:00Z",
        "0001-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59.9999999-14:00", "0001-01-01", "9999-12-31", "1e9", "T",
        "2026-12-04T15:42:00Z", "2026-12-04", "%D9%A2%D9%A0%D9%A2%D9%A6-01-01", "12/04/2026", "1733326920",
    ];

    private static readonly string[] Numbers =
    [
        "-1", "0", "1", "500", "501", "2147483647", "2147483648", "-2147483649", "9223372036854775808", "1e308", "1.5",
        "NaN", "Infinity", "-0", "%2B5", "%205", "5%20", "0x10", "%EF%BC%95", "1,2", "1000001", "00000000000000000001",
    ];

    private static readonly string[] Texts =
    [
        "", "%00", "a%00b", "%FF%FE", "%C0%80", "%ED%A0%80", "%ZZ", "%", "%2", "a%26b%3Dc", "%3Cscript%3E",
        "%27%20OR%201%3D1--", "%E2%80%AE", "%F0%9F%92%A5", "..%2F..%2F", "%0D%0AX-Injected:%201", "%09", "+", "%2C%2C%2C",
        "Inbound", "outbound", "INBOUND", "Success", "success%2CTimeout", "0", "5xx", "6xx", "99", "600", "open", "all",
        "Pending", "true", "false", "TRUE", "yes", "ndjson", "csv", "xml", "%E5%8F%97%E4%BF%A1",
    ];

    /// <summary>Returns one short encoded value: a date, a number or text.</summary>
    public static string Value(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return random.Next(9) switch
        {
            0 or 1 => Pick(random, Dates),
            2 or 3 or 4 => Pick(random, Numbers),
            5 => RandomText(random, random.Next(1, 40)),
            _ => Pick(random, Texts),
        };
    }

    /// <summary>Returns a value of <see cref="LongValueLength"/> characters: digits, letters or encoded bytes.</summary>
    public static string LongValue(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return random.Next(4) switch
        {
            0 => new string('9', LongValueLength),
            1 => new string('a', LongValueLength),
            2 => string.Concat(Enumerable.Repeat("%00", LongValueLength / 3)),
            _ => RandomText(random, LongValueLength / 3),
        };
    }

    /// <summary>
    /// Returns a query string (with its leading '?') of one to four parameters drawn from <paramref name="names"/>
    /// and an occasional unknown one. A parameter may come without a value or repeated, and at most one has a value
    /// of <see cref="LongValueLength"/> characters, so the URL stays within the request line that Kestrel accepts.
    /// </summary>
    public static string QueryString(Random random, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(names);
        var parts = new List<string>();
        var count = random.Next(1, 5);
        var longAt = random.Next(3) == 0 ? random.Next(count) : -1;
        for (var i = 0; i < count; i++)
        {
            var name = names.Count == 0 || random.Next(8) == 0 ? UnknownName(random) : Pick(random, names);
            switch (i == longAt ? -1 : random.Next(10))
            {
                case -1:
                    parts.Add($"{name}={LongValue(random)}");
                    break;
                case 0:
                    parts.Add(name);
                    break;
                case 1:
                    // Repeated: twice, or past the hub's limit of 50 values for list parameters.
                    var repeats = random.Next(2) == 0 ? 2 : 60;
                    parts.AddRange(Enumerable.Range(0, repeats).Select(_ => $"{name}={Value(random)}"));
                    break;
                default:
                    parts.Add($"{name}={Value(random)}");
                    break;
            }
        }

        return "?" + string.Join('&', parts);
    }

    /// <summary>Returns an encoded route value: too long, not an id, encoded slashes, or a random UUID.</summary>
    /// <remarks>
    /// NOTE: the value never contains %00, because Kestrel rejects a NUL in the path with a bare 400 before any
    /// middleware of the hub runs, so no ProblemDetails can be written for it.
    /// </remarks>
    public static string RouteValue(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var value = random.Next(8) switch
        {
            0 => new string('a', 65),
            1 => LongValue(random),
            2 => new Guid(RandomBytes(random, 16)).ToString(),
            3 => new Guid(RandomBytes(random, 16)).ToString("N"),
            4 => Pick(random, Texts),
            5 => Pick(random, Numbers),
            _ => RandomText(random, random.Next(1, 80)),
        };
        return value.Replace("%00", "", StringComparison.Ordinal);
    }

    // Percent-encodes random code points, so the value may hold any character, including NUL and line breaks.
    private static string RandomText(Random random, int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            var codePoint = random.Next(3) switch
            {
                0 => random.Next(0x00, 0x80),
                1 => random.Next(0x80, 0xD800),
                _ => random.Next(0x10000, 0x10FFFF),
            };
            text.Append(char.ConvertFromUtf32(codePoint));
        }

        return Uri.EscapeDataString(text.ToString());
    }

    private static string UnknownName(Random random) =>
        Pick(random, ["x", "limit2", "LIMIT", "from[]", "%00", "a%26b", "", "%E2%80%AE", new string('n', 300)]);

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
