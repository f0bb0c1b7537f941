using System.ComponentModel;
using System.Globalization;
using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CrmAI.Hub.Api.Routes;

/// <summary>
/// The alert outbox: which notices went to which Telegram chat, and which wait or failed.
/// </summary>
public static class NotificationRoutes
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static RouteGroupBuilder MapNotificationRoutes(this RouteGroupBuilder api)
    {
        api.MapGet("/notifications", ListAsync)
            .WithTags("Notifications")
            .WithName("ListNotifications")
            .WithSummary("List alert notices and their delivery state per Telegram chat")
            .RejectUnknownQuery();
        return api;
    }

    private static async Task<Results<Ok<List<NotificationView>>, ValidationProblem>> ListAsync(
        [Description("Delivery state to list; all states when left out.")] string? state,
        [Description("Page size, 1 to 500. Default 100.")] string? limit,
        [FromServices] INotificationStore store, CancellationToken cancellationToken)
    {
        var errors = new Validation();
        var parsedState = QueryParsing.Enum<NotificationState>(state, "state", errors);
        var parsedLimit = ParseLimit(limit, errors);
        if (!errors.IsValid)
        {
            return RouteChecks.Invalid(errors, "Invalid notification query");
        }

        var rows = await store.ListAsync(parsedState, parsedLimit, cancellationToken);
        return TypedResults.Ok(rows.Select(NotificationView.From).ToList());
    }

    private static int ParseLimit(string? value, Validation errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return DefaultLimit;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            || limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"limit '{value}' is invalid: use a whole number from 1 to {MaxLimit}.");
        }

        return limit;
    }
}
