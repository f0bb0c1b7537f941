using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// A minimal Bot API server on 127.0.0.1 for the alert benchmark: it accepts getMe, getUpdates (always empty) and
/// sendMessage, and stamps each sendMessage with <see cref="Stopwatch.GetTimestamp"/> when its body has arrived.
/// </summary>
internal sealed class BotApiStub : IAsyncDisposable
{
    public const string Token = "123456:bench-token";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SentMessage> _sent = new();
    private int _nextMessageId;

    private BotApiStub(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<SentMessage> Sent => [.. _sent];

    public static async Task<BotApiStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var stub = new BotApiStub(app);
        app.MapPost("/bot{token}/{method}", stub.HandleAsync);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub.BaseUrl = new Uri(address);
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, string method)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var arrivedAt = Stopwatch.GetTimestamp();
        string result;
        switch (method)
        {
            case "sendMessage":
                var chatId = body.RootElement.GetProperty("chat_id").GetInt64();
                var text = body.RootElement.GetProperty("text").GetString() ?? "";
                _sent.Enqueue(new SentMessage(chatId, text, arrivedAt));
                var messageId = Interlocked.Increment(ref _nextMessageId);
                result = JsonSerializer.Serialize(new
                {
                    message_id = messageId,
                    date = 1_733_300_000,
                    chat = new { id = chatId, type = "group", title = "bench" },
                    text,
                });
                break;
            case "getUpdates":
                // Long polling with nothing to deliver: hold the request for a moment, then return no updates.
                await Task.Delay(TimeSpan.FromSeconds(1), context.RequestAborted);
                result = "[]";
                break;
            case "getMe":
                result = """{"id":123456,"is_bot":true,"first_name":"Hub","username":"hub_bench_bot"}""";
                break;
            default:
                result = "true";
                break;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"ok":true,"result":{{result}}}""", context.RequestAborted);
    }
}

/// <summary>One sendMessage request: chat, HTML text and the <see cref="Stopwatch"/> timestamp of its arrival.</summary>
internal sealed record SentMessage(long ChatId, string Text, long ArrivedAt);
