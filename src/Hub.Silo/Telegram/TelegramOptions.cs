using CrmAI.Hub.Alerts;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Settings of the Telegram bot that delivers alert notices and takes commands, bound from section
/// <see cref="SectionName"/>.
/// </summary>
public sealed class TelegramOptions
{
    public const string SectionName = "Telegram";

    /// <summary>The bot token from BotFather, <c>digits:text</c>. A secret: it is never logged or returned.</summary>
    /// <value>Default null.</value>
    /// <remarks>Without a token Telegram is off: notices are still stored as Pending, with a note, and are sent once
    /// a hub starts with a token.</remarks>
    public string? BotToken { get; set; }

    /// <summary>Base URL of the Bot API server, such as a local Bot API server; its path and query are ignored.
    /// </summary>
    /// <value>Default null, which means Telegram's public server.</value>
    public Uri? ApiBaseUrl { get; set; }

    /// <summary>Which chats receive which notices. A notice goes to every chat whose route matches it.</summary>
    public IList<TelegramRoute> Routes { get; } = [];

    /// <summary>How long one getUpdates call waits for updates on the server.</summary>
    /// <value>Default 25 seconds; 0 to 50 seconds.</value>
    /// <remarks>Longer waits mean fewer requests. Commands are handled as soon as they arrive either way.</remarks>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>The chats whose commands and button presses are obeyed: every chat that a route names.</summary>
    public IReadOnlySet<long> AllowedChatIds => Routes.Select(route => route.ChatId).ToHashSet();

    public bool IsEnabled => !string.IsNullOrEmpty(BotToken);

    /// <summary>Returns the chats that receive <paramref name="notice"/>, in route order, without repeats.</summary>
    public IReadOnlyList<long> RouteNotice(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);

        return Routes.Where(route => route.Matches(notice)).Select(route => route.ChatId).Distinct().ToList();
    }
}
