using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Api;

/// <summary>
/// Turns exceptions into ProblemDetails: bad requests keep their status and name the offending JSON field,
/// and anything else becomes a 500 without internals.
/// </summary>
public sealed partial class HubExceptionHandler(ILogger<HubExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var context = httpContext;
        if (exception is BadHttpRequestException bad)
        {
            await WriteBadRequestAsync(context, bad);
            return true;
        }

        LogUnhandled(logger, context.Request.Method, context.Request.Path, exception);
        await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "Internal error",
            $"The hub failed to process the request; the hub's log has the details (trace id {context.TraceIdentifier}).");
        return true;
    }

    private static Task WriteBadRequestAsync(HttpContext context, BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.WriteAsync(context, bad.StatusCode, "Request body too large",
                "The request body exceeds the hub's limit; send a smaller body.");
        }

        if (bad.InnerException is JsonException json)
        {
            var field = string.IsNullOrEmpty(json.Path) ? "body" : json.Path.TrimStart('$', '.');
            var message = json.Message.Contains("could not be converted", StringComparison.Ordinal)
                ? $"The value at '{json.Path}' has the wrong type; /openapi/v1.json describes the expected one."
                : $"Invalid JSON at '{json.Path ?? "$"}': {FirstLine(json.Message)}";
            return Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Invalid request body",
                message, new Dictionary<string, string[]> { [field.Length == 0 ? "body" : field] = [message] });
        }

        return Problems.WriteAsync(context, bad.StatusCode, "Bad request", FirstLine(bad.Message));
    }

    // JSON exception messages append "Path: … | LineNumber: …"; the path is reported on its own.
    private static string FirstLine(string message) => message.Split(" Path:", 2)[0].Trim();

    [LoggerMessage(EventId = HubEventIds.UnhandledError, Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception error);
}
