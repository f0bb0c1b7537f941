using System.Security.Cryptography;
using CrmAI.Hub.Silo.Security;

namespace CrmAI.Hub.Silo.Hosting;

/// <summary>
/// The key ring key of a hub with a private PostgreSQL when HUB_KEY_RING_KEY is unset, generated on first start and
/// kept in the data folder next to the database files.
/// </summary>
public static class KeyRingKeyFile
{
    public const string FileName = "key-ring-key";

    /// <summary>
    /// Reads the key file, or creates it when <paramref name="mayCreate"/> is true. A hub whose key ring is already
    /// encrypted passes false, because a new key could not open it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is missing or empty and may not be created, cannot be read,
    /// or does not contain the base64 of a key.</exception>
    public static byte[] ReadOrCreate(string dataDirectory, bool mayCreate, out string path)
    {
        var expectedPath = Path.Combine(dataDirectory, FileName);
        var text = SecretFile.ReadOrCreate(dataDirectory, FileName, () => mayCreate
            ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyRingSeal.KeyBytes))
            : throw new InvalidOperationException(
                $"The key ring in the database is encrypted, but the key file {expectedPath} is missing or empty. " +
                $"Restore it from a backup of the data folder, or set {PostgresXmlRepository.KeySetting} to the key."), out path);
        return HubSettings.ParseKeyRingKey(
            text, path, $"Restore it from a backup of the data folder, or set {PostgresXmlRepository.KeySetting} to the key.");
    }
}
