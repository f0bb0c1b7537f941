using System.Security.Cryptography;
using System.Text;

namespace CrmAI.Hub.Demo.Crm;

/// <summary>Rejects requests whose <c>Authorization</c> header is not <c>Bearer</c> with the configured token.</summary>
internal sealed class BearerTokenFilter(string token) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        var hasScheme = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);
        var presented = hasScheme ? Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()) : [];

        // Constant-time comparison, as a real API would use, so timing does not reveal the token.
        if (hasScheme && CryptographicOperations.FixedTimeEquals(presented, _expected))
        {
            return await next(context);
        }

        context.HttpContext.Response.Headers.WWWAuthenticate = hasScheme
            ? "Bearer error=\"invalid_token\""
            : "Bearer";

        return TypedResults.Problem(
            title: "Unauthorized",
            detail: hasScheme
                ? "The bearer token is invalid. Use the token given to the demo with --crm-token."
                : "The Authorization header is missing or not 'Bearer <token>'.",
            statusCode: StatusCodes.Status401Unauthorized);
    }
}
