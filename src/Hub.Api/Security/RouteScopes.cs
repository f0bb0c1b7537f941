using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// The scope every route needs, in one table keyed by HTTP method and route pattern. A null scope means the
/// route is public. <see cref="ApiKeyMiddleware"/> rejects a route missing from the table with 403, so a new
/// route stays closed until it gets a row here.
/// </summary>
public static class RouteScopes
{
    /// <summary>Method used in the table for routes that accept any method, such as health checks.</summary>
    public const string AnyMethod = "*";

    private static readonly Dictionary<string, ApiScope?> Table = new(StringComparer.OrdinalIgnoreCase)
    {
        ["* /health/live"] = null,
        ["* /health/ready"] = null,
        ["GET /openapi/{documentName}.json"] = null,

        // Public because an endpoint with inboundAuth checks the sender's secret or signature itself. For an endpoint
        // without it, InboundRoutes requires a key with the exchange scope, as this table would.
        ["POST /api/inbound/{endpointId}"] = null,

        ["GET /api/status"] = ApiScope.Read,
        ["GET /api/endpoints/{endpointId}/health"] = ApiScope.Read,
        ["GET /api/endpoints/{endpointId}/dead-letters"] = ApiScope.Read,
        ["GET /api/exchanges/{exchangeId}"] = ApiScope.Read,
        ["GET /api/journal"] = ApiScope.Read,
        ["GET /api/journal/{entryId}"] = ApiScope.Read,
        ["GET /api/journal/export"] = ApiScope.Read,
        ["GET /api/journal/stats"] = ApiScope.Read,
        ["GET /api/incidents"] = ApiScope.Read,
        ["GET /api/notifications"] = ApiScope.Read,

        ["POST /api/endpoints/{endpointId}/exchanges"] = ApiScope.Exchange,

        ["GET /api/endpoints"] = ApiScope.Admin,
        ["GET /api/endpoints/{endpointId}"] = ApiScope.Admin,
        ["PUT /api/endpoints/{endpointId}"] = ApiScope.Admin,
        ["DELETE /api/endpoints/{endpointId}"] = ApiScope.Admin,
        ["PUT /api/endpoints/{endpointId}/credentials"] = ApiScope.Admin,
        ["POST /api/endpoints/{endpointId}/dead-letters/replay"] = ApiScope.Admin,
        ["POST /api/exchanges/{exchangeId}/replay"] = ApiScope.Admin,
        ["POST /api/endpoints/{endpointId}/mute"] = ApiScope.Admin,
        ["POST /api/incidents/{incidentId}/ack"] = ApiScope.Admin,
        ["GET /api/alert-rules"] = ApiScope.Admin,
        ["PUT /api/alert-rules"] = ApiScope.Admin,
        ["POST /api/journal/retention"] = ApiScope.Admin,
        ["GET /api/keys"] = ApiScope.Admin,
        ["POST /api/keys"] = ApiScope.Admin,
        ["DELETE /api/keys/{keyId}"] = ApiScope.Admin,
        ["GET /api/audit"] = ApiScope.Admin,
    };

    /// <summary>Every row of the table as <c>METHOD pattern</c>, for tests that compare it with the mapped routes.</summary>
    public static IReadOnlyCollection<string> Keys => Table.Keys;

    /// <summary>
    /// Looks up the scope of a route. Returns false when the table has no row for it; otherwise
    /// <paramref name="scope"/> is the scope needed, or null for a public route.
    /// </summary>
    public static bool TryGetScope(RouteEndpoint endpoint, out ApiScope? scope)
    {
        ArgumentNullException.ThrowIfNull(endpoint);

        // The Orleans Dashboard maps its own pages and data routes; it shows grain state, so all of it is admin.
        if ((endpoint.RoutePattern.RawText ?? "").TrimStart('/').StartsWith(OrleansDashboardPath.TrimStart('/'), StringComparison.OrdinalIgnoreCase))
        {
            scope = ApiScope.Admin;
            return true;
        }

        return Table.TryGetValue(KeyOf(endpoint), out scope);
    }

    /// <summary>Where the Orleans Dashboard is mapped; every route under it needs the admin scope.</summary>
    public const string OrleansDashboardPath = "/orleans";

    /// <summary>Returns the table key of a route: its method (or <see cref="AnyMethod"/>), a space and its pattern.</summary>
    public static string KeyOf(RouteEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        var method = methods is { Count: > 0 } ? string.Join(',', methods) : AnyMethod;
        var pattern = endpoint.RoutePattern.RawText ?? "";
        if (pattern.Length > 1)
        {
            pattern = pattern.TrimEnd('/');
        }

        return $"{method} {(pattern.StartsWith('/') ? pattern : "/" + pattern)}";
    }
}
