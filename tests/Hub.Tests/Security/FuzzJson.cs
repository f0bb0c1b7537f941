using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Builds malformed and hostile JSON request bodies from a valid one: broken syntax, a wrong type or a huge value in
/// one field, odd strings, and bytes that are not UTF-8. Every choice comes from the given <see cref="Random"/>, so
/// a seed reproduces the same bodies.
/// </summary>
public static class FuzzJson
{
    /// <summary>Shortest long string, in characters; the longest has twice as many.</summary>
    /// <remarks>Written as raw UTF-8, the longest body stays under 1 MiB, a common request body limit.</remarks>
    private const int MinHugeLength = 100 * 1024;

    private static readonly JsonSerializerOptions RawUnicode = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const int HugeArrayLength = 100_000;
    private const int HugeObjectProperties = 20_000;
    private const string Placeholder = "@@fuzz-value@@";

    /// <summary>One value of every JSON type, for the pass that puts each of them into each field.</summary>
    public static readonly IReadOnlyList<string> WrongTypeValues =
    [
        "\"text\"", "\"\"", "\"NaN\"", "-1", "1.5", "true", "null", "{}", """{"a":[1]}""", "[]", "[null]", """["x",2]""",
    ];

    // Number literals at and beyond the limits of int, long and double.
    private static readonly string[] ExtremeNumbers =
    [
        "1e308", "-1e308", "1e309", "-1", "0", "-0", "2147483648", "-2147483649", "9223372036854775808", "4.9e-324",
        "1e-400", "0.1", "123456789012345678901234567890", new string('9', 400),
    ];

    // Literals that are not valid JSON numbers.
    private static readonly string[] BadNumbers = ["01", "1.", ".5", "+1", "-", "1e", "NaN", "Infinity", "0x10", "1_000"];

    // JSON string literals, escaped as they appear in the body, that validation and storage must survive.
    private static readonly string[] OddStrings =
    [
        "\"\"", "\" \"", "\"\\t\"", "\"\\u0000\"", "\"a\\u0000b\"", "\"a\\r\\nb\"", "\"\\ud800\"", "\"\\udfff\\ud800\"",
        "\"\\u202e\\u0645\"", "\"\\ud83d\\udca5\"", "\"../../etc/passwd\"", "\"%00%2e%2e/\"", "\"' OR 1=1 --\"",
        "\"<script>alert(1)</script>\"", "\"${jndi:ldap://x}\"", "\"http://169.254.169.254/\"", "\"-1s\"", "\"0s\"",
        "\"1e9d\"", "\"99999999999999999999d\"", "\"0.0000001ms\"", "\"1.5.5s\"", "\"NaN\"", "\"Infinity\"", "\"-1\"",
        "\"2147483648\"", "\"1e308\"", "\"true\"", "\"null\"", "\"\\\\\"", "\"\\\"\"",
    ];

