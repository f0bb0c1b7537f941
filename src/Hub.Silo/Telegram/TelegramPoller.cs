using CrmAI.Hub.Notifications;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Long-polls getUpdates and hands each update to <see cref="TelegramUpdateHandler"/>. The next offset is stored,
/// so a restart does not handle confirmed updates again.
/// </summary>
/// <remarks>Run it in one hub only, under <see cref="SingleRunnerLock"/>: Telegram allows one poller per token.
/// </remarks>
public sealed class TelegramPoller(
    ITelegramBotClient client,
    INotificationStore store,
    TelegramUpdateHandler handler,
    IOptions<TelegramOptions> options,
    TelegramSecrets secrets,
    TimeProvider time,
    TelegramTimings timings,
    ILogger<TelegramPoller> logger)
{
    private const int UpdateLimit = 100;

    private static readonly UpdateType[] AllowedUpdates = [UpdateType.Message, UpdateType.CallbackQuery];

    /// <summary>Polls until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var botId = client.BotId;
        var offset = await store.GetUpdateOffsetAsync(botId, cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                offset = await PollOnceAsync(botId, offset, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                logger.LogPollFailed(timings.PollErrorDelay, secrets.Describe(exception));
                await Task.Delay(timings.PollErrorDelay, time, cancellationToken).ContinueWith(_ => { },
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    private async Task<long?> PollOnceAsync(long botId, long? offset, CancellationToken cancellationToken)
    {
        var updates = await client.GetUpdates(
            offset: (int?)offset, limit: UpdateLimit, timeout: (int)options.Value.PollTimeout.TotalSeconds,
            allowedUpdates: AllowedUpdates, cancellationToken: cancellationToken);
        if (updates.Length == 0)
        {
            return offset;
        }

        foreach (var update in updates)
        {
            await HandleAsync(update, cancellationToken);
            offset = update.Id + 1L;
        }

        await store.SaveUpdateOffsetAsync(botId, offset!.Value, time.GetUtcNow(), cancellationToken);
        return offset;
    }

    private async Task HandleAsync(Update update, CancellationToken cancellationToken)
    {
        try
        {
            await handler.HandleAsync(update, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // One bad update must not block the ones after it, so it is logged and skipped.
            logger.LogLoopFailed("update handling", secrets.Describe(exception));
        }
    }
}
