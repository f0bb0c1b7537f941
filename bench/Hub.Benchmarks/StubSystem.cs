using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// The external system of the alert benchmark on 127.0.0.1. Every request succeeds, except that while
/// <see cref="RejectCredentials"/> is set, requests to <c>/target</c> get 401; the <see cref="Stopwatch"/> timestamp
/// of the last 401 is kept in <see cref="LastRejectedAt"/>.
/// </summary>
internal sealed class StubSystem : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _lastRejectedAt;
    private long _requests;

    private StubSystem(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public volatile bool RejectCredentials;

    public long LastRejectedAt => Interlocked.Read(ref _lastRejectedAt);

    public long Requests => Interlocked.Read(ref _requests);

    public static async Task<StubSystem> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var system = new StubSystem(app);
        app.Run(system.HandleAsync);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        system.BaseUrl = new Uri(address);
        return system;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        context.Response.ContentType = "application/json";
        if (RejectCredentials && context.Request.Path.StartsWithSegments("/target"))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("""{"error":"invalid token"}""");
            await context.Response.CompleteAsync();
            Interlocked.Exchange(ref _lastRejectedAt, Stopwatch.GetTimestamp());
            return;
        }

        await context.Response.WriteAsync("""{"ok":true}""");
    }
}
