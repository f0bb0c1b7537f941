namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Removes the bot token from error text before it is logged, stored or returned, because Telegram request URLs
/// contain the token.
/// </summary>
public sealed class TelegramSecrets(string? botToken)
{
    public const string Placeholder = "<bot-token>";

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        return string.IsNullOrEmpty(botToken) ? text : text.Replace(botToken, Placeholder, StringComparison.Ordinal);
    }

    /// <summary>Returns the exception type and message, redacted, without the stack trace.</summary>
    public string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);

        var inner = exception.InnerException is { } cause ? $" ({cause.GetType().Name}: {cause.Message})" : "";
        return Redact($"{exception.GetType().Name}: {exception.Message}{inner}");
    }
}
