using CrmAI.Hub.Alerts;
using CrmAI.Hub.Notifications;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// <see cref="INotifier"/> that stores each notice in the outbox once per routed chat and wakes the delivery loop.
/// Notices that no route matches are not stored.
/// </summary>
public sealed class TelegramNotifier(
    INotificationStore store,
    IOptions<TelegramOptions> options,
    DeliverySignal signal,
    TimeProvider time,
    ILogger<TelegramNotifier> logger) : INotifier
{
    public const string DisabledNote =
        "Telegram is off: Telegram:BotToken is unset, so the notice waits until a hub starts with a token.";

    public async Task NotifyAsync(AlertNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);

        var settings = options.Value;
        var chats = settings.RouteNotice(notice);
        var note = settings.IsEnabled ? null : DisabledNote;
        var added = await store.AddAsync(notice, chats, note, time.GetUtcNow(), cancellationToken);

        logger.LogNoticeStored(notice.NoticeId, notice.EndpointId, chats.Count, added);
        if (added > 0)
        {
            signal.Notify();
        }
    }
}
