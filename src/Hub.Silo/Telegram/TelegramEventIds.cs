namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Event ids of the Telegram log messages, in the 3000s.
/// </summary>
public static class TelegramEventIds
{
    public const int SendFailed = 3001;
    public const int SendRejected = 3002;
    public const int RateLimited = 3003;
    public const int ChatMigrated = 3004;
    public const int RunnerLockTaken = 3005;
    public const int RunnerLockLost = 3006;
    public const int LoopFailed = 3007;
    public const int PollFailed = 3008;
    public const int UnknownChatIgnored = 3009;
    public const int CommandHandled = 3010;
    public const int Disabled = 3011;
    public const int NoticeStored = 3012;
    public const int MessageSent = 3013;
    public const int TokenRejected = 3014;
    public const int AuditWriteFailed = 3015;
}
