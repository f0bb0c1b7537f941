namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Intervals of the delivery loop and the poller. They are not configuration: the defaults follow Telegram's limits,
/// and only tests shorten them.
/// </summary>
public sealed record TelegramTimings
{
    /// <summary>The least time between two messages to one chat. Telegram allows about one message a second per chat.
    /// </summary>
    public TimeSpan ChatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the loop waits after a wake-up, so notices raised together go out as one message.</summary>
    public TimeSpan GatherDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest idle wait before the loop checks the outbox again, for rows added by other hubs.</summary>
    public TimeSpan IdleInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a hub without the runner lock tries to take it, and how often the holder checks it.</summary>
    public TimeSpan LockInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The first retry delay after a network error or a 5xx; it doubles with each attempt.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts after which a row that keeps failing transiently is marked Failed.</summary>
    public int MaxAttempts { get; init; } = 50;

    /// <summary>The limit of one sendMessage or answerCallbackQuery call.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait after a failed getUpdates call.</summary>
    public TimeSpan PollErrorDelay { get; init; } = TimeSpan.FromSeconds(5);
}
