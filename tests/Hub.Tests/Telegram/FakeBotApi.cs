using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Tests.Telegram;

/// <summary>
/// A server on 127.0.0.1 that speaks the Bot API for the real Telegram.Bot client: <c>POST /bot{token}/{method}</c>
/// for getMe, sendMessage, getUpdates, answerCallbackQuery and editMessageReplyMarkup. It records every request,
/// serves queued updates, and fails sendMessage for a chat as scripted.
/// </summary>
public sealed class FakeBotApi : IAsyncDisposable
{
    public const string Token = "123456:test-token_abc";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<BotRequest> _requests = new();
    private readonly ConcurrentDictionary<long, ConcurrentQueue<BotReply>> _scripted = new();
    private readonly ConcurrentDictionary<long, BotReply> _always = new();
    private readonly List<JsonObject> _updates = [];
    private readonly SemaphoreSlim _updateAdded = new(0);
    private int _nextMessageId = 100;
    private int _nextUpdateId = 1;

    private FakeBotApi(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<BotRequest> Requests => [.. _requests];

    public IReadOnlyList<BotRequest> Sent => Requests.Where(r => r.Method == "sendMessage").ToList();

    public static async Task<FakeBotApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var api = new FakeBotApi(app);
        app.MapPost("/bot{token}/{method}", api.HandleAsync);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        api.BaseUrl = new Uri(address);
        return api;
    }

    /// <summary>Answers the next sendMessage to the chat with 429 and retry_after.</summary>
    public void RateLimitNext(long chatId, int retryAfterSeconds) => Script(chatId, new BotReply(429,
        $$$"""{"ok":false,"error_code":429,"description":"Too Many Requests: retry after {{{retryAfterSeconds}}}","parameters":{"retry_after":{{{retryAfterSeconds}}}}}"""));

    /// <summary>Answers the next sendMessage to the chat as a group that became supergroup <paramref name="newChatId"/>.
    /// </summary>
    public void MigrateNext(long chatId, long newChatId) => Script(chatId, new BotReply(400,
        $$$"""{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":{{{newChatId}}}}}"""));

    /// <summary>Answers every sendMessage to the chat with 400 "chat not found".</summary>
    public void ChatNotFound(long chatId) => _always[chatId] =
        new BotReply(400, """{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}""");

    /// <summary>Answers the next sendMessage to the chat with 502.</summary>
    public void BadGatewayNext(long chatId) => Script(chatId, new BotReply(502,
        """{"ok":false,"error_code":502,"description":"Bad Gateway <html><body>nginx</body></html>"}"""));

    public void AddMessageUpdate(long chatId, long userId, string text) => AddUpdate(new JsonObject
    {
        ["message"] = new JsonObject
        {
            ["message_id"] = 1,
            ["date"] = 1733300000,
            ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "group", ["title"] = "ops" },
            ["from"] = User(userId),
            ["text"] = text,
        },
    });

    public void AddCallbackUpdate(long chatId, long userId, string data, string queryId) => AddUpdate(new JsonObject
    {
        ["callback_query"] = new JsonObject
        {
            ["id"] = queryId,
            ["from"] = User(userId),
            ["chat_instance"] = "1",
            ["data"] = data,
            ["message"] = new JsonObject
            {
                ["message_id"] = 7,
                ["date"] = 1733300000,
                ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "group", ["title"] = "ops" },
                ["text"] = "alert",
                ["reply_markup"] = new JsonObject
                {
                    ["inline_keyboard"] = new JsonArray(new JsonArray(
                        new JsonObject { ["text"] = "Acknowledge", ["callback_data"] = data },
                        new JsonObject { ["text"] = "Mute 1 h", ["callback_data"] = "mute:crm:60" })),
                },
            },
        },
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _updateAdded.Dispose();
    }

    private static JsonObject User(long userId) =>
        new() { ["id"] = userId, ["is_bot"] = false, ["first_name"] = "Manager" };

    private void Script(long chatId, BotReply reply) =>
        _scripted.GetOrAdd(chatId, _ => new ConcurrentQueue<BotReply>()).Enqueue(reply);

    private void AddUpdate(JsonObject update)
    {
        lock (_updates)
        {
            update["update_id"] = _nextUpdateId++;
            _updates.Add(update);
        }

        _updateAdded.Release();
    }

    private async Task HandleAsync(HttpContext context, string token, string method)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        using var body = JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text);
        var root = body.RootElement.Clone();
        _requests.Enqueue(new BotRequest(method, token, root, TimeProvider.System.GetUtcNow()));

        var reply = method switch
        {
            "getMe" => Ok("""{"id":123456,"is_bot":true,"first_name":"Hub","username":"hub_bot"}"""),
            "sendMessage" => ReplyToSend(root),
            "getUpdates" => Ok(await TakeUpdatesAsync(root, context.RequestAborted)),
            "answerCallbackQuery" => Ok("true"),
            "editMessageReplyMarkup" => Ok(Message(root.GetProperty("chat_id").GetInt64(), "alert")),
            _ => new BotReply(404, """{"ok":false,"error_code":404,"description":"Not Found: method not found"}"""),
        };

        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.Json);
    }

    private BotReply ReplyToSend(JsonElement request)
    {
        var chatId = request.GetProperty("chat_id").GetInt64();
        if (_always.TryGetValue(chatId, out var always))
        {
            return always;
        }

        if (_scripted.TryGetValue(chatId, out var queue) && queue.TryDequeue(out var scripted))
        {
            return scripted;
        }

        return Ok(Message(chatId, request.GetProperty("text").GetString() ?? ""));
    }

    private string Message(long chatId, string text) => new JsonObject
    {
        ["message_id"] = Interlocked.Increment(ref _nextMessageId),
        ["date"] = 1733300000,
        ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "group", ["title"] = "ops" },
        ["text"] = text,
    }.ToJsonString();

    private async Task<string> TakeUpdatesAsync(JsonElement request, CancellationToken cancellationToken)
    {
        var offset = request.TryGetProperty("offset", out var value) ? value.GetInt32() : 0;
        var timeout = request.TryGetProperty("timeout", out var seconds) ? seconds.GetInt32() : 0;
        var pending = Pending(offset);
        if (pending.Count == 0)
        {
            // Long polling: hold the request until an update arrives, at most the timeout and at least a moment.
            var wait = TimeSpan.FromSeconds(Math.Max(timeout, 0.05));
            await _updateAdded.WaitAsync(wait, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            pending = Pending(offset);
        }

        return new JsonArray([.. pending.Select(update => update.DeepClone())]).ToJsonString();
    }

    private List<JsonObject> Pending(int offset)
    {
        lock (_updates)
        {
            return _updates.Where(update => (int)update["update_id"]! >= offset).ToList();
        }
    }

    private static BotReply Ok(string result) => new(200, $$"""{"ok":true,"result":{{result}}}""");

    private sealed record BotReply(int Status, string Json);
}

/// <summary>One request the fake Bot API received.</summary>
public sealed record BotRequest(string Method, string Token, JsonElement Body, DateTimeOffset At)
{
    public long ChatId => Body.GetProperty("chat_id").GetInt64();

    public string Text => Body.GetProperty("text").GetString() ?? "";
}
