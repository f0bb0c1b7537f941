using System.Globalization;
using System.Text;
using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// The reply to <c>/status</c>: one escaped line per endpoint, cut to Telegram's limit.
/// </summary>
public static class StatusMessageFormatter
{
    public static string Format(IReadOnlyList<EndpointStatus> statuses, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(statuses);

        if (statuses.Count == 0)
        {
            return "No endpoints are configured.";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"<b>Status of {statuses.Count} endpoints at {now.UtcDateTime:HH:mm} UTC</b>");
        foreach (var status in statuses)
        {
            text.Append('\n').Append(AlertMessageFormatter.Escape(FormatLine(status)));
        }

        return AlertMessageFormatter.Fit(text.ToString());
    }

    private static string FormatLine(EndpointStatus status) => string.Create(CultureInfo.InvariantCulture,
        $"{status.EndpointId}: {status.Status}, last success {Time(status.LastSuccessAt)}, "
        + $"last failure {Time(status.LastFailureAt)}, {status.RecentFailures}/{status.RecentExchanges} recent failed, "
        + $"pending {status.Pending}, parked {status.Parked}");

    private static string Time(DateTimeOffset? at) =>
        at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "never";
}
