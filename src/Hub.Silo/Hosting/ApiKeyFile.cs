using System.Security.Cryptography;

namespace CrmAI.Hub.Silo.Hosting;

/// <summary>
/// The admin key generated on first start when HUB_API_KEY is unset, kept in a file only its owner can read.
/// </summary>
internal static class ApiKeyFile
{
    public const string FileName = "api-key";

    public static string ReadOrCreate(string dataDirectory, out string path) =>
        SecretFile.ReadOrCreate(dataDirectory, FileName, Generate, out path);

    private static string Generate() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
