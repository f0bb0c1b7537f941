using CrmAI.Hub.Alerts;

namespace CrmAI.Hub.Notifications;

/// <summary>
/// The alert outbox (<c>hub_notifications</c>) and the Telegram bookkeeping next to it: chat migrations and the
/// update offset. Only the single delivery loop changes rows after they are added.
/// </summary>
public interface INotificationStore
{
    /// <summary>
    /// Adds one Pending row per chat, due at <paramref name="now"/>. Rows that exist for the same notice and chat are
    /// left as they are. Returns how many rows were added.
    /// </summary>
    Task<int> AddAsync(
        AlertNotice notice, IReadOnlyCollection<long> chatIds, string? note, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>Returns Pending rows due at <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<StoredNotification>> GetDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Returns the earliest due time of a Pending row, or null when none waits.</summary>
    Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken);

    Task MarkSentAsync(
        IReadOnlyCollection<long> ids, long messageId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Counts an attempt, stores <paramref name="lastError"/> and keeps the rows Pending until
    /// <paramref name="nextAttemptAt"/>.
    /// </summary>
    Task RescheduleAsync(
        IReadOnlyCollection<long> ids, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken);

    /// <summary>Counts an attempt and marks the rows Failed with the error; they are not tried again.</summary>
    Task MarkFailedAsync(IReadOnlyCollection<long> ids, string lastError, CancellationToken cancellationToken);

    /// <summary>Returns rows newest first, all of them or only those in <paramref name="state"/>.</summary>
    Task<IReadOnlyList<StoredNotification>> ListAsync(
        NotificationState? state, int limit, CancellationToken cancellationToken);

    /// <summary>Returns the endpoint of an incident that some stored notice belongs to, or null.</summary>
    Task<string?> FindEndpointOfIncidentAsync(Guid incidentId, CancellationToken cancellationToken);

    /// <summary>Returns every stored chat migration, from the old chat id to the new one.</summary>
    Task<IReadOnlyDictionary<long, long>> GetChatMigrationsAsync(CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="chatId"/> became <paramref name="migratedTo"/>, replacing an older record.
    /// </summary>
    Task SaveChatMigrationAsync(long chatId, long migratedTo, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Returns the next getUpdates offset of the bot, or null before its first update.</summary>
    Task<long?> GetUpdateOffsetAsync(long botId, CancellationToken cancellationToken);

    Task SaveUpdateOffsetAsync(long botId, long nextUpdateId, DateTimeOffset now, CancellationToken cancellationToken);
}
