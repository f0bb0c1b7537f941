using Microsoft.AspNetCore.Builder;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Adds the request checks in their order. URL, header and query limits come first, then the API key and scope. The
/// per-key limits follow, because they need the key that the second step found. The body size limit of the route and
/// the audit of admin actions come last.
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
