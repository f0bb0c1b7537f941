using System.Text.RegularExpressions;
using CrmAI.Hub.Alerts;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Checks <see cref="TelegramOptions"/> at start and names the key of every invalid value; it never quotes the token.
/// </summary>
public sealed partial class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    private static readonly TimeSpan MaxPollTimeout = TimeSpan.FromSeconds(50);

    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var errors = new List<string>();
        ValidateConnection(options, errors);
        for (var index = 0; index < options.Routes.Count; index++)
        {
            ValidateRoute(options.Routes[index], $"{TelegramOptions.SectionName}:Routes:{index}", errors);
        }

        if (options.IsEnabled && options.Routes.Count == 0)
        {
            errors.Add($"{TelegramOptions.SectionName}:Routes is empty while {TelegramOptions.SectionName}:BotToken "
                + "is set: add at least one route with a ChatId and Endpoints, or unset the token.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[0-9]{1,20}:[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex EndpointIdPattern();

    private static void ValidateConnection(TelegramOptions options, List<string> errors)
    {
        if (options.BotToken is { Length: > 0 } token && !TokenPattern().IsMatch(token))
        {
            errors.Add($"{TelegramOptions.SectionName}:BotToken is invalid: use the token from BotFather, "
                + "digits, a colon, then letters, digits, '_' or '-'.");
        }

        if (options.ApiBaseUrl is { } baseUrl
            && (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"{TelegramOptions.SectionName}:ApiBaseUrl '{baseUrl}' is invalid: use an absolute http or "
                + "https URL, or leave it unset for Telegram's server.");
        }

        if (options.PollTimeout < TimeSpan.Zero || options.PollTimeout > MaxPollTimeout)
        {
            errors.Add($"{TelegramOptions.SectionName}:PollTimeout {options.PollTimeout} is out of range: use "
                + "00:00:00 to 00:00:50.");
        }
    }

    private static void ValidateRoute(TelegramRoute route, string key, List<string> errors)
    {
        if (route.ChatId == 0)
        {
            errors.Add($"{key}:ChatId is missing: set the Telegram chat id, negative for groups.");
        }

        if (route.Endpoints.Count == 0)
        {
            errors.Add($"{key}:Endpoints is empty: list endpoint ids, or \"*\" for every endpoint.");
        }

        for (var index = 0; index < route.Endpoints.Count; index++)
        {
            var endpointId = route.Endpoints[index];
            if (endpointId != TelegramRoute.AllEndpoints && !EndpointIdPattern().IsMatch(endpointId ?? ""))
            {
                errors.Add($"{key}:Endpoints:{index} '{endpointId}' is invalid: use an endpoint id (lower-case "
                    + "letters, digits, '.', '_' and '-', at most 64 characters) or \"*\".");
            }
        }

        if (!Enum.IsDefined(route.MinSeverity))
        {
            errors.Add($"{key}:MinSeverity '{route.MinSeverity}' is invalid: use Info, Warning or Critical.");
        }
    }
}
