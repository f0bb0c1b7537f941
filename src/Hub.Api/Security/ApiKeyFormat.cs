using System.Security.Cryptography;
using System.Text;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// The shape of generated keys, <c>hub_&lt;key id&gt;_&lt;secret&gt;</c>: the key id finds the row, and the
/// SHA-256 hash of the whole key proves the secret.
/// </summary>
public static class ApiKeyFormat
{
    private const string Prefix = "hub_";
    private const int KeyIdLength = 16;
    private const int SecretBytes = 32;

    /// <summary>Generates a new key id and key from the system's cryptographic random source.</summary>
    public static (string KeyId, string Key) Generate()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        return (keyId, $"{Prefix}{keyId}_{secret}");
    }

    /// <summary>Returns the key id of a generated key, or null when the text is not shaped like one.</summary>
    public static string? KeyIdOf(string presented)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length < Prefix.Length + KeyIdLength + 2)
        {
            return null;
        }

        var keyId = presented.Substring(Prefix.Length, KeyIdLength);
        var separatorAt = Prefix.Length + KeyIdLength;
        return presented[separatorAt] == '_' && keyId.All(char.IsAsciiHexDigitLower) ? keyId : null;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
