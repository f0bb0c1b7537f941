using Telegram.Bot.Types.ReplyMarkups;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// A message ready for sendMessage: HTML text within Telegram's limit, and its buttons, if any.
/// </summary>
public sealed record TelegramMessage(string Html, InlineKeyboardMarkup? Buttons);
