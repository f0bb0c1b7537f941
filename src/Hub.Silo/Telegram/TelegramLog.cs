using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Log messages of the Telegram delivery loop and poller. Error texts are passed already redacted, never as
/// exceptions of Telegram calls, because those may carry the request URL and with it the bot token.
/// </summary>
internal static partial class TelegramLog
{
    [LoggerMessage(EventId = TelegramEventIds.SendFailed, Level = LogLevel.Warning,
        Message = "Sending {NoticeCount} notices to chat {ChatId} failed (attempt {Attempt}); retrying at {RetryAt}: {Error}")]
    public static partial void LogSendFailed(
        this ILogger logger, int noticeCount, long chatId, int attempt, DateTimeOffset retryAt, string error);

    [LoggerMessage(EventId = TelegramEventIds.SendRejected, Level = LogLevel.Error,
        Message = "Telegram rejected {NoticeCount} notices for chat {ChatId}; they are marked Failed: {Error}")]
    public static partial void LogSendRejected(this ILogger logger, int noticeCount, long chatId, string error);

    [LoggerMessage(EventId = TelegramEventIds.RateLimited, Level = LogLevel.Warning,
        Message = "Telegram rate-limited chat {ChatId}; its messages wait {RetryAfter}")]
    public static partial void LogRateLimited(this ILogger logger, long chatId, TimeSpan retryAfter);

    [LoggerMessage(EventId = TelegramEventIds.ChatMigrated, Level = LogLevel.Information,
        Message = "Chat {ChatId} became supergroup {MigratedTo}; messages go there from now on")]
    public static partial void LogChatMigrated(this ILogger logger, long chatId, long migratedTo);

    [LoggerMessage(EventId = TelegramEventIds.RunnerLockTaken, Level = LogLevel.Information,
        Message = "This hub holds runner lock {LockKey} and runs Telegram delivery and polling")]
    public static partial void LogRunnerLockTaken(this ILogger logger, long lockKey);

    [LoggerMessage(EventId = TelegramEventIds.RunnerLockLost, Level = LogLevel.Warning,
        Message = "Runner lock {LockKey} is lost or could not be taken; trying again")]
    public static partial void LogRunnerLockLost(this ILogger logger, long lockKey, Exception? exception);

    [LoggerMessage(EventId = TelegramEventIds.LoopFailed, Level = LogLevel.Error,
        Message = "Telegram {Loop} loop failed; it continues after a pause: {Error}")]
    public static partial void LogLoopFailed(this ILogger logger, string loop, string error);

    [LoggerMessage(EventId = TelegramEventIds.PollFailed, Level = LogLevel.Warning,
        Message = "getUpdates failed; polling again after {Delay}: {Error}")]
    public static partial void LogPollFailed(this ILogger logger, TimeSpan delay, string error);

    [LoggerMessage(EventId = TelegramEventIds.UnknownChatIgnored, Level = LogLevel.Debug,
        Message = "Ignored {UpdateKind} from chat {ChatId}, which no route in Telegram:Routes names")]
    public static partial void LogUnknownChatIgnored(this ILogger logger, string updateKind, long? chatId);

    [LoggerMessage(EventId = TelegramEventIds.CommandHandled, Level = LogLevel.Information,
        Message = "Handled {Command} from user {UserId} in chat {ChatId}: {Result}")]
    public static partial void LogCommandHandled(this ILogger logger, string command, long userId, long chatId, string result);

    [LoggerMessage(EventId = TelegramEventIds.Disabled, Level = LogLevel.Information,
        Message = "Telegram is off because Telegram:BotToken is unset; alert notices are stored as Pending and not sent")]
    public static partial void LogDisabled(this ILogger logger);

    [LoggerMessage(EventId = TelegramEventIds.NoticeStored, Level = LogLevel.Debug,
        Message = "Stored notice {NoticeId} of endpoint {EndpointId} for {ChatCount} chats ({AddedCount} new rows)")]
    public static partial void LogNoticeStored(
        this ILogger logger, Guid noticeId, string endpointId, int chatCount, int addedCount);

    [LoggerMessage(EventId = TelegramEventIds.MessageSent, Level = LogLevel.Debug,
        Message = "Sent {NoticeCount} notices to chat {ChatId} as message {MessageId}")]
    public static partial void LogMessageSent(this ILogger logger, int noticeCount, long chatId, long messageId);

    [LoggerMessage(EventId = TelegramEventIds.TokenRejected, Level = LogLevel.Error,
        Message = "Telegram rejected the bot token; check Telegram:BotToken. Notices wait until {RetryAt}: {Error}")]
    public static partial void LogTokenRejected(this ILogger logger, DateTimeOffset retryAt, string error);

    [LoggerMessage(EventId = TelegramEventIds.AuditWriteFailed, Level = LogLevel.Error,
        Message = "Writing the audit entry {Action} on {Target} by {Actor} failed; the button press itself took effect")]
    public static partial void LogAuditWriteFailed(this ILogger logger, string action, string target, string actor, Exception error);
}
