namespace CrmAI.Hub.Api.Security;

/// <summary>
/// The key that authenticated a request: its id, its name and its scopes.
/// </summary>
public sealed record ApiCaller(string KeyId, string Name, IReadOnlyList<ApiScope> Scopes)
{
    /// <summary>Key id of the admin key from <c>HUB_API_KEY</c>, which has no row in <c>hub_api_keys</c>.</summary>
    public const string AdminKeyId = "hub-api-key";

    private static readonly object ItemKey = new();

    public bool Has(ApiScope scope) => Scopes.Contains(ApiScope.Admin) || Scopes.Contains(scope);

    /// <summary>Returns the caller that <see cref="ApiKeyMiddleware"/> stored on the request, or null.</summary>
    public static ApiCaller? Of(Microsoft.AspNetCore.Http.HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var caller) ? caller as ApiCaller : null;

    public void AttachTo(Microsoft.AspNetCore.Http.HttpContext context) => context.Items[ItemKey] = this;
}
