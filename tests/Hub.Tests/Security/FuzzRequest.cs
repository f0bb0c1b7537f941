using System.Globalization;
using System.Text;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// One request of the API fuzz pass: what is sent, byte for byte, and the recipe that produced it.
/// </summary>
/// <param name="Recipe">How the generator built the request, such as "wrong type: retry.maxAttempts = true".</param>
/// <param name="PathAndQuery">The target as sent, already percent-encoded.</param>
/// <param name="Body">The body bytes, or null for a request without a body.</param>
/// <param name="ContentType">The Content-Type header of the body.</param>
public sealed record FuzzRequest(
    string Recipe, HttpMethod Method, string PathAndQuery, byte[]? Body, string ContentType = "application/json")
{
    private const int PreviewBytes = 400;

    /// <summary>Extra request headers, sent without validation by the client.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public HttpRequestMessage ToMessage(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);

        // Concatenated rather than resolved, so the target keeps the encoding the generator chose.
        var message = new HttpRequestMessage(Method, new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + PathAndQuery));
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);

            // Without validation, so malformed media types reach the hub as they are.
            message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }

        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    /// <summary>
    /// Describes the request for a failure message: recipe, request line, headers and the start and end of the body,
    /// with bytes outside printable ASCII written as <c>\xNN</c>.
    /// </summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"recipe: {Recipe}\n");
        text.Append(CultureInfo.InvariantCulture, $"{Method} {Shorten(PathAndQuery, 600)}\n");
        foreach (var (name, value) in Headers)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}: {Shorten(value, 200)}\n");
        }

        if (Body is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"Content-Type: {ContentType}\n");
            text.Append(CultureInfo.InvariantCulture, $"body ({Body.Length} bytes): ");
            if (Body.Length <= PreviewBytes * 2)
            {
                text.Append(Printable(Body));
            }
            else
            {
                text.Append(Printable(Body.AsSpan(0, PreviewBytes)));
                text.Append(CultureInfo.InvariantCulture, $" … [{Body.Length - PreviewBytes * 2} bytes] … ");
                text.Append(Printable(Body.AsSpan(Body.Length - PreviewBytes)));
            }
        }

        return text.ToString();
    }

    /// <summary>Returns the whole request as HTTP/1.1 text, for a file that replays it byte for byte.</summary>
    public byte[] ToWireBytes(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{Method} {PathAndQuery} HTTP/1.1\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Host: {baseUrl.Authority}\r\n");
        head.Append("X-Api-Key: <admin key of the test hub>\r\n");
        foreach (var (name, value) in Headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        if (Body is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Type: {ContentType}\r\n");
            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {Body.Length}\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.UTF8.GetBytes(head.ToString()), .. Body ?? []];
    }

    private static string Shorten(string value, int keep) =>
        value.Length <= keep * 2 ? value : $"{value[..keep]} … [{value.Length - keep * 2} chars] … {value[^keep..]}";

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7F && b != (byte)'\\')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
            }
        }

        return text.ToString();
    }
}
