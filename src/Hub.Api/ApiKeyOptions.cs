namespace CrmAI.Hub.Api;

/// <summary>
/// The key that callers of /api send in the <c>X-Api-Key</c> header.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string HeaderName = "X-Api-Key";

    /// <summary>The admin key; the host sets it from HUB_API_KEY or from the generated key file.</summary>
    public string AdminKey { get; set; } = "";
}
