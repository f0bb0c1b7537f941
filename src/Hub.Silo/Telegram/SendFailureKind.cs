namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// How the delivery loop treats a failed Telegram call.
/// </summary>
public enum SendFailureKind
{
    /// <summary>A network error, a timeout or a 5xx: retry with backoff.</summary>
    Transient,

    /// <summary>429: wait the time Telegram gives, for that chat only.</summary>
    RateLimited,

    /// <summary>The group became a supergroup: send to the new chat id from now on.</summary>
    Migrated,

    /// <summary>The token was rejected (401, or 404 for an unknown bot). Every chat is affected, so retry slowly.
    /// </summary>
    TokenRejected,

    /// <summary>Telegram rejected the message or the chat for good, such as "chat not found": mark Failed.</summary>
    Permanent,
}
