using System.Globalization;
using System.Text;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// The callback_data of the alert buttons, at most 64 bytes as Telegram requires: <c>ack:&lt;incident&gt;</c>,
/// <c>mute:&lt;endpoint&gt;:&lt;minutes&gt;</c>, and <c>mutei:&lt;incident&gt;:&lt;minutes&gt;</c> for endpoint ids
/// too long for the second form. Incident ids are written as 32 hex digits.
/// </summary>
public sealed record CallbackData(CallbackAction Action, Guid? IncidentId, string? EndpointId, int Minutes)
{
    public const int MaxBytes = 64;

    private const string AckPrefix = "ack:";
    private const string MutePrefix = "mute:";
    private const string MuteByIncidentPrefix = "mutei:";

    public static string Acknowledge(Guid incidentId) => AckPrefix + incidentId.ToString("N");

    public static string Mute(string endpointId, Guid incidentId, int minutes)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpointId);

        var byEndpoint = string.Create(CultureInfo.InvariantCulture, $"{MutePrefix}{endpointId}:{minutes}");
        return Encoding.UTF8.GetByteCount(byEndpoint) <= MaxBytes
            ? byEndpoint
            : string.Create(CultureInfo.InvariantCulture, $"{MuteByIncidentPrefix}{incidentId:N}:{minutes}");
    }

    /// <summary>Parses button data, or returns null for data that no hub button carries.</summary>
    public static CallbackData? Parse(string? data)
    {
        if (string.IsNullOrEmpty(data) || Encoding.UTF8.GetByteCount(data) > MaxBytes)
        {
            return null;
        }

        if (data.StartsWith(AckPrefix, StringComparison.Ordinal))
        {
            return Guid.TryParseExact(data[AckPrefix.Length..], "N", out var incidentId)
                ? new CallbackData(CallbackAction.Acknowledge, incidentId, null, 0)
                : null;
        }

        if (data.StartsWith(MuteByIncidentPrefix, StringComparison.Ordinal))
        {
            return ParseMute(data[MuteByIncidentPrefix.Length..], byIncident: true);
        }

        return data.StartsWith(MutePrefix, StringComparison.Ordinal)
            ? ParseMute(data[MutePrefix.Length..], byIncident: false)
            : null;
    }

    private static CallbackData? ParseMute(string rest, bool byIncident)
    {
        var separator = rest.LastIndexOf(':');
        if (separator <= 0
            || !int.TryParse(rest[(separator + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            || minutes is < 1 or > 7 * 24 * 60)
        {
            return null;
        }

        var target = rest[..separator];
        if (!byIncident)
        {
            return new CallbackData(CallbackAction.Mute, null, target, minutes);
        }

        return Guid.TryParseExact(target, "N", out var incidentId)
            ? new CallbackData(CallbackAction.Mute, incidentId, null, minutes)
            : null;
    }
}
