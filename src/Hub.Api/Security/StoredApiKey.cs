namespace CrmAI.Hub.Api.Security;

/// <summary>
/// One row of <c>hub_api_keys</c>: everything about a key except the key itself.
/// </summary>
public sealed record StoredApiKey(
    string KeyId,
    string Name,
    IReadOnlyList<ApiScope> Scopes,
    byte[] KeyHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt);
