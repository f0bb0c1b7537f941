using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Orleans.Runtime;

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

        if (exception is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
        {
            // A silo of the cluster died or stops; the grain moves to another silo within seconds.
            LogFailover(logger, context.Request.Method, context.Request.Path, exception);
            context.Response.Headers.RetryAfter = "1";
            await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Hub failing over",
                "A hub silo became unavailable while handling the request. Send it again; with the same Idempotency-Key " +
                "an exchange never runs twice.");
            return true;
        }

        // The framework reports a body whose charset it cannot decode with a plain InvalidOperationException.
        if (exception is InvalidOperationException && UnknownCharset(context.Request) is { } charset)
        {
            await Problems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"The charset '{charset}' in the Content-Type header is not a known encoding: send the body as UTF-8 " +
                "with Content-Type: application/json.");
            return true;
        }

        LogUnhandled(logger, context.Request.Method, context.Request.Path, exception);
        await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "Internal error",
            $"The hub failed to process the request; the hub's log has the details (trace id {context.TraceIdentifier}).");
        return true;
    }

    private static Task WriteBadRequestAsync(HttpContext context, BadHttpRequestException bad)
    {
        // The exception handler middleware clears the request's endpoint, but its feature keeps the failed one.
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        var bodyType = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        switch (bad.StatusCode)
        {
            case StatusCodes.Status413PayloadTooLarge:
                return Problems.WriteAsync(context, bad.StatusCode, "Request body too large",
                    StatusProblems.TooLargeDetail(context));
            case StatusCodes.Status415UnsupportedMediaType:
                return Problems.WriteAsync(context, bad.StatusCode, "Unsupported media type", StatusProblems.JsonContentTypeHint);
        }

        if (bad.InnerException is JsonException json)
        {
            var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var (field, message) = JsonBodyErrors.Describe(json, bodyType, options);
            return Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Invalid request body",
                message, new Dictionary<string, string[]> { [field] = [message] });
        }

        // Minimal APIs raise a 400 without an inner exception when a required JSON body is empty or null.
        if (bad.StatusCode == StatusCodes.Status400BadRequest && bad.InnerException is null && bodyType is not null)
        {
            var message = RequestBodies.MissingMessage(bodyType);
            return Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Request body missing",
                message, new Dictionary<string, string[]> { ["body"] = [message] });
        }

        // The framework's own text names parameters by their .NET types, so only the Debug log of ASP.NET Core shows it.
        return Problems.WriteAsync(context, bad.StatusCode, "Bad request",
            "The hub could not read the request: check the route, its query parameters, headers and body against " +
            "/openapi/v1.json.");
    }

    // Returns the charset parameter of the request's media type when .NET has no encoding of that name, else null.
    private static string? UnknownCharset(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || !mediaType.Charset.HasValue)
        {
            return null;
        }

        var charset = HeaderUtilities.RemoveQuotes(mediaType.Charset).ToString();
        try
        {
            _ = Encoding.GetEncoding(charset);
            return null;
        }
        catch (ArgumentException)
        {
            return charset;
        }
    }

    [LoggerMessage(EventId = HubEventIds.FailoverError, Level = LogLevel.Warning,
        Message = "{Method} {Path} failed because a silo became unavailable; answered 503")]
    private static partial void LogFailover(ILogger logger, string method, string path, Exception error);

    [LoggerMessage(EventId = HubEventIds.UnhandledError, Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception error);
}
