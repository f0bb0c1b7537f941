using CrmAI.Hub.Alerts;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// One chat and the notices it receives.
/// </summary>
public sealed class TelegramRoute
{
    public const string AllEndpoints = "*";

    /// <summary>The Telegram chat id; groups and supergroups have negative ids.</summary>
    public long ChatId { get; set; }

    /// <summary>Endpoint ids whose notices the chat receives, or <c>"*"</c> for every endpoint.</summary>
    public IList<string> Endpoints { get; } = [];

    /// <summary>The lowest severity the chat receives.</summary>
    /// <value>Default <see cref="AlertSeverity.Info"/>, so every notice.</value>
    public AlertSeverity MinSeverity { get; set; } = AlertSeverity.Info;

    public bool Matches(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);

        return notice.Severity >= MinSeverity
            && Endpoints.Any(id => id == AllEndpoints || string.Equals(id, notice.EndpointId, StringComparison.Ordinal));
    }
}
