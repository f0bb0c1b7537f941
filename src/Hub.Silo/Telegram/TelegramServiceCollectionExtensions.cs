using CrmAI.Hub.Alerts;
using CrmAI.Hub.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Registers alert delivery through Telegram: options, the outbox as <see cref="INotifier"/>, the Telegram.Bot
/// client, and the worker that delivers and polls.
/// </summary>
public static class TelegramServiceCollectionExtensions
{
    /// <summary>The named HttpClient of the bot, with request logging removed: its URLs contain the token.</summary>
    public const string HttpClientName = "telegram";

    // getUpdates keeps the request open for up to PollTimeout, so the HttpClient limit must exceed it. Other calls
    // have their own shorter limit, TelegramTimings.RequestTimeout.
    private static readonly TimeSpan HttpTimeoutMargin = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddHubTelegram(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<TelegramOptions>().Bind(configuration.GetSection(TelegramOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TelegramTimings>();
        services.AddSingleton(provider =>
            new TelegramSecrets(provider.GetRequiredService<IOptions<TelegramOptions>>().Value.BotToken));
        services.AddSingleton<INotificationStore, PostgresNotificationStore>();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<ChatPacer>();
        services.AddSingleton<INotifier, TelegramNotifier>();
        services.AddSingleton<ITelegramCommands, GrainTelegramCommands>();

        services.AddHttpClient(HttpClientName).RemoveAllLoggers();
        services.AddSingleton<ITelegramBotClient>(CreateClient);
        services.AddSingleton<TelegramDelivery>();
        services.AddSingleton<TelegramUpdateHandler>();
        services.AddSingleton<TelegramPoller>();
        services.AddHostedService<TelegramWorker>();
        return services;
    }

    /// <summary>Creates the client with its built-in 429 retry off, because the delivery loop owns retries.</summary>
    public static TelegramBotClient CreateClient(TelegramOptions options, HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);

        var token = options.IsEnabled
            ? options.BotToken!
            : throw new InvalidOperationException("Telegram:BotToken is unset, so no Telegram client can be created.");
        httpClient.Timeout = options.PollTimeout + HttpTimeoutMargin;
        var clientOptions = new TelegramBotClientOptions(token, options.ApiBaseUrl?.GetLeftPart(UriPartial.Authority))
        {
            RetryCount = 0,
        };
        return new TelegramBotClient(clientOptions, httpClient);
    }

    private static TelegramBotClient CreateClient(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<TelegramOptions>>().Value;
        var httpClient = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        return CreateClient(options, httpClient);
    }
}
