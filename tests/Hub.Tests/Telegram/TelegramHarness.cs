using CrmAI.Hub.Alerts;
using CrmAI.Hub.Api.Security;
using CrmAI.Hub.Notifications;
using CrmAI.Hub.Silo.Storage;
using CrmAI.Hub.Silo.Telegram;
using CrmAI.Hub.Tests.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Telegram.Bot;
using Xunit;

namespace CrmAI.Hub.Tests.Telegram;

/// <summary>
/// The outbox, delivery loop and poller on a fresh database, talking to a <see cref="FakeBotApi"/>.
/// </summary>
internal sealed class TelegramHarness : IAsyncDisposable
{
    public const long ChatA = -1001;
    public const long ChatB = -1002;

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private readonly HttpClient _httpClient = new();

    private TelegramHarness(NpgsqlDataSource dataSource, FakeBotApi api, TelegramOptions options, ILoggerFactory logs)
    {
        DataSource = dataSource;
        Api = api;
        Options = options;
        Store = new PostgresNotificationStore(dataSource);
        Audit = new AuditStore(dataSource);
        var time = TimeProvider.System;
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        var secrets = new TelegramSecrets(options.BotToken);
        Client = TelegramServiceCollectionExtensions.CreateClient(options, _httpClient);
        Pacer = new ChatPacer(time, Timings);
        Notifier = new TelegramNotifier(Store, wrapped, Signal, time, logs.CreateLogger<TelegramNotifier>());
        Delivery = new TelegramDelivery(
            Client, Store, Pacer, Signal, secrets, time, Timings, logs.CreateLogger<TelegramDelivery>());
        var handler = new TelegramUpdateHandler(
            Client, Store, Commands, Audit, Pacer, wrapped, secrets, time, Timings, logs.CreateLogger<TelegramUpdateHandler>());
        Poller = new TelegramPoller(Client, Store, handler, wrapped, secrets, time, Timings, logs.CreateLogger<TelegramPoller>());
    }

    /// <summary>Production pacing (one message a second per chat), with short retries and waits.</summary>
    public static TelegramTimings Timings { get; } = new()
    {
        GatherDelay = TimeSpan.FromMilliseconds(20),
        IdleInterval = TimeSpan.FromMilliseconds(200),
        LockInterval = TimeSpan.FromMilliseconds(100),
        RetryBaseDelay = TimeSpan.FromMilliseconds(100),
        RetryMaxDelay = TimeSpan.FromSeconds(1),
        RequestTimeout = TimeSpan.FromSeconds(10),
        PollErrorDelay = TimeSpan.FromMilliseconds(100),
    };

    public NpgsqlDataSource DataSource { get; }

    public FakeBotApi Api { get; }

    public TelegramOptions Options { get; }

    public PostgresNotificationStore Store { get; }

    public AuditStore Audit { get; }

    public TelegramBotClient Client { get; }

    public ChatPacer Pacer { get; }

    public DeliverySignal Signal { get; } = new();

    public TelegramNotifier Notifier { get; }

    public TelegramDelivery Delivery { get; }

    public TelegramPoller Poller { get; }

    public RecordingCommands Commands { get; } = new();

    public static async Task<TelegramHarness> StartAsync(
        PostgresServerFixture server, ILoggerFactory? logs = null, string? token = FakeBotApi.Token)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(cancellationToken));
        await SchemaMigrator.ApplyAsync(dataSource, NullLogger.Instance, cancellationToken);
        var api = await FakeBotApi.StartAsync();
        var options = new TelegramOptions
        {
            BotToken = token,
            ApiBaseUrl = api.BaseUrl,
            PollTimeout = TimeSpan.FromSeconds(1),
        };
        options.Routes.Add(Route(ChatA));
        options.Routes.Add(Route(ChatB, "store"));
        return new TelegramHarness(dataSource, api, options, logs ?? NullLoggerFactory.Instance);
    }

    public static AlertNotice Notice(
        string endpointId = "crm", string title = "crm is down", AlertKind kind = AlertKind.Opened,
        IReadOnlyList<string>? lines = null) => new()
    {
        NoticeId = Guid.NewGuid(),
        EndpointId = endpointId,
        IncidentId = Guid.NewGuid(),
        Severity = AlertSeverity.Critical,
        Kind = kind,
        Title = title,
        Lines = lines ?? ["Last error: HTTP 500"],
        JournalUrl = "http://127.0.0.1:5080/api/journal?endpoint=" + endpointId,
        At = TimeProvider.System.GetUtcNow(),
    };

    public void StartDelivery() => _running.Add(Task.Run(() => Delivery.RunAsync(_stop.Token)));

    public void StartPoller() => _running.Add(Task.Run(() => Poller.RunAsync(_stop.Token)));

    public Task<IReadOnlyList<StoredNotification>> ListAsync(NotificationState? state = null) =>
        Store.ListAsync(state, 500, TestContext.Current.CancellationToken);

    /// <summary>Polls <paramref name="condition"/> every 20 ms for at most 15 seconds.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string description)
    {
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"Timed out waiting until {description}.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running).ContinueWith(_ => { }, TaskScheduler.Default);
        await Api.DisposeAsync();
        await DataSource.DisposeAsync();
        _httpClient.Dispose();
        _stop.Dispose();
    }

    private static TelegramRoute Route(long chatId, string endpoint = TelegramRoute.AllEndpoints)
    {
        var route = new TelegramRoute { ChatId = chatId };
        route.Endpoints.Add(endpoint);
        return route;
    }
}
