using System.Collections.Concurrent;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// The earliest time each chat may receive the next message, shared by the delivery loop and the poller's replies,
/// so a chat gets at most one message per <see cref="TelegramTimings.ChatInterval"/> and waits out a 429.
/// </summary>
/// <remarks>NOTE: the pace lives in memory, so it holds within the hub that owns the runner lock; a hub that takes
/// the lock over starts with no pace.</remarks>
public sealed class ChatPacer(TimeProvider time, TelegramTimings timings)
{
    private readonly ConcurrentDictionary<long, DateTimeOffset> _nextAllowed = new();
    private readonly Lock _gate = new();

    public DateTimeOffset NextAllowedAt(long chatId) => _nextAllowed.GetValueOrDefault(chatId, DateTimeOffset.MinValue);

    /// <summary>Takes the chat's next slot and returns how long to wait for it; zero when it is free now.</summary>
    public TimeSpan Reserve(long chatId)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var slot = NextAllowedAt(chatId) > now ? NextAllowedAt(chatId) : now;
            _nextAllowed[chatId] = slot + timings.ChatInterval;
            return slot - now;
        }
    }

    /// <summary>Keeps the chat quiet for at least <paramref name="wait"/>, as a 429 reply with retry_after requires.</summary>
    public void Hold(long chatId, TimeSpan wait)
    {
        lock (_gate)
        {
            var until = time.GetUtcNow() + wait;
            if (until > NextAllowedAt(chatId))
            {
                _nextAllowed[chatId] = until;
            }
        }
    }
}