    // Byte sequences that no UTF-8 decoder accepts: a lone continuation byte, overlong forms, an encoded surrogate,
    // a code point past U+10FFFF and a cut sequence.
    private static readonly byte[][] InvalidUtf8 =
    [
        [0x80], [0xFF], [0xFE, 0xFF], [0xC0, 0x80], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xE2, 0x82],
    ];

    /// <summary>Returns the JSON path of every property and array element below the root, parents first.</summary>
    public static IReadOnlyList<string> FieldPaths(JsonNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var paths = new List<string>();
        Collect(root, "", paths);
        return paths;
    }

    /// <summary>Returns the body with the value at <paramref name="path"/> replaced by raw bytes.</summary>
    public static byte[] Replace(JsonNode root, string path, ReadOnlySpan<byte> raw)
    {
        ArgumentNullException.ThrowIfNull(root);
        var copy = root.DeepClone();
        var (parent, key, index) = Locate(copy, path);
        if (key is not null)
        {
            parent.AsObject()[key] = Placeholder;
        }
        else
        {
            parent.AsArray()[index] = Placeholder;
        }

        var text = Encoding.UTF8.GetBytes(copy.ToJsonString());
        var marker = Encoding.UTF8.GetBytes($"\"{Placeholder}\"");
        var at = text.AsSpan().IndexOf(marker);
        return [.. text.AsSpan(0, at), .. raw, .. text.AsSpan(at + marker.Length)];
    }

    public static byte[] Replace(JsonNode root, string path, string raw) => Replace(root, path, Encoding.UTF8.GetBytes(raw));

    /// <summary>Returns one hostile body derived from <paramref name="baseline"/>, and a recipe that names the change.</summary>
    public static (string Recipe, byte[] Body) Mutate(Random random, JsonNode baseline)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(baseline);
        var paths = FieldPaths(baseline);
        var path = paths.Count == 0 ? null : paths[random.Next(paths.Count)];
        return random.Next(12) switch
        {
            0 => Truncate(random, baseline),
            1 => WrongRoot(random, baseline),
            2 => DeepNesting(random, baseline, path),
            3 => DuplicateProperty(random, baseline),
            4 => BadBytes(random, baseline, path),
            5 or 6 when path is not null => WrongType(random, baseline, path),
            7 when path is not null => HugeValue(random, baseline, path),
            8 when path is not null => ($"odd string: {path}", Replace(baseline, path, Pick(random, OddStrings))),
            9 when path is not null => ($"bad number literal: {path}", Replace(baseline, path, Pick(random, BadNumbers))),
            10 => BrokenFraming(random, baseline),
            _ => RandomBytes(random),
        };
    }

    /// <summary>
    /// Lists the members of <paramref name="contract"/>, as <paramref name="options"/> serializes it, that the body does
    /// not contain, so a baseline that misses a field added later fails loudly instead of leaving it unfuzzed.
    /// </summary>
    public static IReadOnlyList<string> MissingMembers(Type contract, JsonNode body, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(options);
        var missing = new List<string>();
        CollectMissing(options.GetTypeInfo(contract), body, "", missing, options);
        return missing;
    }

    private static (string, byte[]) Truncate(Random random, JsonNode baseline)
    {
        var text = Encoding.UTF8.GetBytes(baseline.ToJsonString());
        var length = random.Next(text.Length);
        return ($"truncated to {length} of {text.Length} bytes", text[..length]);
    }

    private static (string, byte[]) WrongRoot(Random random, JsonNode baseline)
    {
        string[] roots = ["[]", $"[{baseline.ToJsonString()}]", "\"text\"", "42", "-1", "true", "null", "\"\"", "1e308"];
        var root = Pick(random, roots);
        return ($"wrong root type: {(root.Length > 20 ? "[baseline]" : root)}", Encoding.UTF8.GetBytes(root));
    }

    private static (string, byte[]) DeepNesting(Random random, JsonNode baseline, string? path)
    {
        var depth = Pick(random, [65, 200, 1000, 20_000]);
        var arrays = random.Next(2) == 0;
        var nested = arrays
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
        var shape = arrays ? "arrays" : "objects";
        return path is null || random.Next(2) == 0
            ? ($"root of {depth} nested {shape}", Encoding.UTF8.GetBytes(nested))
            : ($"{depth} nested {shape} in {path}", Replace(baseline, path, nested));
    }

    // Repeats a member of some object with another value, or with its name in other letter case.
    private static (string, byte[]) DuplicateProperty(Random random, JsonNode baseline)
    {
        var objects = FieldPaths(baseline).Where(p => Find(baseline, p) is JsonObject { Count: > 0 }).Prepend("").ToList();
        var path = Pick(random, objects);
        var target = (path.Length == 0 ? baseline : Find(baseline, path)!).AsObject();
        var member = target.ElementAt(random.Next(target.Count));
        var name = random.Next(2) == 0 ? member.Key : member.Key.ToUpperInvariant();
        var value = random.Next(2) == 0 ? member.Value?.ToJsonString() ?? "null" : Pick(random, WrongTypeValues);
        var inner = target.ToJsonString()[1..^1];
        var duplicated = $"{{{JsonSerializer.Serialize(name)}:{value},{inner}}}";
        var recipe = $"duplicate property '{name}' in {(path.Length == 0 ? "root" : path)}";
        return path.Length == 0 ? (recipe, Encoding.UTF8.GetBytes(duplicated)) : (recipe, Replace(baseline, path, duplicated));
    }

    // Invalid UTF-8 or NUL bytes, inside a string value or between tokens.
    private static (string, byte[]) BadBytes(Random random, JsonNode baseline, string? path)
    {
        var bytes = random.Next(3) == 0 ? [0x00] : Pick(random, InvalidUtf8);
        var hex = Convert.ToHexString(bytes);
        if (path is not null && random.Next(2) == 0)
        {
            byte[] value = [(byte)'"', (byte)'a', .. bytes, (byte)'b', (byte)'"'];
            return ($"bytes {hex} inside a string at {path}", Replace(baseline, path, value));
        }

        var text = Encoding.UTF8.GetBytes(baseline.ToJsonString());
        var at = random.Next(text.Length + 1);
        return ($"bytes {hex} at offset {at}", [.. text.AsSpan(0, at), .. bytes, .. text.AsSpan(at)]);
    }

    private static (string, byte[]) WrongType(Random random, JsonNode baseline, string path)
    {
        var value = Pick(random, WrongTypeValues);
        return ($"wrong type: {path} = {value}", Replace(baseline, path, value));
    }

    private static (string, byte[]) HugeValue(Random random, JsonNode baseline, string path)
    {
        switch (random.Next(4))
        {
            case 0:
                var (kind, text) = HugeString(random);
                var literal = JsonSerializer.Serialize(text, RawUnicode);
                return ($"huge string ({kind}, {text.Length} chars) at {path}", Replace(baseline, path, literal));
            case 1:
                var number = Pick(random, ExtremeNumbers);
                return ($"extreme number at {path}: {(number.Length > 40 ? $"{number.Length} digits" : number)}",
                    Replace(baseline, path, number));
            case 2:
                var element = Pick(random, ["1", "\"x\"", "null", "{}", "\"1s\""]);
                var array = "[" + string.Join(',', Enumerable.Repeat(element, HugeArrayLength)) + "]";
                return ($"array of {HugeArrayLength} × {element} at {path}", Replace(baseline, path, array));
            default:
                var members = Enumerable.Range(0, HugeObjectProperties)
                    .Select(i => string.Create(CultureInfo.InvariantCulture, $"\"X-K{i}\":\"v\""));
                return ($"object of {HugeObjectProperties} members at {path}",
                    Replace(baseline, path, "{" + string.Join(',', members) + "}"));
        }
    }

    /// <summary>
    /// Returns a string of 100 Ki to 200 Ki characters: one repeated letter, random text of all planes, or line breaks.
    /// </summary>
    public static (string Kind, string Text) HugeString(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var length = MinHugeLength + random.Next(MinHugeLength);
        switch (random.Next(3))
        {
            case 0:
                return ("one letter", new string('a', length));
            case 1:
                var text = new StringBuilder(length + 1);
                while (text.Length < length)
                {
                    var codePoint = random.Next(4) == 0 ? random.Next(0x10000, 0x10FFFF) : random.Next(0x20, 0xD800);
                    text.Append(char.ConvertFromUtf32(codePoint));
                }

                return ("random code points", text.ToString());
            default:
                return ("line breaks and tabs", string.Concat(Enumerable.Repeat("a\r\n\t", length / 4)));
        }
    }

    private static (string, byte[]) BrokenFraming(Random random, JsonNode baseline)
    {
        var text = baseline.ToJsonString();
        var (recipe, body) = random.Next(7) switch
        {
            0 => ("trailing garbage", text + "}xyz"),
            1 => ("two root values", text + text),
            2 => ("comment before the value", "/* c */" + text),
            3 => ("trailing comma", text[..^1] + ",}"),
            4 => ("single quotes", text.Replace('"', '\'')),
            5 => ("empty body", ""),
            _ => ("whitespace only", " \r\n\t "),
        };
        return random.Next(4) == 0 ? ($"{recipe}, after a byte order mark", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(body)])
            : (recipe, Encoding.UTF8.GetBytes(body));
    }

    private static (string, byte[]) RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 2048)];
        random.NextBytes(bytes);
        return ($"{bytes.Length} random bytes", bytes);
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static void Collect(JsonNode node, string path, List<string> paths)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    paths.Add(child);
                    if (value is not null)
                    {
                        Collect(value, child, paths);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var child = string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]");
                    paths.Add(child);
                    if (array[i] is { } value)
                    {
                        Collect(value, child, paths);
                    }
                }

                break;
        }
    }

    private static JsonNode? Find(JsonNode root, string path)
    {
        var (parent, key, index) = Locate(root, path);
        return key is not null ? parent.AsObject()[key] : parent.AsArray()[index];
    }

    // Splits the last segment off a path made by Collect. Member names in the baselines contain no '.' or '['.
    private static (JsonNode Parent, string? Key, int Index) Locate(JsonNode root, string path)
    {
        var node = root;
        var segments = path.Replace("[", ".[", StringComparison.Ordinal).Split('.', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; ; i++)
        {
            var segment = segments[i];
            var isIndex = segment.StartsWith('[');
            var index = isIndex ? int.Parse(segment[1..^1], CultureInfo.InvariantCulture) : -1;
            if (i == segments.Length - 1)
            {
                return isIndex ? (node, null, index) : (node, segment, -1);
            }

            node = (isIndex ? node.AsArray()[index] : node.AsObject()[segment])!;
        }
    }

    private static void CollectMissing(
        JsonTypeInfo info, JsonNode? node, string path, List<string> missing, JsonSerializerOptions options)
    {
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when node is JsonObject obj:
                foreach (var property in info.Properties)
                {
                    var child = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (!obj.TryGetPropertyValue(property.Name, out var value))
                    {
                        missing.Add(child);
                        continue;
                    }

                    var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                    CollectMissing(options.GetTypeInfo(type), value, child, missing, options);
                }

                break;
            case JsonTypeInfoKind.Dictionary when node is JsonObject entries && info.ElementType is { } valueType:
                foreach (var (key, value) in entries)
                {
                    CollectMissing(options.GetTypeInfo(valueType), value, $"{path}.{key}", missing, options);
                }

                break;
            case JsonTypeInfoKind.Enumerable when node is JsonArray items && info.ElementType is { } elementType:
                foreach (var item in items)
                {
                    CollectMissing(options.GetTypeInfo(elementType), item, $"{path}[]", missing, options);
                }

                break;
        }
    }
}
