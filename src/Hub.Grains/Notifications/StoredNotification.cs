using CrmAI.Hub.Alerts;

namespace CrmAI.Hub.Notifications;

/// <summary>
/// One alert notice routed to one Telegram chat, as stored in <c>hub_notifications</c>.
/// </summary>
public sealed record StoredNotification
{
    public required long Id { get; init; }

    /// <summary>The chat the route names; the message goes to the chat it migrated to, if any.</summary>
    public required long ChatId { get; init; }

    public required AlertNotice Notice { get; init; }

    public required NotificationState State { get; init; }

    /// <summary>Attempts made so far, rate-limited ones included.</summary>
    public required int Attempts { get; init; }

    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The latest error, with the bot token removed; null after a clean success.</summary>
    public string? LastError { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    public long? TelegramMessageId { get; init; }
}
