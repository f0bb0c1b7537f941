using CrmAI.Hub.Notifications;
using CrmAI.Hub.Telemetry;
using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Sends due outbox rows with the Telegram.Bot client, one message per chat at a time: several due notices for one
/// chat become one grouped message. It is the only retry owner of these calls (the client's own 429 retry is off).
/// </summary>
/// <remarks>Run it in one hub only, under <see cref="SingleRunnerLock"/>.</remarks>
public sealed class TelegramDelivery(
    ITelegramBotClient client,
    INotificationStore store,
    ChatPacer pacer,
    DeliverySignal signal,
    TelegramSecrets secrets,
    TimeProvider time,
    TelegramTimings timings,
    ILogger<TelegramDelivery> logger)
{
    /// <summary>The most notices one grouped message lists; the rest follow in the chat's next message.</summary>
    public const int MaxNoticesPerMessage = 20;

    private const int DueBatchSize = 500;
    private const int MaxParallelChats = 4;

    /// <summary>Delivers until cancelled, waking for due rows, notices stored by this hub, and the idle interval.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var wakeAt = await DeliverDueAsync(cancellationToken);
                await WaitAsync(wakeAt, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogLoopFailed("delivery", secrets.Describe(exception));
                await PauseAsync(cancellationToken);
            }
        }
    }

    /// <summary>Sends one message to every chat that has due rows and is not paced, and returns when to look again.
    /// </summary>
    public async Task<DateTimeOffset> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await store.GetDueAsync(now, DueBatchSize, cancellationToken);
        var migrations = await store.GetChatMigrationsAsync(cancellationToken);
        var chats = due.GroupBy(row => ResolveChat(row.ChatId, migrations)).ToList();

        var ready = chats.Where(chat => pacer.NextAllowedAt(chat.Key) <= now);
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = MaxParallelChats,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(ready, parallel, async (chat, token) =>
            await DeliverToChatAsync(chat.Key, chat.Take(MaxNoticesPerMessage).ToList(), token));

        var wakeAt = now + timings.IdleInterval;
        foreach (var chat in chats)
        {
            wakeAt = Min(wakeAt, pacer.NextAllowedAt(chat.Key));
        }

        var nextDue = await store.GetNextDueAsync(cancellationToken);
        return nextDue > now ? Min(wakeAt, nextDue.Value) : wakeAt;
    }

    /// <summary>Follows stored migrations from the routed chat id to the chat that exists now.</summary>
    public static long ResolveChat(long chatId, IReadOnlyDictionary<long, long> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);

        var current = chatId;
        for (var hops = 0; hops < 10 && migrations.TryGetValue(current, out var next); hops++)
        {
            current = next;
        }

        return current;
    }

    private async Task DeliverToChatAsync(long chatId, List<StoredNotification> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Select(row => row.Id).ToList();
        var message = AlertMessageFormatter.Format(rows.Select(row => row.Notice).ToList());
        pacer.Reserve(chatId);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(timings.RequestTimeout);
            var sent = await client.SendMessage(
                chatId, message.Html, parseMode: ParseMode.Html, replyMarkup: message.Buttons,
                linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true }, cancellationToken: timeout.Token);

            // The message is out: record that even while the hub stops, or a restart would send it again.
            HubMetrics.RecordTelegramSent(clock.Elapsed);
            await store.MarkSentAsync(ids, sent.MessageId, time.GetUtcNow(), CancellationToken.None);
            logger.LogMessageSent(rows.Count, chatId, sent.MessageId);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            var error = $"sendMessage timed out after {timings.RequestTimeout}";
            HubMetrics.RecordTelegramFailed(nameof(SendFailureKind.Transient), clock.Elapsed);
            await SettleFailureAsync(chatId, rows, new SendFailure(SendFailureKind.Transient, error), cancellationToken);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var failure = SendFailure.From(exception, secrets);
            HubMetrics.RecordTelegramFailed(failure.Kind.ToString(), clock.Elapsed);
            await SettleFailureAsync(chatId, rows, failure, cancellationToken);
        }
        finally
        {
            // The interval also counts from the end of this request, so a slow send never lets the next one arrive
            // at the chat sooner than the interval after it.
            pacer.Hold(chatId, timings.ChatInterval);
        }
    }

    private async Task SettleFailureAsync(
        long chatId, List<StoredNotification> rows, SendFailure failure, CancellationToken cancellationToken)
    {
        var ids = rows.Select(row => row.Id).ToList();
        var now = time.GetUtcNow();
        switch (failure.Kind)
        {
            case SendFailureKind.Migrated:
                await store.SaveChatMigrationAsync(chatId, failure.MigrateTo!.Value, now, cancellationToken);
                await store.RescheduleAsync(ids, now, failure.Error, cancellationToken);
                logger.LogChatMigrated(chatId, failure.MigrateTo.Value);
                break;
            case SendFailureKind.RateLimited:
                pacer.Hold(chatId, failure.RetryAfter!.Value);
                await store.RescheduleAsync(ids, now + failure.RetryAfter.Value, failure.Error, cancellationToken);
                logger.LogRateLimited(chatId, failure.RetryAfter.Value);
                break;
            case SendFailureKind.TokenRejected:
                await store.RescheduleAsync(ids, now + timings.RetryMaxDelay, failure.Error, cancellationToken);
                logger.LogTokenRejected(now + timings.RetryMaxDelay, failure.Error);
                break;
            case SendFailureKind.Permanent:
                await store.MarkFailedAsync(ids, failure.Error, cancellationToken);
                logger.LogSendRejected(rows.Count, chatId, failure.Error);
                break;
            default:
                await SettleTransientAsync(chatId, rows, failure.Error, now, cancellationToken);
                break;
        }
    }

    private async Task SettleTransientAsync(
        long chatId, List<StoredNotification> rows, string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = rows.Select(row => row.Id).ToList();
        var attempt = rows.Max(row => row.Attempts) + 1;
        if (attempt >= timings.MaxAttempts)
        {
            var final = $"Gave up after {attempt} attempts: {error}";
            await store.MarkFailedAsync(ids, final, cancellationToken);
            logger.LogSendRejected(rows.Count, chatId, final);
            return;
        }

        var retryAt = now + Backoff(attempt);
        await store.RescheduleAsync(ids, retryAt, error, cancellationToken);
        logger.LogSendFailed(rows.Count, chatId, attempt, retryAt, error);
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponent = Math.Min(attempt - 1, 20);
        var delay = timings.RetryBaseDelay * Math.Pow(2, exponent);
        var capped = delay < timings.RetryMaxDelay ? delay : timings.RetryMaxDelay;

        // Up to 20% jitter, so chats that failed together do not retry in step.
        return capped + (capped * (Random.Shared.NextDouble() * 0.2));
    }

    private async Task WaitAsync(DateTimeOffset wakeAt, CancellationToken cancellationToken)
    {
        var delay = wakeAt - time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(delay, time, waiting.Token);
        var woken = signal.WaitAsync(waiting.Token);
        var first = await Task.WhenAny(timer, woken);
        await waiting.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();

        if (first == woken && woken.IsCompletedSuccessfully)
        {
            // Notices raised together (an incident storm) are stored within moments of each other.
            await Task.Delay(timings.GatherDelay, time, cancellationToken);
        }
    }

    private async Task PauseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(timings.PollErrorDelay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static DateTimeOffset Min(DateTimeOffset left, DateTimeOffset right) => left < right ? left : right;
}
