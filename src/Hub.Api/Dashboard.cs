using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace CrmAI.Hub.Api;

/// <summary>
/// Serves the dashboard at <c>/</c> from the files in <c>wwwroot/</c>, which are embedded in this assembly, so the
/// page works from any working folder and in test hosts without a content root.
/// </summary>
public static class Dashboard
{
    // EmbeddedFileProvider turns "/app.js" into this prefix plus ".app.js"; wwwroot has no subfolders on purpose,
    // because resource names would replace their slashes with dots.
    private const string ResourcePrefix = "CrmAI.Hub.Api.wwwroot";

    // Scripts, styles and API calls come only from the hub itself, and no other site may frame the page.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Adds the static file middleware for the dashboard: <c>/</c> returns <c>index.html</c>, and the other files
    /// are served by name. The files contain no data, so they need no API key, and the page requests the key itself.
    /// </summary>
    public static WebApplication UseDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var files = new EmbeddedFileProvider(typeof(Dashboard).Assembly, ResourcePrefix);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, DefaultFileNames = ["index.html"] });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context => AddHeaders(context.Context.Response),
        });
        return app;
    }

    private static void AddHeaders(HttpResponse response)
    {
        // Browsers revalidate on every load, which the ETag makes cheap, so a new hub version's scripts load at once.
        response.Headers.CacheControl = "no-cache";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
