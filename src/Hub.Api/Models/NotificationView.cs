using CrmAI.Hub.Alerts;
using CrmAI.Hub.Notifications;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// One alert notice routed to one Telegram chat, and how its delivery went. Errors are stored without the bot token.
/// </summary>
public sealed record NotificationView(
    long Id,
    Guid NoticeId,
    long ChatId,
    string EndpointId,
    Guid IncidentId,
    AlertSeverity Severity,
    AlertKind Kind,
    string Title,
    NotificationState State,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    long? TelegramMessageId,
    AlertNotice Notice)
{
    public static NotificationView From(StoredNotification row)
    {
        ArgumentNullException.ThrowIfNull(row);

        var notice = row.Notice;
        return new NotificationView(
            row.Id, notice.NoticeId, row.ChatId, notice.EndpointId, notice.IncidentId, notice.Severity, notice.Kind,
            notice.Title, row.State, row.Attempts, row.NextAttemptAt, row.LastError, row.CreatedAt, row.SentAt,
            row.TelegramMessageId, notice);
    }
}
