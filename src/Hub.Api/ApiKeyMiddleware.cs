using CrmAI.Hub.Api.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CrmAI.Hub.Api;

/// <summary>
/// Checks the <c>X-Api-Key</c> header against the scope <see cref="RouteScopes"/> gives the matched route:
/// 401 without a key or with an unknown one, 403 when the key lacks the scope. A request under /api that
/// matches no route still needs a valid key, so that probing the API reveals nothing to strangers.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyAuthenticator authenticator)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            if (!context.Request.Path.StartsWithSegments("/api") || await AuthenticateAsync(context) is not null)
            {
                await next(context);
            }

            return;
        }

        if (!RouteScopes.TryGetScope(endpoint, out var scope))
        {
            await Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Route has no scope",
                $"The route '{RouteScopes.KeyOf(endpoint)}' has no entry in the hub's scope table, so no key may call it.");
            return;
        }

        if (scope is not { } needed)
        {
            await next(context);
            return;
        }

        if (await AuthenticateAsync(context) is not { } caller)
        {
            return;
        }

        if (!caller.Has(needed))
        {
            var name = ApiScopes.Name(needed);
            await Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Scope missing",
                $"This request needs an API key with the '{name}' scope; the key '{caller.Name}' lacks it.");
            return;
        }

        await next(context);
    }

    // Writes the 401 response itself and returns null when the key is missing or unknown.
    private async Task<ApiCaller?> AuthenticateAsync(HttpContext context)
    {
        var presented = context.Request.Headers[ApiKeyOptions.HeaderName].ToString();
        if (presented.Length == 0)
        {
            presented = BasicAuthPassword(context) ?? "";
        }

        if (presented.Length == 0)
        {
            AskBrowserForKey(context);
            await Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "API key missing",
                $"Send the API key in the {ApiKeyOptions.HeaderName} header.");
            return null;
        }

        var caller = await authenticator.AuthenticateAsync(presented, context.RequestAborted);
        if (caller is null)
        {
            AskBrowserForKey(context);
            await Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "API key invalid",
                $"The {ApiKeyOptions.HeaderName} header does not carry a valid key.");
            return null;
        }

        caller.AttachTo(context);
        return caller;
    }

    // A browser cannot send X-Api-Key when it opens the Orleans Dashboard, so there the key may also come as the
    // password of HTTP Basic authentication (any user name), which the browser prompts for.
    private static string? BasicAuthPassword(HttpContext context)
    {
        if (!IsOrleansDashboard(context)
            || !System.Net.Http.Headers.AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header)
            || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        try
        {
            var pair = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : pair[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static void AskBrowserForKey(HttpContext context)
    {
        if (IsOrleansDashboard(context))
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"CrmAI Hub: user name any, password the admin API key\"";
        }
    }

    private static bool IsOrleansDashboard(HttpContext context) =>
        context.Request.Path.StartsWithSegments(RouteScopes.OrleansDashboardPath);
}
