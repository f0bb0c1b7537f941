using System.Security.Cryptography;
using CrmAI.Hub.Silo.Security;

namespace CrmAI.Hub.Silo.Hosting;

/// <summary>
/// The key ring key of a hub with a private PostgreSQL when HUB_KEY_RING_KEY is unset, generated on first start and
/// kept in the data folder next to the database files.
/// </summary>
internal static class KeyRingKeyFile
{
    public const string FileName = "key-ring-key";

    /// <exception cref="InvalidOperationException">The file does not contain the base64 of a key.</exception>
    public static byte[] ReadOrCreate(string dataDirectory, out string path)
    {
        var text = SecretFile.ReadOrCreate(
            dataDirectory, FileName, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyRingSeal.KeyBytes)), out path);
        return HubSettings.ParseKeyRingKey(text, path);
    }
}
