namespace CrmAI.Hub.Journal;

/// <summary>
/// A request or response body as stored: decoded text, or raw bytes for binary content, possibly truncated.
/// </summary>
/// <param name="Text">Decoded text with secrets redacted; null for binary or empty bodies.</param>
/// <param name="Bytes">Raw bytes of a binary body; null for text.</param>
/// <param name="Size">Size in bytes of the whole body after content encodings are removed.</param>
/// <param name="Sha256">Hex SHA-256 of the full body, set when the body is binary or truncated.</param>
/// <param name="Truncated">True when only the first part of the body is stored.</param>
/// <param name="ContentType">The declared content type, if any.</param>
public sealed record JournalBody(
    string? Text,
    byte[]? Bytes,
    long Size,
    string? Sha256,
    bool Truncated,
    string? ContentType)
{
    public static JournalBody Empty { get; } = new(null, null, 0, null, false, null);

    public bool IsBinary => Bytes is not null;
}
