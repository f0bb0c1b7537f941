using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrmAI.Hub.Demo.Control;

/// <summary>
/// Logs one console line per request, records business requests for <c>GET /_requests</c>
/// and applies the failure mode in force before business routes run.
/// </summary>
internal sealed class DemoRequestMiddleware
{
    /// <summary>Characters of a request body kept in the history. Longer bodies are cut and flagged.</summary>
    private const int MaxRecordedBodyChars = 64 * 1024;

    private static readonly byte[] DroppedBody = Encoding.UTF8.GetBytes(
        """{"status":"accepted","detail":"The demo system aborts the connection before this body ends."}""");

    private readonly RequestDelegate _next;
    private readonly FailureControl _control;
    private readonly RequestHistory _history;
    private readonly DemoSystem _system;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public DemoRequestMiddleware(
        RequestDelegate next,
        FailureControl control,
        RequestHistory history,
        DemoSystem system,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _next = next;
        _control = control;
        _history = history;
        _system = system;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger(system.Name);
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var startedAt = _timeProvider.GetTimestamp();
        var request = context.Request;

        if (context.GetEndpoint()?.Metadata.GetMetadata<ControlRouteMetadata>() is not null)
        {
            await _next(context);
            var controlElapsedMs = ElapsedMs(startedAt);
            _logger.LogControlRequestHandled(request.Method, request.Path, context.Response.StatusCode, controlElapsedMs);
            return;
        }

        var id = _history.NextId();
        var receivedAt = _timeProvider.GetUtcNow();
        var (body, bodyTruncated) = await ReadBodyAsync(request, context.RequestAborted);
        var (mode, delay) = _control.TakeForRequest();
        var modeName = FailureControl.GetName(mode);
        int? statusCode = null;

        try
        {
            statusCode = await RespondAsync(context, mode, delay);
            LogOutcome(request, statusCode, startedAt, modeName);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client closed the connection, typically during a slow-mode delay, so no response can be sent.
            var elapsedMs = ElapsedMs(startedAt);
            _logger.LogClientDisconnected(request.Method, request.Path, elapsedMs, modeName);
        }
        finally
        {
            _history.Add(new RecordedRequest(
                id,
                receivedAt,
                request.Method,
                request.Path,
                request.QueryString.Value ?? string.Empty,
                ReadHeaders(request),
                body,
                bodyTruncated,
                modeName,
                statusCode));
        }
    }

    /// <summary>Sends the response that <paramref name="mode"/> calls for. Returns its status code, or null after a drop.</summary>
    private async Task<int?> RespondAsync(HttpContext context, FailureMode mode, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _timeProvider, context.RequestAborted);
        }

        switch (mode)
        {
            case FailureMode.Error500:
                await TypedResults.Problem(
                    title: "Simulated server error",
                    detail: $"The demo {_system.Title} is in error500 mode. Send POST /_control {{\"mode\":\"ok\"}} to restore it.",
                    statusCode: StatusCodes.Status500InternalServerError).ExecuteAsync(context);
                return context.Response.StatusCode;

            case FailureMode.Unauthorized:
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                await TypedResults.Problem(
                    title: "Unauthorized",
                    detail: $"The demo {_system.Title} is in unauthorized mode and rejects every credential.",
                    statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
                return context.Response.StatusCode;

            case FailureMode.Drop:
                await DropConnectionAsync(context);
                return null;

            default:
                await _next(context);
                return context.Response.StatusCode;
        }
    }

    /// <summary>
    /// Sends a 200 status line and headers that promise the whole body, sends half of it, then aborts the
    /// connection, so the client sees a response that breaks off mid-body.
    /// </summary>
    private static async Task DropConnectionAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = DroppedBody.Length;

        await context.Response.Body.WriteAsync(DroppedBody.AsMemory(0, DroppedBody.Length / 2), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);

        context.Abort();
    }

    private void LogOutcome(HttpRequest request, int? statusCode, long startedAt, string modeName)
    {
        if (statusCode is { } code)
        {
            var elapsedMs = ElapsedMs(startedAt);
            _logger.LogRequestHandled(request.Method, request.Path, code, elapsedMs, modeName);
        }
        else
        {
            _logger.LogConnectionDropped(request.Method, request.Path);
        }
    }

    /// <summary>
    /// Reads the start of the body for the history and rewinds it for the endpoint.
    /// Returns parsed JSON when the whole body is valid JSON, otherwise the text.
    /// </summary>
    private static async Task<(object? Body, bool Truncated)> ReadBodyAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();

        var buffer = new char[MaxRecordedBodyChars + 1];
        int length;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8, false, 4096, leaveOpen: true))
        {
            length = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken);
        }

        request.Body.Position = 0;

        if (length == 0)
        {
            return (null, false);
        }

        if (length > MaxRecordedBodyChars)
        {
            return (new string(buffer, 0, MaxRecordedBodyChars), true);
        }

        var text = new string(buffer, 0, length);
        try
        {
            return (JsonNode.Parse(text), false);
        }
        catch (JsonException)
        {
            return (text, false);
        }
    }

    /// <remarks>
    /// Secrets such as the Authorization header are kept as sent, because checking what credentials the hub
    /// sends is a reason to read this history. The values are demo tokens, and the history is reachable only
    /// from 127.0.0.1.
    /// </remarks>
    private static Dictionary<string, string> ReadHeaders(HttpRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", values.ToArray());
        }

        return headers;
    }

    private long ElapsedMs(long startedAt) => (long)_timeProvider.GetElapsedTime(startedAt).TotalMilliseconds;
}
