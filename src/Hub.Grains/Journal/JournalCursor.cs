using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace CrmAI.Hub.Journal;

/// <summary>
/// Keyset position in the journal's newest-first order: the start time and id of the last entry read.
/// </summary>
public sealed record JournalCursor(DateTimeOffset StartedAt, Guid Id)
{
    private const int EncodedLength = sizeof(long) + 16;

    /// <summary>Encodes the cursor as an opaque URL-safe token.</summary>
    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[EncodedLength];
        BinaryPrimitives.WriteInt64BigEndian(bytes, StartedAt.UtcTicks);
        Id.TryWriteBytes(bytes[sizeof(long)..], bigEndian: true, out _);

        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Decodes a token made by <see cref="Encode"/>; returns false for anything else.</summary>
    public static bool TryDecode(string token, [NotNullWhen(true)] out JournalCursor? cursor)
    {
        cursor = null;
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        Span<byte> bytes = stackalloc byte[EncodedLength + 3];
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != EncodedLength)
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        cursor = new JournalCursor(
            new DateTimeOffset(ticks, TimeSpan.Zero),
            new Guid(bytes.Slice(sizeof(long), 16), bigEndian: true));
        return true;
    }
}
