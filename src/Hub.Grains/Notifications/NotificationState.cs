namespace CrmAI.Hub.Notifications;

/// <summary>
/// Delivery state of one notification row.
/// </summary>
public enum NotificationState
{
    /// <summary>Waiting for its first attempt or for a retry at <see cref="StoredNotification.NextAttemptAt"/>.</summary>
    Pending,

    Sent,

    /// <summary>Rejected for good by Telegram, or retries ran out. <see cref="StoredNotification.LastError"/> contains the reason.
    /// </summary>
    Failed,
}
