using System.Text;
using Microsoft.AspNetCore.Http;

namespace CrmAI.Hub.Tests.Infrastructure;

/// <summary>
/// Responders for <see cref="ExternalSystem"/>.
/// </summary>
public static class Respond
{
    public static Func<HttpContext, Task> Json(int status, string json) =>
        Bytes(status, "application/json", Encoding.UTF8.GetBytes(json));

    public static Func<HttpContext, Task> Text(int status, string text, string contentType = "text/plain; charset=utf-8") =>
        Bytes(status, contentType, Encoding.UTF8.GetBytes(text));

    public static Func<HttpContext, Task> Bytes(
        int status, string? contentType, byte[] body, IReadOnlyDictionary<string, string>? headers = null) =>
        async context =>
        {
            context.Response.StatusCode = status;
            if (contentType is not null)
            {
                context.Response.ContentType = contentType;
            }

            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body);
        };

    /// <summary>Waits before answering 200, longer than a short endpoint timeout.</summary>
    public static Func<HttpContext, Task> Delayed(TimeSpan delay, int status = 200) =>
        async context =>
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await Json(status, """{"late":true}""")(context);
        };

    /// <summary>Sends the status line, headers and part of the announced body, then drops the connection.</summary>
    public static Func<HttpContext, Task> DropMidResponse() =>
        async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 1000;
            await context.Response.Body.WriteAsync("""{"partial":"""u8.ToArray());
            await context.Response.Body.FlushAsync();
            context.Abort();
        };
}
