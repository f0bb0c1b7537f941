using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using CrmAI.Hub.Journal;

namespace CrmAI.Hub.Outbound;

/// <summary>
/// Turns body bytes into what the journal and the caller see: content encodings removed, text decoded by its
/// declared charset, binary kept as bytes, and the stored part cut to the journal's size limit.
/// </summary>
public static class BodyCodec
{
    /// <summary>Decoded size past which a compressed body is not inflated further.</summary>
    public const int MaxDecodedBytes = 64 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] BinaryMediaPrefixes =
        ["image/", "audio/", "video/", "font/", "application/octet-stream", "application/pdf", "application/zip",
         "application/gzip", "application/x-protobuf", "application/vnd.ms-excel", "application/msword"];

    static BodyCodec() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>A decoded body: the text, or null when the content is binary, and the decoded bytes.</summary>
    public sealed record Decoded(string? Text, byte[] Bytes, bool Cut);

    /// <summary>
    /// Removes the content encodings (gzip, deflate, br, applied in the listed order) and decodes text.
    /// A body whose encoding cannot be undone is returned as binary, unchanged.
    /// </summary>
    public static Decoded Decode(byte[] wire, string? contentType, IReadOnlyList<string> contentEncodings)
    {
        var bytes = wire;
        var cut = false;
        try
        {
            for (var i = contentEncodings.Count - 1; i >= 0; i--)
            {
                (bytes, var limited) = Decompress(bytes, contentEncodings[i]);
                cut |= limited;
            }
        }
        catch (Exception error) when (error is InvalidDataException or NotSupportedException)
        {
            return new Decoded(null, wire, false);
        }

        return new Decoded(DecodeText(bytes, contentType), bytes, cut);
    }

    /// <summary>Builds the stored form of a decoded body, redacted and cut to <paramref name="maxBytes"/>.</summary>
    public static JournalBody ToJournal(Decoded body, string? contentType, Redactor redactor, int maxBytes)
    {
        if (body.Bytes.Length == 0)
        {
            return JournalBody.Empty with { ContentType = contentType };
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(body.Bytes));
        if (body.Text is null)
        {
            var truncated = body.Cut || body.Bytes.Length > maxBytes;
            var stored = body.Bytes.Length > maxBytes ? body.Bytes[..maxBytes] : body.Bytes;
            return new JournalBody(null, stored, body.Bytes.Length, hash, truncated, contentType);
        }

        var text = redactor.RedactBody(body.Text, MediaType(contentType));
        var isCut = body.Cut || Encoding.UTF8.GetByteCount(text) > maxBytes;
        if (isCut)
        {
            text = CutToBytes(text, maxBytes);
        }

        return new JournalBody(text, null, body.Bytes.Length, isCut ? hash : null, isCut, contentType);
    }

    public static string? MediaType(string? contentType) =>
        contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            ? parsed.MediaType?.ToLowerInvariant()
            : null;

    private static (byte[] Bytes, bool Cut) Decompress(byte[] bytes, string encoding)
    {
        using var input = new MemoryStream(bytes);
        using Stream decoder = encoding.Trim().ToLowerInvariant() switch
        {
            "gzip" or "x-gzip" => new GZipStream(input, CompressionMode.Decompress),
            "deflate" => new ZLibStream(input, CompressionMode.Decompress),
            "br" => new BrotliStream(input, CompressionMode.Decompress),
            "identity" => input,
            var other => throw new NotSupportedException($"Content encoding '{other}' is not supported."),
        };

        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = decoder.Read(buffer)) > 0)
        {
            if (output.Length + read > MaxDecodedBytes)
            {
                output.Write(buffer, 0, (int)(MaxDecodedBytes - output.Length));
                return (output.ToArray(), true);
            }

            output.Write(buffer, 0, read);
        }

        return (output.ToArray(), false);
    }

    private static string? DecodeText(byte[] bytes, string? contentType)
    {
        var mediaType = MediaType(contentType);
        if (mediaType is not null && BinaryMediaPrefixes.Any(p => mediaType.StartsWith(p, StringComparison.Ordinal)))
        {
            return null;
        }

        var encoding = DeclaredEncoding(contentType);
        string? text;
        try
        {
            text = DecodeWithBom(bytes, encoding ?? StrictUtf8);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        // PostgreSQL text cannot hold NUL, and control characters mark content that is not text.
        return IsPlainText(text) ? text : null;
    }

    private static Encoding? DeclaredEncoding(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            || string.IsNullOrWhiteSpace(parsed.CharSet))
        {
            return null;
        }

        try
        {
            var declared = Encoding.GetEncoding(parsed.CharSet.Trim('"', ' '));
            return Encoding.GetEncoding(declared.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string DecodeWithBom(byte[] bytes, Encoding encoding)
    {
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return StrictUtf8.GetString(span[3..]);
        }

        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return new UnicodeEncoding(false, false, true).GetString(span[2..]);
        }

        if (span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return new UnicodeEncoding(true, false, true).GetString(span[2..]);
        }

        return encoding.GetString(span);
    }

    private static bool IsPlainText(string text)
    {
        foreach (var c in text)
        {
            if (c < ' ' && c is not ('\t' or '\r' or '\n' or '\f'))
            {
                return false;
            }
        }

        return true;
    }

    private static string CutToBytes(string text, int maxBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var end = Math.Min(maxBytes, bytes.Length);

        // Step back to the start of a UTF-8 sequence, so no character is split.
        while (end > 0 && end < bytes.Length && (bytes[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return Encoding.UTF8.GetString(bytes, 0, end);
    }
}
