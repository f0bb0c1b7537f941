using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on 127.0.0.1 that stands in for an external system: it records every request and answers
/// with queued responders, else with the default one (200 and a small JSON body).
/// </summary>
public sealed class ExternalSystem : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _queue = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private ExternalSystem(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Answers requests when the queue is empty.</summary>
    public Func<HttpContext, Task> Default { get; set; } = Respond.Json(200, """{"ok":true}""");

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<ExternalSystem> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(
            options => options.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        var system = new ExternalSystem(app);
        app.Run(system.HandleAsync);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        system.BaseUrl = new Uri(address);
        return system;
    }

    /// <summary>Queues responders for the next requests, in order.</summary>
    public void Enqueue(params Func<HttpContext, Task>[] responders)
    {
        foreach (var responder in responders)
        {
            _queue.Enqueue(responder);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var at = TimeProvider.System.GetUtcNow();
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        _requests.Enqueue(new RecordedRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray(),
            at));

        var responder = _queue.TryDequeue(out var queued) ? queued : Default;
        await responder(context);
    }
}

/// <summary>
/// A request as the external system received it. <see cref="At"/> is the arrival time on the system clock, the clock
/// the hub uses too.
/// </summary>
public sealed record RecordedRequest(
    string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
