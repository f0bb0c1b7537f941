using System.Globalization;
using CrmAI.Hub.Api.Security;
using CrmAI.Hub.Notifications;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Handles one update: <c>/status</c> messages and presses of the Acknowledge and Mute buttons, from the chats that
/// the routes name (or the supergroups they became). Updates from other chats are ignored. An acknowledgement or mute
/// that takes effect is recorded in the audit log, with the Telegram user as the actor.
/// </summary>
public sealed class TelegramUpdateHandler(
    ITelegramBotClient client,
    INotificationStore store,
    ITelegramCommands commands,
    AuditStore audit,
    ChatPacer pacer,
    IOptions<TelegramOptions> options,
    TelegramSecrets secrets,
    TimeProvider time,
    TelegramTimings timings,
    ILogger<TelegramUpdateHandler> logger)
{
    /// <summary>Key id of audit entries written for Telegram users, who act without an API key.</summary>
    public const string TelegramKeyId = "telegram";

    public async Task HandleAsync(Update update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);

        if (update.CallbackQuery is { } query)
        {
            await HandleCallbackAsync(query, cancellationToken);
        }
        else if (update.Message is { Text: { } text } message && IsStatusCommand(text))
        {
            await HandleStatusAsync(message, cancellationToken);
        }
    }

    private static bool IsStatusCommand(string text)
    {
        var command = text.Split(' ', 2)[0];
        return command == "/status" || command.StartsWith("/status@", StringComparison.Ordinal);
    }

    private async Task<bool> IsAllowedAsync(long chatId, CancellationToken cancellationToken)
    {
        var allowed = options.Value.AllowedChatIds;
        if (allowed.Contains(chatId))
        {
            return true;
        }

        var migrations = await store.GetChatMigrationsAsync(cancellationToken);
        return allowed.Any(routed => TelegramDelivery.ResolveChat(routed, migrations) == chatId);
    }

    private async Task HandleStatusAsync(Message message, CancellationToken cancellationToken)
    {
        var chatId = message.Chat.Id;
        if (!await IsAllowedAsync(chatId, cancellationToken))
        {
            logger.LogUnknownChatIgnored("/status", chatId);
            return;
        }

        var statuses = await commands.GetStatusesAsync(cancellationToken);
        var html = StatusMessageFormatter.Format(statuses, time.GetUtcNow());
        await Task.Delay(pacer.Reserve(chatId), time, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(timings.RequestTimeout);
        await client.SendMessage(chatId, html, parseMode: ParseMode.Html, cancellationToken: timeout.Token);

        var result = string.Create(CultureInfo.InvariantCulture, $"{statuses.Count} endpoints");
        logger.LogCommandHandled("/status", message.From?.Id ?? 0, chatId, result);
    }

    private async Task HandleCallbackAsync(CallbackQuery query, CancellationToken cancellationToken)
    {
        if (query.Message?.Chat.Id is not long chatId || !await IsAllowedAsync(chatId, cancellationToken))
        {
            logger.LogUnknownChatIgnored("button press", query.Message?.Chat.Id);
            return;
        }

        var data = CallbackData.Parse(query.Data);
        var actor = string.Create(CultureInfo.InvariantCulture, $"telegram:{query.From.Id}");
        var answer = data?.Action switch
        {
            CallbackAction.Acknowledge => await AcknowledgeAsync(data, actor, chatId, cancellationToken),
            CallbackAction.Mute => await MuteAsync(data, actor, chatId, cancellationToken),
            _ => "Unknown button.",
        };

        await AnswerAsync(query.Id, answer, cancellationToken);
        logger.LogCommandHandled(query.Data ?? "", query.From.Id, chatId, answer);
        if (data?.Action == CallbackAction.Acknowledge && answer == Answers.Acknowledged)
        {
            await RemoveButtonAsync(query, cancellationToken);
        }
    }

    private async Task<string> AcknowledgeAsync(CallbackData data, string actor, long chatId, CancellationToken cancellationToken)
    {
        var incidentId = data.IncidentId!.Value;
        var endpointId = await store.FindEndpointOfIncidentAsync(incidentId, cancellationToken);
        if (endpointId is null)
        {
            return "Unknown incident.";
        }

        // A second press of the same button reaches a grain that has already acknowledged; it returns false.
        var acknowledged = await commands.AcknowledgeAsync(endpointId, incidentId, actor, cancellationToken);
        if (!acknowledged)
        {
            return "Already acknowledged, or no longer open.";
        }

        await AuditAsync("incident.acknowledged", incidentId.ToString(), actor,
            $"Acknowledge button for endpoint {endpointId} pressed in Telegram chat {chatId}");
        return Answers.Acknowledged;
    }

    private async Task<string> MuteAsync(CallbackData data, string actor, long chatId, CancellationToken cancellationToken)
    {
        var endpointId = data.EndpointId;
        if (endpointId is null && data.IncidentId is { } incidentId)
        {
            endpointId = await store.FindEndpointOfIncidentAsync(incidentId, cancellationToken);
        }

        if (endpointId is null)
        {
            return "Unknown incident.";
        }

        var until = await commands.MuteAsync(endpointId, TimeSpan.FromMinutes(data.Minutes), actor, cancellationToken);
        if (until is not { } end)
        {
            return $"{endpointId} was not muted.";
        }

        await AuditAsync("endpoint.muted", endpointId, actor, string.Create(CultureInfo.InvariantCulture,
            $"Mute button pressed in Telegram chat {chatId}: muted for {data.Minutes} min, until {end:O}"));
        return string.Create(CultureInfo.InvariantCulture, $"Muted {endpointId} until {end.UtcDateTime:HH:mm} UTC.");
    }

    // The action has taken effect, so a failed audit write is logged and the button press is still confirmed in Telegram.
    private async Task AuditAsync(string action, string target, string actor, string summary)
    {
        try
        {
            await audit.AppendAsync(new AuditEntry(0, time.GetUtcNow(), TelegramKeyId, actor, action, target, summary),
                CancellationToken.None);
        }
        catch (Exception error) when (error is Npgsql.NpgsqlException or TimeoutException)
        {
            logger.LogAuditWriteFailed(action, target, actor, error);
        }
    }

    private async Task AnswerAsync(string queryId, string text, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(timings.RequestTimeout);
        await client.AnswerCallbackQuery(queryId, text, cancellationToken: timeout.Token);
    }

    // Drops the pressed button and keeps the others, such as Mute, on the message.
    private async Task RemoveButtonAsync(CallbackQuery query, CancellationToken cancellationToken)
    {
        if (query.Message is not { } message || message.ReplyMarkup is not { } markup)
        {
            return;
        }

        var rows = markup.InlineKeyboard
            .Select(row => row.Where(button => button.CallbackData != query.Data).ToArray())
            .Where(row => row.Length > 0).ToArray();
        try
        {
            await client.EditMessageReplyMarkup(
                message.Chat.Id, message.MessageId, rows.Length == 0 ? null : new InlineKeyboardMarkup(rows),
                cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
        {
            // Only cosmetic: the incident is acknowledged either way.
            logger.LogLoopFailed("button removal", secrets.Describe(exception));
        }
    }

    private static class Answers
    {
        public const string Acknowledged = "Acknowledged.";
    }
}
