using Microsoft.AspNetCore.Builder;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Adds the request checks in their order: URL, header and query limits, then the API key and scope, then the per-key
/// limits, which need the key the second step found, the body size limit of the route, and last the audit of admin
/// actions.
/// </summary>
public static class ApiSecurityApplicationExtensions
{
    public static WebApplication UseHubApiSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RequestLimitMiddleware>();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseRateLimiter();
        app.UseMiddleware<BodyLimitMiddleware>();
        app.UseMiddleware<AuditMiddleware>();
        return app;
    }
}
