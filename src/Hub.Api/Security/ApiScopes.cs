namespace CrmAI.Hub.Api.Security;

/// <summary>
/// The wire names of <see cref="ApiScope"/> values: <c>read</c>, <c>exchange</c> and <c>admin</c>.
/// </summary>
public static class ApiScopes
{
    public static IReadOnlyList<ApiScope> All { get; } = [ApiScope.Read, ApiScope.Exchange, ApiScope.Admin];

    public static string Name(ApiScope scope) => scope switch
    {
        ApiScope.Read => "read",
        ApiScope.Exchange => "exchange",
        ApiScope.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "Unknown scope."),
    };

    /// <summary>Returns the scope with this wire name, or null for an unknown name.</summary>
    public static ApiScope? Parse(string? name) => name switch
    {
        "read" => ApiScope.Read,
        "exchange" => ApiScope.Exchange,
        "admin" => ApiScope.Admin,
        _ => null,
    };
}
