using Telegram.Bot.Exceptions;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// A failed Telegram call, classified, with the redacted error text to store.
/// </summary>
public sealed record SendFailure(SendFailureKind Kind, string Error, TimeSpan? RetryAfter = null, long? MigrateTo = null)
{
    /// <summary>Classifies an exception from the Telegram.Bot client.</summary>
    public static SendFailure From(Exception exception, TelegramSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(secrets);

        var error = secrets.Describe(exception);
        if (exception is not ApiRequestException api)
        {
            // RequestException (network, timeout, unreadable reply), HttpRequestException and our own timeout.
            return new SendFailure(SendFailureKind.Transient, error);
        }

        error = secrets.Redact($"Telegram error {api.ErrorCode}: {api.Message}");
        if (api.Parameters?.MigrateToChatId is long migrateTo)
        {
            return new SendFailure(SendFailureKind.Migrated, error, MigrateTo: migrateTo);
        }

        return api.ErrorCode switch
        {
            429 => new SendFailure(
                SendFailureKind.RateLimited, error, TimeSpan.FromSeconds(Math.Max(1, api.Parameters?.RetryAfter ?? 1))),
            401 or 404 => new SendFailure(SendFailureKind.TokenRejected, error),
            >= 500 or 0 => new SendFailure(SendFailureKind.Transient, error),
            _ => new SendFailure(SendFailureKind.Permanent, error),
        };
    }
}
