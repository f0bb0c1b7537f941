using System.Security.Cryptography;
using System.Text;

namespace CrmAI.Hub.Silo.Security;

/// <summary>
/// AES-256-GCM encryption of the Data Protection key ring rows in PostgreSQL under a key kept outside the database
/// (<c>HUB_KEY_RING_KEY</c>, or a file in the data folder of a hub with a private PostgreSQL). A copy of the database
/// alone then cannot decrypt the endpoint credentials.
/// </summary>
public sealed class KeyRingSeal
{
    /// <summary>Length of the key in bytes.</summary>
    public const int KeyBytes = 32;

    private const byte FormatVersion = 1;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int HeaderBytes = 1 + NonceBytes + TagBytes;

    private static readonly byte[] AssociatedData = "crmai-hub key ring"u8.ToArray();

    private readonly byte[] _key;

    /// <exception cref="ArgumentException"><paramref name="key"/> is not <see cref="KeyBytes"/> long.</exception>
    public KeyRingSeal(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != KeyBytes)
        {
            throw new ArgumentException($"The key ring key must be {KeyBytes} bytes long, not {key.Length}.", nameof(key));
        }

        _key = [.. key];
    }

    /// <summary>Encrypts the XML text of one key ring element: version, nonce, tag, then the ciphertext.</summary>
    public byte[] Seal(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var plaintext = Encoding.UTF8.GetBytes(xml);
        var output = new byte[HeaderBytes + plaintext.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderBytes), output.AsSpan(1 + NonceBytes, TagBytes), AssociatedData);
        return output;
    }

    /// <summary>Decrypts what <see cref="Seal"/> produced.</summary>
    /// <exception cref="CryptographicException">The data was sealed under another key, or was changed.</exception>
    public string Open(byte[] box)
    {
        ArgumentNullException.ThrowIfNull(box);
        if (box.Length < HeaderBytes || box[0] != FormatVersion)
        {
            throw new CryptographicException($"The sealed key ring element is not in format version {FormatVersion}.");
        }

        var plaintext = new byte[box.Length - HeaderBytes];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(box.AsSpan(1, NonceBytes), box.AsSpan(HeaderBytes), box.AsSpan(1 + NonceBytes, TagBytes), plaintext, AssociatedData);
        return Encoding.UTF8.GetString(plaintext);
    }
}
