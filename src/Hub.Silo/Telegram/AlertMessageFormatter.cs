using System.Globalization;
using System.Text;
using CrmAI.Hub.Alerts;
using Telegram.Bot.Extensions;
using Telegram.Bot.Types.ReplyMarkups;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Turns alert notices into Telegram HTML messages. Every text that comes from outside the formatter (titles, lines,
/// endpoint ids, URLs) is escaped, because error bodies often contain <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c>.
/// </summary>
public static class AlertMessageFormatter
{
    /// <summary>Telegram's limit on message text, in characters after HTML parsing.</summary>
    public const int MaxTextLength = 4096;

    public const int MuteMinutes = 60;

    /// <summary>The most button rows one message carries; Telegram allows 100 buttons per keyboard.</summary>
    public const int MaxButtonRows = 20;

    public const string CutSuffix = "…\n[cut: the message was longer than Telegram's 4096-character limit]";

    /// <summary>Formats one notice, or several for one chat as a single grouped message.</summary>
    public static TelegramMessage Format(IReadOnlyList<AlertNotice> notices)
    {
        ArgumentNullException.ThrowIfNull(notices);
        ArgumentOutOfRangeException.ThrowIfZero(notices.Count);

        var html = notices.Count == 1 ? FormatSingle(notices[0]) : FormatGroup(notices);
        return new TelegramMessage(Fit(html), Buttons(notices));
    }

    /// <summary>Cuts HTML to <see cref="MaxTextLength"/> characters after parsing and appends a note that it was cut.</summary>
    public static string Fit(string html)
    {
        ArgumentNullException.ThrowIfNull(html);

        return HtmlText.PlainLength(html) <= MaxTextLength ? html : HtmlText.Truncate(html, MaxTextLength, CutSuffix);
    }

    public static string Escape(string? text) => HtmlText.Escape(text ?? "") ?? "";

    private static string FormatSingle(AlertNotice notice)
    {
        var text = new StringBuilder();
        text.Append(Icon(notice)).Append(" <b>").Append(Escape(notice.Title)).Append("</b>\n");
        text.Append(KindLabel(notice.Kind)).Append(" · ").Append(notice.Severity.ToString())
            .Append(" · endpoint <code>").Append(Escape(notice.EndpointId)).Append("</code>\n");
        if (notice.Lines.Count > 0)
        {
            text.Append('\n');
            foreach (var line in notice.Lines)
            {
                text.Append(Escape(line)).Append('\n');
            }
        }

        if (JournalLink(notice) is { } link)
        {
            text.Append('\n').Append(link).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }

    private static string FormatGroup(IReadOnlyList<AlertNotice> notices)
    {
        var endpoints = notices.Select(notice => notice.EndpointId).Distinct(StringComparer.Ordinal).ToList();
        var noun = endpoints.Count == 1 ? "integration" : "integrations";
        var heading = notices.All(notice => notice.Kind == AlertKind.Opened)
            ? string.Create(CultureInfo.InvariantCulture,
                $"{endpoints.Count} {noun} failed: {string.Join(", ", endpoints)}")
            : string.Create(CultureInfo.InvariantCulture, $"{notices.Count} alerts for {endpoints.Count} integrations");

        var text = new StringBuilder();
        text.Append("<b>").Append(Escape(heading)).Append("</b>\n");
        foreach (var notice in notices)
        {
            text.Append('\n').Append(Icon(notice)).Append(" <code>").Append(Escape(notice.EndpointId)).Append("</code> ")
                .Append(Escape(notice.Title)).Append(" (").Append(KindLabel(notice.Kind).ToLowerInvariant()).Append(')');
            if (JournalLink(notice) is { } link)
            {
                text.Append(" · ").Append(link);
            }
        }

        return text.ToString();
    }

    private static InlineKeyboardMarkup? Buttons(IReadOnlyList<AlertNotice> notices)
    {
        var open = notices.Where(notice => notice.Kind is AlertKind.Opened or AlertKind.StillOpen)
            .DistinctBy(notice => notice.IncidentId).Take(MaxButtonRows).ToList();
        if (open.Count == 0)
        {
            return null;
        }

        var single = notices.Count == 1;
        var rows = open.Select(notice => new[]
        {
            InlineKeyboardButton.WithCallbackData(
                single ? "Acknowledge" : $"Acknowledge {notice.EndpointId}", CallbackData.Acknowledge(notice.IncidentId)),
            InlineKeyboardButton.WithCallbackData(
                single ? "Mute 1 h" : $"Mute {notice.EndpointId} 1 h",
                CallbackData.Mute(notice.EndpointId, notice.IncidentId, MuteMinutes)),
        });
        return new InlineKeyboardMarkup(rows);
    }

    private static string? JournalLink(AlertNotice notice)
    {
        if (!Uri.TryCreate(notice.JournalUrl, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        return $"<a href=\"{Escape(url.AbsoluteUri)}\">journal</a>";
    }

    private static string Icon(AlertNotice notice) => notice.Kind == AlertKind.Resolved
        ? "✅"
        : notice.Severity switch
        {
            AlertSeverity.Critical => "🔴",
            AlertSeverity.Warning => "🟠",
            _ => "🔵",
        };

    private static string KindLabel(AlertKind kind) => kind switch
    {
        AlertKind.Opened => "Opened",
        AlertKind.StillOpen => "Still open",
        _ => "Resolved",
    };
}
