using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Api;

/// <summary>
/// Rejects /api requests without a valid <c>X-Api-Key</c> with 401. Keys are compared as SHA-256 hashes in
/// constant time, so the comparison leaks neither the key nor its length.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<ApiKeyOptions> options)
{
    private readonly byte[] _adminKeyHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminKey));

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }

        var presented = context.Request.Headers[ApiKeyOptions.HeaderName].ToString();
        if (presented.Length == 0)
        {
            await Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "API key missing",
                $"Send the API key in the {ApiKeyOptions.HeaderName} header.");
            return;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        if (!CryptographicOperations.FixedTimeEquals(hash, _adminKeyHash))
        {
            await Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "API key invalid",
                $"The {ApiKeyOptions.HeaderName} header does not carry a valid key.");
            return;
        }

        await next(context);
    }
}
