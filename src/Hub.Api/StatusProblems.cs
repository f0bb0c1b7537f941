using CrmAI.Hub.Api.Security;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace CrmAI.Hub.Api;

/// <summary>
/// ProblemDetails for error statuses that no endpoint wrote a body for: unknown routes, wrong methods, wrong
/// media types and bodies that Kestrel rejected for their size.
/// </summary>
internal static class StatusProblems
{
    public const string JsonContentTypeHint =
        "Send Content-Type: application/json with a JSON body; /openapi/v1.json describes the body of each route.";

    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        return status switch
        {
            StatusCodes.Status404NotFound => Problems.WriteAsync(http, status, "Route not found",
                $"No route matches {http.Request.Method} {http.Request.Path}: check the URL against /openapi/v1.json."),
            StatusCodes.Status405MethodNotAllowed => Problems.WriteAsync(http, status, "Method not allowed",
                MethodNotAllowedDetail(http)),
            StatusCodes.Status413PayloadTooLarge => Problems.WriteAsync(http, status, "Request body too large",
                TooLargeDetail(http)),
            StatusCodes.Status415UnsupportedMediaType => Problems.WriteAsync(http, status, "Unsupported media type",
                JsonContentTypeHint),
            _ => Problems.WriteAsync(http, status, ReasonPhrases.GetReasonPhrase(status),
                $"The hub returned status {status} ({ReasonPhrases.GetReasonPhrase(status)})."),
        };
    }

    /// <summary>Names the limit that a body over it exceeded, as <see cref="BodyLimitMiddleware"/> chose it.</summary>
    public static string TooLargeDetail(HttpContext http) =>
        BodyLimit.Of(http)?.Describe() ?? "The request body exceeds the hub's limit; send a smaller body.";

    private static string MethodNotAllowedDetail(HttpContext http)
    {
        var allowed = http.Response.Headers.Allow.ToString();
        return allowed.Length == 0
            ? $"{http.Request.Path} does not accept {http.Request.Method}; /openapi/v1.json lists its methods."
            : $"{http.Request.Path} does not accept {http.Request.Method}; use {allowed}.";
    }
}
