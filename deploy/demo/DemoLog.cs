namespace CrmAI.Hub.Demo;

/// <summary>Log messages of the demo program.</summary>
internal static partial class DemoLog
{
    [LoggerMessage(EventId = DemoEventIds.Listening, Level = LogLevel.Information,
        Message = "Demo {Title} is listening on {BaseUrl}")]
    public static partial void LogListening(this ILogger logger, string title, Uri baseUrl);

    [LoggerMessage(EventId = DemoEventIds.StartFailed, Level = LogLevel.Error,
        Message = "Demo {Title} could not listen on {BaseUrl}: {Reason} If the port is in use, pick another with --{Name}-port")]
    public static partial void LogStartFailed(this ILogger logger, string title, Uri baseUrl, string reason, string name);

    [LoggerMessage(EventId = DemoEventIds.Stopping, Level = LogLevel.Information, Message = "Demo {Title} is stopping")]
    public static partial void LogStopping(this ILogger logger, string title);

    [LoggerMessage(EventId = DemoEventIds.RequestHandled, Level = LogLevel.Information,
        Message = "{Method} {Path} -> {StatusCode} in {ElapsedMs} ms, mode {Mode}")]
    public static partial void LogRequestHandled(
        this ILogger logger, string method, PathString path, int statusCode, long elapsedMs, string mode);

    [LoggerMessage(EventId = DemoEventIds.ControlRequestHandled, Level = LogLevel.Information,
        Message = "{Method} {Path} -> {StatusCode} in {ElapsedMs} ms")]
    public static partial void LogControlRequestHandled(
        this ILogger logger, string method, PathString path, int statusCode, long elapsedMs);

    [LoggerMessage(EventId = DemoEventIds.ConnectionDropped, Level = LogLevel.Information,
        Message = "{Method} {Path} -> connection dropped after the headers and part of the body, mode drop")]
    public static partial void LogConnectionDropped(this ILogger logger, string method, PathString path);

    [LoggerMessage(EventId = DemoEventIds.ClientDisconnected, Level = LogLevel.Information,
        Message = "{Method} {Path} -> client closed the connection after {ElapsedMs} ms, before the answer, mode {Mode}")]
    public static partial void LogClientDisconnected(
        this ILogger logger, string method, PathString path, long elapsedMs, string mode);

    [LoggerMessage(EventId = DemoEventIds.ModeChanged, Level = LogLevel.Information,
        Message = "Failure mode set to {Mode}, delay {DelayMs} ms, {Duration}")]
    public static partial void LogModeChanged(this ILogger logger, string mode, int delayMs, string duration);

    [LoggerMessage(EventId = DemoEventIds.WebhookDelivered, Level = LogLevel.Information,
        Message = "Pushed order {OrderNumber} to {WebhookUrl} -> {StatusCode}")]
    public static partial void LogWebhookDelivered(this ILogger logger, string orderNumber, Uri webhookUrl, int statusCode);

    [LoggerMessage(EventId = DemoEventIds.WebhookFailed, Level = LogLevel.Warning,
        Message = "Pushing order {OrderNumber} to {WebhookUrl} failed")]
    public static partial void LogWebhookFailed(this ILogger logger, string orderNumber, Uri webhookUrl, Exception error);
}
